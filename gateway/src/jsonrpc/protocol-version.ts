// Which MCP revision a request speaks, and whether the gateway can judge it.
// The gateway serves every revision it knows on one route, without
// translating between them; a revision it does not know might carry methods
// or fields that call tools in ways it cannot see, so it is refused with
// UnsupportedProtocolVersion (2026-07-28 basic/transports, "Protocol Version
// Header"), listing the ones it knows — a client then picks one of those.
// From 2026-07-28 the body names its revision too (`_meta`), and the two must agree.
import { GatewayError } from "../errors";
import type { ParsedBody } from "./message";

/** Newest first. */
export const KNOWN_PROTOCOL_VERSIONS = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"] as const;
/** Absent MCP-Protocol-Version header: the spec says assume 2025-03-26. */
export const DEFAULT_PROTOCOL_VERSION = "2025-03-26";
/** The first revision without sessions, with required routing headers and cacheable lists. */
export const STATELESS_SINCE = "2026-07-28";
const META_VERSION = "io.modelcontextprotocol/protocolVersion";
const KNOWN: ReadonlySet<string> = new Set(KNOWN_PROTOCOL_VERSIONS);

/** The request's revision from its MCP-Protocol-Version header; an unknown one is refused. */
export function protocolVersionOf(header: string | undefined): string {
  if (header === undefined) return DEFAULT_PROTOCOL_VERSION;
  if (KNOWN.has(header)) return header;
  return refuseVersion(header);
}

function refuseVersion(requested: string): never {
  throw new GatewayError("unsupported_protocol_version", `Protocol version ${JSON.stringify(requested.slice(0, 64))} is not supported through this gateway`).withData({
    supported: [...KNOWN_PROTOCOL_VERSIONS],
    requested: requested.slice(0, 64),
  });
}

/** A body that names its revision in `_meta` must name the header's, and one the gateway knows. */
export function checkBodyVersion(body: ParsedBody, header: string | undefined): void {
  for (const message of body.messages) {
    if (message.kind === "response") continue;
    const params = message.raw.params;
    const meta = typeof params === "object" && params !== null && !Array.isArray(params) ? (params as { _meta?: unknown })._meta : undefined;
    const named = typeof meta === "object" && meta !== null ? (meta as Record<string, unknown>)[META_VERSION] : undefined;
    if (named === undefined) continue;
    const id = message.kind === "request" ? message.id : null;
    if (typeof named !== "string" || named !== header) {
      throw new GatewayError("header_mismatch", `The MCP-Protocol-Version header does not match ${META_VERSION} in the request body`).withId(id);
    }
  }
}
