import { route } from "@/lib/console/route";
import { hcvBackendInputSchema } from "@/lib/console/schemas/vault-backend";
import { deleteHcvBackend, getHcvBackend, saveHcvBackend } from "@/lib/console/vault/backends";

export const GET = route({ roles: ["admin"] }, async () => ({ settings: (await getHcvBackend()) ?? null }));

export const PUT = route({ roles: ["admin"], body: hcvBackendInputSchema }, async ({ user, body }) => ({ settings: await saveHcvBackend(user, body) }));

export const DELETE = route({ roles: ["admin"] }, async ({ user }) => {
  await deleteHcvBackend(user);
});
