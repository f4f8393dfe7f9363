// A real OpenID provider (oidc-provider, certified) standing in for the
// organisation's IdP in tests. Its login page lets the test say who signs in
// and with which groups; submitting it finishes the interaction (login and
// consent) programmatically, as a real IdP would after checking a password.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

interface TestAccount {
  /** The IdP's stable name for the account: the login form's `sub`, else one derived from the email. */
  sub: string;
  email: string;
  name: string;
  groups: string[];
  emailVerified: boolean;
}

// The account id carries the claims, so the provider needs no user store; `sub` stays the same
// across sign-ins with other groups, as a real IdP's does.
const encodeAccount = (account: TestAccount) => Buffer.from(JSON.stringify(account)).toString("base64url");
const decodeAccount = (id: string) => JSON.parse(Buffer.from(id, "base64url").toString()) as TestAccount;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, clientId: string): string {
  return `<!doctype html><html><head><title>Test IdP sign-in</title></head><body>
<h1>Test IdP</h1><p>Signing in to ${escapeHtml(clientId)}</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Email <input name="email" type="email"></label>
<label>Name <input name="name"></label>
<label>Groups <input name="groups" placeholder="comma-separated"></label>
<label><input type="checkbox" name="emailVerified" value="true" checked> Email verified</label>
<button type="submit">Continue</button>
</form></body></html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

export async function startTestIdp(options: { port: number; redirectUri: string }): Promise<TestIdp> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const clientId = "portcullis-console";
  const clientSecret = randomBytes(24).toString("base64url");
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [options.redirectUri], grant_types: ["authorization_code"], response_types: ["code"] }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "test-idp", alg: "RS256", use: "sig" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    scopes: ["openid", "email", "profile", "groups"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const account = decodeAccount(id);
      return {
        accountId: id,
        claims: () => ({ sub: account.sub, email: account.email, email_verified: account.emailVerified, name: account.name, groups: account.groups }),
      };
    },
  });
  const serveProvider = provider.callback();

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- Koa's handler never rejects; the rest is inside try
  const server = http.createServer(async (req, res) => {
    const match = /^\/interaction\/([^/?]+)(\/login)?/.exec(req.url ?? "");
    if (!match) return serveProvider(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      const clientOf = String(details.params.client_id);
      if (!match[2]) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(loginPage(details.uid, clientOf));
        return;
      }
      const form = await readForm(req);
      const email = form.get("email") ?? "";
      const accountId = encodeAccount({
        sub: form.get("sub") || `test-idp:${email.trim().toLowerCase()}`,
        email,
        name: form.get("name") ?? "",
        groups: (form.get("groups") ?? "")
          .split(",")
          .map((g) => g.trim())
          .filter(Boolean),
        emailVerified: form.get("emailVerified") === "true",
      });
      const grant = new provider.Grant({ accountId, clientId: clientOf });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (error) {
      res.writeHead(400, { "content-type": "text/plain" }).end(`test IdP: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
