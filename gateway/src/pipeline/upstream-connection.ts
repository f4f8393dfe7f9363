// per_user routes (docs/gateway.md, "Per-user upstream credentials"): the
// signed-in user's own credential, obtained after the ACL and before anyone is
// asked to confirm the call, and forwarded with it. A user the console says
// must connect the upstream first (not connected, or the connection broke) is
// answered in the terms of the request's MCP revision:
// - up to 2025-11-25: URLElicitationRequiredError (-32042) with one URL
//   elicitation naming the console's connect page.
// - 2026-07-28 (where -32042 is reserved, "2025-11-25 only"): tools/call,
//   prompts/get and resources/read — the only requests that may answer
//   input_required (basic/patterns/mrtr) — from a client that declared URL
//   elicitation get an input_required result with one URL elicitation and a
//   signed requestState; without it, MissingRequiredClientCapability (-32021).
//   Every other method gets -32000 naming the page: the spec gives it no
//   in-band way to send the user anywhere.
// The retry with the state is a new request, judged by the ACL before this
// step and by confirmation after it; the state grants nothing. It is bound to
// the server, the user, the method and its params, expires, and forwards one
// request; the console is asked again on it (the gateway keeps no negative
// answer), and a user still not connected is asked again.
import { randomUUID } from "node:crypto";
import { callHash } from "../../../lib/core/approvals/call-hash";
import type { ConfirmationPayload, ConfirmationStates } from "../approvals/confirmation-state";
import { elicitationModes, forwardedParams, isObject } from "../approvals/in-band-confirmation";
import { GatewayError } from "../errors";
import type { JsonRpcMessage } from "../jsonrpc/message";
import { STATELESS_SINCE } from "../jsonrpc/protocol-version";
import type { RequestContext } from "./context";
import { forwardToUpstream, type ForwardDeps } from "./forward";
import { respondWithInterimResult } from "./respond-with-error";
import { ConnectionRequired, type UserCredentials } from "./user-credentials";

/** The key of the gateway's request in inputRequests/inputResponses: apart from any key the upstream or the confirmation uses. */
export const CONNECT_INPUT_KEY = "portcullis_connect";
const MAY_REQUIRE_INPUT: ReadonlySet<string> = new Set(["tools/call", "prompts/get", "resources/read"]);
/** How long the user has to connect before the request must start over: an upstream's consent takes a while. */
const CONNECT_STATE_TTL_MS = 15 * 60_000;
/** Connect states are signed under their own key (CONNECTION_STATE), so this only fills the payload's rule member. */
const CONNECT_RULE = "upstream_connection";

export interface UpstreamConnectionDeps extends ForwardDeps {
  userCredentials: UserCredentials;
  /** Signs and checks the requestState of the gateway's connect requests. */
  connections: ConfirmationStates;
}

type Request = Extract<JsonRpcMessage, { kind: "request" }>;

/** A request the gateway may answer with input_required, and the hash its connect state is bound to. */
interface Askable {
  request: Request;
  hash: string;
}

type Retry =
  /** No state of the gateway's: the upstream's own, if any, rides along in a new one. */
  | { kind: "none"; upstreamState?: string; upstreamResponses?: Record<string, unknown> }
  /** The retry of the gateway's connect request: its state checked, the user did not decline. */
  | { kind: "answered"; state: string; payload: ConfirmationPayload };

function askableRequest(ctx: RequestContext): Askable | undefined {
  // A stream already opened (a held approval) can only end with an error.
  if (ctx.protocolVersion < STATELESS_SINCE || ctx.res.headersSent || ctx.body?.messages.length !== 1) return undefined;
  const [request] = ctx.body.messages;
  if (request!.kind !== "request" || !MAY_REQUIRE_INPUT.has(request!.method)) return undefined;
  const { _meta, inputResponses: _answers, requestState: _state, ...salient } = request!.params ?? {};
  const hash = callHash({ server: ctx.route!.name, tool: request!.method, consumer: ctx.caller!.username, arguments: salient });
  return hash === undefined ? undefined : { request: request!, hash };
}

/** Throws the refusal of a state that is forged, altered, for another request or user, expired, or declined. */
function judgeRetry({ request, hash }: Askable, states: ConfirmationStates, now: number): Retry {
  const params = request.params ?? {};
  const presented = params.requestState;
  const check = states.check(presented, now);
  if (check.kind === "foreign")
    return {
      kind: "none",
      upstreamState: typeof presented === "string" ? presented : undefined,
      upstreamResponses: isObject(params.inputResponses) ? params.inputResponses : undefined,
    };
  if (check.kind === "invalid")
    throw new GatewayError("connection_state_invalid", "The request was not run: its requestState was not issued by this gateway", "requestState MAC mismatch");
  if (check.kind === "expired")
    throw new GatewayError("connection_state_expired", "The request was not run: the request to connect your account expired; send it again", "requestState expired");
  if (check.payload.callHash !== hash)
    throw new GatewayError("connection_state_invalid", "The request was not run: its requestState was issued for a different request", "request hash differs");
  const answer = isObject(params.inputResponses) ? params.inputResponses[CONNECT_INPUT_KEY] : undefined;
  if (isObject(answer) && answer.action !== "accept")
    throw new GatewayError(
      "connection_declined",
      "The request was not run: you did not connect your account",
      `answer ${typeof answer.action === "string" ? answer.action.slice(0, 16) : "without action"}`,
    );
  return { kind: "answered", state: presented as string, payload: check.payload };
}

/** The answer that cannot be input_required: -32042 up to 2025-11-25; from 2026-07-28, -32021 where URL elicitation would do, else -32000. */
function connectionRefusal(ctx: RequestContext, { server, refusal }: ConnectionRequired, urlElicitationWouldDo: boolean): GatewayError {
  const message = `${refusal.message} Connect your account for server '${server}' at ${refusal.connect_url} and try again.`;
  if (ctx.protocolVersion < STATELESS_SINCE)
    return new GatewayError(refusal.status === "broken" ? "upstream_connection_broken" : "upstream_not_connected", message, refusal.status).withData({
      elicitations: [{ mode: "url", elicitationId: randomUUID(), url: refusal.connect_url, message: refusal.message }],
    });
  if (urlElicitationWouldDo) return new GatewayError("url_elicitation_undeclared", message, refusal.status).withData({ requiredCapabilities: { elicitation: { url: {} } } });
  return new GatewayError("upstream_connection_required", message, refusal.status).withData({ connect_url: refusal.connect_url });
}

/** An input_required result with one URL elicitation: the console's connect page, and a state that carries the upstream's. */
function askToConnect(
  ctx: RequestContext,
  { request, hash }: Askable,
  { server, refusal }: ConnectionRequired,
  retry: Retry,
  states: ConfirmationStates,
  cors: Record<string, string>,
) {
  const now = Date.now();
  const carried = retry.kind === "answered" ? retry.payload : retry;
  const requestState = states.issue({
    callHash: hash,
    ruleHash: CONNECT_RULE,
    askedAt: now,
    expiresAt: now + CONNECT_STATE_TTL_MS,
    upstreamState: carried.upstreamState,
    upstreamResponses: carried.upstreamResponses,
  });
  const elicitation = { mode: "url", message: `${refusal.message} Connect your account for server '${server}', then continue.`, url: refusal.connect_url };
  const result = { resultType: "input_required", inputRequests: { [CONNECT_INPUT_KEY]: { method: "elicitation/create", params: elicitation } }, requestState };
  respondWithInterimResult(ctx, request.id, result, refusal.status === "broken" ? "upstream_connection_broken" : "upstream_not_connected", cors);
}

/** The user's credential, or undefined when the gateway has answered the request itself (asked them to connect). */
async function credentialOrAnswer(ctx: RequestContext, deps: UpstreamConnectionDeps, cors: Record<string, string>, rejected?: string): Promise<string | undefined> {
  const askable = askableRequest(ctx);
  const retry = askable && judgeRetry(askable, deps.connections, Date.now());
  let credential: string;
  try {
    credential = await deps.userCredentials.credentialFor(ctx, rejected);
  } catch (error) {
    if (!(error instanceof ConnectionRequired)) throw error;
    const declaresUrl = askable !== undefined && elicitationModes(ctx.protocolVersion, askable.request.params ?? {}).url;
    if (!declaresUrl) throw connectionRefusal(ctx, error, askable !== undefined);
    askToConnect(ctx, askable, error, retry!, deps.connections, cors);
    return undefined;
  }
  if (retry?.kind === "answered") {
    if (!deps.connections.consume(retry.state, retry.payload.expiresAt, Date.now(), ctx.caller!.username))
      throw new GatewayError("connection_state_used", "The request was not run: this requestState was already used; send the request again", "requestState reused");
    // What the gateway added is taken out; the upstream's own state and answers, if it asked first, go back.
    askable!.request.params = forwardedParams(askable!.request.params!, retry.payload);
    askable!.request.raw.params = askable!.request.params;
  }
  return credential;
}

/** True: the user's credential is at hand and the request goes on. False: the gateway has answered it. */
export async function obtainUserCredential(ctx: RequestContext, deps: UpstreamConnectionDeps, cors: Record<string, string>): Promise<boolean> {
  ctx.userCredential = await credentialOrAnswer(ctx, deps, cors);
  return ctx.userCredential !== undefined;
}

/**
 * Forwards with the caller's own credential; an upstream 401 to it is reported to the console once and the
 * request (its body already buffered, nothing sent to the client yet) is sent once more with the new credential.
 */
export async function forwardWithUserCredential(ctx: RequestContext, deps: UpstreamConnectionDeps, cors: Record<string, string>) {
  const header = ctx.route!.perUserCredential!.header;
  const sent = ctx.userCredential ?? (await credentialOrAnswer(ctx, deps, cors));
  if (sent === undefined) return;
  ctx.upstreamHeaders = { ...ctx.upstreamHeaders, [header]: sent };
  try {
    await forwardToUpstream(ctx, deps, cors);
  } catch (error) {
    if (!(error instanceof GatewayError) || error.code !== "upstream_credential_rejected") throw error;
    const renewed = await credentialOrAnswer(ctx, deps, cors, sent);
    if (renewed === undefined) return;
    ctx.upstreamHeaders = { ...ctx.upstreamHeaders, [header]: renewed };
    await forwardToUpstream(ctx, deps, cors);
  }
}
