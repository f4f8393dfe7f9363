// Per-user upstream credentials (docs/gateway.md, "Per-user upstream
// credentials") through a real gateway process: a stand-in console over real
// HTTP serves DP_API.upstreamTokens, and the upstream accepts only the
// tokens it issued to each user. The caller signs in with a Portcullis token
// (signed here with a key the test holds, as the console would); the upstream
// must see the user's own token and never the Portcullis one.
import { createHash } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UrlElicitationRequiredError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statelessRequest } from "../../demo/mcp-2026/client";
import { CONFIRM_INPUT_KEY } from "../src/approvals/in-band-confirmation";
import { CONNECT_INPUT_KEY } from "../src/pipeline/upstream-connection";
import { configHash } from "../../lib/core/config/canonical";
import { DP_API, type UpstreamTokenRequest } from "../../lib/core/controlplane/protocol";
import { findFreePort } from "../../lib/net/ports";
import { startControlPlaneStandIn, DP_TOKEN, type ControlPlaneStandIn, type StandInAnswer } from "./support/control-plane-stand-in";
import { fakeMcpServer } from "./support/fake-mcp-server";
import { startGatewayChild, type GatewayChild } from "./support/gateway-child";
import { jsonResponse, startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";

const ISSUER = "https://console.example.test/api/oauth";
const CONNECT_URL = "https://console.example.test/connections/gh/connect";
const USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallow", "nina", "kim", "olga"];
/** Users of the 2026-07-28 tests. */
const STATELESS_USERS = ["pia", "quinn", "rosa", "sam", "tess", "uma", "vic", "walt", "xena", "yuri", "zoe", "amy"];

let signing: { privateKey: CryptoKey; publicJwk: JWK };
let upstream: RecordingUpstream;
let cp: ControlPlaneStandIn;
let gw: GatewayChild;
let gatewayUrl: string;
/** The tokens the upstream accepts. */
const valid = new Set<string>();
/** What the console answers, per user. */
const answers = new Map<string, (request: UpstreamTokenRequest) => StandInAnswer | Promise<StandInAnswer>>();

function document(url: string) {
  return {
    version: 1,
    gateway: { public_url: url },
    consumer_groups: [{ name: "developer" }],
    consumers: [...USERS, ...STATELESS_USERS].map((username) => ({ username, groups: ["developer"] })),
    authorization_server: { issuer: ISSUER, jwks: { keys: [signing.publicJwk] } },
    servers: [
      {
        name: "gh",
        path: "/gh",
        upstream: upstream.url,
        auth: { mode: "sign_in" },
        upstream_credential: { per_user: {} },
        acl: {
          default: { allow: ["developer"] },
          tools: [
            { name: "delete_repository", deny: ["developer"] },
            { name: "push_files", allow: ["developer"], require: { action: "confirm" } },
          ],
        },
      },
    ],
  };
}

const connected = (token: string, expiresAt: string | null = new Date(Date.now() + 3_600_000).toISOString()): StandInAnswer => ({
  status: 200,
  body: { status: "connected", value: `Bearer ${token}`, header: "Authorization", expires_at: expiresAt },
});

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  signing = { privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid: "key-1", alg: "ES256", use: "sig" } };
  upstream = await startRecordingUpstream((req, res) => {
    if (!valid.has(req.headers.authorization ?? "")) return jsonResponse(res, { error: "bad credentials" }, { "www-authenticate": 'Bearer realm="github"' }, 401);
    fakeMcpServer(req, res);
  });
  const port = await findFreePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  const config = document(gatewayUrl);
  cp = await startControlPlaneStandIn(config);
  cp.answer(DP_API.upstreamTokens, (request) => {
    const body = request.body as UpstreamTokenRequest;
    return answers.get(body.consumer)?.(body) ?? { status: 404, body: { error: "unknown consumer" } };
  });
  gw = await startGatewayChild(undefined, {
    lastKnownGood: { version: 1, hash: configHash(config), document: config },
    env: { PORTCULLIS_CP_URL: cp.url, PORTCULLIS_DP_TOKEN: DP_TOKEN, PORTCULLIS_HTTP_PORT: String(port), PORTCULLIS_PUBLIC_URL: gatewayUrl },
  });
});
afterAll(async () => {
  await gw?.stop();
  await cp?.stop().catch(() => {});
  await upstream?.close();
});

async function signIn(sub: string) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, sub, aud: `${gatewayUrl}/gh`, iat: now, exp: now + 300, client_id: "https://client.example/cimd.json" })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "key-1" })
    .sign(signing.privateKey);
}

async function callTool(user: string, id = 1) {
  const response = await fetch(`${gatewayUrl}/gh`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${await signIn(user)}` },
    body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "search_repositories", arguments: { q: user } } }),
  });
  return { status: response.status, body: (await response.json()) as { result?: unknown; error?: { code: number; message: string; data: Record<string, unknown> } } };
}

const refusal = (status: "not_connected" | "broken", message: string): StandInAnswer => ({ status: 200, body: { status, connect_url: CONNECT_URL, message } });

const lookups = (user: string) => cp.requests.filter((r) => r.path === DP_API.upstreamTokens && (r.body as UpstreamTokenRequest).consumer === user);
const forwardedFor = (user: string) => upstream.requests.filter((r) => r.body.includes(`"q":"${user}"`));

describe("a connected user", () => {
  it("is sent upstream with their own token in the configured header, never the Portcullis token", async () => {
    valid.add("Bearer gho_alice");
    answers.set("alice", () => connected("gho_alice"));
    const answer = await callTool("alice");
    expect(answer).toMatchObject({ status: 200, body: { result: { content: [{ text: "called search_repositories" }] } } });
    const [sent] = forwardedFor("alice");
    expect(sent!.headers.authorization).toBe("Bearer gho_alice");
    expect(JSON.stringify(sent!.headers)).not.toContain("eyJ");
    expect(lookups("alice")).toEqual([{ path: DP_API.upstreamTokens, authorization: `Bearer ${DP_TOKEN}`, body: { server: "gh", consumer: "alice" } }]);
    const event = await cp.event((e) => e.consumer === "alice" && e.tool === "search_repositories");
    expect(event).toMatchObject({ decision: "allow", upstream_identity: "per_user:authorization" });
  });

  it("lists and calls tools through the MCP SDK client as themselves", async () => {
    valid.add("Bearer gho_kim");
    answers.set("kim", () => connected("gho_kim"));
    const client = new Client({ name: "sdk-client", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/gh`), { requestInit: { headers: { authorization: `Bearer ${await signIn("kim")}` } } }));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("search_repositories");
    expect(await client.callTool({ name: "search_repositories", arguments: { q: "kim" } })).toMatchObject({ content: [{ text: "called search_repositories" }] });
    await client.close();
    const sent = upstream.requests.filter((r) => r.headers.authorization === "Bearer gho_kim");
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(lookups("kim")).toHaveLength(1);
  });

  it("is served from memory until the token's expiry, and while the console is down", async () => {
    valid.add("Bearer gho_bob");
    answers.set("bob", () => connected("gho_bob"));
    await callTool("bob");
    await callTool("bob", 2);
    expect(lookups("bob")).toHaveLength(1);
    await cp.stop();
    try {
      expect((await callTool("bob", 3)).status).toBe(200);
      expect(forwardedFor("bob").map((r) => r.headers.authorization)).toEqual(["Bearer gho_bob", "Bearer gho_bob", "Bearer gho_bob"]);
      // A user the gateway holds nothing for cannot be served without the console.
      answers.set("carol", () => connected("gho_carol"));
      const carol = await callTool("carol");
      expect(carol).toMatchObject({ status: 502, body: { error: { code: -32603, data: { reason: "credential_unavailable" } } } });
      expect(carol.body.error!.message).toBe("Your credential for server 'gh' could not be obtained from the console: try again shortly");
      expect(forwardedFor("carol")).toHaveLength(0);
    } finally {
      await cp.start();
    }
  });

  it("asks again once the token is within 30 s of its expiry", async () => {
    valid.add("Bearer gho_dave_1").add("Bearer gho_dave_2");
    let issued = 0;
    answers.set("dave", () => (++issued === 1 ? connected("gho_dave_1", new Date(Date.now() + 29_000).toISOString()) : connected("gho_dave_2")));
    await callTool("dave");
    await callTool("dave", 2);
    await callTool("dave", 3);
    expect(lookups("dave")).toHaveLength(2);
    expect(forwardedFor("dave").map((r) => r.headers.authorization)).toEqual(["Bearer gho_dave_1", "Bearer gho_dave_2", "Bearer gho_dave_2"]);
  });
});

describe("a user without a working connection", () => {
  it.each([
    ["has not connected the server", "not_connected", "You have not connected your GitHub account.", "upstream_not_connected", "grace"],
    ["has a broken connection", "broken", "GitHub revoked the grant.", "upstream_connection_broken", "heidi"],
  ] as const)("who %s is asked, with -32042, to connect it at the console's URL; nothing is forwarded", async (_what, status, message, reason, user) => {
    answers.set(user, () => refusal(status, message));
    const answer = await callTool(user);
    expect(answer.status).toBe(200);
    expect(answer.body.error).toEqual({
      code: -32042,
      message: `${message} Connect your account for server 'gh' at ${CONNECT_URL} and try again.`,
      data: { reason, elicitations: [{ mode: "url", elicitationId: expect.any(String), url: CONNECT_URL, message }] },
    });
    expect(forwardedFor(user)).toHaveLength(0);
    expect(await cp.event((e) => e.consumer === user)).toMatchObject({ decision: "deny", reason, jsonrpc_error: -32042 });
  });

  it("surfaces to an MCP SDK client as UrlElicitationRequiredError carrying the connect URL", async () => {
    answers.set("ivan", () => refusal("not_connected", "You have not connected your GitHub account."));
    const client = new Client({ name: "sdk-client", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/gh`), { requestInit: { headers: { authorization: `Bearer ${await signIn("ivan")}` } } });
    const failure = await client.connect(transport).then(
      () => undefined,
      (error: unknown) => error,
    );
    await client.close();
    expect(failure).toBeInstanceOf(UrlElicitationRequiredError);
    expect((failure as UrlElicitationRequiredError).elicitations).toEqual([expect.objectContaining({ mode: "url", url: CONNECT_URL })]);
    expect((failure as Error).message).toContain(CONNECT_URL);
  });
});

describe("a token the upstream refuses (401)", () => {
  it("is reported to the console once, and the request is sent once more with the new token", async () => {
    valid.add("Bearer gho_judy_new");
    answers.set("judy", (request) => connected(request.rejected ? "gho_judy_new" : "gho_judy_old"));
    const answer = await callTool("judy");
    expect(answer.status).toBe(200);
    expect(forwardedFor("judy").map((r) => r.headers.authorization)).toEqual(["Bearer gho_judy_old", "Bearer gho_judy_new"]);
    expect(lookups("judy").map((r) => r.body)).toEqual([
      { server: "gh", consumer: "judy" },
      // The refused value's SHA-256: the console refreshes only while it is still the stored one.
      { server: "gh", consumer: "judy", rejected: true, rejected_sha256: createHash("sha256").update("Bearer gho_judy_old").digest("hex") },
    ]);
    await callTool("judy", 2);
    expect(lookups("judy")).toHaveLength(2);
  });

  it("that the console then calls broken is answered with -32042; one refused twice is a 502, retried only once", async () => {
    answers.set("mallow", (request) =>
      request.rejected ? { status: 200, body: { status: "broken", connect_url: CONNECT_URL, message: "GitHub refused the token." } } : connected("gho_mallow"),
    );
    const broken = await callTool("mallow");
    expect(broken.body.error).toMatchObject({ code: -32042, data: { reason: "upstream_connection_broken" } });
    expect(forwardedFor("mallow")).toHaveLength(1);

    answers.set("nina", (request) => connected(request.rejected ? "gho_nina_2" : "gho_nina_1"));
    const twice = await callTool("nina");
    expect(twice).toMatchObject({
      status: 502,
      body: { error: { code: -32603, message: "Server 'gh' refused your credential", data: { reason: "upstream_credential_rejected" } } },
    });
    expect(forwardedFor("nina")).toHaveLength(2);
    expect(lookups("nina")).toHaveLength(2);
  });
});

describe("a console answer that is not a well-formed 200", () => {
  const value = (extra: Record<string, unknown>) => ({ status: 200, body: { status: "connected", value: "Bearer gho_x", header: "Authorization", expires_at: null, ...extra } });
  it.each([
    ["a 500", { status: 500, body: { error: "boom" } }],
    ["a 404 (unknown user)", { status: 404, body: { error: "unknown consumer" } }],
    ["a redirect", { status: 302, body: "", headers: { location: "http://127.0.0.1:9/elsewhere" } }],
    ["a body that is not JSON", { status: 200, body: "<html>" }],
    ["an unknown status", { status: 200, body: { status: "maybe" } }],
    ["connected without a value", value({ value: undefined })],
    ["a value that would split the headers", value({ value: "Bearer x\r\nX-Injected: 1" })],
    ["a value for another header", value({ header: "X-Api-Key" })],
    ["an expiry that is not a date", value({ expires_at: "soon" })],
    ["a connect URL that is not http(s)", { status: 200, body: { status: "not_connected", connect_url: "javascript:alert(1)", message: "connect" } }],
  ])("fails closed on %s: 502 credential_unavailable, nothing forwarded", async (_what, reply) => {
    valid.add("Bearer gho_x");
    answers.set("erin", () => reply);
    const answer = await callTool("erin");
    expect(answer).toMatchObject({ status: 502, body: { error: { code: -32603, data: { reason: "credential_unavailable" } } } });
    expect(forwardedFor("erin")).toHaveLength(0);
  });
});

it("a console slower than 2 s is unavailable: nothing is forwarded", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  answers.set("olga", async () => {
    await held;
    return connected("gho_olga");
  });
  const started = performance.now();
  const answer = await callTool("olga");
  release();
  expect(answer).toMatchObject({ status: 502, body: { error: { data: { reason: "credential_unavailable" } } } });
  expect(performance.now() - started).toBeGreaterThanOrEqual(1_900);
  expect(forwardedFor("olga")).toHaveLength(0);
});

describe("a 2026-07-28 client of a user without a working connection", () => {
  const NOT_CONNECTED = "You have not connected your GitHub account.";
  const WITH_URL = { "io.modelcontextprotocol/clientCapabilities": { elicitation: { form: {}, url: {} } } };
  const accept = { [CONNECT_INPUT_KEY]: { action: "accept" } };
  const CALL = { name: "search_repositories", arguments: { q: "stateless" } };

  async function send(user: string, method: string, params: Record<string, unknown>, meta: Record<string, unknown> = WITH_URL) {
    return statelessRequest(`${gatewayUrl}/gh`, method, { ...params, _meta: meta }, { headers: { authorization: `Bearer ${await signIn(user)}` } });
  }
  const sentBy = (user: string) => upstream.requests.filter((r) => r.headers.authorization === `Bearer gho_${user}`);

  async function askedToConnect(user: string, method = "tools/call", params: Record<string, unknown> = CALL) {
    const answer = await send(user, method, params);
    expect(answer.status).toBe(200);
    const result = answer.message.result!;
    expect(result).toEqual({
      resultType: "input_required",
      inputRequests: {
        [CONNECT_INPUT_KEY]: {
          method: "elicitation/create",
          params: { mode: "url", url: CONNECT_URL, message: `${NOT_CONNECTED} Connect your account for server 'gh', then continue.` },
        },
      },
      requestState: expect.stringMatching(/^pcu1\./),
    });
    return result.requestState as string;
  }

  it("is asked in-band with a URL elicitation; the accepted retry asks the console again and is forwarded once connected", async () => {
    answers.set("pia", () => refusal("not_connected", NOT_CONNECTED));
    const requestState = await askedToConnect("pia");
    expect(await cp.event((e) => e.consumer === "pia")).toMatchObject({ decision: "deny", reason: "upstream_not_connected" });
    // The user connects at the console; the client retries with the elicitation's answer.
    valid.add("Bearer gho_pia");
    answers.set("pia", () => connected("gho_pia"));
    const retried = await send("pia", "tools/call", { ...CALL, inputResponses: accept, requestState });
    expect(retried.message.result).toMatchObject({ content: [{ text: "called search_repositories" }] });
    expect(lookups("pia")).toHaveLength(2);
    const [forwarded] = sentBy("pia");
    expect(forwarded!.body).not.toContain("requestState");
    expect(forwarded!.body).not.toContain(CONNECT_INPUT_KEY);
    // One connect request forwards one call: the same state again is refused, and nothing more goes upstream.
    const replayed = await send("pia", "tools/call", { ...CALL, inputResponses: accept, requestState });
    expect(replayed.message.error).toMatchObject({ code: -32602, data: { reason: "connection_state_used" } });
    expect(sentBy("pia")).toHaveLength(1);
  });

  it("is asked again, with a new state, when the retry comes before the user has connected", async () => {
    answers.set("quinn", () => refusal("not_connected", NOT_CONNECTED));
    const first = await askedToConnect("quinn");
    const second = await askedToConnect("quinn", "tools/call", { ...CALL, inputResponses: accept, requestState: first });
    expect(second).not.toBe(first);
    expect(lookups("quinn")).toHaveLength(2);
    expect(forwardedFor("quinn")).toHaveLength(0);
  });

  it.each([
    ["prompts/get", { name: "review", arguments: {} }, "rosa"],
    ["resources/read", { uri: "repo://octo/readme" }, "zoe"],
  ])("is asked the same way on %s", async (method, params, user) => {
    answers.set(user, () => refusal("not_connected", NOT_CONNECTED));
    const requestState = await askedToConnect(user, method, params);
    valid.add(`Bearer gho_${user}`);
    answers.set(user, () => connected(`gho_${user}`));
    const retried = await send(user, method, { ...params, inputResponses: accept, requestState });
    expect(retried.message.result).toMatchObject({ echoed: method });
    expect(sentBy(user)).toHaveLength(1);
  });

  it("refuses a declined or cancelled connect request, and a forged, another user's or another call's state, forwarding nothing", async () => {
    answers.set("sam", () => refusal("not_connected", NOT_CONNECTED));
    answers.set("tess", () => refusal("not_connected", NOT_CONNECTED));
    const requestState = await askedToConnect("sam");
    const before = upstream.requests.length;
    for (const action of ["decline", "cancel"]) {
      const answer = await send("sam", "tools/call", { ...CALL, inputResponses: { [CONNECT_INPUT_KEY]: { action } }, requestState });
      expect(answer.message.error).toMatchObject({ code: -32602, message: "The request was not run: you did not connect your account", data: { reason: "connection_declined" } });
    }
    const forged = `${requestState.slice(0, -2)}${requestState.endsWith("AA") ? "BB" : "AA"}`;
    const cases = [
      ["sam", CALL, forged, "The request was not run: its requestState was not issued by this gateway"],
      ["tess", CALL, requestState, "The request was not run: its requestState was issued for a different request"],
      ["sam", { ...CALL, arguments: { q: "other" } }, requestState, "The request was not run: its requestState was issued for a different request"],
    ] as const;
    for (const [user, params, state, message] of cases) {
      const answer = await send(user, "tools/call", { ...params, inputResponses: accept, requestState: state });
      expect(answer.message.error).toMatchObject({ code: -32602, message, data: { reason: "connection_state_invalid" } });
    }
    expect(upstream.requests).toHaveLength(before);
  });

  it("judges the retry by the ACL first: a state cannot carry a call to a denied tool", async () => {
    answers.set("uma", () => refusal("not_connected", NOT_CONNECTED));
    const requestState = await askedToConnect("uma");
    valid.add("Bearer gho_uma");
    answers.set("uma", () => connected("gho_uma"));
    const switched = await send("uma", "tools/call", { name: "delete_repository", arguments: { q: "stateless" }, inputResponses: accept, requestState });
    expect(switched.message.error).toMatchObject({ code: -32602, data: { reason: "tool_denied" } });
    expect(sentBy("uma")).toHaveLength(0);
  });

  it("connects first, then confirms: a tool that needs confirmation is asked for it after the connection, and forwarded once confirmed", async () => {
    answers.set("vic", () => refusal("not_connected", NOT_CONNECTED));
    const push = { name: "push_files", arguments: { branch: "main" } };
    const connectState = await askedToConnect("vic", "tools/call", push);
    valid.add("Bearer gho_vic");
    answers.set("vic", () => connected("gho_vic"));
    const confirm = await send("vic", "tools/call", { ...push, inputResponses: accept, requestState: connectState });
    expect(confirm.message.result).toMatchObject({ resultType: "input_required", inputRequests: { [CONFIRM_INPUT_KEY]: { params: { mode: "form" } } } });
    expect(sentBy("vic")).toHaveLength(0);
    const confirmed = await send("vic", "tools/call", {
      ...push,
      inputResponses: { [CONFIRM_INPUT_KEY]: { action: "accept", content: { confirm: true } } },
      requestState: confirm.message.result!.requestState,
    });
    expect(confirmed.message.result).toMatchObject({ content: [{ text: "called push_files" }] });
    expect(sentBy("vic")).toHaveLength(1);
  });

  it("whose token the upstream refuses, and the console then calls broken, is asked in-band to connect again", async () => {
    answers.set("amy", (request) => (request.rejected ? refusal("broken", "GitHub revoked the grant.") : connected("gho_amy_revoked")));
    const answer = await send("amy", "tools/call", CALL);
    expect(answer.message.result).toMatchObject({
      resultType: "input_required",
      inputRequests: {
        [CONNECT_INPUT_KEY]: { params: { mode: "url", url: CONNECT_URL, message: "GitHub revoked the grant. Connect your account for server 'gh', then continue." } },
      },
    });
    expect(upstream.requests.filter((r) => r.headers.authorization === "Bearer gho_amy_revoked")).toHaveLength(1);
    expect(await cp.event((e) => e.consumer === "amy")).toMatchObject({ decision: "deny", reason: "upstream_connection_broken" });
  });

  it("without URL elicitation declared, is answered MissingRequiredClientCapability (-32021, HTTP 400) naming the URL", async () => {
    answers.set("walt", () => refusal("broken", "GitHub revoked the grant."));
    const answer = await send("walt", "tools/call", CALL, { "io.modelcontextprotocol/clientCapabilities": { elicitation: { form: {} } } });
    expect(answer.status).toBe(400);
    expect(answer.message.error).toEqual({
      code: -32021,
      message: `GitHub revoked the grant. Connect your account for server 'gh' at ${CONNECT_URL} and try again.`,
      data: { reason: "url_elicitation_undeclared", requiredCapabilities: { elicitation: { url: {} } } },
    });
    expect(sentBy("walt")).toHaveLength(0);
  });

  it.each(["tools/list", "server/discover"])("on %s, which may not answer input_required, is answered -32000 naming the URL", async (method) => {
    answers.set("xena", () => refusal("not_connected", NOT_CONNECTED));
    const answer = await send("xena", method, {});
    expect(answer.status).toBe(200);
    expect(answer.message.error).toEqual({
      code: -32000,
      message: `${NOT_CONNECTED} Connect your account for server 'gh' at ${CONNECT_URL} and try again.`,
      data: { reason: "upstream_connection_required", connect_url: CONNECT_URL },
    });
    expect(sentBy("xena")).toHaveLength(0);
  });

  it("a 2025-11-25 client is still answered URLElicitationRequiredError (-32042)", async () => {
    answers.set("yuri", () => refusal("not_connected", NOT_CONNECTED));
    const response = await fetch(`${gatewayUrl}/gh`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
        authorization: `Bearer ${await signIn("yuri")}`,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(await response.json()).toMatchObject({ error: { code: -32042, data: { elicitations: [{ mode: "url", url: CONNECT_URL }] } } });
  });
});

describe("metrics", () => {
  it("count lookups by server and outcome", async () => {
    const text = await (await fetch(`${gw.statusUrl}/metrics`)).text();
    for (const outcome of ["held", "fetched", "refreshed", "not_connected", "broken", "unavailable"])
      expect(text).toMatch(new RegExp(`^portcullis_user_credential_lookups_total\\{server="gh",outcome="${outcome}"\\} \\d+$`, "m"));
  });
});

describe("a gateway configured from a file", () => {
  it("refuses every call on a per_user route: the credentials are the console's", async () => {
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    const fileGateway = await startGatewayChild(document(url), { env: { PORTCULLIS_HTTP_PORT: String(port) } });
    try {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ iss: ISSUER, sub: "alice", aud: `${url}/gh`, exp: now + 300, client_id: "https://client.example/cimd.json" })
        .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "key-1" })
        .sign(signing.privateKey);
      const response = await fetch(`${url}/gh`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${token}` },
        body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: { data: { reason: "credential_unavailable" } } });
    } finally {
      await fileGateway.stop();
    }
  });
});
