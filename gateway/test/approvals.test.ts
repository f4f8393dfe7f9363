// Confirmation and approval through a real gateway process (docs/gateway.md,
// "Confirmation and approval"), with the spec-exact 2026-07-28 client and the
// 2026-07-28 reference upstream, whose request log shows what was forwarded:
// the in-band confirmation (accept → forwarded once; decline, other
// arguments, a forged, expired or reused requestState → refused), a tool that
// asks for input itself behind a confirmation, and the fail-closed cases of
// approvals: no console (a gateway configured from a file) and a console that
// cannot be reached.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callHash } from "../../lib/core/approvals/call-hash";
import type { AuditEvent } from "../../lib/core/audit/event";
import { configHash } from "../../lib/core/config/canonical";
import { configSchema } from "../../lib/core/config/schema";
import { findFreePort } from "../../lib/net/ports";
import { statelessRequest, type StatelessAnswer } from "../../demo/mcp-2026/client";
import { startStatelessUpstream, type StatelessUpstream } from "../../demo/mcp-2026/reference-server";
import { ConfirmationStates } from "../src/approvals/confirmation-state";
import { CONFIRM_INPUT_KEY } from "../src/approvals/in-band-confirmation";
import { startGatewayChild, type GatewayChild } from "./support/gateway-child";

const KEY = "dev-api-key-1";
const HEADERS = { apikey: KEY, authorization: "Bearer upstream-token" };
const masterKey = randomBytes(32);

function configFor(upstream: string) {
  return {
    version: 1,
    consumer_groups: [{ name: "developer" }, { name: "platform" }],
    consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ key: KEY }] }],
    servers: [
      {
        name: "ref",
        path: "/ref",
        upstream,
        auth: { mode: "passthrough" },
        acl: {
          default: {},
          tools: [
            { name: "push_files", allow: ["developer"], require: { action: "confirm", when: 'args.branch == "main"' } },
            { name: "delete_branch", require: { action: "confirm" } },
            { name: "create_issue", require: { action: "approve", approvers: ["platform"] } },
          ],
        },
      },
    ],
  };
}

let upstream: StatelessUpstream;
let gw: GatewayChild;

beforeAll(async () => {
  upstream = await startStatelessUpstream();
  gw = await startGatewayChild(configFor(upstream.url), { env: { PORTCULLIS_MASTER_KEY: masterKey.toString("hex") } });
});
afterAll(async () => {
  await gw?.stop();
  await upstream?.close();
});

const call = (params: Record<string, unknown>, headers: Record<string, string> = HEADERS) => statelessRequest(`${gw.url}/ref`, "tools/call", params, { headers });
const forwardedCalls = (tool: string) => upstream.requests.filter((r) => r.body.method === "tools/call" && (r.body.params as { name?: string }).name === tool);
const accept = { action: "accept", content: { confirm: true } };

function inputRequired(answer: StatelessAnswer) {
  const result = answer.message.result as { resultType: string; inputRequests: Record<string, { method: string; params: Record<string, unknown> }>; requestState: string };
  expect(result.resultType).toBe("input_required");
  return result;
}

describe("confirm, in-band, with a 2026-07-28 client", () => {
  const args = { owner: "acme", repo: "api", branch: "main", message: "release" };

  it("answers the call itself with a form elicitation naming the tool, the server and the arguments", async () => {
    const answer = await call({ name: "push_files", arguments: args });
    expect(answer.status).toBe(200);
    const result = inputRequired(answer);
    expect(Object.keys(result.inputRequests)).toEqual([CONFIRM_INPUT_KEY]);
    const request = result.inputRequests[CONFIRM_INPUT_KEY]!;
    expect(request.method).toBe("elicitation/create");
    expect(request.params).toMatchObject({
      mode: "form",
      requestedSchema: { type: "object", properties: { confirm: { type: "boolean" } }, required: ["confirm"] },
    });
    expect(request.params.message).toBe(
      'Run the tool "push_files" on the server "ref" with these arguments?\n  owner: "acme"\n  repo: "api"\n  branch: "main"\n  message: "release"',
    );
    expect(result.requestState).toMatch(/^pcc1\./);
    expect(forwardedCalls("push_files")).toHaveLength(0);
  });

  it("forwards the accepted retry once, without the gateway's answer and state, and refuses the same answer again", async () => {
    const { requestState } = inputRequired(await call({ name: "push_files", arguments: args }));
    const retry = { name: "push_files", arguments: args, inputResponses: { [CONFIRM_INPUT_KEY]: accept }, requestState };
    const answer = await call(retry);
    expect(answer.message.result).toMatchObject({ resultType: "complete", content: [{ type: "text", text: `push_files: ${JSON.stringify(args)}` }] });
    const forwarded = forwardedCalls("push_files");
    expect(forwarded).toHaveLength(1);
    expect(Object.keys(forwarded[0]!.body.params as object).sort()).toEqual(["_meta", "arguments", "name"]);
    expect(upstream.completedCalls.filter((c) => c === "push_files")).toHaveLength(1);

    const again = await call(retry);
    expect(again.message.error).toMatchObject({ code: -32602, data: { reason: "confirmation_used" } });
    expect(forwardedCalls("push_files")).toHaveLength(1);
  });

  it.each([
    ["declined", { action: "decline" }],
    ["cancelled", { action: "cancel" }],
    ["accepted without the box ticked", { action: "accept", content: { confirm: false } }],
    ["accepted with a string for the box", { action: "accept", content: { confirm: "true" } }],
  ])("refuses a confirmation %s, without forwarding", async (_, response) => {
    const before = forwardedCalls("push_files").length;
    const { requestState } = inputRequired(await call({ name: "push_files", arguments: args }));
    const answer = await call({ name: "push_files", arguments: args, inputResponses: { [CONFIRM_INPUT_KEY]: response }, requestState });
    expect(answer.message.error).toMatchObject({ code: -32602, message: "Tool 'push_files' was not run: the call was not confirmed", data: { reason: "confirmation_declined" } });
    expect(forwardedCalls("push_files")).toHaveLength(before);
  });

  it("refuses an accepted confirmation retried with different arguments", async () => {
    const before = forwardedCalls("push_files").length;
    const { requestState } = inputRequired(await call({ name: "push_files", arguments: args }));
    const answer = await call({ name: "push_files", arguments: { ...args, message: "something else" }, inputResponses: { [CONFIRM_INPUT_KEY]: accept }, requestState });
    expect(answer.message.error).toMatchObject({ code: -32602, data: { reason: "confirmation_mismatch" } });
    expect(answer.message.error!.message).toMatch(/confirmation was given for a different call/);
    expect(forwardedCalls("push_files")).toHaveLength(before);
  });

  it("refuses a forged or altered requestState", async () => {
    const before = forwardedCalls("push_files").length;
    const { requestState } = inputRequired(await call({ name: "push_files", arguments: args }));
    const forged = new ConfirmationStates(randomBytes(32)).issue({
      callHash: callHash({ server: "ref", tool: "push_files", consumer: "dev-user", arguments: args })!,
      ruleHash: `sha256:${"0".repeat(64)}`,
      askedAt: Date.now(),
      expiresAt: Date.now() + 60_000,
    });
    for (const state of [forged, `${requestState.slice(0, -2)}AA`, requestState.replace(/^pcc1\.../, "pcc1.xx")]) {
      const answer = await call({ name: "push_files", arguments: args, inputResponses: { [CONFIRM_INPUT_KEY]: accept }, requestState: state });
      expect(answer.message.error).toMatchObject({ code: -32602, data: { reason: "confirmation_invalid" } });
    }
    expect(forwardedCalls("push_files")).toHaveLength(before);
  });

  it("refuses an expired requestState, signed with the gateway's own key", async () => {
    const before = forwardedCalls("push_files").length;
    const { requestState } = inputRequired(await call({ name: "push_files", arguments: args }));
    const fresh = new ConfirmationStates(masterKey).check(requestState, Date.now());
    expect(fresh.kind).toBe("ours");
    const payload = fresh.kind === "ours" ? fresh.payload : undefined;
    const expired = new ConfirmationStates(masterKey).issue({ ...payload!, askedAt: Date.now() - 120_000, expiresAt: Date.now() - 1 });
    const answer = await call({ name: "push_files", arguments: args, inputResponses: { [CONFIRM_INPUT_KEY]: accept }, requestState: expired });
    expect(answer.message.error).toMatchObject({ code: -32602, data: { reason: "confirmation_expired" } });
    expect(forwardedCalls("push_files")).toHaveLength(before);
  });

  it("forwards at once a call the rule's `when` does not hold for", async () => {
    const answer = await call({ name: "push_files", arguments: { ...args, branch: "feature" } });
    expect(answer.message.result).toMatchObject({ resultType: "complete" });
  });

  it("confirms a tool that asks for input itself, handing the upstream its own state and answers", async () => {
    const first = inputRequired(await call({ name: "delete_branch", arguments: { branch: "old" } }));
    expect(Object.keys(first.inputRequests)).toEqual([CONFIRM_INPUT_KEY]);
    // Confirmed: the upstream now asks its own question.
    const own = inputRequired(
      await call({ name: "delete_branch", arguments: { branch: "old" }, inputResponses: { [CONFIRM_INPUT_KEY]: accept }, requestState: first.requestState }),
    );
    expect(Object.keys(own.inputRequests)).toEqual(["confirm"]);
    // Its answer is a new request: the gateway asks again, carrying the upstream's state and answer along.
    const upstreamAnswer = { confirm: { action: "accept", content: {} } };
    const again = inputRequired(await call({ name: "delete_branch", arguments: { branch: "old" }, inputResponses: upstreamAnswer, requestState: own.requestState }));
    expect(Object.keys(again.inputRequests)).toEqual([CONFIRM_INPUT_KEY]);
    const done = await call({ name: "delete_branch", arguments: { branch: "old" }, inputResponses: { [CONFIRM_INPUT_KEY]: accept }, requestState: again.requestState });
    expect(done.message.result).toMatchObject({ resultType: "complete" });
    const last = forwardedCalls("delete_branch").at(-1)!.body.params as Record<string, unknown>;
    expect(last).toMatchObject({ inputResponses: upstreamAnswer, requestState: own.requestState });
    expect(upstream.completedCalls.filter((c) => c === "delete_branch")).toHaveLength(1);
  });
});

describe("without a console (a gateway configured from a file)", () => {
  it("refuses a call that needs approval, never forwarding it", async () => {
    const answer = await call({ name: "create_issue", arguments: { title: "x" } });
    expect(answer.status).toBe(503);
    expect(answer.message.error).toMatchObject({
      code: -32603,
      message: "Tool 'create_issue' needs approval, which this gateway cannot ask for: it has no console (it is configured from a file)",
      data: { reason: "approval_unavailable" },
    });
    expect(forwardedCalls("create_issue")).toHaveLength(0);
  });

  it("refuses a confirmation it cannot ask in-band: a 2026-07-28 client without elicitation, an older client", async () => {
    const noElicitation = await call({
      name: "delete_branch",
      arguments: {},
      _meta: { "io.modelcontextprotocol/clientCapabilities": {} },
    });
    expect(noElicitation.message.error).toMatchObject({ data: { reason: "approval_unavailable" } });
    const older = await fetch(`${gw.url}/ref`, {
      method: "POST",
      headers: { ...HEADERS, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "delete_branch", arguments: {} } }),
    });
    expect(older.status).toBe(503);
    expect(await older.json()).toMatchObject({ id: 1, error: { message: /needs confirmation, which this gateway cannot ask for/, data: { reason: "approval_unavailable" } } });
    expect(forwardedCalls("delete_branch").length).toBe(2);
  });

  it("counts the decisions in /metrics and audits who confirmed, when and how long it waited", async () => {
    const metrics = await (await fetch(`${gw.statusUrl}/metrics`)).text();
    expect(metrics).toMatch(/portcullis_approval_decisions_total\{server="ref",kind="confirm",outcome="asked"\} \d+/);
    expect(metrics).toMatch(/portcullis_approval_decisions_total\{server="ref",kind="confirm",outcome="confirmed"\} 3/);
    expect(metrics).toMatch(/portcullis_approval_decisions_total\{server="ref",kind="confirm",outcome="confirmation_declined"\} 4/);
    expect(metrics).toMatch(/portcullis_approval_decisions_total\{server="ref",kind="approve",outcome="approval_unavailable"\} 1/);
    await gw.stop({ keepDataDir: true });
    const events = fs
      .readFileSync(path.join(gw.dataDir, "logs", "audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditEvent);
    fs.rmSync(gw.dataDir, { recursive: true, force: true });
    const confirmed = events.filter((e) => e.approval !== undefined);
    // delete_branch was confirmed twice: before its first forwarding, and before the one carrying the upstream's own answer.
    expect(confirmed.map((e) => e.tool)).toEqual(["push_files", "delete_branch", "delete_branch"]);
    const [push] = confirmed;
    expect(push).toMatchObject({ decision: "allow", status: 200, approval: { kind: "confirm", by: "dev-user" } });
    expect(push!.approval!.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Date.parse(push!.approval!.at)).toBeGreaterThan(0);
    expect(push!.approval!.waited_ms).toBeGreaterThanOrEqual(0);
    expect(events.filter((e) => e.reason === "confirmation_required").length).toBeGreaterThanOrEqual(8);
    expect(events.find((e) => e.reason === "confirmation_mismatch")).toMatchObject({ decision: "deny", tool: "push_files" });
  });
});

describe("with a console that cannot be reached", () => {
  let cpGateway: GatewayChild;

  beforeAll(async () => {
    const document = configFor(upstream.url);
    const closedPort = await findFreePort();
    configSchema.parse(document);
    cpGateway = await startGatewayChild(undefined, {
      lastKnownGood: { version: 3, hash: configHash(document), document },
      env: { PORTCULLIS_CP_URL: `http://127.0.0.1:${closedPort}`, PORTCULLIS_DP_TOKEN: `pcdp_${"a".repeat(32)}` },
    });
  });
  afterAll(() => cpGateway?.stop());

  it.each([
    ["an approval", "create_issue", "2026-07-28"],
    ["an older client's confirmation", "delete_branch", "2025-06-18"],
  ])("refuses a call that needs %s, never forwarding it", async (_, tool, version) => {
    const before = forwardedCalls(tool).length;
    const response = await fetch(`${cpGateway.url}/ref`, {
      method: "POST",
      headers: {
        ...HEADERS,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": version,
        "mcp-method": "tools/call",
        "mcp-name": tool,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: tool, arguments: { title: "x" }, ...(version === "2026-07-28" ? { _meta: { "io.modelcontextprotocol/protocolVersion": version } } : {}) },
      }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      id: 9,
      error: { code: -32603, message: /the console could not be asked: the call was not run/, data: { reason: "approval_unavailable" } },
    });
    expect(forwardedCalls(tool)).toHaveLength(before);
  });
});
