import { createGroup, listGroups } from "@/lib/console/groups";
import { route } from "@/lib/console/route";
import { groupInputSchema } from "@/lib/console/schemas/group";

export const GET = route({ roles: ["admin", "viewer"] }, async () => ({ groups: await listGroups() }));

export const POST = route({ roles: ["admin"], body: groupInputSchema }, async ({ user, body }) => ({ group: await createGroup(user, body) }));
