// The gateway's side of a revocation: the console ends the config stream, and
// every reconnect is refused with 401. The client keeps serving what it has,
// says once, as an error, that its token was refused, and keeps retrying with
// backoff — no crash, no line per attempt.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configHash } from "../../lib/core/config/canonical";
import { CONFIG_EVENT } from "../../lib/core/controlplane/protocol";
import { ControlPlaneClient } from "../src/control-plane/cp-client";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe("a data plane whose token is revoked", () => {
  it("applies what it got, then logs one error naming the refused token and keeps retrying", async () => {
    const document = { version: 1, servers: [] };
    const configStreams: number[] = [];
    const server = http.createServer((request, response) => {
      if (request.url !== "/api/dp/v1/config") {
        response.writeHead(401).end();
        return;
      }
      configStreams.push(configStreams.length === 0 ? 200 : 401);
      if (configStreams.length > 1) {
        response.writeHead(401, { "content-type": "application/json" }).end('{"error":{"code":"unauthenticated","message":"…"}}');
        return;
      }
      // The first stream: one version, then the console closes it (the plane was revoked).
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(`id: 1\nevent: ${CONFIG_EVENT}\ndata: ${JSON.stringify({ version: 1, hash: configHash(document), document })}\n\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => server.close());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-revoked-"));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, message, fields });
    const applied: number[] = [];
    const client = new ControlPlaneClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: "pcdp_" + "a".repeat(32),
      dataDir,
      apply: (_document, _source, version) => (applied.push(version), { ok: true, version, hash: configHash(document) }),
      droppedEvents: () => 0,
      log: { info: at("info"), warn: at("warn"), error: at("error") },
      softwareVersion: "test",
    });
    client.start();
    cleanups.push(() => client.stop());

    const deadline = Date.now() + 10_000;
    while (configStreams.filter((s) => s === 401).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(configStreams.filter((s) => s === 401).length).toBeGreaterThanOrEqual(3);
    expect(applied).toEqual([1]);
    const refusals = lines.filter((line) => line.message.includes("refused this data plane's token"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: "error", fields: { error: expect.stringContaining("(401); check PORTCULLIS_DP_TOKEN") } });
    expect(refusals[0]!.message).toContain("revoked");
    expect(client.status()).toMatchObject({ connected: false, last_error: expect.stringContaining("401"), applied: { version: 1, from: "control plane" } });
  }, 15_000);
});
