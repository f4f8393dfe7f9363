// What one request carries through the pipeline. Steps fill it in; the audit
// event and the metrics are read from it once the response has ended.
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { AuditEvent } from "../../../lib/core/audit/event";
import type { CompiledConfig, CompiledConsumer, CompiledRoute } from "../config/compile";
import type { ParsedBody } from "../jsonrpc/message";
import { DEFAULT_PROTOCOL_VERSION } from "../jsonrpc/protocol-version";
import type { RequestTrace } from "../telemetry/request-trace";

/**
 * The client went away. undici takes an EventEmitter as a request's `signal`;
 * one costs a fraction of an AbortController, which is felt on every request.
 */
export class ClientGone extends EventEmitter {
  aborted = false;

  abort() {
    if (this.aborted) return;
    this.aborted = true;
    this.emit("abort");
  }
}

export class RequestContext {
  readonly id = randomUUID();
  readonly startedAt = performance.now();
  readonly time = new Date();
  readonly pathname: string;
  readonly search: string;
  /** Aborted when the client goes away before the response ends: cancels the upstream request. */
  readonly clientGone = new ClientGone();

  route: CompiledRoute | undefined;
  caller: CompiledConsumer | undefined;
  /** The config id of the API key that identified the caller. */
  keyId: string | undefined;
  endUser: string | undefined;
  /** The validated token's claims, on routes that validate one (ACL conditions read them). */
  claims: Record<string, unknown> | undefined;
  /** For audit display only: `sha256:` + the first 16 hex digits of the token's hash. */
  tokenHash: string | undefined;
  /** The token's full SHA-256 (hex), which keys the validation caches. */
  tokenDigest: string | undefined;
  /** The raw bearer token, kept only in memory for the request that carried it. */
  token: string | undefined;
  upstreamIdentity: string | undefined;
  /** The MCP revision the request speaks (MCP-Protocol-Version, else 2025-03-26). */
  protocolVersion = DEFAULT_PROTOCOL_VERSION;
  body: ParsedBody | undefined;
  upstreamSessionId: string | undefined;
  /** Extra headers the credential step sets on the upstream request. */
  upstreamHeaders: Record<string, string> | undefined;
  /** per_user routes: the signed-in user's own credential, obtained before anyone is asked to confirm the call. */
  userCredential: string | undefined;

  /** The request's spans when OpenTelemetry is configured (telemetry/), else undefined. */
  trace: RequestTrace | undefined;
  /** The ACL rule that decided the tools/call, for traces. */
  rule: string | undefined;

  decision: "allow" | "deny" | "error" = "allow";
  reason: string | null = null;
  jsonRpcError: number | null = null;
  upstreamMs: number | null = null;
  bytesIn = 0;
  bytesOut = 0;
  /** Credentials masked in the tool results sent to the client (result_redaction). */
  redactions = 0;
  /** Who confirmed or approved the forwarded call (pipeline/human-step.ts). */
  approval: AuditEvent["approval"];
  /** The gateway opened an SSE response itself while it waited for an approval: what follows goes into it as events. */
  heldOpen = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly config: CompiledConfig | undefined,
  ) {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    this.pathname = q === -1 ? url : url.slice(0, q);
    this.search = q === -1 ? "" : url.slice(q);
  }

  /** The gateway's base URL: the configured public URL, else this request's origin. */
  get baseUrl(): string {
    if (this.config?.publicUrl) return this.config.publicUrl;
    const secure = (this.req.socket as TLSSocket).encrypted === true;
    return `${secure ? "https" : "http"}://${this.req.headers.host ?? "localhost"}`;
  }

  get resourceUrl(): string {
    return `${this.baseUrl}${this.route!.path}`;
  }

  get metadataUrl(): string {
    return `${this.baseUrl}/.well-known/oauth-protected-resource${this.route!.path}`;
  }

  /** JSON-RPC method(s) for audit: "tools/call", or "a,b" for a batch. */
  get method(): string | null {
    if (!this.body) return null;
    return this.body.messages.map((m) => (m.kind === "response" ? "(response)" : m.method)).join(",");
  }

  get tool(): string | null {
    const call = this.body?.messages.find((m) => m.kind === "request" && m.method === "tools/call");
    return call?.kind === "request" ? (call.params!.name as string) : null;
  }
}
