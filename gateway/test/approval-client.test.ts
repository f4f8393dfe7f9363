// The claim fails closed: every answer but a well-formed 200/201 (or a 429 too_many_pending) in time is approval_unavailable.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApprovalClaim } from "../../lib/core/controlplane/protocol";
import { findFreePort } from "../../lib/net/ports";
import { ConsoleApprovalClient } from "../src/control-plane/approval-client";

const claim: ApprovalClaim = {
  kind: "approve",
  call_hash: `sha256:${"a".repeat(64)}`,
  server: "github",
  tool: "merge_pull_request",
  consumer: "dev-user",
  groups: ["developer"],
  arguments: { base: "main" },
  rule: "merge_pull_request",
  rule_hash: `sha256:${"b".repeat(64)}`,
  config_version: 3,
  approvers: ["platform"],
  self_approval: false,
  expires_seconds: 900,
  request_id: "r-1",
  gateway: "gw-test",
};
const answer = {
  decision: "pending",
  approval: {
    id: "apr_1",
    url: "http://console.test/approvals/apr_1",
    status: "pending",
    requested_at: "2026-12-02T12:00:00.000Z",
    expires_at: "2026-12-02T12:15:00.000Z",
    decided_by: null,
    decided_at: null,
  },
};

type Reply = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;
let reply: Reply;
const seen: { headers: http.IncomingHttpHeaders; body: string; url: string | undefined }[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ headers: req.headers, body, url: req.url });
      reply(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const json = (status: number, value: unknown) => (_req: http.IncomingMessage, res: http.ServerResponse) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));

describe("ConsoleApprovalClient", () => {
  it("posts the claim with the data-plane token and returns the parsed answer", async () => {
    reply = json(201, answer);
    const client = new ConsoleApprovalClient({ url, token: "pcdp_token" });
    await expect(client.claim(claim)).resolves.toEqual(answer);
    const request = seen.at(-1)!;
    expect(request.url).toBe("/api/dp/v1/approvals");
    expect(request.headers.authorization).toBe("Bearer pcdp_token");
    expect(JSON.parse(request.body)).toEqual(claim);
  });

  it("returns the console's refusal to create another pending approval (429 too_many_pending)", async () => {
    const refusal = { decision: "too_many_pending", waiting: 20, limit: 20 };
    reply = json(429, refusal);
    await expect(new ConsoleApprovalClient({ url, token: "pcdp_token" }).claim(claim)).resolves.toEqual(refusal);
  });

  it.each<[string, Reply]>([
    ["a 500", json(500, { error: "boom" })],
    ["a 429 of something else than the console's refusal", json(429, { error: "slow down" })],
    ["a refusal without its counts", json(429, { decision: "too_many_pending" })],
    ["a 401", json(401, { error: "unauthorised" })],
    ["a 202", json(202, answer)],
    ["a redirect", (_req, res) => res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" }).end()],
    ["a body that is not JSON", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("<html>")],
    ["an unknown decision", json(200, { ...answer, decision: "maybe" })],
    ["an approval without expiry", json(200, { ...answer, approval: { ...answer.approval, expires_at: undefined } })],
    ["a non-http approval URL", json(200, { ...answer, approval: { ...answer.approval, url: "javascript:alert(1)" } })],
    ["an answer cut short", (_req, res) => res.writeHead(200, { "content-type": "application/json", "content-length": "100" }).end('{"decision":')],
  ])("refuses %s as approval_unavailable", async (_, handler) => {
    reply = handler;
    const client = new ConsoleApprovalClient({ url, token: "pcdp_token", timeoutMs: 1_000 });
    await expect(client.claim(claim)).rejects.toMatchObject({
      code: "approval_unavailable",
      message: "Tool 'merge_pull_request' needs approval, and the console could not be asked: the call was not run",
    });
  });

  it("gives up after its timeout", async () => {
    reply = () => {};
    const client = new ConsoleApprovalClient({ url, token: "pcdp_token", timeoutMs: 200 });
    const started = performance.now();
    await expect(client.claim(claim)).rejects.toMatchObject({ code: "approval_unavailable", detail: expect.stringMatching(/TimeoutError/) });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("refuses when nothing listens", async () => {
    const client = new ConsoleApprovalClient({ url: `http://127.0.0.1:${await findFreePort()}`, token: "pcdp_token" });
    await expect(client.claim(claim)).rejects.toMatchObject({ code: "approval_unavailable", detail: expect.stringMatching(/ECONNREFUSED/) });
  });

  it("refuses a claim too large to show an approver without sending it", async () => {
    const before = seen.length;
    const client = new ConsoleApprovalClient({ url, token: "pcdp_token" });
    await expect(client.claim({ ...claim, arguments: { content: "x".repeat(1024 * 1024) } })).rejects.toMatchObject({ code: "approval_unavailable" });
    expect(seen.length).toBe(before);
  });
});
