// Calls held for a person (docs/gateway.md, "Confirmation and approval") are bounded:
// a consumer has at most `maxHeldCalls` of them at once per server on a gateway, and
// one past that is refused unasked (`approval_limited`, 429) while another consumer's
// call is still held as usual; a slot is free again once its call is decided. A long
// wait adds no listener to the request per round. The console is scripted: pending
// until the test approves a call (by its `pr` argument), or on the third ask.
import { EventEmitter } from "node:events";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ApprovalAnswer, ApprovalClaim } from "../../lib/core/controlplane/protocol";
import type { ApprovalClaims } from "../src/control-plane/approval-client";
import { ClientGone } from "../src/pipeline/context";
import { approvalAnswer } from "./support/approval-answers";
import { jsonResponse, startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const once = vi.spyOn(EventEmitter.prototype, "once");
/** The most `abort` listeners any request's ClientGone had when the console was asked. */
const goneListeners = () => Math.max(0, ...once.mock.contexts.filter((c): c is ClientGone => c instanceof ClientGone).map((gone) => gone.listenerCount("abort")));

class ScriptedConsole implements ApprovalClaims {
  readonly asked: ApprovalClaim[] = [];
  readonly approved = new Set<number>();
  /** `pr` of a call approved on its third ask. */
  readonly approvedOnThirdAsk = new Set<number>();
  listenerPeak = 0;

  claim(claim: ApprovalClaim): Promise<ApprovalAnswer> {
    this.asked.push(claim);
    this.listenerPeak = Math.max(this.listenerPeak, goneListeners());
    const pr = claim.arguments.pr as number;
    const asks = this.asked.filter((c) => c.call_hash === claim.call_hash).length;
    const yes = this.approved.has(pr) || (this.approvedOnThirdAsk.has(pr) && asks >= 3);
    return Promise.resolve(approvalAnswer(`ap-${pr}`, yes));
  }
}

let upstream: RecordingUpstream;
let gw: TestGateway;
const approvals = new ScriptedConsole();

beforeAll(async () => {
  upstream = await startRecordingUpstream((req, res) =>
    jsonResponse(res, { jsonrpc: "2.0", id: JSON.parse(req.body).id, result: { content: [{ type: "text", text: "merged" }] } }),
  );
  gw = await startTestGateway(
    {
      version: 1,
      consumer_groups: [{ name: "developer" }, { name: "platform" }],
      consumers: [
        { username: "dev", groups: ["developer"], keys: [{ key: "dev-api-key-1" }] },
        { username: "ops", groups: ["developer"], keys: [{ key: "ops-api-key-1" }] },
      ],
      servers: [
        {
          name: "repo",
          path: "/repo",
          upstream: upstream.url,
          auth: { mode: "passthrough" },
          acl: { default: {}, tools: [{ name: "merge", require: { action: "approve", approvers: ["platform"], wait_seconds: 30 } }] },
        },
      ],
    },
    { approvals, maxHeldCalls: 2 },
  );
});
afterAll(async () => {
  once.mockRestore();
  await gw?.close();
  await upstream?.close();
});

/** Resolves once the response's headers are in: for a held call, after the first ask. */
function merge(key: string, pr: number, wait: boolean) {
  return fetch(`${gw.url}/repo`, {
    method: "POST",
    headers: { apikey: key, authorization: "Bearer upstream-token", "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: pr, method: "tools/call", params: { name: "merge", arguments: { pr }, ...(wait && { _meta: { progressToken: `p-${pr}` } }) } }),
  });
}

describe("calls held for a person", () => {
  it("refuses a consumer's call past its held calls, unasked, while another consumer's is held as usual", async () => {
    const first = await merge("dev-api-key-1", 1, true);
    const second = await merge("dev-api-key-1", 2, true);
    expect(first.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(second.headers.get("content-type")).toMatch(/^text\/event-stream/);

    const asked = approvals.asked.length;
    const third = await merge("dev-api-key-1", 3, true);
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ id: 3, error: { code: -32000, data: { reason: "approval_limited" } } });
    expect(approvals.asked.length).toBe(asked);
    expect(approvals.asked.some((c) => c.arguments.pr === 3)).toBe(false);
    const refused = await gw.audit.next((e) => e.reason === "approval_limited");
    expect(refused).toMatchObject({ consumer: "dev", decision: "deny", server: "repo" });

    // Another consumer is held as usual, its own slots untouched by dev's.
    const other = await merge("ops-api-key-1", 4, true);
    expect(other.status).toBe(200);
    expect(other.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const quick = await merge("ops-api-key-1", 5, false);
    expect(await quick.json()).toMatchObject({ id: 5, error: { data: { reason: "approval_required" } } });

    for (const pr of [1, 2, 4]) approvals.approved.add(pr);
    for (const held of [first, second, other]) expect(await held.text()).toContain('"result":{"content":[{"type":"text","text":"merged"}]}');
    expect(upstream.requests.filter((r) => r.body.includes('"merge"'))).toHaveLength(3);

    // Decided, their slots are free again.
    const again = await merge("dev-api-key-1", 6, false);
    expect(await again.json()).toMatchObject({ id: 6, error: { data: { reason: "approval_required" } } });
  });

  it("adds no listener to the request for each round of a long wait", async () => {
    once.mockClear();
    approvals.listenerPeak = 0;
    approvals.approvedOnThirdAsk.add(7);
    const held = await merge("dev-api-key-1", 7, true);
    expect(await held.text()).toContain('"text":"merged"');
    expect(approvals.asked.filter((c) => c.arguments.pr === 7)).toHaveLength(3);
    expect(approvals.listenerPeak).toBe(0);
  });
});
