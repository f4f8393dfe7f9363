// The console caps each consumer's pending approvals per server (docs/console.md, "Approvals"): a claim
// for a new call past the cap is answered 429 `too_many_pending`, and nothing is created. The gateway,
// through its real console client, refuses the call with `approval_pending_limited` (HTTP 429, -32000),
// naming how many of the caller's calls already wait, audits it as a denial, and forwards nothing.
// The console here is a stand-in on HTTP: pending for `pr` 1, refusing every other call.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApprovalAnswer, ApprovalClaim } from "../../lib/core/controlplane/protocol";
import { ConsoleApprovalClient } from "../src/control-plane/approval-client";
import { jsonResponse, startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const claims: ApprovalClaim[] = [];
let console_: http.Server;
let upstream: RecordingUpstream;
let gw: TestGateway;

function answerFor(claim: ApprovalClaim): { status: number; body: ApprovalAnswer } {
  if (claim.arguments.pr !== 1) return { status: 429, body: { decision: "too_many_pending", waiting: 20, limit: 20 } };
  const now = new Date().toISOString();
  return {
    status: 200,
    body: {
      decision: "pending",
      approval: {
        id: "ap-1",
        url: "https://console.example.com/approvals/ap-1",
        status: "pending",
        expires_at: new Date(Date.now() + 600_000).toISOString(),
        requested_at: now,
        decided_by: null,
        decided_at: null,
      },
    },
  };
}

beforeAll(async () => {
  console_ = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const claim = JSON.parse(body) as ApprovalClaim;
      claims.push(claim);
      const { status, body: answer } = answerFor(claim);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => console_.listen(0, "127.0.0.1", resolve));
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
          acl: {
            default: {},
            tools: [
              { name: "merge", require: { action: "approve", approvers: ["platform"] } },
              { name: "push", require: { action: "confirm" } },
            ],
          },
        },
      ],
    },
    { approvals: new ConsoleApprovalClient({ url: `http://127.0.0.1:${(console_.address() as AddressInfo).port}`, token: "pcdp_token" }) },
  );
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  console_?.closeAllConnections();
  await new Promise((resolve) => console_?.close(resolve));
});

function call(tool: string, pr: number) {
  return fetch(`${gw.url}/repo`, {
    method: "POST",
    headers: { apikey: "dev-api-key-1", authorization: "Bearer upstream-token", "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: pr, method: "tools/call", params: { name: tool, arguments: { pr } } }),
  });
}

describe("the console's cap on a consumer's pending approvals", () => {
  it("turns the console's too_many_pending into approval_pending_limited for the caller and the audit trail, forwarding nothing", async () => {
    const waiting = await call("merge", 1);
    expect(await waiting.json()).toMatchObject({ id: 1, error: { data: { reason: "approval_required", approval_id: "ap-1" } } });

    const refused = await call("merge", 2);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      jsonrpc: "2.0",
      id: 2,
      error: {
        code: -32000,
        message: "Tool 'merge' needs approval, and 20 of your calls to this server already wait for a person: call it again once one is decided",
        data: { reason: "approval_pending_limited", limit: 20 },
      },
    });
    expect(claims.map((c) => c.arguments.pr)).toEqual([1, 2]);
    const audited = await gw.audit.next((e) => e.reason === "approval_pending_limited");
    expect(audited).toMatchObject({ consumer: "dev", server: "repo", tool: "merge", decision: "deny", status: 429, jsonrpc_error: -32000 });

    // A confirmation through the console (an older client cannot be asked in-band) is refused the same way.
    const confirm = await call("push", 3);
    expect(await confirm.json()).toMatchObject({
      id: 3,
      error: { code: -32000, message: expect.stringMatching(/^Tool 'push' needs confirmation, and 20 of your calls/) as string, data: { reason: "approval_pending_limited" } },
    });
    expect(upstream.requests.filter((r) => r.body.includes('"tools/call"'))).toHaveLength(0);
  });
});
