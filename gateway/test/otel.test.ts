// OpenTelemetry end to end: the gateway exports to a real OTLP/HTTP receiver
// (protobuf for traces, JSON for metrics), parents its server span on the
// caller's context (params._meta first, the traceparent header as a link),
// sends its upstream span's context upstream in both places, marks denials,
// and never puts a key, token or argument into an attribute.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../lib/core/keys/api-key";
import { loadGatewayTelemetry, type GatewayTelemetry } from "../src/telemetry/request-trace";
import { readTelemetrySettings } from "../../lib/core/telemetry/settings";
import { fakeMcpServer } from "./support/fake-mcp-server";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../../test/support/otlp-receiver";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const KEY = "dev-api-key-otel-1";
const UPSTREAM_TOKEN = "gho_upstream-token-otel-secret";
const ARGUMENT = "s3cr3t-argument-value";
const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";
const META_TRACE = "0af7651916cd43dd8448eb211c80319c";
const META_SPAN = "b7ad6b7169203331";

let receiver: OtlpReceiver;
let upstream: RecordingUpstream;
let telemetry: GatewayTelemetry;
let gw: TestGateway;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  upstream = await startRecordingUpstream(fakeMcpServer);
  telemetry = (await loadGatewayTelemetry(
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_HEADERS: "x-collector-tenant=portcullis",
      OTEL_SERVICE_NAME: "gateway-under-test",
      OTEL_TRACES_SAMPLER: "parentbased_always_on",
      OTEL_METRIC_EXPORT_INTERVAL: "200",
    },
    "0.0.0-test",
  ))!;
  gw = await startTestGateway(
    {
      version: 1,
      consumer_groups: [{ name: "developer" }],
      consumers: [{ username: "dev-user", groups: ["developer"], keys: [{ hash: hashApiKey(KEY) }] }],
      servers: [
        {
          name: "github",
          path: "/github-mcp",
          upstream: upstream.url,
          auth: { mode: "passthrough" },
          acl: { default: { deny: ["developer"] }, tools: [{ name: "search_repositories", allow: ["developer"] }] },
        },
      ],
    },
    { telemetry },
  );
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await receiver?.close();
});

function callTool(name: string, headers: Record<string, string> = {}, meta?: Record<string, string>) {
  return fetch(`${gw.url}/github-mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", apikey: KEY, authorization: `Bearer ${UPSTREAM_TOKEN}`, ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: { query: ARGUMENT }, ...(meta && { _meta: meta }) } }),
  });
}

const serverSpanOf = (traceId: string) => (spans: ReceivedSpan[]) => spans.find((s) => s.traceId === traceId && s.kind === 2);

async function traced(traceId: string): Promise<{ server: ReceivedSpan; client: ReceivedSpan | undefined; all: ReceivedSpan[] }> {
  await telemetry.flush();
  const spans = await receiver.waitForSpans((all) => serverSpanOf(traceId)(all) !== undefined);
  const server = serverSpanOf(traceId)(spans)!;
  return { server, client: spans.find((s) => s.parentSpanId === server.spanId && s.kind === 3), all: spans.filter((s) => s.traceId === traceId) };
}

describe("OpenTelemetry traces (OTLP/HTTP protobuf)", () => {
  it("parents a tools/call on the traceparent header and sends the upstream span's context in the header and in params._meta", async () => {
    const response = await callTool("search_repositories", { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`, tracestate: "rojo=00f067aa0ba902b7" });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const { server, client } = await traced(CLIENT_TRACE);
    expect(server).toMatchObject({ name: "tools/call search_repositories", parentSpanId: CLIENT_SPAN, service: "gateway-under-test" });
    expect(server.attributes).toMatchObject({
      "mcp.method.name": "tools/call",
      "gen_ai.tool.name": "search_repositories",
      "jsonrpc.request.id": "7",
      "mcp.protocol.version": "2025-03-26",
      "network.transport": "tcp",
      "portcullis.consumer": "dev-user",
      "portcullis.groups": ["developer"],
      "portcullis.decision": "allow",
      "portcullis.rule": "search_repositories",
    });
    expect(client).toMatchObject({ name: "tools/call search_repositories", kind: 3 });
    const seen = upstream.requests.at(-1)!;
    const sent = `00-${CLIENT_TRACE}-${client!.spanId}-01`;
    expect(seen.headers.traceparent).toBe(sent);
    expect(seen.headers.tracestate).toBe("rojo=00f067aa0ba902b7");
    expect(JSON.parse(seen.body).params._meta).toEqual({ traceparent: sent, tracestate: "rojo=00f067aa0ba902b7" });
    expect(JSON.parse(seen.body).params.arguments).toEqual({ query: ARGUMENT });
    expect(receiver.headers.every((h) => h["x-collector-tenant"] === "portcullis")).toBe(true);
    expect(receiver.contentTypes).toContain("/v1/traces application/x-protobuf");
  });

  it("parents on params._meta.traceparent when both are present, and links the header's context", async () => {
    const response = await callTool("search_repositories", { traceparent: `00-${"1".repeat(32)}-${"2".repeat(16)}-01` }, { traceparent: `00-${META_TRACE}-${META_SPAN}-01` });
    await response.arrayBuffer();
    const { server, client } = await traced(META_TRACE);
    expect(server.parentSpanId).toBe(META_SPAN);
    expect(server.links).toEqual([{ traceId: "1".repeat(32), spanId: "2".repeat(16) }]);
    const seen = upstream.requests.at(-1)!;
    expect(JSON.parse(seen.body).params._meta.traceparent).toBe(`00-${META_TRACE}-${client!.spanId}-01`);
    expect(seen.headers.traceparent).toBe(`00-${META_TRACE}-${client!.spanId}-01`);
  });

  it("marks a denied call with the decision, reason, rule and error.type, and it never reaches the upstream", async () => {
    const before = upstream.requests.length;
    const trace = "5".repeat(32);
    const response = await callTool("push_files", { traceparent: `00-${trace}-${"6".repeat(16)}-01` });
    const { error } = (await response.json()) as { error: { code: number; data: { reason: string } } };
    expect(error.data.reason).toBe("tool_denied");
    const { server, client } = await traced(trace);
    expect(upstream.requests.length).toBe(before);
    expect(client).toBeUndefined();
    expect(server.name).toBe("tools/call (unlisted)");
    expect(server.attributes).toMatchObject({
      "gen_ai.tool.name": "push_files",
      "portcullis.decision": "deny",
      "portcullis.reason": "tool_denied",
      "portcullis.rule": "default",
      "error.type": String(error.code),
    });
    expect(server.status.code).toBe(2);
  });

  it("puts no key, token or argument value into any attribute", async () => {
    await telemetry.flush();
    const values = JSON.stringify(receiver.spans.map((s) => s.attributes));
    expect(receiver.spans.length).toBeGreaterThan(3);
    for (const secret of [KEY, UPSTREAM_TOKEN, ARGUMENT, hashApiKey(KEY)]) expect(values).not.toContain(secret);
  });
});

describe("OpenTelemetry metrics (OTLP/HTTP JSON)", () => {
  it("exports mcp.server.operation.duration and mcp.client.operation.duration with bounded attributes", async () => {
    await (await callTool("search_repositories")).arrayBuffer();
    await (await callTool("made_up_tool_name")).arrayBuffer();
    const points = await receiver.waitForPoints((all) => ["mcp.server.operation.duration", "mcp.client.operation.duration"].every((m) => all.some((p) => p.metric === m)));
    const server = points.find((p) => p.metric === "mcp.server.operation.duration" && p.attributes["gen_ai.tool.name"] === "search_repositories")!;
    expect(server).toMatchObject({ unit: "s", bounds: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] });
    expect(server.attributes).toMatchObject({ "mcp.method.name": "tools/call", "portcullis.server": "github" });
    expect(points.some((p) => p.metric === "mcp.client.operation.duration" && p.attributes["gen_ai.tool.name"] === "search_repositories")).toBe(true);
    expect(points.some((p) => p.attributes["gen_ai.tool.name"] === "made_up_tool_name")).toBe(false);
    expect(receiver.contentTypes).toContain("/v1/metrics application/json");
  });
});

describe("settings", () => {
  it("is off without an endpoint and names a wrong variable", () => {
    expect(readTelemetrySettings({}, "x")).toBeUndefined();
    expect(readTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" }, "x")).toBeUndefined();
    expect(() => readTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "x")).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
    expect(() => readTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" }, "x")).toThrow(
      /OTEL_TRACES_SAMPLER_ARG/,
    );
    expect(readTelemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/custom" }, "x")).toMatchObject({
      serviceName: "x",
      traces: { url: "http://c:4318/custom", protocol: "http/protobuf" },
      metrics: undefined,
    });
  });
});
