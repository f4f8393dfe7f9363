import { route } from "@/lib/console/route";
import { secretRotateSchema } from "@/lib/console/schemas/secret";
import { deleteSecret, rotateSecret } from "@/lib/console/vault/secrets";

/** Rotates: a new value, version + 1. */
export const PUT = route({ roles: ["admin"], body: secretRotateSchema }, async ({ user, body, params }) => ({ secret: await rotateSecret(user, params.id!, body) }));

export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  await deleteSecret(user, params.id!);
});
