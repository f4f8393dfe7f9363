// Redis over TLS (rediss://, a private CA given by PORTCULLIS_REDIS_CA_FILE)
// with AUTH: two gateways share one budget through it; a wrong password
// leaves a gateway degraded, saying why, and still limiting on its own.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "selfsigned";
import { fakeMcpServer } from "../../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "../../gateway/test/support/recording-upstream";
import { startTestGateway, type TestGateway } from "../../gateway/test/support/test-gateway";
import { findFreePort } from "../../lib/net/ports";
import { REDIS_PASSWORD, startRedis, type RedisProcess } from "./support/redis-server";

const folder = fs.mkdtempSync(path.join(os.tmpdir(), "portcullis-redis-tls-"));
let redis: RedisProcess;
let upstream: RecordingUpstream;
const gateways: TestGateway[] = [];
let tlsPort: number;

const config = (upstreamUrl: string) => ({
  version: 1,
  consumers: [{ username: "agent", keys: [{ key: "agent-api-key" }] }],
  servers: [{ name: "github", path: "/github", upstream: upstreamUrl, auth: { mode: "passthrough" }, limits: [{ subject: "agent", tool: "create_issue", per_minute: 3 }] }],
});

beforeAll(async () => {
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  fs.writeFileSync(path.join(folder, "redis.crt"), pems.cert);
  fs.writeFileSync(path.join(folder, "redis.key"), pems.private);
  tlsPort = await findFreePort();
  // The plain port listens on loopback only for the helper's readiness; gateways use the TLS port.
  redis = await startRedis([
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    path.join(folder, "redis.crt"),
    "--tls-key-file",
    path.join(folder, "redis.key"),
    "--tls-ca-cert-file",
    path.join(folder, "redis.crt"),
    "--tls-auth-clients",
    "no",
  ]);
  upstream = await startRecordingUpstream(fakeMcpServer);
}, 60_000);

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await redis?.kill();
  await upstream?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

async function gatewayWith(password: string) {
  const gw = await startTestGateway(config(upstream.url), {
    env: { PORTCULLIS_REDIS_URL: `rediss://:${password}@localhost:${tlsPort}`, PORTCULLIS_REDIS_CA_FILE: path.join(folder, "redis.crt") },
  });
  gateways.push(gw);
  return gw;
}

/** The connection is made in the background; polls the gateway's own status (no event is exposed for it). */
async function until(check: () => boolean) {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 25));
}

async function callCreateIssue(gw: TestGateway): Promise<Response> {
  const response = await fetch(`${gw.url}/github`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: "Bearer t", apikey: "agent-api-key" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "create_issue", arguments: {} } }),
  });
  await response.arrayBuffer();
  return response;
}

async function createIssue(gw: TestGateway): Promise<number> {
  return (await callCreateIssue(gw)).status;
}

/** An admitted call's status and what its RateLimit header says is left of the shared budget. */
async function admitted(gw: TestGateway) {
  const response = await callCreateIssue(gw);
  return [response.status, response.headers.get("ratelimit-policy"), response.headers.get("ratelimit")?.replace(/;t=\d+$/, "")];
}

describe("Redis over TLS with AUTH", () => {
  it("shares one budget between two gateways", async () => {
    const [a, b] = [await gatewayWith(REDIS_PASSWORD), await gatewayWith(REDIS_PASSWORD)];
    await until(() => [a, b].every((g) => g.gateway.status().rate_limits.degraded === false));
    // Each admitted response says what is left of the budget both gateways spend (the Lua script's count).
    const policy = '"agent:create_issue:per_minute";q=3;w=60';
    expect([await admitted(a), await admitted(b), await admitted(a)]).toEqual([
      [200, policy, '"agent:create_issue:per_minute";r=2'],
      [200, policy, '"agent:create_issue:per_minute";r=1'],
      [200, policy, '"agent:create_issue:per_minute";r=0'],
    ]);
    expect([await createIssue(b), await createIssue(a)]).toEqual([429, 429]);
    expect(a.gateway.status().rate_limits).toMatchObject({ backend: "redis", degraded: false, fallbacks: 0 });
  });

  it("stays degraded with a wrong password, says why, and limits locally", async () => {
    const wrong = await gatewayWith("not-the-password");
    await until(() => /WRONGPASS/.test(wrong.gateway.status().rate_limits.reason ?? ""));
    expect(wrong.gateway.status().rate_limits).toMatchObject({ backend: "redis", degraded: true });
    expect([await createIssue(wrong), await createIssue(wrong), await createIssue(wrong), await createIssue(wrong)]).toEqual([200, 200, 200, 429]);
    expect(JSON.stringify(wrong.gateway.status())).not.toContain("not-the-password");
  });
});
