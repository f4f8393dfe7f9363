// The human in the loop (docs/gateway.md, "Confirmation and approval"): an
// allowed tools/call whose rule `require`s a person is held here until one has
// said yes to this exact call — its hash over server, tool, consumer and
// canonical arguments (lib/core/approvals/call-hash.ts).
// - confirm, from a 2026-07-28 client with form elicitation: asked in-band
//   (approvals/in-band-confirmation.ts); the accepted retry is forwarded.
// - approve, and confirm for every other client: claimed at the console
//   (control-plane/approval-client.ts); forwarded once the console answers
//   `approved`, which it does once per approval across all gateways. With a
//   progressToken and `wait_seconds`, the call is held open on an SSE response,
//   the claim repeated and progress sent, until it is decided or the wait ends.
//   A consumer has a few such claims at once per server on this gateway
//   (approvals/held-calls.ts); past them the call is refused, unasked.
// Whatever cannot be decided — no console, console unreachable or wrong,
// expired by this gateway's clock — is refused; nothing is forwarded on doubt.
import os from "node:os";
import { callHash } from "../../../lib/core/approvals/call-hash";
import type { ApprovalClaim } from "../../../lib/core/controlplane/protocol";
import { normaliseToolName } from "../../../lib/core/acl/decide";
import { redactArguments, type ArgumentHasher } from "../../../lib/core/redaction/argument-redaction";
import { judgeApprovalAnswer, type ApprovalOutcome } from "../approvals/approval-answer";
import type { ConfirmationStates } from "../approvals/confirmation-state";
import type { HeldCalls } from "../approvals/held-calls";
import { canConfirmInBand, confirmationRequest, judgeConfirmationRetry } from "../approvals/in-band-confirmation";
import type { ApprovalClaims } from "../control-plane/approval-client";
import { GatewayError } from "../errors";
import type { GatewayMetrics } from "../metrics/gateway-metrics";
import type { ClientGone, RequestContext } from "./context";
import { respondWithInterimResult } from "./respond-with-error";
import { sseMessage } from "../transport/sse";
import type { HeldCall } from "./tool-access";

/** How often a held call asks the console again (contract: every 1–2 s). */
export const WAIT_POLL_MS = 1_500;

export interface HumanStepDeps {
  confirmations: ConfirmationStates;
  /** The console, when the gateway has one; a gateway configured from a file cannot ask for approvals. */
  approvals: ApprovalClaims | undefined;
  /** The calls this gateway is asking the console about, per server and consumer. */
  heldCalls: HeldCalls;
  metrics: GatewayMetrics;
  log: { warn(fields: Record<string, unknown>, message: string): void };
  /** Hashes `redact_args` values, in the approval the console shows and in audit events. */
  argumentHasher: ArgumentHasher;
}

const HOSTNAME = os.hostname();

/** True: forward the call (its params may have been rewritten). False: the gateway has answered it. */
export async function holdForPerson(ctx: RequestContext, held: HeldCall, deps: HumanStepDeps, cors: Record<string, string>): Promise<boolean> {
  const { requirement, message, tool } = held;
  const route = ctx.route!;
  const kind = requirement.action;
  const count = (outcome: string) => deps.metrics.approval(route.name, kind, outcome);
  if (held.conditionError !== undefined)
    deps.log.warn({ request_id: ctx.id, server: route.name, rule: requirement.rule, error: held.conditionError }, "require.when could not be evaluated: the call is held");
  try {
    const hash = callHash({ server: route.name, tool, consumer: ctx.caller!.username, arguments: held.args });
    if (hash === undefined)
      throw new GatewayError("invalid_params", `Tool '${tool}' needs ${kind === "confirm" ? "confirmation" : "approval"}, and its arguments have no canonical form (RFC 8785)`);
    if (kind === "confirm" && canConfirmInBand(ctx.protocolVersion, message.params!)) return confirmInBand(ctx, held, hash, deps, cors, count);
    return await claimApproval(ctx, held, hash, deps, cors, count);
  } catch (error) {
    if (error instanceof GatewayError) {
      count(error.code);
      throw error.withId(message.id).withRule(requirement.rule === "(default)" ? "default" : requirement.rule);
    }
    throw error;
  }
}

function confirmInBand(ctx: RequestContext, held: HeldCall, hash: string, deps: HumanStepDeps, cors: Record<string, string>, count: (outcome: string) => void): boolean {
  const { requirement, message, tool } = held;
  const now = Date.now();
  const judged = judgeConfirmationRetry({ tool, params: message.params!, callHash: hash, ruleHash: requirement.ruleHash, consumer: ctx.caller!.username }, deps.confirmations, now);
  if (judged.kind === "confirmed") {
    message.params = judged.params;
    message.raw.params = judged.params;
    ctx.approval = { id: hash, kind: "confirm", by: ctx.caller!.username, at: new Date(now).toISOString(), waited_ms: now - judged.payload.askedAt };
    count("confirmed");
    return true;
  }
  const state = deps.confirmations.issue({
    callHash: hash,
    ruleHash: requirement.ruleHash,
    askedAt: now,
    expiresAt: now + requirement.expiresSeconds * 1000,
    upstreamState: judged.upstreamState,
    upstreamResponses: judged.upstreamResponses,
  });
  respondWithInterimResult(ctx, message.id, confirmationRequest(ctx.route!.name, tool, held.args, state), "confirmation_required", cors);
  count("asked");
  return false;
}

function claimFor(ctx: RequestContext, held: HeldCall, hash: string, hasher: ArgumentHasher): ApprovalClaim {
  const { requirement, tool } = held;
  const route = ctx.route!;
  const caller = ctx.caller!;
  const confirm = requirement.action === "confirm";
  return {
    kind: requirement.action,
    call_hash: hash,
    server: route.name,
    tool,
    consumer: caller.username,
    groups: [...caller.groups],
    arguments: redactArguments(held.args, route.redactArgs.get(normaliseToolName(tool)) ?? [], hasher),
    rule: requirement.rule,
    rule_hash: requirement.ruleHash,
    config_version: ctx.config!.configVersion,
    // A confirmation through the console is the caller's own: no approver group, and they may (must) decide it.
    approvers: confirm ? [] : [...requirement.approvers],
    self_approval: confirm ? true : requirement.selfApproval,
    expires_seconds: requirement.expiresSeconds,
    request_id: ctx.id,
    gateway: HOSTNAME,
  };
}

async function claimApproval(
  ctx: RequestContext,
  held: HeldCall,
  hash: string,
  deps: HumanStepDeps,
  cors: Record<string, string>,
  count: (outcome: string) => void,
): Promise<boolean> {
  const { requirement, tool } = held;
  const approvals = deps.approvals;
  const what = requirement.action === "confirm" ? "confirmation" : "approval";
  if (approvals === undefined)
    throw new GatewayError(
      "approval_unavailable",
      `Tool '${tool}' needs ${what}, which this gateway cannot ask for: it has no console (it is configured from a file)`,
      "no control plane",
    );
  const consumer = ctx.caller!.username;
  const release = deps.heldCalls.take(ctx.route!.name, consumer);
  if (release === undefined)
    throw new GatewayError(
      "approval_limited",
      `Tool '${tool}' needs ${what}, and ${deps.heldCalls.max} of your calls to this server already wait for a person: call it again once one is decided`,
      `${deps.heldCalls.max} calls of ${consumer} already held on this gateway`,
    );
  let outcome: ApprovalOutcome;
  try {
    const claim = claimFor(ctx, held, hash, deps.argumentHasher);
    const ask = async () => judgeApprovalAnswer(await approvals.claim(claim), { tool, kind: requirement.action }, new Date());
    outcome = await ask();
    const progressToken = progressTokenOf(held.message.params!);
    if (!outcome.forward && outcome.pending && progressToken !== undefined && requirement.waitSeconds > 0) {
      outcome = await waitForDecision(ctx, outcome, ask, { progressToken, waitSeconds: requirement.waitSeconds, what }, cors);
    }
  } finally {
    release();
  }
  if (!outcome.forward) throw outcome.error;
  ctx.approval = outcome.approval;
  count("approved");
  return true;
}

function progressTokenOf(params: Record<string, unknown>): string | number | undefined {
  const token = (params._meta as Record<string, unknown> | undefined)?.progressToken;
  return typeof token === "string" || (typeof token === "number" && Number.isFinite(token)) ? token : undefined;
}

/**
 * Holds the call open on an SSE response: asks again every WAIT_POLL_MS and sends
 * notifications/progress between asks, until the console decides or the wait ends.
 * What follows — the forwarded answer or a refusal — goes into the same stream.
 */
async function waitForDecision(
  ctx: RequestContext,
  first: ApprovalOutcome,
  ask: () => Promise<ApprovalOutcome>,
  wait: { progressToken: string | number; waitSeconds: number; what: string },
  cors: Record<string, string>,
): Promise<ApprovalOutcome> {
  const started = Date.now();
  const deadline = started + wait.waitSeconds * 1000;
  const url = first.forward ? undefined : first.error.data.approval_url;
  ctx.heldOpen = true;
  ctx.res.writeHead(200, { ...cors, "content-type": "text/event-stream", "cache-control": "no-cache" });
  ctx.res.flushHeaders();
  let outcome = first;
  while (!outcome.forward && outcome.pending && Date.now() < deadline && !ctx.clientGone.aborted) {
    const elapsed = Math.round((Date.now() - started) / 1000);
    writeEvent(ctx, {
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: wait.progressToken, progress: elapsed, total: wait.waitSeconds, message: `Waiting for ${wait.what} at ${String(url)}` },
    });
    await pause(ctx.clientGone, Math.min(WAIT_POLL_MS, Math.max(0, deadline - Date.now())));
    if (ctx.clientGone.aborted) break;
    outcome = await ask();
  }
  return outcome;
}

/** Waits ms, or until the client goes; its listener is removed either way, so a long wait adds none. */
function pause(gone: ClientGone, ms: number): Promise<void> {
  if (gone.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      gone.off("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    gone.once("abort", done);
  });
}

function writeEvent(ctx: RequestContext, message: unknown): void {
  const text = sseMessage(message);
  ctx.bytesOut += Buffer.byteLength(text);
  ctx.res.write(text);
}
