// A call held open for a person's approval (a progressToken and `wait_seconds`: the
// gateway answers on SSE and waits) on a route with rate limits: once approved it is
// charged, forwarded once and answered in the same stream, and its concurrency slot
// is freed when that stream ends — the limiter cannot announce its budget in headers
// that were sent while the call waited. The console's approvals are scripted here (the
// whole console path is test/approvals.test.ts): pending at the first ask, then approved.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApprovalAnswer, ApprovalClaim } from "../../lib/core/controlplane/protocol";
import type { ApprovalClaims } from "../src/control-plane/approval-client";
import { approvalAnswer } from "./support/approval-answers";
import { jsonResponse, startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

class ApprovedOnSecondAsk implements ApprovalClaims {
  readonly asked: ApprovalClaim[] = [];

  claim(claim: ApprovalClaim): Promise<ApprovalAnswer> {
    this.asked.push(claim);
    return Promise.resolve(approvalAnswer(`ap-${Math.ceil(this.asked.length / 2)}`, this.asked.length % 2 === 0));
  }
}

let upstream: RecordingUpstream;
let gw: TestGateway;
const approvals = new ApprovedOnSecondAsk();

beforeAll(async () => {
  upstream = await startRecordingUpstream((req, res) =>
    jsonResponse(res, { jsonrpc: "2.0", id: JSON.parse(req.body).id, result: { content: [{ type: "text", text: "merged" }] } }),
  );
  gw = await startTestGateway(
    {
      version: 1,
      consumer_groups: [{ name: "developer" }, { name: "platform" }],
      consumers: [{ username: "dev", groups: ["developer"], keys: [{ key: "dev-api-key-1" }] }],
      servers: [
        {
          name: "repo",
          path: "/repo",
          upstream: upstream.url,
          auth: { mode: "passthrough" },
          acl: { default: {}, tools: [{ name: "merge", require: { action: "approve", approvers: ["platform"], wait_seconds: 10 } }] },
          limits: [{ subject: "*", tool: "*", per_minute: 100, concurrent: 1 }],
        },
      ],
    },
    { approvals },
  );
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

async function call(id: number, name: string, meta?: Record<string, unknown>) {
  const response = await fetch(`${gw.url}/repo`, {
    method: "POST",
    headers: { apikey: "dev-api-key-1", authorization: "Bearer upstream-token", "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: { pr: id }, ...(meta && { _meta: meta }) } }),
  });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

describe("an approval waited for on SSE, on a route with rate limits", () => {
  it("forwards the approved call once, answers it in the stream, and frees its concurrency slot", async () => {
    const held = await call(1, "merge", { progressToken: "p-1" });
    expect(held.status).toBe(200);
    expect(held.type).toMatch(/^text\/event-stream/);
    expect(held.text).toContain('"method":"notifications/progress"');
    expect(held.text).toContain('"result":{"content":[{"type":"text","text":"merged"}]}');
    expect(held.text).not.toContain('"error"');
    expect(upstream.requests.filter((r) => r.body.includes('"merge"'))).toHaveLength(1);
    // concurrent: 1 — a slot kept after the stream ended would refuse this call with 429.
    const next = await call(2, "status");
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text)).toMatchObject({ result: { content: [{ text: "merged" }] } });
    expect(gw.logs.filter((l) => l.level === "error")).toEqual([]);
  });
});
