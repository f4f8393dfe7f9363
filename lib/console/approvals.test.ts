// Approvals against a real PostgreSQL: the data plane's claims (exactly once
// under concurrent claims), who decides in the console, expiry, voiding when
// the rule goes, the access page's requirements, and the webhook to a real
// local HTTP listener.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import type { CurrentUser } from "../auth/session";
import { callHash, ruleHash } from "../core/approvals/call-hash";
import { parseConfig } from "../core/config/schema";
import type { ApprovalClaim } from "../core/controlplane/protocol";
import { answerApprovalClaim, claimApproval, DEFAULT_MAX_PENDING_APPROVALS, maxPendingApprovals, TooManyPendingApprovals } from "../controlplane/approval-claims";
import { requiringRuleHashes } from "../controlplane/approval-rules";
import { publishConfigVersion } from "../controlplane/versions";
import { db, pool } from "../db/client";
import { notifyNewApproval, updateApprovalSettings } from "./approval-webhook";
import { countDecidableApprovals, decideApproval, getApproval, listApprovals, showsApprovalsInbox } from "./approvals";
import { ConsoleError } from "./errors";
import { approvalSettingsSchema } from "./schemas/approvals";
import { consumerInputSchema } from "./schemas/consumer";
import { requirementInputSchema } from "./schemas/tool-requirement";
import { serverInputSchema } from "./schemas/server";
import { createServer } from "./servers";
import { deleteConsumer, updateConsumer } from "./consumers";
import { setDestructiveDefault, setRequirement } from "./tool-requirements";
import { createSecret } from "./vault/secrets";

let database: TestDatabase;
let serverId: string;
const server = `gh-${randomBytes(3).toString("hex")}`;
const users: Record<"admin" | "approver" | "caller" | "stranger", CurrentUser> = {} as never;

async function user(key: keyof typeof users, role: CurrentUser["role"], consumer?: { username: string; groups: string[] }) {
  const row = await db().user.create({ data: { email: `${key}@approvals.test`, role } });
  users[key] = { id: row.id, email: row.email, name: "", role };
  if (!consumer) return;
  await db().consumer.create({
    data: {
      username: consumer.username,
      ownerUserId: row.id,
      groups: { create: await Promise.all(consumer.groups.map(async (name) => ({ groupId: (await db().consumerGroup.findUniqueOrThrow({ where: { name } })).id }))) },
    },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.PORTCULLIS_MASTER_KEY = randomBytes(32).toString("hex");
  await db().consumerGroup.createMany({ data: [{ name: "developer" }, { name: "platform" }] });
  await user("admin", "admin");
  await user("approver", "developer", { username: "plat-user", groups: ["platform"] });
  // The caller is in the approver group too: separation of duties still keeps them from approving their own call.
  await user("caller", "developer", { username: "dev-user", groups: ["developer", "platform"] });
  await user("stranger", "developer", { username: "other-user", groups: ["developer"] });
  serverId = (
    await createServer(users.admin, serverInputSchema.parse({ name: server, path: `/${server}`, upstream: "https://api.githubcopilot.com/mcp/", auth: { mode: "passthrough" } }))
  ).id;
  await db().tool.createMany({
    data: ["merge_pull_request", "delete_repository", "get_me"].map((name) => ({
      serverId,
      name,
      inputSchemaHash: "x",
      annotations: name === "delete_repository" ? { destructiveHint: true } : {},
    })),
  });
  await setRequirement(users.admin, serverId, "merge_pull_request", requirementInputSchema.parse({ action: "approve", approvers: ["platform"], when: 'args.base == "main"' }));
  await publishConfigVersion(db(), { reason: "test" });
});

afterAll(async () => {
  await db().$disconnect();
  await pool().end();
  await database?.drop();
});

async function published() {
  const latest = await db().configVersion.findFirstOrThrow({ orderBy: { number: "desc" } });
  const parsed = parseConfig(latest.document);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return { number: latest.number, config: parsed.config };
}

/** A claim as the gateway builds it from the published rule. */
async function claim(over: Partial<ApprovalClaim> & { args?: Record<string, unknown> } = {}): Promise<ApprovalClaim> {
  const { number, config } = await published();
  const rule = config.servers.find((s) => s.name === server)!.acl.tools.find((t) => t.name === "merge_pull_request")!;
  const { args = { owner: "acme", repo: "api", pull_number: 7, base: "main" }, ...rest } = over;
  return {
    kind: "approve",
    call_hash: callHash({ server, tool: "merge_pull_request", consumer: "dev-user", arguments: args })!,
    server,
    tool: "merge_pull_request",
    consumer: "dev-user",
    groups: ["developer", "platform"],
    arguments: args,
    rule: "merge_pull_request",
    rule_hash: ruleHash("merge_pull_request", rule.require!),
    config_version: number,
    approvers: ["platform"],
    self_approval: false,
    expires_seconds: 900,
    request_id: randomBytes(4).toString("hex"),
    gateway: "gw-host",
    ...rest,
  };
}

async function refusal(promise: Promise<unknown>): Promise<ConsoleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConsoleError)) throw new Error(`expected a ConsoleError, got ${String(error)}`);
  return error;
}

describe("claims from the data planes", () => {
  it("creates one pending approval however many gateways claim the new call at once", async () => {
    const call = await claim({ args: { base: "main", pull_number: 1 } });
    const outcomes = await Promise.all([claimApproval(db(), call, "gw-a"), claimApproval(db(), call, "gw-b"), claimApproval(db(), call, "gw-a")]);
    expect(outcomes.map((o) => o.decision)).toEqual(["pending", "pending", "pending"]);
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.approval.id)).size).toBe(1);
    expect(await db().toolCallApproval.count({ where: { callHash: call.call_hash } })).toBe(1);
  });

  it("answers an approved call approved exactly once across two gateways claiming it at the same time", async () => {
    const call = await claim({ args: { base: "main", pull_number: 2 } });
    const { approval } = await claimApproval(db(), call, "gw-a");
    await decideApproval(users.approver, approval.id, "approve");
    const outcomes = await Promise.all([claimApproval(db(), call, "gw-a"), claimApproval(db(), call, "gw-b")]);
    const approved = outcomes.filter((o) => o.decision === "approved");
    expect(approved).toHaveLength(1);
    expect(approved[0]!.approval).toMatchObject({ id: approval.id, status: "used", decidedByEmail: users.approver.email });
    expect(["gw-a", "gw-b"]).toContain(approved[0]!.approval.usedByGateway);
    // The other gateway's retry is a new request: nothing is forwarded twice.
    expect(outcomes.find((o) => o.decision !== "approved")).toMatchObject({ decision: "pending", created: true });
    expect((await claimApproval(db(), call, "gw-b")).decision).toBe("pending");
  });

  it("binds the approval to the exact call: other arguments, another consumer or another rule need their own", async () => {
    const call = await claim({ args: { base: "main", pull_number: 3 } });
    const { approval } = await claimApproval(db(), call, "gw-a");
    await decideApproval(users.approver, approval.id, "approve");
    const altered = await claim({ args: { base: "main", pull_number: 4 } });
    expect(await claimApproval(db(), altered, "gw-a")).toMatchObject({ decision: "pending", created: true });
    expect(await claimApproval(db(), { ...call, rule_hash: `sha256:${"0".repeat(64)}` }, "gw-a")).toMatchObject({ decision: "pending", created: true });
    expect((await claimApproval(db(), call, "gw-a")).decision).toBe("approved");
  });

  it("answers rejected within the expiry, and past it starts over", async () => {
    const call = await claim({ args: { base: "main", pull_number: 5 }, expires_seconds: 60 });
    const { approval } = await claimApproval(db(), call, "gw-a");
    await decideApproval(users.admin, approval.id, "reject");
    expect(await claimApproval(db(), call, "gw-b")).toMatchObject({ decision: "rejected", created: false });
    const later = new Date(Date.now() + 61_000);
    expect(await claimApproval(db(), call, "gw-b", later)).toMatchObject({ decision: "pending", created: true });
  });

  it("expires an approval nobody used in time: the late claim gets a new pending one and the decision is refused", async () => {
    const call = await claim({ args: { base: "main", pull_number: 6 }, expires_seconds: 60 });
    const { approval } = await claimApproval(db(), call, "gw-a");
    await decideApproval(users.approver, approval.id, "approve");
    const later = new Date(Date.now() + 61_000);
    const outcome = await claimApproval(db(), call, "gw-a", later);
    expect(outcome).toMatchObject({ decision: "pending", created: true });
    expect((await db().toolCallApproval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("expired");
    const stale = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 66 }, expires_seconds: 60 }), "gw-a");
    const error = await refusal(decideApproval(users.approver, stale.approval.id, "approve", later));
    expect(error.code).toBe("conflict");
    expect(error.message).toBe("This call is no longer waiting: it is expired.");
  });
});

describe("the cap on a consumer's pending approvals per server", () => {
  /** A claim of `consumer`'s, as the gateway builds it, for distinct arguments. */
  const claimOf = async (consumer: string, pr: number, over: Partial<ApprovalClaim> = {}) => {
    const args = { base: "main", pull_number: pr };
    const on = over.server ?? server;
    return claim({ args, consumer, call_hash: callHash({ server: on, tool: "merge_pull_request", consumer, arguments: args })!, ...over });
  };

  it("refuses a consumer's new call past 20 pending, creating nothing, while re-claims, other consumers and other servers go on", async () => {
    expect(DEFAULT_MAX_PENDING_APPROVALS).toBe(20);
    const first: Awaited<ReturnType<typeof claimApproval>>[] = [];
    for (let pr = 1; pr <= 20; pr++) first.push(await claimApproval(db(), await claimOf("flood-user", pr), "gw-a"));
    expect(first.every((o) => o.created && o.decision === "pending")).toBe(true);

    const refused = await claimApproval(db(), await claimOf("flood-user", 21), "gw-a").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TooManyPendingApprovals);
    expect(refused).toMatchObject({ waiting: 20, limit: 20 });
    expect(await db().toolCallApproval.count({ where: { consumer: "flood-user" } })).toBe(20);
    // What the gateway is answered.
    expect(await answerApprovalClaim(await claimOf("flood-user", 21), "gw-a", "https://console.example.com")).toEqual({
      status: 429,
      body: { decision: "too_many_pending", waiting: 20, limit: 20 },
    });

    // A call already pending is not new: its re-claim is answered as before.
    expect(await claimApproval(db(), await claimOf("flood-user", 7), "gw-b")).toMatchObject({ decision: "pending", created: false, approval: { id: first[6]!.approval.id } });
    // Another consumer, and the same consumer on another server, have slots of their own.
    const calm = await claimApproval(db(), await claimOf("calm-user", 1), "gw-a");
    expect(calm).toMatchObject({ decision: "pending", created: true });
    // The inbox shows the newest first: a burst hides no new call.
    const inbox = await listApprovals(users.admin, "pending");
    const times = inbox.map((a) => Date.parse(a.requestedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(inbox.findIndex((a) => a.id === calm.approval.id)).toBeLessThan(inbox.findIndex((a) => a.consumer === "flood-user"));
    expect(await claimApproval(db(), await claimOf("flood-user", 1, { server: "other-server" }), "gw-a")).toMatchObject({ decision: "pending", created: true });

    // Deciding one frees its slot; so does one expiring.
    await decideApproval(users.admin, first[0]!.approval.id, "reject");
    expect(await claimApproval(db(), await claimOf("flood-user", 21), "gw-a")).toMatchObject({ decision: "pending", created: true });
    await expect(claimApproval(db(), await claimOf("flood-user", 22), "gw-a")).rejects.toBeInstanceOf(TooManyPendingApprovals);
    const later = new Date(Date.now() + 901_000);
    expect(await claimApproval(db(), await claimOf("flood-user", 22), "gw-a", later)).toMatchObject({ decision: "pending", created: true });
  });

  it("lets no two concurrent claims of new calls take the last slot", async () => {
    for (let pr = 1; pr <= 19; pr++) await claimApproval(db(), await claimOf("race-user", pr), "gw-a");
    const calls = await Promise.all([20, 21, 22, 23, 24, 25, 26, 27].map((pr) => claimOf("race-user", pr)));
    const racing = await Promise.allSettled(calls.map((call, i) => claimApproval(db(), call, i % 2 ? "gw-a" : "gw-b")));
    expect(racing.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(racing.filter((r) => r.status === "rejected").every((r) => r.reason instanceof TooManyPendingApprovals)).toBe(true);
    expect(await db().toolCallApproval.count({ where: { consumer: "race-user", status: "pending" } })).toBe(20);
  });

  it("reads the cap from PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER", async () => {
    expect(maxPendingApprovals({})).toBe(20);
    expect(maxPendingApprovals({ PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER: "3" })).toBe(3);
    for (const bad of ["0", "1.5", "many", "10001"])
      expect(() => maxPendingApprovals({ PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER: bad })).toThrow(
        "Invalid environment: PORTCULLIS_APPROVALS_PENDING_PER_CONSUMER must be a whole number from 1 to 10000",
      );
    for (let pr = 1; pr <= 2; pr++) await claimApproval(db(), await claimOf("small-user", pr), "gw-a", new Date(), 2);
    await expect(claimApproval(db(), await claimOf("small-user", 3), "gw-a", new Date(), 2)).rejects.toMatchObject({ waiting: 2, limit: 2 });
  });
});

describe("deciding in the console", () => {
  it("refuses the caller approving their own call, though they are in the approver group", async () => {
    const { approval } = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 10 } }), "gw-a");
    const error = await refusal(decideApproval(users.caller, approval.id, "approve"));
    expect([error.code, error.message]).toEqual(["forbidden", "You made this call: someone else in an approver group decides it."]);
    const detail = await getApproval(users.caller, approval.id);
    expect(detail).toMatchObject({ status: "pending", decidable: false, refusal: "You made this call: someone else in an approver group decides it." });
    expect((await db().toolCallApproval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("pending");
  });

  it("lets the caller approve their own call when the rule allows self-approval", async () => {
    const { approval } = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 11 }, self_approval: true }), "gw-a");
    expect((await decideApproval(users.caller, approval.id, "approve")).status).toBe("approved");
  });

  it("lets only the caller decide a confirmation, not even an admin", async () => {
    const { approval } = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 12 }, kind: "confirm", approvers: [], self_approval: true }), "gw-a");
    expect((await refusal(decideApproval(users.admin, approval.id, "approve"))).message).toBe("Only the caller confirms their own call.");
    expect((await refusal(decideApproval(users.approver, approval.id, "approve"))).code).toBe("not_found");
    expect(await getApproval(users.admin, approval.id)).toMatchObject({ decidable: false, refusal: "Only the caller confirms their own call." });
    expect((await decideApproval(users.caller, approval.id, "approve")).status).toBe("approved");
  });

  it("hides calls from users who may neither decide nor made them, and decides once", async () => {
    const { approval } = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 13 } }), "gw-a");
    expect((await refusal(getApproval(users.stranger, approval.id))).code).toBe("not_found");
    expect((await refusal(decideApproval(users.stranger, approval.id, "approve"))).code).toBe("not_found");
    expect((await listApprovals(users.stranger, "pending")).map((a) => a.id)).not.toContain(approval.id);
    expect(await showsApprovalsInbox(users.stranger)).toBe(false);
    expect(await showsApprovalsInbox(users.approver)).toBe(true);

    const inbox = await listApprovals(users.approver, "pending");
    expect(inbox.find((a) => a.id === approval.id)).toMatchObject({ decidable: true, tool: "merge_pull_request", consumer: "dev-user" });
    const waiting = await countDecidableApprovals(users.approver);
    await Promise.all([decideApproval(users.approver, approval.id, "approve").catch(() => undefined), decideApproval(users.admin, approval.id, "reject").catch(() => undefined)]);
    const decided = await db().toolCallApproval.findUniqueOrThrow({ where: { id: approval.id } });
    expect(["approved", "rejected"]).toContain(decided.status);
    expect(await countDecidableApprovals(users.approver)).toBe(waiting - 1);
    expect((await refusal(decideApproval(users.admin, approval.id, "approve"))).message).toBe(`This call is no longer waiting: it is ${decided.status}.`);
    const logged = await db().activityLog.findMany({ where: { entityType: "approval", entityId: approval.id } });
    expect(logged).toHaveLength(1);
    expect(logged[0]!.action).toBe(`approval.${decided.status === "approved" ? "approve" : "reject"}`);
  });

  it("shows the arguments, the rule that asked and the consumer's recent calls", async () => {
    await db().auditEvent.create({
      data: {
        id: randomBytes(8).toString("hex"),
        time: new Date(),
        requestId: "r",
        serverName: server,
        consumerName: "dev-user",
        toolName: "get_me",
        decision: "allow",
        httpStatus: 200,
        totalLatencyMs: 3,
      },
    });
    const { approval } = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 14 } }), "gw-a");
    const detail = await getApproval(users.approver, approval.id);
    expect(detail.arguments).toEqual({ base: "main", pull_number: 14 });
    expect(detail.ruleDefinition).toMatchObject({ name: "merge_pull_request", require: { action: "approve", approvers: ["platform"], when: 'args.base == "main"' } });
    expect(detail.recentCalls[0]).toMatchObject({ tool: "get_me", decision: "allow" });
  });
});

describe("whose calls they are: namesakes, disabled consumers and the email-named consumer", () => {
  const minuteAgo = () => new Date(Date.now() - 60_000);

  async function developer(email: string) {
    const row = await db().user.create({ data: { email, role: "developer" } });
    return { id: row.id, email: row.email, name: "", role: "developer" } as CurrentUser;
  }

  /** A claim by `consumer` (its own call hash), requested a minute ago: before anything made after it. */
  async function claimBy(consumer: string, over: Partial<ApprovalClaim> & { args?: Record<string, unknown> } = {}) {
    const args = over.args ?? { base: "main", pull_number: Math.floor(Math.random() * 1e9) };
    const call = await claim({ ...over, args, consumer, call_hash: callHash({ server, tool: "merge_pull_request", consumer, arguments: args })! });
    const { approval } = await claimApproval(db(), call, "gw-a");
    await db().toolCallApproval.update({ where: { id: approval.id }, data: { requestedAt: minuteAgo() } });
    return approval;
  }

  async function auditEvent(consumerName: string, toolName: string, time: Date) {
    await db().auditEvent.create({
      data: { id: randomBytes(8).toString("hex"), time, requestId: "r", serverName: server, consumerName, toolName, decision: "allow", httpStatus: 200, totalLatencyMs: 1 },
    });
  }

  it("shows a consumer made again under a deleted one's name none of the old one's calls, and voids those still waiting", async () => {
    const name = `recycled-${randomBytes(3).toString("hex")}@x.com`;
    const alice = await developer(`alice-${randomBytes(3).toString("hex")}@approvals.test`);
    const old = await db().consumer.create({ data: { username: name, ownerUserId: alice.id, namedAt: new Date(Date.now() - 120_000) } });
    const decided = await claimBy(name);
    await decideApproval(users.approver, decided.id, "reject");
    const approvedUnused = await claimBy(name);
    await decideApproval(users.approver, approvedUnused.id, "approve");
    const confirm = await claimBy(name, { kind: "confirm", approvers: [], self_approval: true });
    await auditEvent(name, "old_secret_call", minuteAgo());
    expect((await listApprovals(alice, "pending")).map((a) => a.id)).toContain(confirm.id);

    await deleteConsumer(users.admin, old.id);
    const statuses = await db().toolCallApproval.findMany({ where: { id: { in: [approvedUnused.id, confirm.id] } }, select: { status: true } });
    expect(statuses.map((a) => a.status)).toEqual(["void", "void"]);
    expect((await db().activityLog.findFirstOrThrow({ where: { action: "consumer.delete", entityId: old.id } })).after).toMatchObject({ voidedApprovals: 2 });

    // The recycled email signs in with Portcullis: a consumer of that name, owned by the new user.
    const bob = await developer(`bob-${randomBytes(3).toString("hex")}@approvals.test`);
    await db().consumer.create({ data: { username: name, ownerUserId: bob.id } });
    const oldIds = [decided.id, approvedUnused.id, confirm.id];
    for (const view of ["pending", "decided"] as const) expect((await listApprovals(bob, view)).map((a) => a.id).filter((id) => oldIds.includes(id))).toEqual([]);
    for (const id of oldIds) expect((await refusal(getApproval(bob, id))).code).toBe("not_found");
    expect((await refusal(decideApproval(bob, confirm.id, "approve"))).code).toBe("not_found");

    // Their own call is theirs, with their own calls only.
    await auditEvent(name, "new_call", new Date());
    const mine = await claimApproval(db(), await claim({ kind: "confirm", approvers: [], self_approval: true, consumer: name, call_hash: `sha256:${"2".repeat(64)}` }), "gw-a");
    const detail = await getApproval(bob, mine.approval.id);
    expect(detail.recentCalls.map((c) => c.tool)).toEqual(["new_call"]);
    // Admins read every event of the name.
    expect((await getApproval(users.admin, mine.approval.id)).recentCalls.map((c) => c.tool)).toEqual(["new_call", "old_secret_call"]);
  });

  it("shows a consumer renamed to a deleted one's name none of the old one's calls, and voids the renamed one's waiting calls", async () => {
    const name = `renamed-${randomBytes(3).toString("hex")}`;
    const carol = await developer(`carol-${randomBytes(3).toString("hex")}@approvals.test`);
    // Made long before the name's earlier holder called: its creation is no bound, its rename is.
    const longAgo = new Date(Date.now() - 86_400_000);
    const earlier = await db().consumer.create({ data: { username: `${name}-before`, ownerUserId: carol.id, createdAt: longAgo, namedAt: longAgo } });
    const waiting = await claimBy(`${name}-before`, { kind: "confirm", approvers: [], self_approval: true });
    const gone = await db().consumer.create({ data: { username: name } });
    const theirs = await claimBy(name);
    await deleteConsumer(users.admin, gone.id);
    await updateConsumer(users.admin, earlier.id, consumerInputSchema.parse({ username: name, ownerEmail: carol.email }));
    expect((await db().toolCallApproval.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe("void");
    expect((await refusal(getApproval(carol, theirs.id))).code).toBe("not_found");
    expect((await listApprovals(carol, "decided")).map((a) => a.id)).not.toContain(theirs.id);
  });

  it("gives no approver rights for a consumer an admin disabled", async () => {
    const dana = await developer(`dana-${randomBytes(3).toString("hex")}@approvals.test`);
    const platform = await db().consumerGroup.findUniqueOrThrow({ where: { name: "platform" } });
    await db().consumer.create({
      data: { username: `dana-${randomBytes(3).toString("hex")}`, ownerUserId: dana.id, disabledAt: new Date(), groups: { create: [{ groupId: platform.id }] } },
    });
    const { approval } = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 40 } }), "gw-a");
    expect((await listApprovals(dana, "pending")).map((a) => a.id)).not.toContain(approval.id);
    expect((await refusal(decideApproval(dana, approval.id, "approve"))).code).toBe("not_found");
    expect(await showsApprovalsInbox(dana)).toBe(false);
  });

  it("counts the unowned consumer named by a user's email, which they sign in as, as theirs: no self-approval, and they confirm", async () => {
    const erin = await developer(`erin-${randomBytes(3).toString("hex")}@approvals.test`);
    const platform = await db().consumerGroup.findUniqueOrThrow({ where: { name: "platform" } });
    // An approver through a consumer of their own; the email-named one an admin made, owned by nobody.
    await db().consumer.create({ data: { username: `erin-own-${randomBytes(3).toString("hex")}`, ownerUserId: erin.id, groups: { create: [{ groupId: platform.id }] } } });
    await db().consumer.create({ data: { username: erin.email, groups: { create: [{ groupId: platform.id }] } } });
    const call = await claim({ consumer: erin.email, call_hash: `sha256:${"3".repeat(64)}` });
    const { approval } = await claimApproval(db(), call, "gw-a");
    const error = await refusal(decideApproval(erin, approval.id, "approve"));
    expect([error.code, error.message]).toEqual(["forbidden", "You made this call: someone else in an approver group decides it."]);
    expect((await decideApproval(users.approver, approval.id, "approve")).status).toBe("approved");
    const confirm = await claimApproval(
      db(),
      await claim({ kind: "confirm", approvers: [], self_approval: true, consumer: erin.email, call_hash: `sha256:${"4".repeat(64)}` }),
      "gw-a",
    );
    expect((await decideApproval(erin, confirm.approval.id, "approve")).status).toBe("approved");
  });
});

describe("requirements on the access page", () => {
  it("refuses unknown approver groups and conditions that do not compile, by field", async () => {
    const unknown = await refusal(setRequirement(users.admin, serverId, "get_me", requirementInputSchema.parse({ action: "approve", approvers: ["nobody"] })));
    expect(unknown.fields).toEqual({ approvers: '"nobody" is not a consumer group' });
    const broken = await refusal(setRequirement(users.admin, serverId, "get_me", requirementInputSchema.parse({ action: "confirm", when: "args.base ==" })));
    expect(Object.keys(broken.fields ?? {})).toEqual(["when"]);
    expect(await db().toolRequirement.count({ where: { serverId, toolName: "get_me" } })).toBe(0);
  });

  it("expands the destructive default into the annotated tools", async () => {
    await setDestructiveDefault(users.admin, serverId, { action: "approve", approvers: ["platform"] });
    await publishConfigVersion(db(), { reason: "test" });
    const { config } = await published();
    expect(config.servers.find((s) => s.name === server)!.acl.tools.find((t) => t.name === "delete_repository")!.require).toMatchObject({
      action: "approve",
      approvers: ["platform"],
    });
  });

  it("voids the waiting approvals of a rule that a published configuration no longer has", async () => {
    const waiting = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 20 } }), "gw-a");
    const approvedUnused = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 21 } }), "gw-a");
    await decideApproval(users.approver, approvedUnused.approval.id, "approve");
    const before = (await published()).config;
    await setRequirement(users.admin, serverId, "merge_pull_request", requirementInputSchema.parse({ action: "approve", approvers: ["platform"] }));
    await publishConfigVersion(db(), { reason: "rule changed" });
    expect(requiringRuleHashes((await published()).config).get(server)).not.toEqual(requiringRuleHashes(before).get(server));
    const statuses = await db().toolCallApproval.findMany({ where: { id: { in: [waiting.approval.id, approvedUnused.approval.id] } }, select: { status: true } });
    expect(statuses.map((s) => s.status)).toEqual(["void", "void"]);
  });

  it("voids instead of approving a call whose rule changed after the claim", async () => {
    const stale = await claim({ args: { base: "main", pull_number: 22 }, rule_hash: `sha256:${"1".repeat(64)}` });
    const { approval } = await claimApproval(db(), stale, "gw-a");
    const error = await refusal(decideApproval(users.approver, approval.id, "approve"));
    expect(error.message).toBe("The rule that asked for this approval was changed or removed since: the approval is void.");
    expect((await db().toolCallApproval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("void");
  });
});

describe("the approval webhook", () => {
  let listener: http.Server;
  let url: string;
  const received: { body: unknown; type: string | undefined }[] = [];
  const waiters: (() => void)[] = [];

  beforeAll(async () => {
    listener = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push({ body: JSON.parse(body), type: request.headers["content-type"] });
        response.end("ok");
        waiters.shift()?.();
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/hooks/approvals`;
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  const delivered = () => new Promise<void>((resolve) => waiters.push(resolve));

  it("posts a Slack-compatible message with the approval's link, to a plain URL and to one kept in the vault", async () => {
    await updateApprovalSettings(users.admin, approvalSettingsSchema.parse({ webhookUrl: url }));
    const first = await claimApproval(db(), await claim({ args: { base: "main", pull_number: 30 } }), "gw-a");
    const arrived = delivered();
    await notifyNewApproval(db(), first.approval, "https://console.example.com");
    await arrived;
    expect(received[0]).toEqual({
      type: "application/json",
      body: {
        text: expect.stringContaining(`<https://console.example.com/approvals/${first.approval.id}|Review the call>`) as string,
      },
    });
    expect((received[0]!.body as { text: string }).text).toContain("dev-user called `merge_pull_request`");

    await createSecret(users.admin, { name: "approvals-hook", value: url });
    await updateApprovalSettings(users.admin, approvalSettingsSchema.parse({ webhookUrl: "{vault://portcullis/approvals-hook}" }));
    const again = delivered();
    await notifyNewApproval(db(), (await claimApproval(db(), await claim({ args: { base: "main", pull_number: 31 } }), "gw-a")).approval, "https://console.example.com");
    await again;
    expect(received).toHaveLength(2);
    const logged = await db().activityLog.findFirstOrThrow({ where: { entityName: "Approvals" }, orderBy: { time: "desc" } });
    expect(logged.after).toEqual({ webhook: "{vault://portcullis/approvals-hook}" });
  });

  it("refuses a plain http URL to another host and a reference to a missing secret", () => {
    expect(approvalSettingsSchema.safeParse({ webhookUrl: "http://hooks.example.com/x" }).success).toBe(false);
    expect(approvalSettingsSchema.safeParse({ webhookUrl: "{vault://env/HOOK}" }).success).toBe(false);
    return expect(refusal(updateApprovalSettings(users.admin, approvalSettingsSchema.parse({ webhookUrl: "{vault://portcullis/missing}" })))).resolves.toMatchObject({
      fields: { webhookUrl: 'the vault has no secret named "missing"' },
    });
  });
});
