// The last step: send the decided request upstream over the pooled keep-alive
// dispatcher and stream the answer back. Bodies are piped with backpressure;
// only a response that may carry a tools/list result is looked into (a JSON
// body answering tools/list is read whole, SSE is filtered event by event).
import type { ServerResponse } from "node:http";
import type { Readable, Transform } from "node:stream";
import type { Dispatcher } from "undici";
import { rewriteUpstreamChallenge } from "../discovery/challenge";
import { GatewayError } from "../errors";
import { clientResponseHeaders, headerValue, upstreamRequestHeaders } from "../transport/headers";
import { SseRelay, sseMessage } from "../transport/sse";
import type { RequestContext } from "./context";
import type { CatalogueWatch } from "./catalogue";
import type { SessionBinder } from "./session-binding";
import { STATELESS_SINCE } from "../jsonrpc/protocol-version";
import { serialiseBodyWithTraceContext } from "../jsonrpc/message";
import { judgeToolsListBody, judgeToolsListText, type ListJudgement } from "./tools-list-filter";
import { maskResultText } from "./result-redaction";

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
  if (ctx.forwardedBody !== undefined) headers["content-type"] = "application/json";
  if (ctx.upstreamHeaders) Object.assign(headers, ctx.upstreamHeaders);

  const traced = ctx.trace?.upstreamCall(ctx);
  let body = ctx.forwardedBody;
  if (traced?.carrier) {
    headers.traceparent = traced.carrier.traceparent;
    if (traced.carrier.tracestate === undefined) delete headers.tracestate;
    else headers.tracestate = traced.carrier.tracestate;
    if (body !== undefined) body = serialiseBodyWithTraceContext(ctx.body!, traced.carrier);
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
  if (inspect && (encoded || (!isSse && !isJson && status !== 202 && status !== 204))) {
    discard(response.body);
    throw new GatewayError(
      "upstream_invalid",
      `Server '${route.name}' sent an answer the gateway cannot check`,
      encoded ? `content-encoding ${encoding}` : `content-type ${type || "(none)"}`,
    );
  }

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
  if (ctx.heldOpen) return relayIntoHeldStream(ctx, response, { sse: isSse, encoded, rewrite: inspect ? rewrite : undefined }, deps);
  if (inspect && isJson) {
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
    out["content-length"] = String(bytes.length);
    ctx.bytesOut = bytes.length;
    ctx.res.writeHead(status, out);
    ctx.res.end(bytes);
    return;
  }

  const length = headerValue(response.headers["content-length"]);
  if (!isSse && length !== undefined && Number(length) <= SMALL_BODY_BYTES) {
    // A small answer of known length (most tools/call results) is sent in one write with its
    // headers: cheaper than a pipe, and a body cut short becomes a clean 502, not a truncated 200.
    let bytes: Uint8Array;
    try {
      // undici holds the body to its Content-Length (a longer one is an error), so this is bounded.
      bytes = await response.body.bytes();
    } catch (error) {
      throw new GatewayError("upstream_bad_response", `Server '${route.name}' closed the stream early`, (error as Error).message);
    }
    out["content-length"] = String(bytes.length);
    ctx.bytesOut = bytes.length;
    ctx.res.writeHead(status, out);
    ctx.res.end(bytes);
    return;
  }
  response.body.on("data", (chunk: Buffer) => {
    ctx.bytesOut += chunk.length;
  });
  if (isSse && !encoded) {
    const relay = sseRelayFor(ctx, inspect ? rewrite : undefined, deps);
    ctx.res.writeHead(status, out);
    // Send the headers now: a client waits for them before it reads events.
    ctx.res.flushHeaders();
    await relayBody(ctx, pipeBody(response.body, ctx.res, relay));
    return;
  }
  if (length !== undefined) out["content-length"] = length;
  ctx.res.writeHead(status, out);
  await relayBody(ctx, pipeBody(response.body, ctx.res));
}

/** The relay of an SSE answer: an event the gateway cannot judge fails the stream closed and marks the call an error. */
function sseRelayFor(ctx: RequestContext, rewrite: ((text: string) => string | undefined) | undefined, deps: ForwardDeps): SseRelay {
  return new SseRelay({
    rewrite,
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
  answer: { sse: boolean; encoded: boolean; rewrite: ((text: string) => string | undefined) | undefined },
  deps: ForwardDeps,
): Promise<void> {
  const server = ctx.route!.name;
  if (answer.encoded) {
    discard(response.body);
    throw new GatewayError("upstream_invalid", `Server '${server}' sent an answer the gateway cannot check`, "content-encoding on a held stream");
  }
  if (answer.sse) {
    const relay = sseRelayFor(ctx, answer.rewrite, deps);
    response.body.on("data", (chunk: Buffer) => {
      ctx.bytesOut += chunk.length;
    });
    ctx.heldOpen = false;
    await relayBody(ctx, pipeBody(response.body, ctx.res, relay));
    return;
  }
  const text = (await readWhole(response.body, MAX_FILTERED_JSON_BYTES)).toString("utf8");
  const rewritten = answer.rewrite?.(text) ?? text;
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
    throw new GatewayError("upstream_bad_response", `Server '${ctx.route!.name}' closed the stream early`, (error as Error).message);
  }
}

/** Sessions belong to the consumer and, on token_swap routes, to the IdP user too. */
export function sessionOwner(ctx: RequestContext): string {
  return ctx.endUser === undefined ? ctx.caller!.username : `${ctx.caller!.username}\n${ctx.endUser}`;
}
