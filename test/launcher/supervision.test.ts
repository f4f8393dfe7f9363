// `npm start` under kill -9: the console, the gateway and the embedded
// PostgreSQL each come back on their own, with one line saying how they died,
// while the gateway keeps answering through the console's and the database's
// crash; /status reports the restarts. Only SIGTERM stops the product.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInToConsole } from "../../demo/console-session";
import { launchProduct, type LaunchedProduct } from "../support/launched-product";

let product: LaunchedProduct;

beforeAll(async () => {
  product = await launchProduct();
}, 600_000);

afterAll(async () => {
  await product?.stop();
});

/** Requests the gateway (its MCP port and its status port) back to back until stopped; counts those that got no answer. */
function probeGateway() {
  let running = true;
  const counts = { answered: 0, failed: 0, errors: [] as string[] };
  const loop = (async () => {
    while (running) {
      for (const url of [`${product.gatewayUrl}/no-such-route`, product.statusUrl]) {
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
          await response.body?.cancel();
          counts.answered++;
        } catch (error) {
          counts.failed++;
          counts.errors.push(`${url}: ${(error as Error).message}`);
        }
      }
    }
  })();
  return {
    counts,
    stop: async () => {
      running = false;
      await loop;
      return counts;
    },
  };
}

async function untilAnswers(url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2000) })
      .then(async (r) => (await r.body?.cancel(), r.status))
      .catch(() => 0);
    if (status > 0 && status < 500) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    // Polling a process that is starting: nothing announces its readiness to another process.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function gatewayStatus() {
  return (await (await fetch(product.statusUrl)).json()) as {
    supervision: { processes: { name: string; restarts: number; last_exit: { signal: string | null } | null }[] } | null;
  };
}

describe("npm start supervises its processes", () => {
  it("restarts a console killed with SIGKILL while the gateway keeps answering, and says so", async () => {
    const probe = probeGateway();
    const from = product.output().length;
    const pid = await product.kill("console");
    await product.waitForOutput(/console exited unexpectedly \(killed by SIGKILL\) after [\d.]+ s; restarting in 0\.5 s/, from);
    const state = await product.waitForProcess("console", (p) => p.state === "running" && p.restarts === 1);
    expect(state.pid).not.toBe(pid);
    expect(state.last_exit).toMatchObject({ code: null, signal: "SIGKILL" });
    await untilAnswers(`${product.consoleUrl}/login`);
    const counts = await probe.stop();
    expect(counts.errors).toEqual([]);
    expect(counts.answered).toBeGreaterThan(10);
    expect(product.output().slice(from)).not.toContain("stopping");
    // The gateway re-reads the report every second.
    await expect
      .poll(async () => (await gatewayStatus()).supervision?.processes.find((p) => p.name === "console"), { timeout: 5000 })
      .toMatchObject({ restarts: 1, last_exit: { signal: "SIGKILL" } });
  }, 120_000);

  it("restarts an embedded PostgreSQL killed with SIGKILL; the gateway answers throughout and the data is still there", async () => {
    const probe = probeGateway();
    const from = product.output().length;
    await product.kill("database");
    await product.waitForOutput(/database exited unexpectedly \(killed by SIGKILL\)/, from);
    await product.waitForProcess("database", (p) => p.state === "running" && p.restarts === 1);
    const client = new pg.Client({ connectionString: product.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ email: string }>(`SELECT email FROM "User"`);
      expect(rows.map((r) => r.email)).toContain(product.admin.email);
    } finally {
      await client.end();
    }
    const counts = await probe.stop();
    expect(counts.errors).toEqual([]);
  }, 120_000);

  it("restarts a gateway killed with SIGKILL", async () => {
    const from = product.output().length;
    await product.kill("gateway");
    await product.waitForOutput(/gateway exited unexpectedly \(killed by SIGKILL\)/, from);
    await product.waitForProcess("gateway", (p) => p.state === "running" && p.restarts === 1);
    await untilAnswers(product.statusUrl);
    await expect
      .poll(async () => (await gatewayStatus()).supervision?.processes.map((p) => [p.name, p.restarts]), { timeout: 5000 })
      .toEqual([
        ["database", 1],
        ["console", 1],
        ["gateway", 1],
      ]);
    // What the console's Data planes page shows under "Processes on this machine".
    const session = await signInToConsole(product.consoleUrl, product.admin.email, product.admin.password);
    const overview = await session.json<{ supervision: { processes: { name: string; state: string; restarts: number; last_exit: { signal: string | null } }[] } }>(
      "GET",
      "/api/data-planes",
    );
    expect(overview.status).toBe(200);
    expect(overview.body.supervision.processes).toEqual(
      (["database", "console", "gateway"] as const).map((name) =>
        expect.objectContaining({ name, state: "running", restarts: 1, last_exit: expect.objectContaining({ signal: "SIGKILL" }) }),
      ),
    );
  }, 120_000);

  it("stops everything on SIGTERM, and nothing is restarted", async () => {
    const pids = await Promise.all((["database", "console", "gateway"] as const).map(async (name) => (await product.process(name)).pid!));
    expect(await product.stop()).toBe(143);
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    const afterStop = product.output().slice(product.output().indexOf("portcullis: stopping…"));
    expect(afterStop).not.toContain("restarting in");
  }, 60_000);
});
