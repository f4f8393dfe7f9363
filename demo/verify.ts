// The recipe's verification, step by step, against a running demo with the
// MCP SDK client: the GitHub routes (passthrough, and Sign in with Portcullis
// with each user's own GitHub token) and the Konnect route (token swap); and with a spec-exact MCP 2026-07-28 client, the reference route
// (token exchange). One implementation with two callers — `npm run demo:verify` prints
// each step, the integration test asserts them — so neither can drift.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { signInToConsole, type ConsoleSession } from "./console-session";
import type { DemoFacts } from "./facts";
import { authorizeWithOAuth, type HeadlessOAuthProvider } from "./headless-oauth";
import { statelessRequest } from "./mcp-2026/client";
import { STATELESS_TOOLS } from "./mcp-2026/reference-server";
import { fetchRequestLog, tokenHash } from "./request-log";
import { signInBrowser } from "./sign-in-browser";

export interface StepResult {
  flow: string;
  step: string;
  status: "passed" | "failed" | "skipped";
  /** The figure or detail that shows it (or why it failed). */
  detail: string;
}

interface Step {
  title: string;
  /** Returns the detail to print; throws VerificationFailure (or any error) to fail. */
  run(): Promise<string>;
}

interface Flow {
  title: string;
  steps: Step[];
  cleanup(): Promise<void>;
}

class VerificationFailure extends Error {}

function check(condition: unknown, failure: string): asserts condition {
  if (!condition) throw new VerificationFailure(failure);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
const shorten = (token: string) => `${token.slice(0, 8)}…`;
const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "portcullis-verify", version: "1.0.0" } },
};

function postJsonRpc(url: string, headers: Record<string, string>, body: unknown) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18", ...headers },
    body: JSON.stringify(body),
  });
}

/** The gateway's PRM URL for an MCP URL on it (RFC 9728: the well-known path prefixed to the resource's path). */
function metadataUrlOf(mcpUrl: string): string {
  const url = new URL(mcpUrl);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`;
}

async function expectChallenge(mcpUrl: string): Promise<string> {
  const response = await postJsonRpc(mcpUrl, {}, INITIALIZE);
  const challenge = response.headers.get("www-authenticate") ?? "";
  check(response.status === 401, `expected 401, got ${response.status}`);
  const expected = `Bearer resource_metadata="${metadataUrlOf(mcpUrl)}"`;
  check(challenge === expected, `expected WWW-Authenticate: ${expected}, got ${challenge || "none"}`);
  return `401, WWW-Authenticate: ${challenge}`;
}

async function readMetadata(mcpUrl: string, authorizationServer: string): Promise<string> {
  const response = await fetch(metadataUrlOf(mcpUrl));
  check(response.status === 200, `GET ${metadataUrlOf(mcpUrl)} answered ${response.status}`);
  const prm = (await response.json()) as { resource?: string; authorization_servers?: string[] };
  check(prm.resource === mcpUrl, `resource is ${prm.resource}, expected ${mcpUrl}`);
  check(
    sameList(prm.authorization_servers ?? [], [authorizationServer]),
    `authorization_servers is ${JSON.stringify(prm.authorization_servers)}, expected [${authorizationServer}]`,
  );
  return `resource = ${prm.resource}, authorization_servers = [${prm.authorization_servers!.join(", ")}]`;
}

/** An MCP SDK client on a gateway route: OAuth through `provider`, plus the route's headers (the API key on passthrough routes). */
export async function connectClient(mcpUrl: string, provider: HeadlessOAuthProvider, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "portcullis-verify", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, requestInit: { headers } }));
  return client;
}

/** The GitHub OAuth app flow through the gateway's metadata: client id + secret, PKCE. */
export function authorizeGitHub(facts: DemoFacts): Promise<HeadlessOAuthProvider> {
  const { github } = facts;
  return authorizeWithOAuth(github.mcp_url, { client: { clientId: github.client_id, clientSecret: github.client_secret, redirectUri: github.redirect_uri } });
}

/** The tool names a consumer sees on the GitHub route. */
export async function listGitHubTools(facts: DemoFacts, provider: HeadlessOAuthProvider, key: string): Promise<string[]> {
  const client = await connectClient(facts.github.mcp_url, provider, { [facts.github.key_header]: key });
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

function textOf(result: object): string {
  const first = ("content" in result ? (result.content as { type: string; text?: string }[]) : undefined)?.[0];
  return first?.type === "text" ? (first.text ?? "") : "";
}

function githubFlow(facts: DemoFacts): Flow {
  const { github } = facts;
  let provider: HeadlessOAuthProvider;
  const clients: Client[] = [];
  const keyed = async (key: string) => {
    const client = await connectClient(github.mcp_url, provider, { [github.key_header]: key });
    clients.push(client);
    return client;
  };
  const bearer = () => ({ authorization: `Bearer ${provider.tokens()!.access_token}` });
  return {
    title: `GitHub MCP — passthrough (${github.mcp_url})`,
    steps: [
      { title: "No token → 401 with a challenge", run: () => expectChallenge(github.mcp_url) },
      { title: "Protected Resource Metadata through the gateway names GitHub's authorization server", run: () => readMetadata(github.mcp_url, github.authorization_server) },
      {
        title: "OAuth at GitHub's authorization server with client id + secret (PKCE, no dynamic registration)",
        async run() {
          provider = await authorizeGitHub(facts);
          const tokens = provider.tokens()!;
          check(tokens.access_token.startsWith("gho_"), `unexpected token ${shorten(tokens.access_token)}`);
          return `token ${shorten(tokens.access_token)} (scope ${tokens.scope}) issued to client ${github.client_id}`;
        },
      },
      {
        title: "The token alone is not enough: without an API key → 403",
        async run() {
          const response = await postJsonRpc(github.mcp_url, bearer(), INITIALIZE);
          const body = (await response.json()) as { error?: { message?: string; data?: { reason?: string } } };
          check(response.status === 403 && body.error?.data?.reason === "key_missing", `expected 403 key_missing, got ${response.status} ${JSON.stringify(body)}`);
          return `403 ${body.error.data.reason}: ${body.error.message}`;
        },
      },
      {
        title: `Reconnect with ${github.key_header}: ${github.keys.developer} → exactly the ${github.developer_tools.length} read tools`,
        async run() {
          const names = (await (await keyed(github.keys.developer)).listTools()).tools.map((t) => t.name);
          check(sameList(names, github.developer_tools), `listed ${names.length}: ${names.sort().join(", ")}`);
          return `${names.length} tools: ${names.sort().join(", ")}`;
        },
      },
      {
        title: "search_repositories as developer succeeds",
        async run() {
          const result = await clients[0]!.callTool({ name: "search_repositories", arguments: { query: "org:acme" } });
          check(!result.isError, `tool error: ${textOf(result)}`);
          const found = JSON.parse(textOf(result)) as { items: { full_name: string }[] };
          return `${found.items.length} repositories: ${found.items.map((r) => r.full_name).join(", ")}`;
        },
      },
      {
        title: "push_files as developer (raw JSON-RPC) → -32602, and GitHub never sees it",
        async run() {
          const before = (await fetchRequestLog(github.stand_in_url, Number.MAX_SAFE_INTEGER)).last_seq;
          const call = {
            jsonrpc: "2.0",
            id: 7,
            method: "tools/call",
            params: { name: "push_files", arguments: { owner: "acme", repo: "widgets", branch: "main", message: "sneaky", files: [{ path: "x", content: "y" }] } },
          };
          const response = await postJsonRpc(github.mcp_url, { ...bearer(), [github.key_header]: github.keys.developer }, call);
          const body = (await response.json()) as { id?: unknown; error?: { code?: number; message?: string } };
          check(response.status === 200 && body.error?.code === -32602, `expected HTTP 200 with error -32602, got ${response.status} ${JSON.stringify(body)}`);
          const expected = "Tool 'push_files' is not available for consumer group 'developer'";
          check(body.error.message === expected, `error message "${body.error.message}", expected "${expected}"`);
          const reached = (await fetchRequestLog(github.stand_in_url, before)).requests.filter((r) => r.tool === "push_files");
          check(reached.length === 0, `GitHub received push_files ${reached.length} time(s)`);
          return `HTTP 200, ${body.error.code} "${body.error.message}"; GitHub received 0 push_files calls`;
        },
      },
      {
        title: `As admin (${github.key_header}: ${github.keys.admin}) every tool is listed and push_files succeeds`,
        async run() {
          // What GitHub itself lists for this token, asked directly: the admin must see all of it.
          const direct = new Client({ name: "portcullis-verify", version: "1.0.0" });
          await direct.connect(new StreamableHTTPClientTransport(new URL("/mcp/", github.stand_in_url), { requestInit: { headers: bearer() } }));
          const upstreamNames = (await direct.listTools()).tools.map((t) => t.name);
          await direct.close();
          const admin = await keyed(github.keys.admin);
          const names = (await admin.listTools()).tools.map((t) => t.name);
          check(sameList(names, upstreamNames), `admin sees ${names.length} tools, GitHub lists ${upstreamNames.length}`);
          const before = (await fetchRequestLog(github.stand_in_url, Number.MAX_SAFE_INTEGER)).last_seq;
          const pushed = await admin.callTool({
            name: "push_files",
            arguments: { owner: "acme", repo: "widgets", branch: "demo", message: "Add notes", files: [{ path: "NOTES.md", content: "hello" }] },
          });
          check(!pushed.isError, `push_files failed: ${textOf(pushed)}`);
          const seen = (await fetchRequestLog(github.stand_in_url, before)).requests.find((r) => r.tool === "push_files");
          check(seen?.accepted, "GitHub did not receive the admin's push_files");
          return `${names.length} of ${upstreamNames.length} tools; push_files → ${(JSON.parse(textOf(pushed)) as { ref: string }).ref} (GitHub received it from ${seen.caller})`;
        },
      },
    ],
    async cleanup() {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

/** Where the browser lands: the code, after checking the authorization server named itself (RFC 9207). */
export function codeFrom(landed: URL, issuer: string): string {
  const error = landed.searchParams.get("error");
  check(!error, `authorization refused: ${error} (${landed.searchParams.get("error_description") ?? "no description"})`);
  check(landed.searchParams.get("iss") === issuer, `iss is ${landed.searchParams.get("iss")}, expected ${issuer}`);
  const code = landed.searchParams.get("code");
  check(code, `no code in ${landed.href}`);
  return code;
}

function githubSignInFlow(facts: DemoFacts): Flow {
  const { github_sign_in: route, github, idp } = facts;
  let provider: HeadlessOAuthProvider;
  let client: Client | undefined;
  let logMark = 0;
  return {
    title: `GitHub MCP — Sign in with Portcullis (${route.mcp_url})`,
    steps: [
      { title: "No token → 401 with a challenge", run: () => expectChallenge(route.mcp_url) },
      { title: "Protected Resource Metadata names Portcullis itself as the authorization server", run: () => readMetadata(route.mcp_url, route.authorization_server) },
      {
        title: `A client with nothing but the URL registers itself, signs in at the IdP as ${idp.user.username} and allows; GitHub's consent the first time`,
        async run() {
          const browser = signInBrowser(facts.console_url, new URLSearchParams({ username: idp.user.username, password: idp.user.password }));
          provider = await authorizeWithOAuth(route.mcp_url, {
            client: { redirectUri: idp.redirect_uri },
            browse: async (start, redirectUri) => codeFrom(await browser.authorize(start, redirectUri), route.authorization_server),
          });
          const token = provider.tokens()!.access_token;
          check(token.split(".").length === 3, `expected a Portcullis JWT, got ${shorten(token)}`);
          const consented = browser.visited.some((url) => url.origin === github.stand_in_url && url.pathname === "/login/oauth/authorize");
          return `client ${provider.clientInformation()?.client_id} (dynamic registration); Portcullis token ${shorten(token)}; ${
            consented ? `GitHub consent to the console's OAuth app ${route.client_id}` : `GitHub already connected for ${idp.user.email} (no consent asked)`
          }`;
        },
      },
      {
        title: `Exactly the ${idp.user.groups.join(", ")} group's ${github.developer_tools.length} read tools are listed, and search_repositories runs`,
        async run() {
          logMark = (await fetchRequestLog(github.stand_in_url, Number.MAX_SAFE_INTEGER)).last_seq;
          client = await connectClient(route.mcp_url, provider);
          const names = (await client.listTools()).tools.map((t) => t.name);
          check(sameList(names, github.developer_tools), `listed ${names.length}: ${names.sort().join(", ")}`);
          const result = await client.callTool({ name: "search_repositories", arguments: { query: "org:acme" } });
          check(!result.isError, `tool error: ${textOf(result)}`);
          const found = JSON.parse(textOf(result)) as { items: unknown[] };
          return `${names.length} tools: ${names.sort().join(", ")}; search_repositories → ${found.items.length} repositories`;
        },
      },
      {
        title: `GitHub saw ${idp.user.email}'s own GitHub token, never the Portcullis token`,
        async run() {
          const seen = (await fetchRequestLog(github.stand_in_url, logMark)).requests;
          check(seen.length > 0, "GitHub received nothing");
          const portcullisToken = tokenHash(provider.tokens()!.access_token);
          check(!seen.some((r) => r.token_hash === portcullisToken), "GitHub received the Portcullis token");
          const others = seen.filter((r) => !r.accepted || r.token_prefix !== "gho");
          check(others.length === 0, `${others.length} request(s) not made with a user's token from the OAuth app: ${JSON.stringify(others[0])}`);
          const tokens = new Set(seen.map((r) => r.token_hash));
          check(tokens.size === 1, `GitHub saw ${tokens.size} different tokens`);
          const session = await signInToConsole(facts.console_url, facts.admin.email, facts.admin.password);
          const { body: listed } = await session.json<{ servers: { id: string; name: string }[] }>("GET", "/api/servers");
          const serverId = listed.servers.find((s) => s.name === route.server)?.id;
          const { body } = await session.json<{ connections: { consumer: string; status: string }[] }>("GET", `/api/servers/${serverId}/connections`);
          const connection = body.connections.find((c) => c.consumer === idp.user.email);
          check(connection?.status === "connected", `the console holds no working connection for ${idp.user.email}: ${JSON.stringify(body)}`);
          return `${seen.length} requests, all with one user token (gho_…, ${[...tokens][0]}) as ${seen[0]!.caller}; the console's connection for ${idp.user.email}: ${connection.status}; the Portcullis token: never`;
        },
      },
    ],
    async cleanup() {
      await client?.close();
    },
  };
}

async function until<T>(read: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined || Date.now() > deadline) return value;
    // Audit events reach the console about once a second; nothing announces them to another process.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function konnectFlow(facts: DemoFacts): Flow {
  const { konnect, idp } = facts;
  let provider: HeadlessOAuthProvider;
  let client: Client | undefined;
  let console_: ConsoleSession | undefined;
  let logMark = 0;
  let calledAt = "";
  const signedIn = async () => (console_ ??= await signInToConsole(facts.console_url, facts.admin.email, facts.admin.password));
  return {
    title: `Konnect MCP — token swap (${konnect.mcp_url})`,
    steps: [
      { title: "No token → 401 with a challenge", run: () => expectChallenge(konnect.mcp_url) },
      { title: "Protected Resource Metadata names the organisation's IdP", run: () => readMetadata(konnect.mcp_url, idp.issuer) },
      {
        title: `Authorization Code + PKCE at the IdP, signed in as ${idp.user.username}`,
        async run() {
          provider = await authorizeWithOAuth(konnect.mcp_url, { client: { clientId: idp.client_id, redirectUri: idp.redirect_uri }, credentials: idp.user });
          return `token ${shorten(provider.tokens()!.access_token)} for resource ${konnect.mcp_url}, public client ${idp.client_id}`;
        },
      },
      {
        title: "Tools listed and a read tool called",
        async run() {
          logMark = (await fetchRequestLog(konnect.stand_in_url, Number.MAX_SAFE_INTEGER)).last_seq;
          calledAt = new Date(Date.now() - 1000).toISOString();
          client = await connectClient(konnect.mcp_url, provider);
          const { tools } = await client.listTools();
          check(
            tools.some((t) => t.name === "list_control_planes"),
            `list_control_planes is not listed (${tools.map((t) => t.name).join(", ")})`,
          );
          const result = await client.callTool({ name: "list_control_planes", arguments: {} });
          check(!result.isError, `tool error: ${textOf(result)}`);
          const planes = (JSON.parse(textOf(result)) as { data: { name: string }[] }).data.map((p) => p.name);
          return `${tools.length} tools; list_control_planes → ${planes.join(", ")}`;
        },
      },
      {
        title: `Konnect saw only the stored service identity, never ${idp.user.username}'s token`,
        async run() {
          const seen = (await fetchRequestLog(konnect.stand_in_url, logMark)).requests;
          const userToken = tokenHash(provider.tokens()!.access_token);
          check(seen.length > 0, "Konnect received nothing");
          check(!seen.some((r) => r.token_hash === userToken), `Konnect received ${idp.user.username}'s token`);
          const others = seen.filter((r) => !r.accepted || r.caller !== konnect.service_identity);
          check(others.length === 0, `${others.length} request(s) not made as ${konnect.service_identity}`);
          return `${seen.length} requests, all as ${konnect.service_identity} (${konnect.vault_reference}); ${idp.user.username}'s token: never`;
        },
      },
      {
        title: `The audit event names ${idp.user.username} (consumer ${idp.user.consumer})`,
        async run() {
          const session = await signedIn();
          const query = new URLSearchParams({ format: "jsonl", server: "konnect", tool: "list_control_planes", from: calledAt });
          interface AuditLine {
            consumerName: string;
            endUser: string | null;
            upstreamIdentity: string | null;
            decision: string;
            httpStatus: number;
          }
          const event = await until(async () => {
            const exported = await session.text(`/api/audit/export?${query}`);
            check(exported.status === 200, `the audit export answered ${exported.status}`);
            const lines = exported.body
              .split("\n")
              .filter(Boolean)
              .map((line) => JSON.parse(line) as AuditLine);
            return lines.find((e) => e.endUser === idp.user.username);
          }, 15_000);
          check(event, `no audit event for list_control_planes by ${idp.user.username} within 15 s`);
          check(event.consumerName === idp.user.consumer && event.decision === "allow", `event: ${JSON.stringify(event)}`);
          return `consumer ${event.consumerName}, end user ${event.endUser}, upstream identity ${event.upstreamIdentity}, ${event.decision}, HTTP ${event.httpStatus}`;
        },
      },
      {
        title: `The consumer dashboard of ${idp.user.consumer} counts the call`,
        async run() {
          const session = await signedIn();
          const page = `/analytics/consumers/${encodeURIComponent(idp.user.consumer)}`;
          const shown = await until(async () => {
            const html = await session.text(page);
            check(html.status === 200, `${page} answered ${html.status}`);
            return /konnect/.test(html.body) && /list_control_planes/.test(html.body) ? true : undefined;
          }, 15_000);
          check(shown, `${page} does not list konnect · list_control_planes within 15 s`);
          return `${facts.console_url}${page} lists konnect · list_control_planes`;
        },
      },
    ],
    async cleanup() {
      await client?.close();
    },
  };
}

function referenceFlow(facts: DemoFacts): Flow {
  const { reference, idp } = facts;
  let provider: HeadlessOAuthProvider;
  let logMark = 0;
  const signedIn = () => ({ headers: { authorization: `Bearer ${provider.tokens()!.access_token}` } });
  const allowed = STATELESS_TOOLS.map((t) => t.name).filter((name) => !reference.developer_denied_tools.includes(name));
  return {
    title: `Reference MCP 2026-07-28 — token exchange (${reference.mcp_url})`,
    steps: [
      { title: "No token → 401 with a challenge", run: () => expectChallenge(reference.mcp_url) },
      {
        title: `Authorization Code + PKCE at the IdP, signed in as ${idp.user.username}`,
        async run() {
          provider = await authorizeWithOAuth(reference.mcp_url, { client: { clientId: idp.client_id, redirectUri: idp.redirect_uri }, credentials: idp.user });
          logMark = (await fetchRequestLog(reference.stand_in_url, Number.MAX_SAFE_INTEGER)).last_seq;
          return `token ${shorten(provider.tokens()!.access_token)} for resource ${reference.mcp_url}`;
        },
      },
      {
        title: "server/discover, then every tools/list page without a session: filtered for the caller and marked private",
        async run() {
          const discovered = await statelessRequest(reference.mcp_url, "server/discover", {}, signedIn());
          check(discovered.status === 200 && discovered.message.result, `server/discover answered ${discovered.status} ${JSON.stringify(discovered.message)}`);
          const names: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await statelessRequest(reference.mcp_url, "tools/list", cursor === undefined ? {} : { cursor }, signedIn());
            const result = page.message.result as { tools?: { name: string }[]; nextCursor?: string; cacheScope?: string } | undefined;
            check(page.status === 200 && result?.tools, `tools/list answered ${page.status} ${JSON.stringify(page.message)}`);
            check(result.cacheScope === "private", `page ${pages + 1} has cacheScope ${String(result.cacheScope)}, expected "private"`);
            names.push(...result.tools.map((t) => t.name));
            cursor = result.nextCursor;
            pages++;
          } while (cursor !== undefined && pages < 20);
          check(sameList(names, allowed), `listed ${names.sort().join(", ")}, expected ${allowed.sort().join(", ")}`);
          return `${names.length} tools over ${pages} pages (${names.sort().join(", ")}), cacheScope "private" on each`;
        },
      },
      {
        title: `${reference.developer_denied_tools.join(", ")} as ${idp.user.username} → -32602, and the server never sees it`,
        async run() {
          const before = (await fetchRequestLog(reference.stand_in_url, Number.MAX_SAFE_INTEGER)).last_seq;
          const tool = reference.developer_denied_tools[0]!;
          const answer = await statelessRequest(reference.mcp_url, "tools/call", { name: tool, arguments: { text: "sneaky" } }, signedIn());
          check(answer.message.error?.code === -32602, `expected error -32602, got ${answer.status} ${JSON.stringify(answer.message)}`);
          const reached = (await fetchRequestLog(reference.stand_in_url, before)).requests.filter((r) => r.tool === tool);
          check(reached.length === 0, `the server received ${tool} ${reached.length} time(s)`);
          return `${answer.message.error.code} "${answer.message.error.message}"; the server received 0 ${tool} calls`;
        },
      },
      {
        title: "delete_branch asks first (input_required); the retry that accepts is judged again and runs",
        async run() {
          const call = { name: "delete_branch", arguments: { text: "feature/old" } };
          const interim = await statelessRequest(reference.mcp_url, "tools/call", call, signedIn());
          const asked = interim.message.result as { resultType?: string; requestState?: string } | undefined;
          check(asked?.resultType === "input_required" && typeof asked.requestState === "string", `expected input_required, got ${JSON.stringify(interim.message)}`);
          const retried = await statelessRequest(
            reference.mcp_url,
            "tools/call",
            { ...call, inputResponses: { confirm: { action: "accept", content: {} } }, requestState: asked.requestState },
            signedIn(),
          );
          const done = retried.message.result as { resultType?: string; content?: { text?: string }[] } | undefined;
          check(done?.resultType === "complete", `the retry answered ${JSON.stringify(retried.message)}`);
          return `input_required → accepted → ${done.content?.[0]?.text ?? "complete"}`;
        },
      },
      {
        title: `The server saw only tokens the IdP issued for it, naming ${idp.user.username}; never ${idp.user.username}'s own token`,
        async run() {
          const seen = (await fetchRequestLog(reference.stand_in_url, logMark)).requests;
          const userToken = tokenHash(provider.tokens()!.access_token);
          check(seen.length > 0, "the server received nothing");
          check(!seen.some((r) => r.token_hash === userToken), `the server received ${idp.user.username}'s token`);
          const others = seen.filter((r) => !r.accepted || r.caller !== idp.user.username);
          check(others.length === 0, `${others.length} request(s) not made as ${idp.user.username} with a token for ${reference.resource}`);
          const tokens = new Set(seen.map((r) => r.token_hash));
          return `${seen.length} requests as ${idp.user.username} with ${tokens.size} exchanged token(s) for ${reference.resource}; ${idp.user.username}'s own token: never`;
        },
      },
    ],
    async cleanup() {},
  };
}

/** Runs every flow; in each, the first failure skips the steps after it. */
export async function verifyDemo(facts: DemoFacts, onResult: (result: StepResult, flowTitle: string) => void = () => {}): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const flow of [githubFlow(facts), githubSignInFlow(facts), konnectFlow(facts), referenceFlow(facts)]) {
    let failed = false;
    for (const step of flow.steps) {
      let result: StepResult;
      if (failed) {
        result = { flow: flow.title, step: step.title, status: "skipped", detail: "after an earlier failure" };
      } else {
        try {
          result = { flow: flow.title, step: step.title, status: "passed", detail: await step.run() };
        } catch (error) {
          failed = true;
          result = {
            flow: flow.title,
            step: step.title,
            status: "failed",
            detail: error instanceof VerificationFailure ? error.message : `${(error as Error).name}: ${(error as Error).message}`,
          };
        }
      }
      results.push(result);
      onResult(result, flow.title);
    }
    await flow.cleanup().catch(() => {});
  }
  return results;
}
