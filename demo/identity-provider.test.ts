// The demo IdP as the console's single sign-on: its confidential web client
// signs a person in on the login page, and the groups of the account reach
// the client (ID token and userinfo), as the console needs to map them to
// consumer groups.
import { afterAll, beforeAll, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { followAuthorization } from "./headless-oauth";
import { startIdentityProvider, type IdentityProvider } from "./identity-provider";

const web = { id: "console", secret: "console-sso-secret-1", redirectUris: ["http://localhost:3999/api/auth/callback/oidc"] };
const account = { id: "dana", password: "dana-password-1", name: "Dana Developer", email: "dana@example.com", groups: ["developer"] };
let idp: IdentityProvider;

beforeAll(async () => {
  idp = await startIdentityProvider({ accounts: [account], webClient: web });
});
afterAll(() => idp?.close());

it("signs a person in to the web client with a password and names their groups in the ID token and at userinfo", async () => {
  const metadata = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string; userinfo_endpoint: string };
  const start = new URL(metadata.authorization_endpoint);
  start.search = new URLSearchParams({
    client_id: web.id,
    redirect_uri: web.redirectUris[0]!,
    response_type: "code",
    scope: "openid email profile groups",
    state: "s1",
  }).toString();
  const code = await followAuthorization(start, { redirectUri: web.redirectUris[0]!, credentials: { username: account.id, password: account.password } });

  const unauthenticated = await fetch(idp.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: web.redirectUris[0]!, client_id: web.id }),
  });
  expect(unauthenticated.status).toBe(401);

  const answered = await fetch(idp.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${web.id}:${web.secret}`).toString("base64")}` },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: web.redirectUris[0]! }),
  });
  const tokens = (await answered.json()) as { id_token: string; access_token: string };
  expect(answered.status, JSON.stringify(tokens)).toBe(200);
  const userinfo = await (await fetch(metadata.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json();
  expect(userinfo).toMatchObject({ sub: account.id, email: account.email, name: account.name, groups: ["developer"] });
  expect(decodeJwt(tokens.id_token)).toMatchObject({ sub: account.id, aud: web.id });
});
