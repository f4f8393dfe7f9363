// oidc-provider's grants, as the console revokes them outside the provider: a
// grant with its authorization codes and refresh tokens (what revokeByGrantId
// deletes), for every grant of one client or of one account (a consumer's
// username, the grants' `accountId`).
import type { Prisma } from "../generated/prisma/client";

export const GRANT_MODEL = "Grant";

export async function revokeGrants(tx: Prisma.TransactionClient, of: { clientId: string } | { accountId: string }): Promise<number> {
  const [key, value] = "clientId" in of ? ["clientId", of.clientId] : ["accountId", of.accountId];
  const grants = await tx.oAuthRecord.findMany({ where: { model: GRANT_MODEL, payload: { path: [key], equals: value } }, select: { id: true } });
  const ids = grants.map((g) => g.id);
  if (ids.length === 0) return 0;
  await tx.oAuthRecord.deleteMany({ where: { OR: [{ grantId: { in: ids } }, { model: GRANT_MODEL, id: { in: ids } }] } });
  return ids.length;
}

/** revokeGrants for each of several accounts (the consumers a person acts as, or those an import removes). */
export async function revokeAccountsGrants(tx: Prisma.TransactionClient, accountIds: readonly string[]): Promise<number> {
  let revoked = 0;
  for (const accountId of accountIds) revoked += await revokeGrants(tx, { accountId });
  return revoked;
}
