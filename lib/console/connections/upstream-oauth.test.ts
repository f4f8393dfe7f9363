// The console's OAuth client against the upstream stand-in (a real HTTP server).
import { createHash } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstreamOAuthServer, type UpstreamOAuthServer } from "../../../test/support/upstream-oauth-server";
import { findFreePort } from "../../net/ports";
import type { OAuthAccount } from "./account";
import { authorizationUrl, exchangeCode, GrantRefused, pkcePair, refreshTokens, revokeAtUpstream, UpstreamUnavailable } from "./upstream-oauth";

let upstream: UpstreamOAuthServer;
let account: OAuthAccount;
const REDIRECT = "http://127.0.0.1:3000/api/connections/callback";

beforeAll(async () => {
  upstream = await startUpstreamOAuthServer();
  account = {
    kind: "oauth",
    authorize_url: upstream.authorizeUrl,
    token_url: upstream.tokenUrl,
    client_id: upstream.clientId,
    client_secret: "{vault://portcullis/x}",
    scopes: ["repo", "read:user"],
    revocation_url: upstream.revocationUrl,
  };
});
afterAll(() => upstream.close());

/** The user's consent at the stand-in: the code it sends back to the redirect URI. */
async function consent(challenge: string): Promise<string> {
  const response = await fetch(authorizationUrl(account, { redirectUri: REDIRECT, state: "s", challenge }), { redirect: "manual" });
  return new URL(response.headers.get("location")!).searchParams.get("code")!;
}

describe("the console as the upstream's OAuth client", () => {
  it("asks for the code with PKCE S256, the scopes and the exact redirect URI", () => {
    const { verifier, challenge } = pkcePair();
    expect(challenge).toBe(createHash("sha256").update(verifier).digest("base64url"));
    const url = new URL(authorizationUrl(account, { redirectUri: REDIRECT, state: "the-state", challenge }));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: upstream.clientId,
      redirect_uri: REDIRECT,
      scope: "repo read:user",
      state: "the-state",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
  });

  it("exchanges the code with the verifier, refreshes with rotation, and tells a refused grant from a down upstream", async () => {
    const { verifier, challenge } = pkcePair();
    const now = new Date("2026-12-04T10:00:00Z");
    const tokens = await exchangeCode(account, upstream.clientSecret, { code: await consent(challenge), verifier, redirectUri: REDIRECT }, now);
    expect(tokens).toMatchObject({ accessToken: upstream.issuedAccessTokens.at(-1), scopes: ["repo", "read:user"], expiresAt: new Date(now.getTime() + 3600_000) });
    const renewed = await refreshTokens(account, upstream.clientSecret, tokens.refreshToken!);
    expect(renewed.refreshToken).not.toBe(tokens.refreshToken);
    // The spent refresh token is refused as a grant, not as an outage.
    await expect(refreshTokens(account, upstream.clientSecret, tokens.refreshToken!)).rejects.toBeInstanceOf(GrantRefused);
    expect(await revokeAtUpstream(account, upstream.clientSecret, { value: renewed.refreshToken!, hint: "refresh_token" })).toBe(true);
    await expect(refreshTokens(account, upstream.clientSecret, renewed.refreshToken!)).rejects.toThrow(/invalid_grant/);
  });

  it("refuses a code without the right verifier", async () => {
    const { challenge } = pkcePair();
    await expect(exchangeCode(account, upstream.clientSecret, { code: await consent(challenge), verifier: pkcePair().verifier, redirectUri: REDIRECT })).rejects.toBeInstanceOf(
      GrantRefused,
    );
  });

  it("reports an unreachable or misbehaving token endpoint as unavailable", async () => {
    const down = { ...account, token_url: `http://127.0.0.1:${await findFreePort()}/token` };
    await expect(refreshTokens(down, upstream.clientSecret, "r")).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(refreshTokens(account, "wrong-secret", "r")).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(refreshTokens({ ...account, token_url: upstream.mcpUrl.replace("/mcp", "/nowhere") }, upstream.clientSecret, "r")).rejects.toBeInstanceOf(UpstreamUnavailable);
  });

  it("takes the application's own misconfiguration (unauthorized_client) as an unavailable upstream, not one user's refused grant", async () => {
    const misconfigured = http.createServer((_req, res) => res.writeHead(400, { "content-type": "application/json" }).end('{"error":"unauthorized_client"}'));
    await new Promise<void>((resolve) => misconfigured.listen(0, "127.0.0.1", resolve));
    const { port } = misconfigured.address() as { port: number };
    try {
      await expect(refreshTokens({ ...account, token_url: `http://127.0.0.1:${port}/token` }, upstream.clientSecret, "r")).rejects.toBeInstanceOf(UpstreamUnavailable);
    } finally {
      misconfigured.close();
    }
  });
});
