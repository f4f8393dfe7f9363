// Each user's own upstream credential, seen from the console, with real
// processes: the console (next start on PostgreSQL) and an upstream with its
// own OAuth (test/support/upstream-oauth-server.ts). A developer connects
// their account through the upstream's consent (code + PKCE S256, state bound
// to them); the data-plane endpoint answers a gateway their own token —
// refreshed before it expires, refreshed when the upstream refused it, broken
// with a reconnect link when the upstream revoked the grant; the tokens are
// ciphertext in the database; disconnect and an admin's revoke forget them
// (and revoke them at the upstream); pasted secrets work for upstreams without OAuth.
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { signInToConsole, type ConsoleSession } from "../demo/console-session";
import { hashPassword } from "../lib/auth/password";
import { DP_API, upstreamTokenAnswerSchema, type UpstreamTokenAnswer } from "../lib/core/controlplane/protocol";
import { publishConfigVersion } from "../lib/controlplane/versions";
import { createDb, type Db } from "../lib/db/client";
import { sealToken } from "../lib/console/connections/sealed-tokens";
import { createTestDatabase, type TestDatabase } from "./support/database";
import { startConsole, type ConsoleProcess } from "./support/product-processes";
import { startUpstreamOAuthServer, type UpstreamOAuthServer } from "./support/upstream-oauth-server";

const ROOT = path.resolve(import.meta.dirname, "..");
const baseDir = path.join(ROOT, ".portcullis/test", `connections-${randomBytes(4).toString("hex")}`);
const admin = { email: "connections-admin@example.com", password: randomBytes(12).toString("base64url") };
const developer = { email: "devon@example.com", password: randomBytes(12).toString("base64url") };

let database: TestDatabase;
let db: Db;
let upstream: UpstreamOAuthServer;
let cp: ConsoleProcess;
let adminSession: ConsoleSession;
let devSession: ConsoleSession;
let dpToken: string;
let githubId: string;

async function askToken(body: {
  server: string;
  consumer: string;
  rejected?: true;
  rejected_sha256?: string;
}): Promise<{ status: number; answer?: UpstreamTokenAnswer; raw: unknown }> {
  const response = await fetch(`${cp.url}${DP_API.upstreamTokens}`, {
    method: "POST",
    headers: { authorization: `Bearer ${dpToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const raw: unknown = await response.json();
  const parsed = upstreamTokenAnswerSchema.safeParse(raw);
  return { status: response.status, answer: parsed.success ? parsed.data : undefined, raw };
}

/** A gateway's report that the upstream refused `value`, as the gateways send it. */
const reportOf = (value: string) => ({ server: "github", consumer: developer.email, rejected: true as const, rejected_sha256: createHash("sha256").update(value).digest("hex") });
const refreshes = () => upstream.tokenGrants.filter((g) => g === "refresh_token").length;
const connectionRow = () => db.upstreamConnection.findFirstOrThrow({ where: { serverId: githubId } });

/** Another request's refresh claim on the row, live for `forMs` (negative: expired), or none. */
async function claimRow(id: string, claim: string | null, forMs = 0) {
  await db.upstreamConnection.update({ where: { id }, data: { refreshClaimId: claim, refreshClaimedUntil: claim ? new Date(Date.now() + forMs) : null } });
}

/** Requests waiting for a lock on the connection's row (the console's look at it, while the test holds it). */
async function rowLockWaiters(): Promise<number> {
  const [row] = await db.$queryRaw<{ waiting: number }[]>`
    SELECT count(*)::int AS waiting FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%"UpstreamConnection"%FOR UPDATE%'`;
  return row!.waiting;
}

const devToken = (rejected?: true) => askToken({ server: "github", consumer: developer.email, ...(rejected ? { rejected } : {}) });

/** The developer's browser through the connect flow: console → upstream consent → callback → where it lands. */
async function connect(session: ConsoleSession, server = "github"): Promise<string> {
  const start = await session.location(`/connections/${server}/connect`);
  expect(start.status, "the connect page redirects to the upstream").toBe(307);
  const consent = await fetch(start.location!, { redirect: "manual" });
  expect(consent.status).toBe(302);
  const callback = consent.headers.get("location")!;
  expect(callback.startsWith(`${cp.url}/api/connections/callback?`)).toBe(true);
  const landed = await session.location(callback);
  return new URL(landed.location!, cp.url).href;
}

/** Calls the upstream's MCP endpoint with a header value the console handed out, as a gateway would forward it. */
async function callUpstream(value: string): Promise<string> {
  const client = new Client({ name: "gateway-stand-in", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(upstream.mcpUrl), { requestInit: { headers: { authorization: value } } }));
  try {
    const result = await client.callTool({ name: "get_me", arguments: {} });
    return (result.content as { text: string }[])[0]!.text;
  } finally {
    await client.close();
  }
}

const connectedValue = (answer: UpstreamTokenAnswer | undefined) => {
  expect(answer?.status).toBe("connected");
  return (answer as Extract<UpstreamTokenAnswer, { status: "connected" }>).value;
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  await db.user.create({ data: { email: admin.email, role: "admin", passwordHash: await hashPassword(admin.password) } });
  const dev = await db.user.create({ data: { email: developer.email, role: "developer", passwordHash: await hashPassword(developer.password) } });
  // The consumer a sign-in with Portcullis makes for the developer (lib/oauth-server/sign-in.ts).
  await db.consumer.create({ data: { username: developer.email, ownerUserId: dev.id } });
  await publishConfigVersion(db, { reason: "startup" });
  upstream = await startUpstreamOAuthServer({ accessTtlSeconds: 45 });
  // The test seals a token as a claimant would store it, with the console's key.
  process.env.PORTCULLIS_MASTER_KEY = randomBytes(32).toString("hex");
  cp = await startConsole({ databaseUrl: database.url, dataDir: path.join(baseDir, "console"), masterKey: process.env.PORTCULLIS_MASTER_KEY });
  adminSession = await signInToConsole(cp.url, admin.email, admin.password);
  devSession = await signInToConsole(cp.url, developer.email, developer.password);
  dpToken = (await adminSession.json<{ token: string }>("POST", "/api/data-planes", { name: "dp" })).body.token;
  const text = stringify({
    version: 1,
    gateway: { public_url: "http://127.0.0.1:9" },
    consumers: [{ username: developer.email }],
    servers: [
      { name: "github", path: "/github", upstream: upstream.mcpUrl, auth: { mode: "sign_in" }, upstream_credential: { per_user: {} } },
      { name: "pat", path: "/pat", upstream: upstream.mcpUrl, auth: { mode: "sign_in" }, upstream_credential: { per_user: { header: "X-Api-Token", scheme: "" } } },
    ],
  });
  const preview = await adminSession.json<{ currentHash: string }>("POST", "/api/config/import", { text, mode: "preview" });
  expect(preview.status, JSON.stringify(preview.body)).toBe(200);
  const applied = await adminSession.json("POST", "/api/config/import", { text, mode: "apply", expectedCurrentHash: preview.body.currentHash });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  githubId = (await db.mcpServer.findUniqueOrThrow({ where: { name: "github" } })).id;
  const secret = await adminSession.json("POST", "/api/vault/secrets", { name: "github-client-secret", value: upstream.clientSecret });
  expect(secret.status, JSON.stringify(secret.body)).toBeLessThan(300);
}, 600_000);

afterAll(async () => {
  await cp?.stop();
  await upstream?.close();
  await db?.$disconnect();
  await database?.drop();
});

const oauth = () => ({
  kind: "oauth",
  authorize_url: upstream.authorizeUrl,
  token_url: upstream.tokenUrl,
  client_id: upstream.clientId,
  client_secret: "{vault://portcullis/github-client-secret}",
  scopes: ["repo", "read:user"],
  revocation_url: upstream.revocationUrl,
});

describe("the upstream account setting", () => {
  it("refuses a plaintext client secret, and developers", async () => {
    const plain = await adminSession.json<{ error: { fields: Record<string, string> } }>("PUT", `/api/servers/${githubId}/upstream-account`, {
      account: { ...oauth(), client_secret: upstream.clientSecret },
    });
    expect(plain.status).toBe(400);
    expect(plain.body.error.fields["account.client_secret"]).toMatch(/vault/);
    expect((await devSession.json("PUT", `/api/servers/${githubId}/upstream-account`, { account: oauth() })).status).toBe(403);
    expect((await devSession.json("GET", `/api/servers/${githubId}/connections`)).status).toBe(403);
  });

  it("saves an OAuth application; the compiled configuration carries per_user only, never the application", async () => {
    const saved = await adminSession.json("PUT", `/api/servers/${githubId}/upstream-account`, { account: oauth() });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const exported = await adminSession.text("/api/config/export");
    expect(exported.body).toContain("per_user:");
    expect(exported.body).not.toContain(upstream.clientId);
    expect(exported.body).not.toContain(upstream.clientSecret);
  });
});

describe("connecting and the data-plane answer", () => {
  it("answers not_connected with the console's connect link before the user connects", async () => {
    const { status, answer } = await devToken();
    expect(status).toBe(200);
    expect(answer).toMatchObject({ status: "not_connected", connect_url: `${cp.url}/connections/github/connect` });
  });

  it("connects through the upstream's consent with PKCE S256 and a state only this user can finish", async () => {
    // Another console user cannot finish the developer's flow with its state.
    const start = await devSession.location("/connections/github/connect");
    const consent = await fetch(start.location!, { redirect: "manual" });
    const stolen = await adminSession.location(consent.headers.get("location")!);
    expect(new URL(stolen.location!, cp.url).href).toBe(`${cp.url}/connections?error=other_user`);
    expect((await adminSession.text("/connections?error=other_user")).body).toContain("started by another console user");
    expect(await db.upstreamConnection.count()).toBe(0);

    expect(await connect(devSession)).toBe(`${cp.url}/connections?connected=github`);
    const asked = upstream.authorizeRequests.at(-1)!;
    expect(asked.get("code_challenge_method")).toBe("S256");
    expect(asked.get("redirect_uri")).toBe(`${cp.url}/api/connections/callback`);
    expect(asked.get("scope")).toBe("repo read:user");
    const page = await devSession.text("/connections");
    expect(page.body).toContain("connected");
  });

  it("keeps the tokens as ciphertext in the database", async () => {
    const row = await db.upstreamConnection.findFirstOrThrow();
    const issued = upstream.issuedAccessTokens.at(-1)!;
    expect(row.accessCiphertext.startsWith("v1:")).toBe(true);
    expect(row.accessCiphertext).not.toContain(issued);
    expect(row.refreshCiphertext?.startsWith("v1:")).toBe(true);
    const dump = JSON.stringify(await db.$queryRaw`SELECT * FROM "UpstreamConnection"`);
    expect(dump).not.toContain(issued);
    expect(dump).not.toContain("ghr_");
  });

  it("refreshes a token that expires within a minute before answering, and the upstream takes the answer", async () => {
    const first = upstream.issuedAccessTokens.at(-1)!;
    const { answer } = await devToken();
    const value = connectedValue(answer);
    expect(upstream.tokenGrants).toEqual(["authorization_code", "refresh_token"]);
    expect(value).not.toBe(`Bearer ${first}`);
    expect(value).toBe(`Bearer ${upstream.issuedAccessTokens.at(-1)}`);
    expect(JSON.parse(await callUpstream(value))).toEqual({ tool: "get_me", login: "octocat" });
    const row = await db.upstreamConnection.findFirstOrThrow();
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("answers the same token while it is fresh", async () => {
    upstream.accessTtlSeconds = 3600;
    const refreshed = connectedValue((await devToken(true)).answer);
    const again = connectedValue((await devToken()).answer);
    expect(again).toBe(refreshed);
    expect(upstream.tokenGrants.filter((g) => g === "refresh_token")).toHaveLength(2);
  });

  it("refreshes when the gateway reports the upstream refused the token, and never answers the refused one again", async () => {
    const before = connectedValue((await devToken()).answer);
    upstream.invalidateAccessTokens();
    await expect(callUpstream(before)).rejects.toThrow();
    const after = connectedValue((await devToken(true)).answer);
    expect(after).not.toBe(before);
    expect(JSON.parse(await callUpstream(after)).login).toBe("octocat");
  });

  it("two gateways reporting the same refused token get one refresh: the second report is answered the first one's token", async () => {
    const before = connectedValue((await devToken()).answer);
    upstream.invalidateAccessTokens();
    const refreshes = () => upstream.tokenGrants.filter((g) => g === "refresh_token").length;
    const counted = refreshes();
    const report = { server: "github", consumer: developer.email, rejected: true as const, rejected_sha256: createHash("sha256").update(before).digest("hex") };
    const first = connectedValue((await askToken(report)).answer);
    const second = connectedValue((await askToken(report)).answer);
    expect(first).not.toBe(before);
    expect(second).toBe(first);
    expect(refreshes()).toBe(counted + 1);
    expect(JSON.parse(await callUpstream(first)).login).toBe("octocat");
  });

  it("asks the upstream for a refresh with no transaction open: the row is claimed, not locked, while the upstream answers", async () => {
    const before = connectedValue((await devToken()).answer);
    const row = await connectionRow();
    const seen: { locked: boolean; claimed: boolean }[] = [];
    upstream.beforeTokenAnswer = async () => {
      const during = await connectionRow();
      const locked = await db
        .$transaction((tx) => tx.$queryRaw`SELECT id FROM "UpstreamConnection" WHERE id = ${row.id} FOR UPDATE NOWAIT`)
        .then(
          () => false,
          () => true,
        );
      seen.push({ locked, claimed: during.refreshClaimId !== null && during.refreshClaimedUntil! > new Date() });
    };
    try {
      expect(connectedValue((await askToken(reportOf(before))).answer)).not.toBe(before);
    } finally {
      upstream.beforeTokenAnswer = undefined;
    }
    expect(seen).toEqual([{ locked: false, claimed: true }]);
    expect(await connectionRow()).toMatchObject({ refreshClaimId: null, refreshClaimedUntil: null });
  });

  it("while another request's refresh is claimed, answers the current token if it is still valid, without a refresh of its own", async () => {
    upstream.accessTtlSeconds = 45;
    const due = connectedValue((await askToken(reportOf(connectedValue((await devToken()).answer)))).answer);
    const row = await connectionRow();
    const counted = refreshes();
    await claimRow(row.id, "another-console", 60_000);
    try {
      expect(connectedValue((await devToken()).answer)).toBe(due);
      expect(refreshes()).toBe(counted);
    } finally {
      upstream.accessTtlSeconds = 3600;
      await claimRow(row.id, null);
    }
  });

  it("waits for another request's claim on a token it cannot use, and answers what the claimant stored", async () => {
    const before = connectedValue((await devToken()).answer);
    const row = await connectionRow();
    const counted = refreshes();
    await claimRow(row.id, "another-console", 60_000);
    let answered!: ReturnType<typeof askToken>;
    // Holding the row's lock shows each look the request takes at it: the first finds the claim, the next one comes after a wait.
    await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "UpstreamConnection" WHERE id = ${row.id} FOR UPDATE`;
      answered = askToken(reportOf(before));
      await expect.poll(rowLockWaiters, { timeout: 10_000 }).toBe(1);
    });
    await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "UpstreamConnection" WHERE id = ${row.id} FOR UPDATE`;
        await expect.poll(rowLockWaiters, { timeout: 10_000 }).toBe(1);
        // The claimant's write: its new token, and the claim cleared.
        const data = {
          accessCiphertext: sealToken(row.id, "access", "stored-by-the-claimant"),
          expiresAt: new Date(Date.now() + 3_600_000),
          refreshClaimId: null,
          refreshClaimedUntil: null,
        };
        await tx.upstreamConnection.update({ where: { id: row.id }, data });
      },
      { timeout: 20_000 },
    );
    expect(connectedValue((await answered).answer)).toBe("Bearer stored-by-the-claimant");
    expect(refreshes()).toBe(counted);
  });

  it("answers 503 upstream_unavailable when another request's claim never clears, and asks the upstream nothing", async () => {
    const before = connectedValue((await devToken()).answer);
    const row = await connectionRow();
    const counted = refreshes();
    await claimRow(row.id, "another-console", 60_000);
    try {
      const { status, raw } = await askToken(reportOf(before));
      expect(status).toBe(503);
      expect(raw).toMatchObject({ error: { code: "upstream_unavailable" } });
      expect(refreshes()).toBe(counted);
    } finally {
      await claimRow(row.id, null);
    }
  });

  it("takes over a claim whose claimant died (expired), refreshes, and clears it", async () => {
    const before = connectedValue((await devToken()).answer);
    const row = await connectionRow();
    const counted = refreshes();
    await claimRow(row.id, "a-console-that-died", -1_000);
    const after = connectedValue((await askToken(reportOf(before))).answer);
    expect(after).not.toBe(before);
    expect(refreshes()).toBe(counted + 1);
    expect(JSON.parse(await callUpstream(after)).login).toBe("octocat");
    expect(await connectionRow()).toMatchObject({ refreshClaimId: null, refreshClaimedUntil: null });
  });

  it("marks the connection broken when the upstream revoked the grant, with a reconnect link; reconnecting works", async () => {
    upstream.revokeGrantsOf("octocat");
    const broken = await devToken(true);
    expect(broken.answer).toMatchObject({ status: "broken", connect_url: `${cp.url}/connections/github/connect` });
    expect((broken.answer as { message: string }).message).toMatch(/invalid_grant/);
    expect((await devToken()).answer?.status).toBe("broken");
    expect((await db.upstreamConnection.findFirstOrThrow()).status).toBe("broken");
    const admins = await adminSession.json<{ connections: { status: string; brokenReason: string }[] }>("GET", `/api/servers/${githubId}/connections`);
    expect(admins.body.connections).toMatchObject([{ status: "broken" }]);

    await connect(devSession);
    const value = connectedValue((await devToken()).answer);
    expect(JSON.parse(await callUpstream(value)).login).toBe("octocat");
  });

  it("refuses malformed requests and unknown servers or consumers, and data planes without a token", async () => {
    expect((await askToken({ server: "github", consumer: "nobody@example.com" })).status).toBe(404);
    expect((await askToken({ server: "nope", consumer: developer.email })).status).toBe(404);
    const malformed = await fetch(`${cp.url}${DP_API.upstreamTokens}`, { method: "POST", headers: { authorization: `Bearer ${dpToken}` }, body: '{"server":"github"}' });
    expect(malformed.status).toBe(400);
    const unauthenticated = await fetch(`${cp.url}${DP_API.upstreamTokens}`, { method: "POST", body: "{}" });
    expect(unauthenticated.status).toBe(401);
  });

  it("hands a disabled consumer's credential to no gateway", async () => {
    expect((await devToken()).answer?.status).toBe("connected");
    await db.consumer.update({ where: { username: developer.email }, data: { disabledAt: new Date() } });
    try {
      expect((await devToken()).status).toBe(404);
    } finally {
      await db.consumer.update({ where: { username: developer.email }, data: { disabledAt: null } });
    }
    expect((await devToken()).answer?.status).toBe("connected");
  });
});

describe("disconnect and revoke", () => {
  it("a developer disconnects: the upstream grant is revoked and the tokens forgotten", async () => {
    const value = connectedValue((await devToken()).answer);
    const [mine] = (await db.upstreamConnection.findMany()).map((c) => c.id);
    expect((await adminSession.json("DELETE", `/api/connections/${mine}`)).status).toBe(403);
    expect((await devSession.json("DELETE", `/api/connections/${mine}`)).status).toBe(200);
    expect((await devToken()).answer?.status).toBe("not_connected");
    await expect(callUpstream(value)).rejects.toThrow();
    const log = await db.activityLog.findMany({ where: { entityType: "connection" }, orderBy: { time: "asc" } });
    expect(log.map((entry) => entry.action)).toEqual(["connection.connect", "connection.reconnect", "connection.disconnect"]);
    expect(log.at(-1)?.after).toEqual({ revokedAtUpstream: true });
  });

  it("an admin revokes every connection of a server", async () => {
    await connect(devSession);
    const revoked = await adminSession.json<{ revoked: number }>("DELETE", `/api/servers/${githubId}/connections`);
    expect(revoked.body).toEqual({ revoked: 1 });
    expect((await devToken()).answer?.status).toBe("not_connected");
  });
});

describe("a pasted secret", () => {
  it("is sealed and answered raw in the server's own header", async () => {
    const pat = "pat_" + randomBytes(8).toString("hex");
    expect((await devSession.location("/connections/pat/connect")).location).toBe(`${cp.url}/connections/pat/secret`);
    const form = await devSession.text("/connections/pat/secret");
    expect(form.status).toBe(200);
    expect(form.body).toContain("Your token or secret for the upstream");
    expect((await devSession.json("POST", "/api/connections/static", { server: "pat", secret: pat })).status).toBe(200);
    expect((await askToken({ server: "pat", consumer: developer.email })).answer).toEqual({ status: "connected", header: "X-Api-Token", value: pat, expires_at: null });
    expect(JSON.stringify(await db.$queryRaw`SELECT * FROM "UpstreamConnection"`)).not.toContain(pat);
    // A pasted secret cannot be refreshed: refused by the upstream, the user must paste a new one.
    expect((await askToken({ server: "pat", consumer: developer.email, rejected: true })).answer?.status).toBe("broken");
  });

  it.each([
    ["with a line break inside", "pat_one\nX-Injected: yes"],
    ["with a control character", "pat_\u0007bell"],
    ["outside ASCII", "pat_café"],
    ["longer than a header can carry", "p".repeat(8001)],
  ])("%s is refused on the form: the gateway could never send it", async (_, secret) => {
    const answer = await devSession.json<{ error: { fields: Record<string, string> } }>("POST", "/api/connections/static", { server: "pat", secret });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields.secret).toMatch(/printable ASCII|at most 8000/);
  });
});

describe("the callback visited twice (back, reload, a prefetch)", () => {
  it("lands as connected without presenting the spent code to the upstream again", async () => {
    const start = await devSession.location("/connections/github/connect");
    const consent = await fetch(start.location!, { redirect: "manual" });
    const callback = consent.headers.get("location")!;
    const exchanges = () => upstream.tokenGrants.filter((g) => g === "authorization_code").length;
    const before = exchanges();
    expect(new URL((await devSession.location(callback)).location!, cp.url).href).toBe(`${cp.url}/connections?connected=github`);
    expect(new URL((await devSession.location(callback)).location!, cp.url).href).toBe(`${cp.url}/connections?connected=github`);
    expect(exchanges()).toBe(before + 1);
    expect((await devToken()).answer?.status).toBe("connected");
  });
});

describe("another upstream application", () => {
  it("breaks the server's connections when it is saved; removing them then sends the old application's token nowhere", async () => {
    const value = connectedValue((await devToken()).answer);
    const saved = await adminSession.json("PUT", `/api/servers/${githubId}/upstream-account`, { account: { ...oauth(), client_id: "another-application" } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const broken = await devToken();
    expect(broken.answer).toMatchObject({ status: "broken", connect_url: `${cp.url}/connections/github/connect` });
    expect((broken.answer as { message: string }).message).toContain("the server's upstream application changed; connect again");
    const log = await db.activityLog.findFirst({ where: { entityId: githubId, action: "server.upstream_account" }, orderBy: { time: "desc" } });
    expect(log?.after).toMatchObject({ connectionsBroken: 1 });

    expect((await adminSession.json("DELETE", `/api/servers/${githubId}/connections`)).body).toEqual({ revoked: 1 });
    // Not revoked at the revocation URL the server has now: the old application's token still works at its upstream.
    expect(JSON.parse(await callUpstream(value)).login).toBe("octocat");
    expect((await adminSession.json("PUT", `/api/servers/${githubId}/upstream-account`, { account: oauth() })).status).toBe(200);
  });
});

describe("the upstream's refusal at its consent", () => {
  const refusedCallback = async (error: string) => {
    const state = new URL((await devSession.location("/connections/github/connect")).location!).searchParams.get("state")!;
    const query = new URLSearchParams({ state, error, error_description: "Your account is locked: call +1 555 0100 at once" });
    return new URL((await devSession.location(`/api/connections/callback?${query}`)).location!, cp.url);
  };

  it("is shown in plain words for its RFC 6749 code, never with the upstream's own description", async () => {
    const landed = await refusedCallback("access_denied");
    expect(landed.href).toBe(`${cp.url}/connections?error=upstream_refused&upstream_error=access_denied`);
    const page = (await devSession.text(`${landed.pathname}${landed.search}`)).body;
    expect(page).toContain("The upstream did not connect your account: access was declined at the upstream.");
    expect(page).not.toContain("555 0100");
  });

  it("a connect link to a server that takes no user's account lands on a failure worded by the page", async () => {
    const landed = new URL((await devSession.location("/connections/nope/connect")).location!, cp.url);
    expect(landed.href).toBe(`${cp.url}/connections?error=no_such_server`);
    expect((await devSession.text(`${landed.pathname}${landed.search}`)).body).toContain("There is no MCP server by that name that takes each user");
  });

  it("drops an error that is not spelled like a code, and a crafted link to the page shows none of its text", async () => {
    expect((await refusedCallback("Call +1 555 0100 to restore access")).href).toBe(`${cp.url}/connections?error=upstream_refused`);
    const crafted = await devSession.text(`/connections?${new URLSearchParams({ error: "Your account is locked: call +1 555 0100", connected: "your bank" })}`);
    expect(crafted.body).toContain("Connecting did not finish; start it again.");
    expect(crafted.body).not.toContain("555 0100");
    expect(crafted.body).not.toContain("your bank");
  });
});
