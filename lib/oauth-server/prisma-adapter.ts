// oidc-provider's storage (its Adapter interface) in the console's database:
// one OAuthRecord row per model and id. Sessions, interactions, codes, grants
// and dynamically registered clients survive a console restart and are shared
// by every console process. JWT access tokens are not stored (the gateways
// validate them by signature). Expired rows are pruned by pruneOAuthRecords.
import { errors, type Adapter, type AdapterPayload } from "oidc-provider";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { CLIENT_MODEL, recordRegisteredClient } from "./clients";

/** Models whose records are looked up by grant when a grant is revoked. */
const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode", "BackchannelAuthenticationRequest"]);

/** What oidc-provider answers when it finds one of these already consumed (lib/helpers/grant_source.js, refresh_token.js). */
const ALREADY_USED: Record<string, string> = {
  AuthorizationCode: "authorization code already consumed",
  RefreshToken: "refresh token already used",
  DeviceCode: "device code already consumed",
  BackchannelAuthenticationRequest: "backchannel authentication request already consumed",
  PreAuthorizedCode: "pre-authorized code already consumed",
};

export class PrismaOAuthAdapter implements Adapter {
  constructor(private readonly model: string) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    const data = {
      payload: payload as Prisma.InputJsonValue,
      grantId: GRANTABLE.has(this.model) ? (payload.grantId ?? null) : null,
      uid: payload.uid ?? null,
      userCode: payload.userCode ?? null,
      expiresAt,
    };
    const store = (tx: Prisma.TransactionClient) =>
      tx.oAuthRecord.upsert({ where: { model_id: { model: this.model, id } }, create: { model: this.model, id, ...data }, update: data });
    if (this.model !== CLIENT_MODEL) {
      await store(db());
      return;
    }
    // Clients are stored only by dynamic registration: recorded for the MCP clients page in the same transaction.
    await db().$transaction(async (tx) => {
      await store(tx);
      await recordRegisteredClient(tx, id, payload);
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await db().oAuthRecord.findUnique({ where: { model_id: { model: this.model, id } } });
    return row ? live(row) : undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const row = await db().oAuthRecord.findFirst({ where: { model: this.model, uid } });
    return row ? live(row) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const row = await db().oAuthRecord.findFirst({ where: { model: this.model, userCode } });
    return row ? live(row) : undefined;
  }

  /**
   * Consumes a code or refresh token once. oidc-provider checks `consumed` before it calls this, so two
   * requests with one code or refresh token at once would both pass its check: only the request whose
   * update changes the row goes on. The other is the reuse oidc-provider itself answers (RFC 9700 4.14.2):
   * the grant is revoked with everything issued under it, and the request fails with invalid_grant.
   */
  async consume(id: string): Promise<void> {
    const { count } = await db().oAuthRecord.updateMany({ where: { model: this.model, id, consumedAt: null }, data: { consumedAt: new Date() } });
    if (count === 1) return;
    if (this.model === "PushedAuthorizationRequest") throw new errors.InvalidRequestUri("request_uri is invalid, expired, or was already used");
    const row = await db().oAuthRecord.findUnique({ where: { model_id: { model: this.model, id } }, select: { grantId: true, payload: true } });
    const grantId = row?.grantId ?? (row?.payload as AdapterPayload | undefined)?.grantId;
    if (grantId) await db().oAuthRecord.deleteMany({ where: { OR: [{ grantId }, { model: "Grant", id: grantId }] } });
    throw new errors.InvalidGrant(ALREADY_USED[this.model] ?? `${this.model} already consumed`);
  }

  async destroy(id: string): Promise<void> {
    await db().oAuthRecord.deleteMany({ where: { model: this.model, id } });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await db().oAuthRecord.deleteMany({ where: { grantId } });
  }
}

function live(row: { payload: Prisma.JsonValue; expiresAt: Date | null; consumedAt: Date | null }): AdapterPayload | undefined {
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return undefined;
  const payload = row.payload as AdapterPayload;
  return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
}

/** Deletes records that have expired; returns how many. */
export async function pruneOAuthRecords(now = new Date()): Promise<number> {
  const { count } = await db().oAuthRecord.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
