// Prometheus series for the data plane, rendered as text on the status
// listener. Label values that callers choose (tool and method names) are
// bounded per server, so a client sending random names cannot grow memory.
import type { CredentialLookup } from "../pipeline/user-credentials";

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const MAX_TOOL_LABELS_PER_SERVER = 500;
export const OTHER = "(other)";

export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  "initialize",
  "ping",
  "tools/list",
  "tools/call",
  "resources/list",
  "resources/read",
  "resources/templates/list",
  "resources/subscribe",
  "resources/unsubscribe",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "logging/setLevel",
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
  "notifications/roots/list_changed",
  "tasks/get",
  "tasks/list",
  "tasks/result",
  "tasks/cancel",
]);

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function labelText(names: readonly string[], values: readonly string[]): string {
  return names.map((n, i) => `${n}="${escapeLabel(values[i]!)}"`).join(",");
}

class Counter {
  #series = new Map<string, { labels: string; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  inc(values: readonly string[], by = 1) {
    const key = values.join("\u0000");
    const series = this.#series.get(key);
    if (series) series.value += by;
    else this.#series.set(key, { labels: labelText(this.labelNames, values), value: by });
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const s of this.#series.values()) lines.push(`${this.name}{${s.labels}} ${s.value}`);
    return lines.join("\n");
  }
}

class Histogram {
  #series = new Map<string, { labels: string; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  observe(values: readonly string[], seconds: number) {
    const key = values.join("\u0000");
    let series = this.#series.get(key);
    if (!series) {
      series = { labels: labelText(this.labelNames, values), counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) series.counts[i]!++;
    series.sum += seconds;
    series.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.#series.values()) {
      const sep = s.labels ? "," : "";
      LATENCY_BUCKETS.forEach((le, i) => lines.push(`${this.name}_bucket{${s.labels}${sep}le="${le}"} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket{${s.labels}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum{${s.labels}} ${s.sum}`);
      lines.push(`${this.name}_count{${s.labels}} ${s.count}`);
    }
    return lines.join("\n");
  }
}

export interface RequestOutcome {
  server: string;
  method: string;
  tool: string | null;
  decision: "allow" | "deny" | "error";
  reason: string | null;
  status: number;
  totalSeconds: number;
  upstreamSeconds: number | null;
}

export class GatewayMetrics {
  readonly #requests = new Counter("portcullis_requests_total", "Requests handled, by server, JSON-RPC method, tool, decision and HTTP status.", [
    "server",
    "method",
    "tool",
    "decision",
    "status",
  ]);
  readonly #denials = new Counter("portcullis_denials_total", "Requests refused by the gateway, by server, tool and reason.", ["server", "tool", "reason"]);
  readonly #duration = new Histogram("portcullis_request_duration_seconds", "Time from request to the end of the response (streams included).", ["server", "tool"]);
  readonly #upstream = new Histogram("portcullis_upstream_duration_seconds", "Time from sending upstream to the upstream's response headers.", ["server"]);
  readonly #approvals = new Counter(
    "portcullis_approval_decisions_total",
    "Calls held for a person's confirmation or approval, by server, kind (confirm, approve) and outcome (asked, confirmed, approved, pending, refused reasons).",
    ["server", "kind", "outcome"],
  );
  readonly #userCredentials = new Counter(
    "portcullis_user_credential_lookups_total",
    "Per-user upstream credentials looked up (per_user routes), by server and outcome (held, fetched, refreshed, not_connected, broken, unavailable).",
    ["server", "outcome"],
  );
  readonly #toolLabels = new Map<string, Set<string>>();

  constructor(private readonly gauges: () => Record<string, { help: string; value: number }> = () => ({})) {}

  #toolLabel(server: string, tool: string | null): string {
    if (tool === null) return "";
    let seen = this.#toolLabels.get(server);
    if (!seen) this.#toolLabels.set(server, (seen = new Set()));
    if (seen.has(tool)) return tool;
    if (seen.size >= MAX_TOOL_LABELS_PER_SERVER) return OTHER;
    seen.add(tool);
    return tool;
  }

  record(outcome: RequestOutcome) {
    const tool = this.#toolLabel(outcome.server, outcome.tool);
    const method = KNOWN_METHODS.has(outcome.method) || outcome.method.startsWith("http:") ? outcome.method : OTHER;
    this.#requests.inc([outcome.server, method, tool, outcome.decision, String(outcome.status)]);
    if (outcome.decision === "deny") this.#denials.inc([outcome.server, tool, outcome.reason ?? ""]);
    this.#duration.observe([outcome.server, tool], outcome.totalSeconds);
    if (outcome.upstreamSeconds !== null) this.#upstream.observe([outcome.server], outcome.upstreamSeconds);
  }

  /** One decision of the human step (pipeline/human-step.ts). */
  approval(server: string, kind: "confirm" | "approve", outcome: string) {
    this.#approvals.inc([server, kind, outcome]);
  }

  /** One lookup of a user's own upstream credential (pipeline/user-credentials.ts). */
  userCredential(server: string, outcome: CredentialLookup) {
    this.#userCredentials.inc([server, outcome]);
  }

  render(): string {
    const gauges = Object.entries(this.gauges()).map(([name, g]) => `# HELP ${name} ${g.help}\n# TYPE ${name} gauge\n${name} ${g.value}`);
    return `${[this.#requests.render(), this.#denials.render(), this.#duration.render(), this.#upstream.render(), this.#approvals.render(), this.#userCredentials.render(), ...gauges].join("\n")}\n`;
  }
}
