import { SELF_SERVICE_ROLES } from "@/lib/auth/roles";
import { createOwnConsumer } from "@/lib/console/consumers";
import { route } from "@/lib/console/route";

/** My keys on a first visit: the developer's own consumer, created when the admins allow it (idempotent). */
export const POST = route({ roles: SELF_SERVICE_ROLES }, async ({ user }) => createOwnConsumer(user));
