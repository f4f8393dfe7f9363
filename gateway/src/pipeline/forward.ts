// The last step: send the decided request upstream over the pooled keep-alive
// dispatcher and stream the answer back. Bodies are piped with backpressure;
// only a response that may carry a tools/list result is judged (a JSON body
// answering tools/list is read whole, SSE is filtered event by event), and
// every answer to a POST is checked, as it passes, for responses to requests
// that POST did not send (jsonrpc/answer-ids.ts). Redirects are refused.
import type { ServerResponse } from "node:http";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import type { Dispatcher } from "undici";
import { rewriteUpstreamChallenge } from "../discovery/challenge";
import { GatewayError } from "../errors";
import { clientResponseHeaders, headerValue, upstreamRequestHeaders } from "../transport/headers";
import { SseRelay, sseMessage } from "../transport/sse";
import type { RequestContext } from "./context";
import type { CatalogueWatch } from "./catalogue";
import type { SessionBinder } from "./session-binding";
import { STATELESS_SINCE } from "../jsonrpc/protocol-version";
import { serialiseBody, serialiseBodyWithTraceContext } from "../jsonrpc/message";
import { judgeToolsListBody, judgeToolsListText, type ListJudgement } from "./tools-list-filter";
import { maskResultText } from "./result-redaction";
import { AnswerIdCheck, checkAnswer, requestIdsOf, type RequestIds } from "../jsonrpc/answer-ids";
import type { SecretMasker } from "../../../lib/core/redaction/secret-masker";

const MAX_FILTERED_JSON_BYTES = 16 * 1024 * 1024;
/** Answers of at most this many bytes (by Content-Length) are read whole and sent in one write. */
const SMALL_BODY_BYTES = 64 * 1024;

export interface ForwardDeps {
  dispatcher: Dispatcher;
  sessions: SessionBinder;
  catalogue: CatalogueWatch;
  log: { warn(fields: Record<string, unknown>, message: string): void };
}

function upstreamFailure(error: unknown, ctx: RequestContext): GatewayError {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? "";
  const detail = `${code} ${(error as Error).message}`.trim();
  const server = ctx.route!.name;
  if (code === "UND_ERR_HEADERS_TIMEOUT") return new GatewayError("upstream_timeout", `Server '${server}' did not answer within ${ctx.route!.timeoutMs} ms`, detail);
  if (code === "UND_ERR_CONNECT_TIMEOUT") return new GatewayError("upstream_timeout", `Server '${server}' could not be reached in time`, detail);
  return new GatewayError("upstream_unreachable", `Server '${server}' is unreachable`, detail);
}

/** An upstream answer that ended before it was whole. */
function closedEarly(server: string, error: unknown): GatewayError {
  return new GatewayError("upstream_bad_response", `Server '${server}' closed the stream early`, (error as Error).message);
}

/** Requests whose answers may list tools: every part of such an answer must be judged. */
const LISTING_METHODS = new Set(["tools/list", "server/discover"]);

function answersToolsList(ctx: RequestContext): boolean {
  return ctx.body?.messages.some((m) => m.kind === "request" && LISTING_METHODS.has(m.method)) ?? false;
}

function callsTools(ctx: RequestContext): boolean {
  return ctx.body?.messages.some((m) => m.kind === "request" && m.method === "tools/call") ?? false;
}

/** Drops a response body the client will not get (the connection is not reused). */
function discard(body: Readable) {
  body.on("error", () => {});
  body.destroy();
}

/** The body whole, or a refusal as soon as it passes `limit`. Events, not an async iterator: this runs for every tools/list. */
function readWhole(body: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      discard(body);
      reject(new GatewayError("upstream_bad_response", "The upstream's response is too large to filter", `over ${limit} bytes`));
    });
    body.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    body.once("error", reject);
  });
}

export async function forwardToUpstream(ctx: RequestContext, deps: ForwardDeps, corsHeaders: Record<string, string>): Promise<void> {
  const route = ctx.route!;
  const removed = route.auth.mode === "passthrough" ? [route.auth.keyHeader, "mcp-session-id"] : ["mcp-session-id"];
  const headers = upstreamRequestHeaders(ctx.req.headers, removed, ctx.config!.forwardedClientIpHeaders);
  if (!route.forwardCallerToken) delete headers.authorization;
  if (ctx.upstreamSessionId !== undefined) headers["mcp-session-id"] = ctx.upstreamSessionId;
  if (ctx.body !== undefined) headers["content-type"] = "application/json";
  if (ctx.upstreamHeaders) Object.assign(headers, ctx.upstreamHeaders);

  const traced = ctx.trace?.upstreamCall(ctx);
  // A POST's messages, written once: with the upstream span's context in params._meta when the request is sampled.
  const body = ctx.body && (traced?.carrier ? serialiseBodyWithTraceContext(ctx.body, traced.carrier) : serialiseBody(ctx.body));
  if (traced?.carrier) {
    headers.traceparent = traced.carrier.traceparent;
    if (traced.carrier.tracestate === undefined) delete headers.tracestate;
    else headers.tracestate = traced.carrier.tracestate;
  }
  const sentAt = performance.now();
  let response: Dispatcher.ResponseData;
  try {
    response = await deps.dispatcher.request({
      origin: route.upstream.origin,
      path: route.upstream.path,
      method: ctx.req.method as Dispatcher.HttpMethod,
      headers,
      body,
      signal: ctx.clientGone,
      headersTimeout: route.timeoutMs,
      // Streams may stay quiet for as long as a tool runs; the client's own disconnect ends them.
      bodyTimeout: 0,
    });
  } catch (error) {
    const failure = upstreamFailure(error, ctx);
    traced?.fail(failure.code);
    throw failure;
  }
  ctx.upstreamMs = performance.now() - sentAt;
  traced?.answered(response.statusCode);

  const status = response.statusCode;
  if (status >= 300 && status < 400) {
    // A client that follows it would resend the request, with its key and token, to wherever
    // the upstream points, and read an answer the gateway never saw: refused, its Location unsaid.
    discard(response.body);
    throw new GatewayError(
      "upstream_bad_response",
      `Server '${route.name}' answered with a redirect (${status}), which the gateway does not follow`,
      `upstream answered ${status}`,
    );
  }
  const out = clientResponseHeaders(response.headers);
  Object.assign(out, corsHeaders);
  const sessionId = headerValue(response.headers["mcp-session-id"]);
  if (sessionId !== undefined) out["mcp-session-id"] = deps.sessions.bind(route.name, sessionOwner(ctx), sessionId);
  const challenge = headerValue(response.headers["www-authenticate"]);
  if (!route.forwardCallerToken) {
    // The upstream judged the gateway's stored credential (or, on per_user routes, the one the console
    // holds for the user): no new token from the caller can fix that, and its challenge names an
    // authorization server the caller has nothing to do with.
    if (status === 401) {
      discard(response.body);
      if (route.perUserCredential) throw new GatewayError("upstream_credential_rejected", `Server '${route.name}' refused your credential`, "upstream answered 401");
      throw new GatewayError("upstream_bad_response", `Server '${route.name}' refused the gateway's credential`, "upstream answered 401");
    }
    delete out["www-authenticate"];
  } else if (challenge !== undefined && (status === 401 || status === 403)) {
    out["www-authenticate"] = rewriteUpstreamChallenge(challenge, ctx.metadataUrl);
  }

  const type = headerValue(response.headers["content-type"])?.toLowerCase() ?? "";
  const encoding = headerValue(response.headers["content-encoding"])?.toLowerCase();
  // A GET stream may replay a tools/list result (2025-11-25 resumption); a POST answer is
  // inspected when it answers tools/list. Error statuses are not read as results by clients.
  const mustParse = answersToolsList(ctx);
  const judgesList = ctx.req.method === "GET" || mustParse;
  // A tool's result (on the POST's answer, or replayed on a GET stream) is masked on routes with result_redaction.
  const masker = route.resultMasker !== undefined && (ctx.req.method === "GET" || callsTools(ctx)) ? route.resultMasker : undefined;
  const inspect = (judgesList || masker !== undefined) && status < 300;
  const encoded = encoding !== undefined && encoding !== "identity";
  const isSse = type.startsWith("text/event-stream");
  const isJson = type.startsWith("application/json");
  // A POST's answer may answer only that POST's requests (a client matches responses by id on any
  // stream), an error status's JSON or SSE body included; other error bodies are no JSON-RPC.
  const ids = ctx.req.method === "POST" && (status < 300 || isSse || isJson) ? requestIdsOf(ctx.body) : undefined;
  const length = headerValue(response.headers["content-length"]);
  const bodiless = status === 202 || status === 204 || (ids !== undefined && !inspect && length === "0");
  if ((inspect || ids !== undefined) && (encoded || (!isSse && !isJson && !bodiless))) {
    discard(response.body);
    throw new GatewayError(
      "upstream_invalid",
      `Server '${route.name}' sent an answer the gateway cannot check`,
      encoded ? `content-encoding ${encoding}` : `content-type ${type || "(none)"}`,
    );
  }

  // Built only for an answer that is inspected: most answers (tools/call results) are not.
  const judging = inspect ? judgeWith(ctx, deps, mustParse, judgesList, masker) : undefined;
  // An inspected answer's text is checked as the client gets it (after the filter and the masking).
  const rewrite =
    judging && ids
      ? (text: string) => {
          const rewritten = judging.rewrite(text);
          checkAnswer(rewritten ?? text, ids);
          return rewritten;
        }
      : judging?.rewrite;
  if (ctx.heldOpen) return relayIntoHeldStream(ctx, response, { sse: isSse, encoded, rewrite, ids }, deps);
  if (judging && isJson) {
    const { judgement, rewrite } = judging;
    const raw = await readWhole(response.body, MAX_FILTERED_JSON_BYTES);
    let bytes: Buffer;
    // A list alone is judged by its bytes (the filter's cache); a result to mask is read as text.
    if (masker === undefined) bytes = judgeToolsListBody(raw, judgement, route.name);
    else {
      // An empty 200 is no answer to a tools/list either: the client gets a clear error, not silence.
      if (mustParse && raw.toString("utf8").trim() === "") throw new GatewayError("upstream_invalid", `Server '${route.name}' sent an empty answer`, "empty JSON body");
      const rewritten = rewrite(raw.toString("utf8"));
      bytes = rewritten === undefined ? raw : Buffer.from(rewritten);
    }
    // The list filter hands out the same bytes for the same upstream text: they are read once.
    if (ids) checkAnswer(bytes, ids, masker === undefined);
    out["content-length"] = String(bytes.length);
    ctx.bytesOut = bytes.length;
    ctx.res.writeHead(status, out);
    ctx.res.end(bytes);
    return;
  }

  if (!isSse && length !== undefined && Number(length) <= SMALL_BODY_BYTES) {
    // A small answer of known length (most tools/call results) is sent in one write with its
    // headers: cheaper than a pipe, and a body cut short becomes a clean 502, not a truncated 200.
    let bytes: Uint8Array;
    try {
      // undici holds the body to its Content-Length (a longer one is an error), so this is bounded.
      bytes = await response.body.bytes();
    } catch (error) {
      throw closedEarly(route.name, error);
    }
    if (ids) checkAnswer(bytes, ids);
    out["content-length"] = String(bytes.length);
    ctx.bytesOut = bytes.length;
    ctx.res.writeHead(status, out);
    ctx.res.end(bytes);
    return;
  }
  if (isSse && !encoded) {
    response.body.on("data", (chunk: Buffer) => {
      ctx.bytesOut += chunk.length;
    });
    const relay = sseRelayFor(ctx, rewrite, deps, ids);
    ctx.res.writeHead(status, out);
    // Send the headers now: a client waits for them before it reads events.
    ctx.res.flushHeaders();
    await relayBody(ctx, pipeBody(response.body, ctx.res, relay));
    return;
  }
  let checked: CheckedBody | undefined;
  if (ids && isJson) {
    // A JSON answer of unknown length is read up to the small size: most end there and are
    // checked whole (a refusal is still a clean 502); a longer one is checked as it passes.
    let head: { chunks: Buffer[]; size: number; ended: boolean };
    try {
      head = await readHead(response.body, SMALL_BODY_BYTES);
    } catch (error) {
      throw closedEarly(route.name, error);
    }
    const bytes = Buffer.concat(head.chunks, head.size);
    if (head.ended) {
      checkAnswer(bytes, ids);
      out["content-length"] = String(bytes.length);
      ctx.bytesOut = bytes.length;
      ctx.res.writeHead(status, out);
      ctx.res.end(bytes);
      return;
    }
    ctx.bytesOut += bytes.length;
    checked = new CheckedBody(ids);
    checked.write(bytes);
  }
  response.body.on("data", (chunk: Buffer) => {
    ctx.bytesOut += chunk.length;
  });
  if (length !== undefined) out["content-length"] = length;
  ctx.res.writeHead(status, out);
  await relayBody(ctx, pipeBody(response.body, ctx.res, checked));
}

/** The body's first bytes: all of it (ended) when it ends within `limit`, else the chunks up to just past it, the body paused. */
function readHead(body: Readable, limit: number): Promise<{ chunks: Buffer[]; size: number; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      stop();
      body.pause();
      resolve({ chunks, size, ended: false });
    };
    const onEnd = () => {
      stop();
      resolve({ chunks, size, ended: true });
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    body.on("data", onData);
    body.once("end", onEnd);
    body.once("error", onError);
  });
}

/**
 * A large JSON answer, checked as it passes (it is not read whole): where it answers a request
 * this POST did not send, nothing more goes out and the connection is closed, so the client
 * holds a cut body that no decoder reads as that response.
 */
class CheckedBody extends Transform {
  readonly #check: AnswerIdCheck;
  constructor(ids: RequestIds) {
    super();
    this.#check = new AnswerIdCheck(ids);
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const cut = this.#check.feed(chunk);
    if (cut === -1) return done(null, chunk);
    if (cut > 0) this.push(chunk.subarray(0, cut));
    done(this.#check.failure);
  }
}

/** How an inspected answer is judged: the tools/list filter's view of the caller, and the rewrite of one JSON text (filtered, then masked). */
function judgeWith(ctx: RequestContext, deps: ForwardDeps, mustParse: boolean, judgesList: boolean, masker: SecretMasker | undefined) {
  const route = ctx.route!;
  const judgement: ListJudgement = {
    acl: route.acl,
    caller: ctx.caller!,
    mustParse,
    privateCache: ctx.protocolVersion >= STATELESS_SINCE,
    admit: (name, tool) => {
      route.knownTools.noteListed(name);
      const pin = deps.catalogue.pinOf(tool);
      return { admitted: deps.catalogue.listed(route, name, tool, pin) === "ok", again: deps.catalogue.relisting(route, name, pin) };
    },
  };
  const rewrite = (text: string): string | undefined => {
    const judged = judgesList ? judgeToolsListText(text, judgement) : undefined;
    if (masker === undefined) return judged;
    const masked = maskResultText(judged ?? text, masker);
    ctx.redactions += masked.count;
    return masked.text ?? judged;
  };
  return { judgement, rewrite };
}

/** The relay of an SSE answer: an event the gateway cannot judge fails the stream closed and marks the call an error. */
function sseRelayFor(ctx: RequestContext, rewrite: ((text: string) => string | undefined) | undefined, deps: ForwardDeps, ids: RequestIds | undefined): SseRelay {
  return new SseRelay({
    rewrite,
    // A POST stream that is not held has each event's data checked for responses to other requests as it passes.
    check: ids && !rewrite ? () => new AnswerIdCheck(ids) : undefined,
    maxEventBytes: ctx.config!.maxSseEventBytes,
    keepAliveMs: ctx.config!.sseKeepAliveMs,
    onInvalid: (failure) => {
      ctx.decision = "error";
      ctx.reason = failure.code;
      ctx.jsonRpcError = failure.jsonRpcCode;
      deps.log.warn({ request_id: ctx.id, server: ctx.route!.name, reason: failure.code, detail: failure.detail }, failure.message);
    },
  });
}

/**
 * The answer to a call the gateway held open on its own SSE response while an approval was
 * pending (pipeline/human-step.ts): an SSE answer is relayed into it, a JSON one becomes its last event.
 */
async function relayIntoHeldStream(
  ctx: RequestContext,
  response: Dispatcher.ResponseData,
  answer: { sse: boolean; encoded: boolean; rewrite: ((text: string) => string | undefined) | undefined; ids: RequestIds | undefined },
  deps: ForwardDeps,
): Promise<void> {
  const server = ctx.route!.name;
  if (answer.encoded) {
    discard(response.body);
    throw new GatewayError("upstream_invalid", `Server '${server}' sent an answer the gateway cannot check`, "content-encoding on a held stream");
  }
  if (answer.sse) {
    const relay = sseRelayFor(ctx, answer.rewrite, deps, answer.ids);
    response.body.on("data", (chunk: Buffer) => {
      ctx.bytesOut += chunk.length;
    });
    ctx.heldOpen = false;
    await relayBody(ctx, pipeBody(response.body, ctx.res, relay));
    return;
  }
  const text = (await readWhole(response.body, MAX_FILTERED_JSON_BYTES)).toString("utf8");
  const rewritten = answer.rewrite?.(text) ?? text;
  // (An inspected answer's rewrite checked it already.)
  if (answer.ids && answer.rewrite === undefined) checkAnswer(rewritten, answer.ids);
  let message: unknown;
  try {
    message = JSON.parse(rewritten);
  } catch {
    throw new GatewayError("upstream_bad_response", `Server '${server}' sent an answer that is not JSON`, `status ${response.statusCode}`);
  }
  const event = sseMessage(message);
  ctx.bytesOut += Buffer.byteLength(event);
  ctx.heldOpen = false;
  ctx.res.end(event);
}

/**
 * body(.pipe(through)).pipe(res), with the outcome as a promise. Lighter than
 * stream.pipeline, which matters with thousands of open streams; a client that
 * leaves aborts the upstream request through ctx.clientGone, which ends the body.
 */
function pipeBody(body: Readable, res: ServerResponse, through?: Transform): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      through?.destroy();
      res.destroy();
      reject(error);
    };
    body.once("error", fail);
    res.once("finish", () => resolve());
    if (through) {
      through.once("error", fail);
      // A relay that ends before the body did has failed the stream closed: abort the upstream request.
      through.once("end", () => {
        if (body.readableEnded) return;
        body.off("error", fail);
        discard(body);
      });
      body.pipe(through).pipe(res);
    } else body.pipe(res);
  });
}

/** A stream that breaks after the headers went out: the client's connection is closed (no status can follow). */
async function relayBody(ctx: RequestContext, piping: Promise<void>): Promise<void> {
  try {
    await piping;
  } catch (error) {
    if (ctx.clientGone.aborted) return;
    if (error instanceof GatewayError) throw error;
    throw closedEarly(ctx.route!.name, error);
  }
}

/** Sessions belong to the consumer and, on token_swap routes, to the IdP user too. */
export function sessionOwner(ctx: RequestContext): string {
  return ctx.endUser === undefined ? ctx.caller!.username : `${ctx.caller!.username}\n${ctx.endUser}`;
}
