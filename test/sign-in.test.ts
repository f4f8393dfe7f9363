// Sign in with Portcullis, end to end with real processes: the console (next
// start on PostgreSQL) as the MCP authorization server, single sign-on at a
// real OpenID provider (e2e/support/oidc-idp.ts), a gateway connected to the
// console, an MCP upstream, and the MCP SDK client's own OAuth support. A
// client identified by a Client ID Metadata Document and one that registers
// itself (RFC 7591) each sign in, list exactly their group's tools and call
// one; then what the authorization server and the gateway refuse; the MCP
// clients page's API: a pre-registered client, blocking one, and dynamic
// registration subject to an admin's approval.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { HeadlessOAuthProvider } from "../demo/headless-oauth";
import { signInToConsole, type ConsoleSession } from "../demo/console-session";
import { startTestIdp, type TestIdp } from "../e2e/support/oidc-idp";
import { fakeMcpServer } from "../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "../gateway/test/support/recording-upstream";
import { hashPassword } from "../lib/auth/password";
import { publishConfigVersion } from "../lib/controlplane/versions";
import type { Db } from "../lib/db/client";
import { findFreePort } from "../lib/net/ports";
import type { OAuthClientView } from "../lib/oauth-server/clients";
import { configurationApplied, createConsoleDatabase, importConfig, registerDataPlane } from "./support/console-api";
import { createTestDatabase, type TestDatabase } from "./support/database";
import { startConsole, startGateway, type ConsoleProcess, type GatewayProcess } from "./support/product-processes";
import { signInBrowser, type IdpUser } from "./support/sign-in-browser";
import { startUpstreamOAuthServer, type UpstreamOAuthServer } from "./support/upstream-oauth-server";

const ROOT = path.resolve(import.meta.dirname, "..");
const baseDir = path.join(ROOT, ".portcullis/test", `sign-in-${randomBytes(4).toString("hex")}`);
const masterKey = randomBytes(32).toString("hex");
const admin = { email: "sign-in-admin@example.com", password: randomBytes(12).toString("base64url") };
const REDIRECT_URI = "http://127.0.0.1:53682/callback";
const STORED_CREDENTIAL = "stored-upstream-credential";

let database: TestDatabase;
let db: Db;
let upstream: RecordingUpstream;
let ownAccounts: UpstreamOAuthServer;
let idp: TestIdp;
let cp: ConsoleProcess;
let gateway: GatewayProcess;
let session: ConsoleSession;
let documents: https.Server;
let documentsUrl: string;
let consoleOptions: Parameters<typeof startConsole>[0];

const DEVELOPER: IdpUser = { email: "dana@example.com", name: "Dana", groups: ["developer", "not-a-consumer-group"] };
const OPERATOR: IdpUser = { email: "omar@example.com", name: "Omar", groups: ["operator"] };

/** Client ID Metadata Documents, served over https as the specification requires. */
async function startDocumentServer(): Promise<{ server: https.Server; url: string; caFile: string }> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  const caFile = path.join(baseDir, "documents-ca.pem");
  fs.mkdirSync(baseDir, { recursive: true });
  fs.writeFileSync(caFile, pems.cert);
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}${req.url}`;
    const document = {
      client_id: url,
      client_name: "Metadata document agent",
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code"],
      response_types: ["code"],
    };
    if (req.url === "/agent.json") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(document));
    if (req.url === "/blockable.json")
      return res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ...document, client_name: "Blockable agent", grant_types: ["authorization_code", "refresh_token"] }));
    if (req.url === "/unseen.json") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ...document, client_name: "Unseen agent" }));
    if (req.url === "/oversized.json") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ...document, padding: "x".repeat(6 * 1024) }));
    if (req.url === "/someone-else.json")
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ...document, client_id: "https://elsewhere.example/agent.json" }));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caFile };
}

function configYaml(gatewayUrl: string) {
  const acl = (tools: Record<string, string[]>) => ({ default: { deny: ["*"] }, tools: Object.entries(tools).map(([name, allow]) => ({ name, allow })) });
  return stringify({
    version: 1,
    gateway: { public_url: gatewayUrl },
    consumer_groups: [{ name: "developer" }, { name: "operator" }],
    servers: [
      {
        name: "github",
        path: "/github",
        upstream: upstream.url,
        auth: { mode: "sign_in" },
        upstream_headers: { Authorization: `Bearer ${STORED_CREDENTIAL}` },
        acl: acl({ search_repositories: ["developer"], create_issue: ["developer"], push_files: ["operator"] }),
      },
      { name: "other", path: "/other", upstream: upstream.url, auth: { mode: "sign_in" }, acl: acl({ get_me: ["developer", "operator"] }) },
      { name: "keyed", path: "/keyed", upstream: upstream.url, auth: { mode: "passthrough" } },
      // Each user's own upstream account (the GitHub pattern without an OAuth app per client).
      {
        name: "own",
        path: "/own",
        upstream: ownAccounts.mcpUrl,
        auth: { mode: "sign_in" },
        upstream_credential: { per_user: {} },
        acl: acl({ get_me: ["developer"], search_repositories: ["operator"] }),
      },
    ],
  });
}

/** The admin registers the upstream's OAuth application once for the "own" server. */
async function connectUpstreamApplication() {
  const secret = await session.json("POST", "/api/vault/secrets", { name: "own-client-secret", value: ownAccounts.clientSecret });
  expect(secret.status, JSON.stringify(secret.body)).toBeLessThan(300);
  const own = await db.mcpServer.findUniqueOrThrow({ where: { name: "own" } });
  const saved = await session.json("PUT", `/api/servers/${own.id}/upstream-account`, {
    account: {
      kind: "oauth",
      authorize_url: ownAccounts.authorizeUrl,
      token_url: ownAccounts.tokenUrl,
      client_id: ownAccounts.clientId,
      client_secret: "{vault://portcullis/own-client-secret}",
      scopes: ["repo", "read:user"],
    },
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

beforeAll(async () => {
  ({ database, db } = await createConsoleDatabase([{ email: admin.email, role: "admin" }], admin.password));
  upstream = await startRecordingUpstream(fakeMcpServer);
  ownAccounts = await startUpstreamOAuthServer();
  const docs = await startDocumentServer();
  documents = docs.server;
  documentsUrl = docs.url;
  const consolePort = await findFreePort();
  const consoleUrl = `http://127.0.0.1:${consolePort}`;
  idp = await startTestIdp({ port: await findFreePort(), redirectUri: `${consoleUrl}/api/auth/callback/oidc` });
  consoleOptions = {
    databaseUrl: database.url,
    dataDir: path.join(baseDir, "console"),
    masterKey,
    port: consolePort,
    extraEnv: {
      PORTCULLIS_OIDC_ISSUER: idp.issuer,
      PORTCULLIS_OIDC_CLIENT_ID: idp.clientId,
      PORTCULLIS_OIDC_CLIENT_SECRET: idp.clientSecret,
      PORTCULLIS_OIDC_SCOPES: "openid email profile groups",
      PORTCULLIS_OIDC_DEFAULT_ROLE: "developer",
      PORTCULLIS_OAUTH_CIMD_PRIVATE_ADDRESSES: "allow",
      NODE_EXTRA_CA_CERTS: docs.caFile,
    },
  };
  cp = await startConsole(consoleOptions);
  session = await signInToConsole(cp.url, admin.email, admin.password);
  gateway = await startGateway({ cpUrl: cp.url, token: await registerDataPlane(session, "dp"), dataDir: path.join(baseDir, "dp"), masterKey });
  await importConfig(session, configYaml(gateway.url));
  await connectUpstreamApplication();
  const version = (await db.configVersion.findFirstOrThrow({ orderBy: { number: "desc" } })).number;
  await gateway.waitFor(configurationApplied(version));
}, 600_000);

afterAll(async () => {
  await gateway?.stop();
  await cp?.stop();
  await idp?.close();
  await upstream?.close();
  await ownAccounts?.close();
  await new Promise((resolve) => documents?.close(resolve));
  await db?.$disconnect();
  await database?.drop();
  fs.rmSync(baseDir, { recursive: true, force: true });
});

/** The SDK client's flow: 401 → PRM → AS metadata → (registration) → PKCE → the browser → code → token → connect. */
async function signIn(serverUrl: string, user: IdpUser, clientId?: string) {
  const provider = new HeadlessOAuthProvider({ clientId, redirectUri: REDIRECT_URI });
  const first = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider });
  await expect(new Client({ name: "sign-in-test", version: "1.0.0" }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const browser = signInBrowser(cp.url, user);
  const landed = await browser.authorize(provider.authorizationUrl!, REDIRECT_URI);
  expect(landed.searchParams.get("error"), landed.href).toBeNull();
  expect(landed.searchParams.get("iss")).toBe(`${cp.url}/api/oauth`);
  await first.finishAuth(landed.searchParams.get("code")!);
  const client = new Client({ name: "sign-in-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider }));
  return { client, provider, accessToken: provider.tokens()!.access_token, consentPage: browser.consentPages.at(-1)! };
}

/** Every page of tools/list (the upstream lists two), sorted. */
async function toolNames(client: Client): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor });
    names.push(...page.tools.map((t) => t.name));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return names.sort();
}

describe("signing in with only the route URL", () => {
  it("a client identified by a metadata document signs in, lists exactly its group's tools and calls one; the upstream never sees the token", async () => {
    const before = upstream.requests.length;
    const { client, provider, accessToken, consentPage } = await signIn(`${gateway.url}/github`, DEVELOPER, `${documentsUrl}/agent.json`);
    // The consent page says where the code goes, and that a metadata document names itself.
    expect(consentPage).toMatch(/takes the sign-in code to http:\/\/127\.0\.0\.1:53682 \(an app on this computer\)/);
    expect(consentPage).toContain("named by its own metadata document");
    expect(provider.authorizationUrl!.searchParams.get("code_challenge_method")).toBe("S256");
    expect(provider.authorizationUrl!.searchParams.get("resource")).toBe(`${gateway.url}/github`);
    expect(await toolNames(client)).toEqual(["create_issue", "search_repositories"]);
    expect(JSON.stringify((await client.callTool({ name: "search_repositories", arguments: {} })).content)).toContain("called search_repositories");
    await expect(client.callTool({ name: "push_files", arguments: {} })).rejects.toMatchObject({ code: -32602 });
    const seen = upstream.requests.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) expect(request.headers.authorization).toBe(`Bearer ${STORED_CREDENTIAL}`);
    expect(JSON.stringify(seen.map((r) => [r.headers, r.body]))).not.toContain(accessToken);
    // The consumer was made for the user, in the consumer group their IdP group names.
    const consumer = await db.consumer.findUniqueOrThrow({ where: { username: DEVELOPER.email }, include: { groups: { include: { group: true } }, owner: true } });
    expect(consumer.groups.map((m) => m.group.name)).toEqual(["developer"]);
    expect(consumer.owner?.email).toBe(DEVELOPER.email);
    await client.close();
  });

  it("a client that registers itself (RFC 7591) signs in as another user and gets that user's group's tools", async () => {
    const { client, provider, consentPage } = await signIn(`${gateway.url}/github`, OPERATOR);
    expect(provider.clientInformation()?.client_id).toBeTruthy();
    // Consent phishing: whoever registers a client picks its name ("Claude"); the page says where the code goes.
    expect(consentPage).toMatch(/takes the sign-in code to http:\/\/127\.0\.0\.1:53682 \(an app on this computer\)/);
    expect(consentPage).toMatch(
      /This client registered itself: its name is whatever the one who registered it chose, so it proves nothing — the code goes to http:\/\/127\.0\.0\.1:53682/,
    );
    expect(provider.clientInformation()?.client_id).not.toContain("https://");
    expect(await toolNames(client)).toEqual(["push_files"]);
    expect(JSON.stringify((await client.callTool({ name: "push_files", arguments: {} })).content)).toContain("called push_files");
    await client.close();
    // Registered for the refresh_token grant: a refresh gives a new access token for the same route.
    const refreshed = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: provider.tokens()!.refresh_token!,
      client_id: provider.clientInformation()!.client_id,
      resource: `${gateway.url}/github`,
    });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    const listed = await fetch(`${gateway.url}/github`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${refreshed.body.access_token}` },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(listed.status).toBe(200);
  });
});

describe("each user's own upstream account", () => {
  const login = (text: string) => (JSON.parse(text) as { login: string }).login;
  const firstText = (result: Awaited<ReturnType<Client["callTool"]>>) => (result.content as { text: string }[])[0]!.text;

  it("a metadata-document client signs in, consents once at the upstream, and calls it as the user, with the user's own token", async () => {
    ownAccounts.consentAs = "dana-gh";
    const consents = ownAccounts.authorizeRequests.length;
    const { client, accessToken } = await signIn(`${gateway.url}/own`, DEVELOPER, `${documentsUrl}/agent.json`);
    expect(ownAccounts.authorizeRequests.length, "the sign-in went through the upstream's consent").toBe(consents + 1);
    expect(await toolNames(client)).toEqual(["get_me"]);
    expect(login(firstText(await client.callTool({ name: "get_me", arguments: {} })))).toBe("dana-gh");
    expect(ownAccounts.bearerTokens.length).toBeGreaterThan(0);
    for (const bearer of ownAccounts.bearerTokens) expect(ownAccounts.issuedAccessTokens).toContain(bearer);
    expect(ownAccounts.bearerTokens).not.toContain(accessToken);
    await client.close();
  });

  it("a self-registered client signs in as another user, who consents once too, and gets their own group's tools as themselves", async () => {
    ownAccounts.consentAs = "omar-gh";
    const consents = ownAccounts.authorizeRequests.length;
    const { client, accessToken } = await signIn(`${gateway.url}/own`, OPERATOR);
    expect(ownAccounts.authorizeRequests.length).toBe(consents + 1);
    expect(await toolNames(client)).toEqual(["search_repositories"]);
    expect(login(firstText(await client.callTool({ name: "search_repositories", arguments: { query: "x" } })))).toBe("omar-gh");
    expect(ownAccounts.bearerTokens).not.toContain(accessToken);
    await client.close();
  });

  it("a connected user signing in again is not sent to the upstream again", async () => {
    const consents = ownAccounts.authorizeRequests.length;
    const { client } = await signIn(`${gateway.url}/own`, DEVELOPER);
    expect(ownAccounts.authorizeRequests.length).toBe(consents);
    expect(login(firstText(await client.callTool({ name: "get_me", arguments: {} })))).toBe("dana-gh");
    await client.close();
  });

  it("after the upstream revokes the grant, a call answers a clear error with the reconnect link; reconnecting works", async () => {
    ownAccounts.consentAs = "dana-gh";
    const { client } = await signIn(`${gateway.url}/own`, DEVELOPER, `${documentsUrl}/agent.json`);
    ownAccounts.revokeGrantsOf("dana-gh");
    const refused = await client.callTool({ name: "get_me", arguments: {} }).then(
      () => undefined,
      (error: unknown) => error as { code: number; message: string },
    );
    expect(refused?.code).toBe(-32042);
    expect(refused?.message).toContain(`${cp.url}/connections/own/connect`);
    const connection = await db.upstreamConnection.findFirstOrThrow({ where: { consumer: { username: DEVELOPER.email }, server: { name: "own" } } });
    expect(connection.status).toBe("broken");
    // Signing in again goes through the upstream's consent again; then the first client works too.
    const consents = ownAccounts.authorizeRequests.length;
    const again = await signIn(`${gateway.url}/own`, DEVELOPER);
    expect(ownAccounts.authorizeRequests.length).toBe(consents + 1);
    expect(login(firstText(await again.client.callTool({ name: "get_me", arguments: {} })))).toBe("dana-gh");
    expect(login(firstText(await client.callTool({ name: "get_me", arguments: {} })))).toBe("dana-gh");
    await again.client.close();
    await client.close();
  });
});

const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

function authorizationUrl(params: Record<string, string | undefined>, base = cp.url) {
  const url = new URL("/api/oauth/auth", base);
  const all = {
    client_id: `${documentsUrl}/agent.json`,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: "mcp",
    state: "s1",
    resource: `${gateway.url}/github`,
    ...params,
  };
  for (const [key, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

async function tokenRequest(form: Record<string, string>) {
  const response = await fetch(`${cp.url}/api/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe("what the authorization server refuses", () => {
  it("publishes RFC 8414 metadata: S256 only, metadata documents and registration supported, iss in responses", async () => {
    const metadata = (await (await fetch(`${cp.url}/.well-known/oauth-authorization-server/api/oauth`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: `${cp.url}/api/oauth`,
      code_challenge_methods_supported: ["S256"],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
      registration_endpoint: `${cp.url}/api/oauth/reg`,
    });
  });

  it("an authorization request without PKCE, or with the plain method", async () => {
    const landed = await signInBrowser(cp.url, DEVELOPER).authorize(authorizationUrl({}), REDIRECT_URI);
    expect(landed.searchParams.get("error")).toBe("invalid_request");
    expect(landed.searchParams.get("error_description")).toMatch(/PKCE/);
    const plain = pkce().verifier;
    const withPlain = await signInBrowser(cp.url, DEVELOPER).authorize(authorizationUrl({ code_challenge: plain, code_challenge_method: "plain" }), REDIRECT_URI);
    expect(withPlain.searchParams.get("error")).toBe("invalid_request");
  });

  it("a resource that is not a sign-in route, at authorization", async () => {
    const { challenge } = pkce();
    const landed = await signInBrowser(cp.url, DEVELOPER).authorize(
      authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256", resource: `${gateway.url}/keyed` }),
      REDIRECT_URI,
    );
    expect(landed.searchParams.get("error")).toBe("invalid_target");
  });

  it("a token request for another resource than the code was granted for; the right one succeeds", async () => {
    const { verifier, challenge } = pkce();
    const landed = await signInBrowser(cp.url, DEVELOPER).authorize(authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256" }), REDIRECT_URI);
    expect(landed.searchParams.get("error"), landed.href).toBeNull();
    const code = landed.searchParams.get("code")!;
    const base = { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, client_id: `${documentsUrl}/agent.json`, code_verifier: verifier };
    const other = await tokenRequest({ ...base, resource: `${gateway.url}/other` });
    expect(other, JSON.stringify(other)).toMatchObject({ status: 400, body: { error: "invalid_target" } });
    const wrongVerifier = await tokenRequest({ ...base, code_verifier: pkce().verifier, resource: `${gateway.url}/github` });
    expect(wrongVerifier).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("a redirect URI that is not exactly a registered one: an error page, no redirect", async () => {
    const { challenge } = pkce();
    for (const redirect of [`${REDIRECT_URI}/extra`, REDIRECT_URI.replace("53682", "53683"), `${REDIRECT_URI}?x=1`]) {
      const response = await fetch(authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256", redirect_uri: redirect }), { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toContain("redirect_uri");
    }
  });

  it.each([
    ["larger than 5 KiB", "/oversized.json"],
    ["naming another client_id", "/someone-else.json"],
    ["missing", "/nothing-here.json"],
  ])("a metadata document %s", async (_, file) => {
    const { challenge } = pkce();
    const response = await fetch(authorizationUrl({ client_id: `${documentsUrl}${file}`, code_challenge: challenge, code_challenge_method: "S256" }), { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toMatch(/invalid_client/);
  });

  it("a sign-in started in one browser is not answered from another (a consent link sent to a colleague)", async () => {
    const { challenge } = pkce();
    // The attacker's browser starts the authorization and keeps oidc-provider's interaction cookie to itself.
    const started = await fetch(authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256" }), { redirect: "manual" });
    const uid = /\/oauth\/sign-in\/([^/?]+)$/.exec(started.headers.get("location") ?? "")?.[1];
    expect(uid, started.headers.get("location") ?? "").toBeDefined();
    await started.body?.cancel();
    // The victim, signed in to the console, opens the link and answers.
    const page = await session.text(`/oauth/sign-in/${uid}`);
    expect(page.body).toContain("This sign-in was started in another browser");
    expect(page.body).not.toMatch(/>Allow</);
    const answered = await session.json<{ error: { code: string; message: string } }>("POST", `/oauth/sign-in/${uid}/answer`, { decision: "allow" });
    expect(answered.status).toBe(403);
    expect(answered.body.error.message).toMatch(/started in another browser/);
  });

  it("two refreshes with one refresh token at once: one succeeds, the other is refused and the grant revoked (no forked chain)", async () => {
    const { client, provider } = await signIn(`${gateway.url}/github`, OPERATOR);
    await client.close();
    const refresh = (token: string) =>
      tokenRequest({ grant_type: "refresh_token", refresh_token: token, client_id: provider.clientInformation()!.client_id, resource: `${gateway.url}/github` });
    const both = await Promise.all([refresh(provider.tokens()!.refresh_token!), refresh(provider.tokens()!.refresh_token!)]);
    expect(both.map((r) => r.status).sort(), JSON.stringify(both)).toEqual([200, 400]);
    expect(both.find((r) => r.status === 400)!.body.error).toBe("invalid_grant");
    // The refresh token the winner got belongs to the revoked grant.
    const won = both.find((r) => r.status === 200)!;
    expect(won.body.refresh_token).toBeTruthy();
    expect(await refresh(won.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("the user declines: the client is told access_denied", async () => {
    const { challenge } = pkce();
    const landed = await signInBrowser(cp.url, DEVELOPER).authorize(authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256" }), REDIRECT_URI, "deny");
    expect(landed.searchParams.get("error")).toBe("access_denied");
    expect(landed.searchParams.get("iss")).toBe(`${cp.url}/api/oauth`);
  });
});

describe("tokens at the gateway", () => {
  it("a token for one route is refused on another, with a challenge that starts a new sign-in for it", async () => {
    const { client, accessToken } = await signIn(`${gateway.url}/github`, DEVELOPER, `${documentsUrl}/agent.json`);
    await client.close();
    const response = await fetch(`${gateway.url}/other`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${accessToken}` },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain(`resource_metadata="${gateway.url}/.well-known/oauth-protected-resource/other"`);
    const prm = (await (await fetch(`${gateway.url}/.well-known/oauth-protected-resource/other`)).json()) as { authorization_servers: string[] };
    expect(prm.authorization_servers).toEqual([`${cp.url}/api/oauth`]);
  });

  it("the signing keys: private parts sealed in the database, only public keys in the configuration", async () => {
    const keys = await db.oAuthSigningKey.findMany();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.privateCiphertext).toMatch(/^v1:/);
      expect(key.privateCiphertext).not.toContain('"d"');
    }
    const latest = await db.configVersion.findFirstOrThrow({ orderBy: { number: "desc" } });
    const section = (latest.document as { authorization_server: { issuer: string; jwks: { keys: Record<string, unknown>[] } } }).authorization_server;
    expect(section.issuer).toBe(`${cp.url}/api/oauth`);
    expect(section.jwks.keys.map((k) => k.kid)).toEqual(keys.map((k) => k.kid));
    for (const key of section.jwks.keys) expect(key).not.toHaveProperty("d");
  });
});

describe("an admin disables the consumer", () => {
  it("its token is refused at once (403, not a new sign-in) and a new sign-in is refused", async () => {
    const { client, accessToken } = await signIn(`${gateway.url}/github`, DEVELOPER, `${documentsUrl}/agent.json`);
    await client.close();
    await db.consumer.update({ where: { username: DEVELOPER.email }, data: { disabledAt: new Date() } });
    const version = await publishConfigVersion(db, { reason: "consumer disabled" });
    await gateway.waitFor(configurationApplied(version.number));
    const refused = await fetch(`${gateway.url}/github`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${accessToken}` },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { data: { reason: "consumer_unknown" } } });
    const { challenge } = pkce();
    await expect(signInBrowser(cp.url, DEVELOPER).authorize(authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256" }), REDIRECT_URI)).rejects.toThrow(
      /consumer dana@example.com is disabled/,
    );
  });
});

describe("a console that does not allow private addresses (the default)", () => {
  let strict: ConsoleProcess;
  let strictDatabase: TestDatabase;
  beforeAll(async () => {
    // A database of its own: two consoles with different public URLs are two authorization servers.
    strictDatabase = await createTestDatabase();
    strict = await startConsole({
      databaseUrl: strictDatabase.url,
      dataDir: path.join(baseDir, "strict"),
      masterKey,
      extraEnv: { NODE_EXTRA_CA_CERTS: path.join(baseDir, "documents-ca.pem"), PORTCULLIS_OAUTH_REGISTRATIONS_PER_HOUR: "2" },
    });
  }, 120_000);
  afterAll(async () => {
    await strict?.stop();
    await strictDatabase?.drop();
  });

  it("refuses to fetch a metadata document from a loopback address", async () => {
    const { challenge } = pkce();
    const response = await fetch(authorizationUrl({ client_id: `${documentsUrl}/agent.json`, code_challenge: challenge, code_challenge_method: "S256" }, strict.url), {
      redirect: "manual",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/invalid_client/);
  });

  it("lets one address register PORTCULLIS_OAUTH_REGISTRATIONS_PER_HOUR clients an hour, then answers 429 with when to retry", async () => {
    const register = (name: string) =>
      fetch(`${strict.url}/api/oauth/reg`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_name: name, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: "none" }),
      });
    expect((await register("first")).status).toBe(201);
    expect((await register("second")).status).toBe(201);
    const refused = await register("third");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    expect(await refused.json()).toMatchObject({
      error: "temporarily_unavailable",
      error_description: expect.stringMatching(/^Too many client registrations from this address; retry in \d+ s$/),
    });
  });
});

function listToolsWith(token: string) {
  return fetch(`${gateway.url}/github`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${token}` },
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  });
}

const listClients = async () => (await session.json<{ clients: OAuthClientView[] }>("GET", "/api/oauth-clients")).body.clients;

describe("the MCP clients page's API", () => {
  it("a client pre-registered by an admin signs in with nothing but its client id, and is listed with its sign-ins", async () => {
    const invalid = await session.json<{ error: { fields: Record<string, string> } }>("POST", "/api/oauth-clients", {
      name: "Team agent",
      redirect_uris: ["http://agent.example/cb"],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields["redirect_uris.0"]).toMatch(/https, or http on 127.0.0.1/);
    const created = await session.json<{ clientId: string }>("POST", "/api/oauth-clients", { name: "Team agent", redirect_uris: [REDIRECT_URI] });
    expect(created.status).toBe(200);
    const { client } = await signIn(`${gateway.url}/github`, OPERATOR, created.body.clientId);
    expect(await toolNames(client)).toEqual(["push_files"]);
    await client.close();
    const listed = (await listClients()).find((c) => c.clientId === created.body.clientId);
    expect(listed).toMatchObject({ origin: "console", name: "Team agent", status: "active", redirectUris: [REDIRECT_URI], usersWithGrants: 1 });
    expect(listed!.firstSignInAt).not.toBeNull();
    // The self-registered and metadata-document clients of the tests above are listed too.
    expect(new Set((await listClients()).map((c) => c.origin))).toEqual(new Set(["console", "registration", "metadata_document"]));
  });

  it("is for admins only", async () => {
    const developer = { email: "clients-developer@example.com", password: randomBytes(12).toString("base64url") };
    await db.user.create({ data: { email: developer.email, role: "developer", passwordHash: await hashPassword(developer.password) } });
    const asDeveloper = await signInToConsole(cp.url, developer.email, developer.password);
    expect((await asDeveloper.json("GET", "/api/oauth-clients")).status).toBe(403);
    expect((await asDeveloper.json("POST", "/api/oauth-clients", { name: "Mine", redirect_uris: [REDIRECT_URI] })).status).toBe(403);
    expect((await asDeveloper.json("POST", "/api/oauth-clients/decisions", { client_id: `${documentsUrl}/agent.json`, action: "block" })).status).toBe(403);
    expect(await db.oAuthClient.count({ where: { name: "Mine" } })).toBe(0);
  });
});

describe("an admin blocks an MCP client", () => {
  it("the gateway refuses its access token at once, its refresh token and new sign-ins are refused; unblocked, it signs in again", async () => {
    const clientId = `${documentsUrl}/blockable.json`;
    const { client, provider, accessToken } = await signIn(`${gateway.url}/github`, OPERATOR, clientId);
    await client.close();
    expect((await listClients()).find((c) => c.clientId === clientId)).toMatchObject({
      origin: "metadata_document",
      name: "Blockable agent",
      status: "active",
      usersWithGrants: 1,
    });

    const blocked = await session.json("POST", "/api/oauth-clients/decisions", { client_id: clientId, action: "block" });
    expect(blocked).toEqual({ status: 200, body: { status: "blocked", revokedGrants: 1 } });
    // The answer came once the gateway had applied the configuration naming the client.
    const refused = await listToolsWith(accessToken);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { data: { reason: "client_blocked" } } });
    const refresh = await tokenRequest({ grant_type: "refresh_token", refresh_token: provider.tokens()!.refresh_token!, client_id: clientId, resource: `${gateway.url}/github` });
    expect(refresh).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    const { challenge } = pkce();
    await expect(
      signInBrowser(cp.url, OPERATOR).authorize(authorizationUrl({ client_id: clientId, code_challenge: challenge, code_challenge_method: "S256" }), REDIRECT_URI),
    ).rejects.toThrow(/An administrator has blocked this MCP client/);
    expect(await db.activityLog.findFirst({ where: { action: "oauth_client.block", entityId: clientId } })).toMatchObject({
      actorEmail: admin.email,
      after: { status: "blocked", revokedGrants: 1 },
    });

    expect((await session.json("POST", "/api/oauth-clients/decisions", { client_id: clientId, action: "unblock" })).body).toEqual({ status: "active", revokedGrants: 0 });
    const again = await signIn(`${gateway.url}/github`, OPERATOR, clientId);
    expect(await toolNames(again.client)).toEqual(["push_files"]);
    await again.client.close();
  });

  it("a block that lands between the consent and the token request: the code is refused with invalid_client", async () => {
    const clientId = `${documentsUrl}/blockable.json`;
    const { verifier, challenge } = pkce();
    const landed = await signInBrowser(cp.url, OPERATOR).authorize(
      authorizationUrl({ client_id: clientId, code_challenge: challenge, code_challenge_method: "S256" }),
      REDIRECT_URI,
    );
    // The status alone, with the grant and its code left in place (blocking revokes them too).
    await db.oAuthClient.update({ where: { clientId }, data: { status: "blocked" } });
    try {
      const exchange = { grant_type: "authorization_code", code: landed.searchParams.get("code")!, redirect_uri: REDIRECT_URI, client_id: clientId, code_verifier: verifier };
      expect(await tokenRequest({ ...exchange, resource: `${gateway.url}/github` })).toMatchObject({ status: 400, body: { error: "invalid_client" } });
    } finally {
      await db.oAuthClient.update({ where: { clientId }, data: { status: "active" } });
    }
  });
});

describe("a console user disabled after signing in", () => {
  it("their access token is refused at the gateway with the next push, not when it expires; enabled again, it works", async () => {
    const { client, accessToken } = await signIn(`${gateway.url}/github`, OPERATOR, `${documentsUrl}/agent.json`);
    await client.close();
    const list = () =>
      fetch(`${gateway.url}/github`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${accessToken}` },
        body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      });
    const publishAndApply = async (reason: string) => {
      const version = await publishConfigVersion(db, { reason });
      await gateway.waitFor(configurationApplied(version.number));
    };
    expect((await list()).status).toBe(200);
    await db.user.update({ where: { email: OPERATOR.email }, data: { disabledAt: new Date() } });
    try {
      await publishAndApply("user disabled");
      const refused = await list();
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { data: { reason: "consumer_unknown" } } });
    } finally {
      await db.user.update({ where: { email: OPERATOR.email }, data: { disabledAt: null } });
      await publishAndApply("user enabled");
    }
    expect((await list()).status).toBe(200);
  });

  it("their MCP client's refresh token stops working, though the consumer it names is still enabled", async () => {
    const clientId = `${documentsUrl}/blockable.json`;
    const { client, provider } = await signIn(`${gateway.url}/github`, OPERATOR, clientId);
    await client.close();
    const refresh = () => tokenRequest({ grant_type: "refresh_token", refresh_token: provider.tokens()!.refresh_token!, client_id: clientId, resource: `${gateway.url}/github` });
    // The user alone, as an IdP offboarding or a direct edit would leave it: the grant is not revoked.
    await db.user.update({ where: { email: OPERATOR.email }, data: { disabledAt: new Date() } });
    try {
      expect(await refresh()).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    } finally {
      await db.user.update({ where: { email: OPERATOR.email }, data: { disabledAt: null } });
    }
  });
});

describe("dynamic registration subject to approval (PORTCULLIS_OAUTH_REGISTRATION=approval)", () => {
  beforeAll(async () => {
    // The same console (same port: the same issuer) restarted with registration subject to approval;
    // killed, as a graceful stop waits for the gateway's configuration stream.
    await cp.stop("SIGKILL");
    cp = await startConsole({ ...consoleOptions, extraEnv: { ...consoleOptions.extraEnv, PORTCULLIS_OAUTH_REGISTRATION: "approval" } });
  }, 120_000);

  it("registration succeeds, the client's users cannot allow it until an admin approves it; then it signs in", async () => {
    const provider = new HeadlessOAuthProvider({ redirectUri: REDIRECT_URI });
    const first = new StreamableHTTPClientTransport(new URL(`${gateway.url}/github`), { authProvider: provider });
    await expect(new Client({ name: "sign-in-test", version: "1.0.0" }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    const clientId = provider.clientInformation()!.client_id;
    expect((await listClients()).find((c) => c.clientId === clientId)).toMatchObject({ origin: "registration", status: "pending" });
    await expect(signInBrowser(cp.url, OPERATOR).authorize(provider.authorizationUrl!, REDIRECT_URI)).rejects.toThrow(/awaits an administrator's approval/);
    expect(await db.oAuthRecord.count({ where: { model: "Grant", payload: { path: ["clientId"], equals: clientId } } })).toBe(0);

    expect((await session.json("POST", "/api/oauth-clients/decisions", { client_id: clientId, action: "approve" })).body).toEqual({ status: "active", revokedGrants: 0 });
    const landed = await signInBrowser(cp.url, OPERATOR).authorize(provider.authorizationUrl!, REDIRECT_URI);
    expect(landed.searchParams.get("error"), landed.href).toBeNull();
    await first.finishAuth(landed.searchParams.get("code")!);
    const client = new Client({ name: "sign-in-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/github`), { authProvider: provider }));
    expect(await toolNames(client)).toEqual(["push_files"]);
    await client.close();
  });

  it("a metadata-document client's answer posted without loading the consent page is held for approval too, and listed", async () => {
    const clientId = `${documentsUrl}/unseen.json`;
    const { challenge } = pkce();
    const started = await fetch(authorizationUrl({ client_id: clientId, code_challenge: challenge, code_challenge_method: "S256" }), { redirect: "manual" });
    const uid = /\/oauth\/sign-in\/([^/?]+)$/.exec(started.headers.get("location") ?? "")?.[1];
    expect(uid, started.headers.get("location") ?? "").toBeDefined();
    await started.body?.cancel();
    // The same browser (its interaction cookie), signed in to the console, answers at once: the page never renders.
    const interaction = started.headers.getSetCookie().map((c) => c.split(";")[0]!);
    const answered = await fetch(`${cp.url}/oauth/sign-in/${uid}/answer`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: cp.url, cookie: [session.cookie, ...interaction].join("; ") },
      body: JSON.stringify({ decision: "allow" }),
    });
    const body = (await answered.json()) as { redirectTo?: string; error?: { message: string } };
    expect(answered.status, JSON.stringify(body)).toBe(403);
    expect(body.error!.message).toMatch(/awaits an administrator's approval/);
    expect(await db.oAuthRecord.count({ where: { model: "Grant", payload: { path: ["clientId"], equals: clientId } } })).toBe(0);
    expect((await listClients()).find((c) => c.clientId === clientId)).toMatchObject({ origin: "metadata_document", status: "pending", name: "Unseen agent" });
  });
});
