// The compiled configuration's `authorization_server`: the issuer and public
// keys the gateways validate sign_in tokens with, and the MCP clients an admin
// blocked. The issuer is recorded by the console (which knows its public URL)
// so every process that compiles — the launcher at start included — produces
// the same document.
import type { AuthorizationServerConfig } from "../core/config/schema";
import { consoleMasterKey } from "../console/vault/master-key";
import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { blockedClientIds } from "./clients";
import { authorizationServerIssuer } from "./settings";
import { publishedJwks, rotateSigningKeys } from "./signing-keys";

type Tx = Db | Prisma.TransactionClient;

const ISSUER_SETTING = "oauth.issuer";

/** Before a sign_in route is written, and when the provider loads: the issuer recorded, a key made or rotated. True when either changed. */
export async function prepareAuthorizationServer(tx: Tx): Promise<boolean> {
  const issuer = authorizationServerIssuer(process.env);
  const recorded = await tx.setting.findUnique({ where: { key: ISSUER_SETTING }, select: { value: true } });
  if (recorded?.value !== issuer) await tx.setting.upsert({ where: { key: ISSUER_SETTING }, create: { key: ISSUER_SETTING, value: issuer }, update: { value: issuer } });
  const rotated = await rotateSigningKeys(tx, consoleMasterKey());
  return rotated || recorded?.value !== issuer;
}

export async function authorizationServerSection(tx: Tx, now = new Date()): Promise<AuthorizationServerConfig | undefined> {
  const issuer = await tx.setting.findUnique({ where: { key: ISSUER_SETTING }, select: { value: true } });
  const keys = await publishedJwks(tx, now);
  if (typeof issuer?.value !== "string" || keys.length === 0) return undefined;
  return { issuer: issuer.value, jwks: { keys: keys as AuthorizationServerConfig["jwks"]["keys"] }, blocked_clients: await blockedClientIds(tx) };
}
