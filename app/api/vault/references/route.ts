import { route } from "@/lib/console/route";
import { listReferencesInUse } from "@/lib/console/vault/secrets";

export const GET = route({ roles: ["admin"] }, async () => ({ references: await listReferencesInUse() }));
