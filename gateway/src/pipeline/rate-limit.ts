// Rate limits and quotas on the request side: after the ACL, every tools/call
// in the body is charged to each limit rule that matches the caller and tool;
// a spent budget refuses the request (HTTP 429) before it reaches the upstream.
// Concurrency slots are held until the response closes, whatever ends it (the
// last byte, an error, the client going away). Headers follow
// draft-ietf-httpapi-ratelimit-headers-11 (RateLimit-Policy, RateLimit) and
// RFC 9110 §10.2.3 (Retry-After).
import { GatewayError } from "../errors";
import type { ParsedBody } from "../jsonrpc/message";
import type { Admission, LimitCharge, Limiter, Refusal, Remaining } from "../limits/admission";
import { matchLimits, type CompiledLimits } from "../limits/limit-rules";
import type { Caller } from "../../../lib/core/acl/decide";
import type { RequestContext } from "./context";

export function limitToolCalls(ctx: RequestContext, limiter: Limiter): void | Promise<void> {
  const limits = ctx.route!.limits;
  if (limits.size === 0) return;
  const charges = chargesFor(limits, ctx.caller!, ctx.body!);
  if (charges.length === 0) return;
  const admission = limiter.acquire(charges);
  if (admission instanceof Promise) return admission.then((a) => hold(ctx, a));
  hold(ctx, admission);
}

function chargesFor(limits: CompiledLimits, caller: Caller, body: ParsedBody): LimitCharge[] {
  const charges = new Map<string, LimitCharge>();
  for (const message of body.messages) {
    if (message.kind !== "request" || message.method !== "tools/call") continue;
    for (const rule of matchLimits(limits, caller, message.params!.name as string)) {
      const charge = charges.get(rule.id);
      if (charge) charge.cost++;
      else charges.set(rule.id, { rule, consumer: caller.username, cost: 1 });
    }
  }
  return [...charges.values()];
}

function hold(ctx: RequestContext, admission: Admission) {
  if (!admission.ok) throw rateLimited(admission.refusal);
  // The client may have gone while a shared limiter answered: then no close event is left to wait for.
  if (ctx.res.closed) admission.release();
  else ctx.res.once("close", admission.release);
  // A call held open for a person's approval has sent its (SSE) headers already: the budget goes unannounced.
  if (admission.remaining && !ctx.res.headersSent) announce(ctx, admission.remaining);
}

const policyName = (rule: Remaining["rule"], limit: Remaining["limit"]) => `"${rule.subject}:${rule.tool}:${limit}"`;

function policyHeader(name: string, quota: number, windowMs: number | undefined) {
  return windowMs === undefined ? `${name};q=${quota};qu="concurrent-requests"` : `${name};q=${quota};w=${windowMs / 1000}`;
}

/** An admitted call's response says what is left of its tightest budget, so a client can pace itself before a 429. */
function announce(ctx: RequestContext, left: Remaining) {
  const name = policyName(left.rule, left.limit);
  ctx.res.setHeader("ratelimit-policy", policyHeader(name, left.quota, left.windowMs));
  ctx.res.setHeader("ratelimit", left.windowMs === undefined ? `${name};r=${left.remaining}` : `${name};r=${left.remaining};t=${Math.ceil(left.resetMs / 1000)}`);
}

const UNIT: Record<Refusal["limit"], string> = { per_minute: "a minute", per_hour: "an hour", per_day: "a day", concurrent: "at once" };

function rateLimited(refusal: Refusal): GatewayError {
  const { rule, limit, quota } = refusal;
  const retryAfter = Math.max(1, Math.ceil(refusal.waitMs / 1000));
  const policy = policyName(rule, limit);
  const who = rule.subject === "*" ? "every caller" : `'${rule.subject}'`;
  const what = rule.tool === "*" ? `all tools of ${rule.server}` : `tool '${rule.tool}' of ${rule.server}`;
  const windowS = refusal.windowMs === undefined ? undefined : refusal.windowMs / 1000;
  return new GatewayError("rate_limited", `Rate limit reached: ${quota} call${quota === 1 ? "" : "s"} ${UNIT[limit]} for ${who} on ${what}; retry in ${retryAfter} s`)
    .withHeader("retry-after", String(retryAfter))
    .withHeader("ratelimit-policy", policyHeader(policy, quota, refusal.windowMs))
    .withHeader("ratelimit", `${policy};r=0;t=${retryAfter}`)
    .withData({ retry_after_s: retryAfter, rule: { server: rule.server, subject: rule.subject, tool: rule.tool, limit, quota, window_s: windowS ?? null } });
}
