// Approval end to end with real processes (issue 17): the console (next start
// on a real PostgreSQL), two gateways in control-plane mode, an MCP upstream
// that records what reaches it. A call held on gateway A is approved in the
// console by an approver (the caller may not approve it), the retry goes
// through gateway B exactly once, a second retry is held again, an approval
// past its expiry lets nothing through, two gateways retrying at once forward
// it once, and with the console down the call is refused.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { fakeMcpServer } from "../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "../gateway/test/support/recording-upstream";
import type { Db } from "../lib/db/client";
import { signInToConsole, type ConsoleSession } from "../demo/console-session";
import { configurationApplied, createConsoleDatabase, importConfig, registerDataPlane } from "./support/console-api";
import type { TestDatabase } from "./support/database";
import { startConsole, startGateway, type ConsoleProcess, type GatewayProcess } from "./support/product-processes";

const ROOT = path.resolve(import.meta.dirname, "..");
const baseDir = path.join(ROOT, ".portcullis/test", `approvals-${randomBytes(4).toString("hex")}`);
const masterKey = randomBytes(32).toString("hex");
const password = randomBytes(12).toString("base64url");
const emails = { admin: "ap-admin@example.com", approver: "ap-approver@example.com", caller: "ap-caller@example.com" };

let database: TestDatabase;
let db: Db;
let upstream: RecordingUpstream;
let cp: ConsoleProcess;
const sessions = {} as Record<keyof typeof emails, ConsoleSession>;
let gatewayA: GatewayProcess;
let gatewayB: GatewayProcess;

interface RpcAnswer {
  result?: { content?: { text: string }[] };
  error?: { code: number; message: string; data?: { reason: string; approval_id?: string; approval_url?: string; expires_at?: string } };
}

let nextId = 1;
async function push(gateway: GatewayProcess, branch: string): Promise<RpcAnswer> {
  const response = await fetch(`${gateway.url}/fake`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", apikey: "ap-dev-key-0001", authorization: "Bearer upstream-token" },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name: "push_files", arguments: { repo: "api", branch } } }),
  });
  return (await response.json()) as RpcAnswer;
}

const forwardedPushes = () => upstream.requests.filter((r) => r.body.includes('"tools/call"')).length;

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function held(gateway: GatewayProcess, branch: string): Promise<string> {
  const answer = await push(gateway, branch);
  expect(answer.error?.data?.reason).toBe("approval_required");
  return answer.error!.data!.approval_id!;
}

const decide = (who: keyof typeof emails, id: string, decision: "approve" | "reject") =>
  sessions[who].json<{ error?: { code: string; message: string } }>("POST", `/api/approvals/${id}/${decision}`);

beforeAll(async () => {
  ({ database, db } = await createConsoleDatabase(
    [
      { email: emails.admin, role: "admin" },
      { email: emails.approver, role: "developer" },
      { email: emails.caller, role: "developer" },
    ],
    password,
  ));
  upstream = await startRecordingUpstream(fakeMcpServer);
  cp = await startConsole({ databaseUrl: database.url, dataDir: path.join(baseDir, "console"), masterKey });
  for (const who of Object.keys(emails) as (keyof typeof emails)[]) sessions[who] = await signInToConsole(cp.url, emails[who], password);
  const text = stringify({
    version: 1,
    consumer_groups: [{ name: "developer" }, { name: "platform" }],
    consumers: [
      // The caller is in the approver group as well: separation of duties keeps them from approving their own call.
      { username: "dev-user", groups: ["developer", "platform"], keys: [{ key: "ap-dev-key-0001" }] },
      { username: "plat-user", groups: ["platform"], keys: [{ key: "ap-plat-key-0001" }] },
    ],
    servers: [
      {
        name: "fake",
        path: "/fake",
        upstream: upstream.url,
        auth: { mode: "passthrough" },
        acl: { tools: [{ name: "push_files", allow: ["developer", "platform"], require: { action: "approve", approvers: ["platform"], when: 'args.branch == "main"' } }] },
      },
    ],
  });
  await importConfig(sessions.admin, text);
  // Who is who in the console: the users own the consumers their agents call with.
  const owner = async (email: string) => (await db.user.findUniqueOrThrow({ where: { email } })).id;
  await db.consumer.update({ where: { username: "dev-user" }, data: { ownerUserId: await owner(emails.caller) } });
  await db.consumer.update({ where: { username: "plat-user" }, data: { ownerUserId: await owner(emails.approver) } });
  const tokens: string[] = [];
  for (const name of ["dp-a", "dp-b"]) tokens.push(await registerDataPlane(sessions.admin, name));
  const version = (await db.configVersion.findFirstOrThrow({ orderBy: { number: "desc" } })).number;
  const gateway = (token: string, name: string) => startGateway({ cpUrl: cp.url, token, dataDir: path.join(baseDir, name), masterKey });
  [gatewayA, gatewayB] = await Promise.all([gateway(tokens[0]!, "dp-a"), gateway(tokens[1]!, "dp-b")]);
  const applied = configurationApplied(version);
  await Promise.all([gatewayA.waitFor(applied), gatewayB.waitFor(applied)]);
}, 300_000);

afterAll(async () => {
  await Promise.all([gatewayA?.stop(), gatewayB?.stop()]);
  await cp?.stop();
  await upstream?.close();
  await db?.$disconnect();
  await database?.drop();
  fs.rmSync(baseDir, { recursive: true, force: true });
});

describe("approvals across a console and two gateways", () => {
  it("holds the call on gateway A, refuses the caller's own approval, and forwards the approved retry once through gateway B", async () => {
    const before = forwardedPushes();
    const first = await push(gatewayA, "main");
    expect(first.error).toMatchObject({ data: { reason: "approval_required" } });
    const id = first.error!.data!.approval_id!;
    expect(first.error!.data!.approval_url).toBe(`${cp.url}/approvals/${id}`);
    // A call the condition does not cover goes straight through.
    expect((await push(gatewayA, "feature")).result?.content?.[0]?.text).toBe("called push_files");
    // The same call again while it waits: the same approval, not a second one.
    expect((await push(gatewayB, "main")).error?.data?.approval_id).toBe(id);

    const own = await decide("caller", id, "approve");
    expect(own).toEqual({ status: 403, body: { error: { code: "forbidden", message: "You made this call: someone else in an approver group decides it." } } });
    const inbox = await sessions.approver.json<{ approvals: { id: string; decidable: boolean }[] }>("GET", "/api/approvals");
    expect(inbox.body.approvals.find((a) => a.id === id)).toMatchObject({ decidable: true });
    expect((await decide("approver", id, "approve")).status).toBe(200);

    const retried = await push(gatewayB, "main");
    expect(retried.result?.content?.[0]?.text).toBe("called push_files");
    expect(forwardedPushes() - before).toBe(2);
    const again = await push(gatewayB, "main");
    expect(again.error?.data?.reason).toBe("approval_required");
    expect(again.error!.data!.approval_id).not.toBe(id);
    expect(forwardedPushes() - before).toBe(2);

    const stored = await db.toolCallApproval.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ status: "used", usedByGateway: "dp-b", decidedByEmail: emails.approver, gateway: "dp-a" });
    // The forwarded call's audit event names the approval and the approver.
    const event = await eventually(
      () => db.auditEvent.findFirst({ where: { approvalId: id } }),
      (e) => e !== null,
      10_000,
    );
    expect(event).toMatchObject({ approvalKind: "approve", approvedBy: emails.approver, toolName: "push_files", decision: "allow" });
  });

  it("forwards an approved call once when both gateways retry it at the same moment", async () => {
    const id = await held(gatewayA, "main");
    // Still the approval the previous test's last retry asked for: one pending approval per call.
    expect((await decide("approver", id, "approve")).status).toBe(200);
    const before = forwardedPushes();
    const answers = await Promise.all([push(gatewayA, "main"), push(gatewayB, "main")]);
    expect(answers.filter((a) => a.result).length).toBe(1);
    expect(answers.filter((a) => a.error?.data?.reason === "approval_required").length).toBe(1);
    expect(forwardedPushes() - before).toBe(1);
  });

  it("lets nothing through on a rejected call or an approval past its expiry", async () => {
    const rejected = await held(gatewayA, "main");
    expect((await decide("admin", rejected, "reject")).status).toBe(200);
    expect((await push(gatewayB, "main")).error?.data?.reason).toBe("approval_rejected");
    await db.toolCallApproval.update({ where: { id: rejected }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const id = await held(gatewayA, "main");
    expect((await decide("approver", id, "approve")).status).toBe(200);
    await db.toolCallApproval.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const before = forwardedPushes();
    const late = await push(gatewayB, "main");
    expect(late.error?.data?.reason).toBe("approval_required");
    expect(late.error!.data!.approval_id).not.toBe(id);
    expect(forwardedPushes()).toBe(before);
    expect((await db.toolCallApproval.findUniqueOrThrow({ where: { id } })).status).toBe("expired");
  });

  it("refuses the call when the console cannot be reached", async () => {
    // Killed, not stopped: `next start` would wait for the gateways' open config streams.
    await cp.stop("SIGKILL");
    const before = forwardedPushes();
    const answer = await push(gatewayA, "main");
    expect(answer.error?.data?.reason).toBe("approval_unavailable");
    expect(forwardedPushes()).toBe(before);
  }, 60_000);
});
