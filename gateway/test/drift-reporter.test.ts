// The drift reporter against a real HTTP listener standing in for the
// console's /api/dp/v1/drift: batches, retries with backoff after a failure,
// drops what retrying cannot fix, and never sends a definition without a pin.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { DP_API } from "../../lib/core/controlplane/protocol";
import { toolPin } from "../../lib/core/tools/pin";
import { DriftReporter } from "../src/control-plane/drift-reporter";
import type { ToolDrift } from "../src/pipeline/catalogue";

interface Received {
  path: string;
  authorization: string | undefined;
  body: { drifts: { tool: string; pin: string }[] };
}

async function standIn(statuses: number[]) {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      received.push({ path: req.url!, authorization: req.headers.authorization, body: JSON.parse(text) });
      res.writeHead(statuses.shift() ?? 200, { "content-type": "application/json" }).end("{}");
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const requests = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (received.length >= n ? resolve() : waiters.push(check));
      check();
    });
  return { url, received, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const definition = (description: string) => ({ name: "search", description, inputSchema: { type: "object" } });
const drift = (description: string, pin = toolPin(definition(description))!): ToolDrift => ({
  server: "github",
  tool: "search",
  pin,
  approved: null,
  definition: definition(description),
  seenAt: new Date().toISOString(),
});

const warnings: string[] = [];
const log = { warn: (_fields: Record<string, unknown>, message: string) => void warnings.push(message) };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
  warnings.length = 0;
});

describe("DriftReporter", () => {
  it("sends each report with the data-plane token, and sends it again after the control plane failed", async () => {
    const cp = await standIn([503]);
    const reporter = new DriftReporter({ url: cp.url, token: "pcdp_test", log });
    cleanup.push(() => reporter.close(), cp.close);

    reporter.report(drift("Search code"));
    await cp.requests(1);
    // The backoff after a 503 is at most a second; the queued report goes out again.
    await cp.requests(2);
    expect(cp.received.map((r) => [r.path, r.authorization])).toEqual([
      [DP_API.drift, "Bearer pcdp_test"],
      [DP_API.drift, "Bearer pcdp_test"],
    ]);
    expect(cp.received[1]!.body.drifts.map((d) => [d.tool, d.pin])).toEqual([["search", toolPin(definition("Search code"))]]);
    await reporter.send();
    expect(warnings).toEqual(["tool drift reports not delivered to the control plane; will retry"]);
    expect(reporter.stats()).toEqual({ queued: 0, dropped: 0 });
  });

  it("drops a batch the control plane refuses as malformed, and never sends a definition without a pin", async () => {
    const cp = await standIn([400]);
    const reporter = new DriftReporter({ url: cp.url, token: "pcdp_test", log });
    cleanup.push(() => reporter.close(), cp.close);

    reporter.report({ ...drift("x"), pin: null });
    reporter.report(drift("refused"));
    await cp.requests(1);
    await reporter.send();
    expect(reporter.stats().queued).toBe(0);
    expect(warnings).toEqual(["tool drift reports refused by the control plane; dropped"]);

    reporter.report(drift("accepted"));
    await cp.requests(2);
    expect(cp.received.map((r) => r.body.drifts.map((d) => d.pin))).toEqual([[toolPin(definition("refused"))], [toolPin(definition("accepted"))]]);
  });
});
