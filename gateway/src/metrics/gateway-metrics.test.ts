import { describe, expect, it } from "vitest";
import { GatewayMetrics } from "./gateway-metrics";

const outcome = {
  server: "github",
  method: "tools/call",
  tool: "push_files",
  decision: "deny" as const,
  reason: "tool_denied",
  status: 200,
  totalSeconds: 0.002,
  upstreamSeconds: null,
};

describe("GatewayMetrics", () => {
  it("renders request, denial and latency series per server and tool", () => {
    const metrics = new GatewayMetrics(() => ({ portcullis_config_version: { help: "v", value: 3 } }));
    metrics.record(outcome);
    metrics.record({ ...outcome, tool: "search", decision: "allow", reason: null, upstreamSeconds: 0.001 });
    const text = metrics.render();
    expect(text).toContain('portcullis_requests_total{server="github",method="tools/call",tool="push_files",decision="deny",status="200"} 1');
    expect(text).toContain('portcullis_denials_total{server="github",tool="push_files",reason="tool_denied"} 1');
    expect(text).toContain('portcullis_request_duration_seconds_bucket{server="github",tool="search",le="0.0025"} 1');
    expect(text).toContain('portcullis_upstream_duration_seconds_count{server="github"} 1');
    expect(text).toContain("portcullis_config_version 3");
  });

  it("bounds label values that callers choose", () => {
    const metrics = new GatewayMetrics();
    for (let i = 0; i < 2000; i++) metrics.record({ ...outcome, tool: `random_${i}`, method: `made/up/${i}` });
    const text = metrics.render();
    expect(text.match(/^portcullis_denials_total\{/gm)).toHaveLength(501);
    expect(text).toContain('method="(other)",tool="(other)"');
    expect(text).not.toContain("made/up");
  });
});
