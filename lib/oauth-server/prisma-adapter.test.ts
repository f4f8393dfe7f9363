// oidc-provider's storage on a real database: a code or refresh token is
// consumed once. Two token requests with one refresh token (or one code) at
// once both pass oidc-provider's "already consumed" check before either
// consumes it; the one that loses the consume is the reuse oidc-provider
// answers: invalid_grant, and the grant revoked with what was issued under it.
import { errors } from "oidc-provider";
import { describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { PrismaOAuthAdapter } from "./prisma-adapter";

const ctx = useConsoleDatabase();

async function grantWith(grantId: string) {
  await new PrismaOAuthAdapter("Grant").upsert(grantId, { jti: grantId, accountId: "dana@example.com", clientId: "c" }, 3600);
  await new PrismaOAuthAdapter("RefreshToken").upsert(`rt-${grantId}`, { jti: `rt-${grantId}`, grantId, clientId: "c" }, 3600);
  await new PrismaOAuthAdapter("AuthorizationCode").upsert(`code-${grantId}`, { jti: `code-${grantId}`, grantId, clientId: "c" }, 60);
}

describe("consuming a code or refresh token", () => {
  it("two consumes at once: one goes on, the other fails with invalid_grant and revokes the grant", async () => {
    await grantWith("g1");
    await grantWith("g2");
    const tokens = new PrismaOAuthAdapter("RefreshToken");
    const outcomes = await Promise.allSettled([tokens.consume("rt-g1"), tokens.consume("rt-g1")]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const [refused] = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
    expect(refused).toBeInstanceOf(errors.InvalidGrant);
    expect(refused).toMatchObject({ error: "invalid_grant", error_description: "grant request is invalid" });
    // The grant and everything issued under it is gone; another grant is untouched.
    expect(await ctx.db.oAuthRecord.findMany({ where: { OR: [{ grantId: "g1" }, { id: "g1" }] } })).toEqual([]);
    expect(await ctx.db.oAuthRecord.count({ where: { OR: [{ grantId: "g2" }, { id: "g2" }] } })).toBe(3);
  });

  it("a code consumed after another request consumed it is refused the same way", async () => {
    await grantWith("g3");
    const codes = new PrismaOAuthAdapter("AuthorizationCode");
    await codes.consume("code-g3");
    expect((await codes.find("code-g3"))?.consumed).toEqual(expect.any(Number));
    await expect(codes.consume("code-g3")).rejects.toMatchObject({ error: "invalid_grant", error_detail: "authorization code already consumed" });
    expect(await new PrismaOAuthAdapter("Grant").find("g3")).toBeUndefined();
    expect(await new PrismaOAuthAdapter("RefreshToken").find("rt-g3")).toBeUndefined();
  });
});
