import { route } from "@/lib/console/route";
import { secretCreateSchema } from "@/lib/console/schemas/secret";
import { createSecret, listSecrets } from "@/lib/console/vault/secrets";

// Names, versions and uses only: no endpoint returns a secret's value.
export const GET = route({ roles: ["admin"] }, async () => ({ secrets: await listSecrets() }));

export const POST = route({ roles: ["admin"], body: secretCreateSchema }, async ({ user, body }) => ({ secret: await createSecret(user, body) }));
