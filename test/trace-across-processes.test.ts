// A config push and an audit batch followed across processes (issue 19), with
// a real console (next start on a real PostgreSQL) and a real gateway connected
// to it, both exporting traces over OTLP/HTTP to one real receiver: the
// gateway's CLIENT span for each control-plane request and the console's SERVER
// span for it share a trace id, the console's span is the child of the
// gateway's, and the console's database step is the child of its own span.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeMcpServer } from "../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "../gateway/test/support/recording-upstream";
import { createDataPlane } from "../lib/controlplane/data-planes";
import { publishConfigVersion } from "../lib/controlplane/versions";
import { displayPrefix, generateApiKey, hashApiKey } from "../lib/core/keys/api-key";
import { createDb, type Db } from "../lib/db/client";
import { createTestDatabase, type TestDatabase } from "./support/database";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./support/otlp-receiver";
import { startConsole, startGateway, type ConsoleProcess, type GatewayProcess } from "./support/product-processes";

const ROOT = path.resolve(import.meta.dirname, "..");
const baseDir = path.join(ROOT, ".portcullis/test", `trace-${randomBytes(4).toString("hex")}`);
const masterKey = randomBytes(32).toString("hex");
const SERVER = 2;
const CLIENT = 3;

let database: TestDatabase;
let db: Db;
let receiver: OtlpReceiver;
let upstream: RecordingUpstream;
let cp: ConsoleProcess;
let gateway: GatewayProcess;
const apiKey = generateApiKey();

beforeAll(async () => {
  [database, receiver, upstream] = await Promise.all([createTestDatabase(), startOtlpReceiver(), startRecordingUpstream(fakeMcpServer)]);
  db = createDb(database.url);
  const server = await db.mcpServer.create({
    data: { name: "fake", path: "/fake", upstreamUrl: upstream.url, authMode: "passthrough", authSettings: { key_header: "apikey" } },
  });
  await db.aclOthersRule.create({ data: { serverId: server.id, toolName: "*", effect: "allow" } });
  const consumer = await db.consumer.create({ data: { username: "tracer" } });
  await db.apiKey.create({ data: { consumerId: consumer.id, name: "ci", prefix: displayPrefix(apiKey), hash: hashApiKey(apiKey) } });
  await publishConfigVersion(db, { reason: "startup" });
  const plane = await createDataPlane(db, "traced-dp");
  // Every span sampled and exported within the batch processor's second; the gateway's metrics are another test's.
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: "always_on", OTEL_METRICS_EXPORTER: "none" };
  cp = await startConsole({ databaseUrl: database.url, dataDir: path.join(baseDir, "console"), masterKey, extraEnv: otel });
  gateway = await startGateway({ cpUrl: cp.url, token: plane.token, dataDir: path.join(baseDir, "gateway"), masterKey, extraEnv: otel });
}, 240_000);

afterAll(async () => {
  await gateway?.stop();
  await cp?.stop();
  await Promise.all([upstream?.close(), receiver?.close()]);
  await db?.$disconnect();
  await database?.drop();
  fs.rmSync(baseDir, { recursive: true, force: true });
});

/** The console's SERVER span continuing one of the gateway's CLIENT spans to `route`, and the console's step below it. */
function acrossProcesses(spans: ReceivedSpan[], route: string, step: string, parentOfClient?: ReceivedSpan) {
  for (const client of spans) {
    if (client.service !== "portcullis-gateway" || client.kind !== CLIENT || client.name !== `POST ${route}`) continue;
    if (parentOfClient && (client.traceId !== parentOfClient.traceId || client.parentSpanId !== parentOfClient.spanId)) continue;
    const server = spans.find((s) => s.service === "portcullis-console" && s.kind === SERVER && s.parentSpanId === client.spanId);
    const stored = server && spans.find((s) => s.service === "portcullis-console" && s.name === step && s.parentSpanId === server.spanId);
    if (server && stored) return { client, server, stored };
  }
  return undefined;
}

describe("traces across the gateway and the console", () => {
  it("follows a config push: the gateway's apply, its report, the console's report endpoint and the report stored, in one trace", async () => {
    // A change published while the gateway is connected: the console pushes it on the config stream.
    await db.mcpServer.update({ where: { name: "fake" }, data: { timeoutMs: 20_000 } });
    const { number: version } = await publishConfigVersion(db, { reason: "traced push" });
    let found: ReturnType<typeof acrossProcesses>;
    let apply: ReceivedSpan | undefined;
    await receiver.waitForSpans((spans) => {
      apply = spans.find((s) => s.service === "portcullis-gateway" && s.name === "portcullis.config.apply" && s.attributes["portcullis.config.version"] === version);
      found = apply && acrossProcesses(spans, "/api/dp/v1/report", "portcullis.data_plane.report", apply);
      return found !== undefined;
    });
    const { client, server, stored } = found!;
    expect(apply!.parentSpanId).toBe("");
    expect(new Set([apply!.traceId, client.traceId, server.traceId, stored.traceId]).size).toBe(1);
    expect(client.attributes).toMatchObject({ "http.request.method": "POST", "url.full": `${cp.url}/api/dp/v1/report`, "http.response.status_code": 200 });
    expect(server).toMatchObject({
      name: "POST /api/dp/v1/report",
      attributes: { "http.route": "/api/dp/v1/report", "http.response.status_code": 200, "portcullis.data_plane": "traced-dp" },
    });
    expect(stored.attributes).toMatchObject({ "db.system.name": "postgresql", "portcullis.config.version": version });
  });

  it("follows an audit batch: the gateway's delivery, the console's events endpoint and the ingestion, in one trace", async () => {
    const response = await fetch(`${gateway.url}/fake`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", apikey: apiKey, authorization: "Bearer upstream-token" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "create_issue", arguments: {} } }),
    });
    expect(response.status).toBe(200);
    await response.body?.cancel();
    let found: ReturnType<typeof acrossProcesses>;
    await receiver.waitForSpans((spans) => (found = acrossProcesses(spans, "/api/dp/v1/events", "portcullis.audit.ingest")) !== undefined);
    const { client, server, stored } = found!;
    // A batch carries events of many requests: its trace starts at the gateway's delivery.
    expect(client.parentSpanId).toBe("");
    expect(new Set([client.traceId, server.traceId, stored.traceId]).size).toBe(1);
    expect(server).toMatchObject({ name: "POST /api/dp/v1/events", attributes: { "http.response.status_code": 200, "portcullis.data_plane": "traced-dp" } });
    expect(stored.attributes["portcullis.audit.events"]).toBeGreaterThanOrEqual(1);
    expect(await db.auditEvent.count({ where: { serverName: "fake", toolName: "create_issue" } })).toBeGreaterThanOrEqual(1);
  });
});
