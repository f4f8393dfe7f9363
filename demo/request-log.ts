// What a stand-in received, so the demo can prove what reached an upstream
// and what never did (a denied push_files, a user's IdP token). Served as JSON
// at GET /_demo/requests?since=<seq> on the stand-in itself, which the gateway
// never routes to.
import { createHash } from "node:crypto";
import type http from "node:http";

export interface LoggedRequest {
  seq: number;
  time: string;
  /** The JSON-RPC method, or null for a body that was not one. */
  method: string | null;
  tool: string | null;
  /** Who the upstream believes is calling: the token's owner, or null when it refused the request. */
  caller: string | null;
  /** sha256: + 16 hex digits of the bearer token presented, or null without one (never the token). */
  token_hash: string | null;
  /** GitHub's stand-in only: the token's type prefix — "gho" a user's token from an OAuth app, "ghp" a personal access token — or null for another kind. */
  token_prefix?: string | null;
  accepted: boolean;
}

export const tokenHash = (token: string) => `sha256:${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;

// A demo left running keeps the latest requests only.
const KEPT = 10_000;

export class RequestLog {
  #entries: LoggedRequest[] = [];
  #lastSeq = 0;

  get lastSeq(): number {
    return this.#lastSeq;
  }

  record(entry: Omit<LoggedRequest, "seq" | "time">): void {
    this.#entries.push({ seq: ++this.#lastSeq, time: new Date().toISOString(), ...entry });
    if (this.#entries.length > KEPT) this.#entries.splice(0, this.#entries.length - KEPT);
  }

  /** The requests numbered after `seq`. */
  since(seq: number): LoggedRequest[] {
    return this.#entries.filter((r) => r.seq > seq);
  }

  serve(url: URL, res: http.ServerResponse): void {
    const since = Number(url.searchParams.get("since") ?? 0) || 0;
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ requests: this.since(since), last_seq: this.lastSeq }));
  }
}

/** Reads the stand-in's log over HTTP (from another process, e.g. demo:verify): the requests after `since`, and the last sequence number. */
export async function fetchRequestLog(standInUrl: string, since = 0): Promise<{ requests: LoggedRequest[]; last_seq: number }> {
  const response = await fetch(new URL(`/_demo/requests?since=${since}`, standInUrl));
  if (!response.ok) throw new Error(`${standInUrl} answered ${response.status} for its request log`);
  return (await response.json()) as { requests: LoggedRequest[]; last_seq: number };
}
