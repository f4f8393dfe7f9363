// Shared by the parser-differential regressions and the request fuzz: one
// ACL, two callers, a send that returns what reached the upstream and the
// audit event, and the check that forwarded bytes mean one thing to everyone.
import { expect } from "vitest";
import type { AuditEvent } from "../../../lib/core/audit/event";
import type { DecodingUpstream } from "./decoding-upstream";
import { DECODERS, disagreements, exactLastWins, meaning } from "./json-decoders";
import type { RecordedRequest, RecordingUpstream } from "./recording-upstream";
import type { TestGateway } from "./test-gateway";

/** What a developer may call; every other name (push_files, unknown ones) is denied to them. */
export const ALLOWED = ["search_repositories", "get_me"];
export const DENIED = ["push_files", "create_issue"];
const ACL = {
  default: { deny: ["developer"] },
  tools: [{ name: "search_repositories", allow: ["admin", "developer"] }, { name: "push_files", allow: ["admin"] }, { name: "get_me" }],
};
export const DEV = { apikey: "dev-api-key", authorization: "Bearer gho_dev" };
export const ADMIN = { apikey: "admin-api-key", authorization: "Bearer gho_admin" };

export function differentialsConfig(routes: { name: string; path: string; upstream: string }[]) {
  return {
    version: 1,
    gateway: { max_body_bytes: 1024 * 1024 },
    consumer_groups: [{ name: "admin" }, { name: "developer" }],
    consumers: [
      { username: "admin-user", groups: ["admin"], keys: [{ key: ADMIN.apikey }] },
      { username: "dev-user", groups: ["developer"], keys: [{ key: DEV.apikey }] },
    ],
    servers: routes.map((r) => ({ ...r, auth: { mode: "passthrough" }, acl: ACL })),
  };
}

export interface Outcome {
  status: number;
  text: string;
  forwarded: RecordedRequest[];
  ran: DecodingUpstream["ran"];
  audit: AuditEvent;
}

export async function sendThrough(
  gw: TestGateway,
  upstream: DecodingUpstream | RecordingUpstream,
  path: string,
  body: string,
  headers: Record<string, string> = DEV,
): Promise<Outcome> {
  const requests = upstream.requests.length;
  const ran = "ran" in upstream ? upstream.ran.length : 0;
  const events = gw.audit.events.length;
  const response = await fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body,
  });
  const text = await response.text();
  const audit = await gw.audit.next((e) => gw.audit.events.indexOf(e) >= events);
  return { status: response.status, text, forwarded: upstream.requests.slice(requests), ran: "ran" in upstream ? upstream.ran.slice(ran) : [], audit };
}

export function errorCodes(text: string): unknown[] {
  try {
    const value = JSON.parse(text);
    return (Array.isArray(value) ? value : [value]).map((m) => m?.error?.code);
  } catch {
    return [`not JSON: ${text.slice(0, 80)}`];
  }
}

/**
 * Whatever reached the upstream means one thing to every decoder, the gateway
 * audited that meaning, and — for a developer — no decoder reads a tools/call
 * of a tool outside ALLOWED, nor did the upstream run one.
 */
export function expectForwardedUnambiguous(o: Outcome, developer: boolean) {
  const ranDenied = o.ran.filter((r) => r.method === "tools/call" && !ALLOWED.includes(r.tool as string));
  if (developer && ranDenied.length) throw new Error(`the Go upstream ran ${JSON.stringify(ranDenied)} for a developer`);
  for (const forwarded of o.forwarded) {
    const differ = disagreements(forwarded.raw);
    if (differ.length) throw new Error(`forwarded ${forwarded.body.slice(0, 300)} reads differently: ${differ.join("; ").slice(0, 600)}`);
    const read = exactLastWins.decode(forwarded.raw);
    if (!read.ok) throw new Error(`the gateway forwarded bytes JSON.parse refuses: ${meaning(read)}`);
    expect(o.audit.method, "audited method").toBe(read.messages.map((m) => (m.method === undefined ? "(response)" : m.method)).join(","));
    expect(o.audit.tool, "audited tool").toBe(read.messages.find((m) => m.method === "tools/call" && m.id.present)?.tool ?? null);
    if (!developer) continue;
    for (const decoder of DECODERS) {
      const decoded = decoder.decode(forwarded.raw);
      const called = decoded.ok ? decoded.messages.filter((m) => m.method === "tools/call").map((m) => m.tool) : [];
      const denied = called.filter((tool) => !ALLOWED.includes(tool as string));
      if (denied.length) throw new Error(`${decoder.name} reads a developer's call of ${JSON.stringify(denied)} in forwarded ${forwarded.body.slice(0, 300)}`);
    }
  }
}
