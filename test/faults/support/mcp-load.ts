// Steady MCP load from several SDK clients, each calling tools back to back
// through the gateway. Every HTTP exchange is counted by status (0: no
// answer at all), with the time a 5xx took to arrive, so that a fault's
// window can be read off from a snapshot.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export interface LoadCounts {
  sent: number;
  answered: number;
  byStatus: Record<number, number>;
  /** Milliseconds each 5xx took from request to response. */
  serverErrorMs: number[];
  /** When the last successful tool call (2xx, tool result) ended. */
  lastSuccessAt: number;
}

export interface McpLoad {
  snapshot(): LoadCounts;
  /** Resolves at the first successful tool call that starts after `since`. */
  successAfter(since: number): Promise<number>;
  stop(): Promise<void>;
}

/** `pauseMs` between one client's calls keeps the load steady rather than saturating two shared cores. */
export async function startMcpLoad(options: { url: string; headers: Record<string, string>; clients: number; tools: () => string[]; pauseMs?: number }): Promise<McpLoad> {
  const counts: LoadCounts = { sent: 0, answered: 0, byStatus: {}, serverErrorMs: [], lastSuccessAt: 0 };
  const successes: { since: number; resolve: (at: number) => void }[] = [];
  const countingFetch: typeof fetch = async (input, init) => {
    counts.sent++;
    const started = Date.now();
    try {
      const response = await fetch(input, init);
      counts.answered++;
      counts.byStatus[response.status] = (counts.byStatus[response.status] ?? 0) + 1;
      if (response.status >= 500) counts.serverErrorMs.push(Date.now() - started);
      return response;
    } catch (error) {
      counts.byStatus[0] = (counts.byStatus[0] ?? 0) + 1;
      throw error;
    }
  };
  let running = true;
  const clients = await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const client = new Client({ name: "faults-load", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(options.url), { fetch: countingFetch, requestInit: { headers: options.headers } }));
      return client;
    }),
  );
  const loops = clients.map(async (client) => {
    while (running) {
      for (const name of options.tools()) {
        const started = Date.now();
        try {
          const result = await client.callTool({ name, arguments: {} });
          if (!result.isError) {
            counts.lastSuccessAt = Date.now();
            for (const waiter of successes.filter((w) => started >= w.since)) {
              successes.splice(successes.indexOf(waiter), 1);
              waiter.resolve(counts.lastSuccessAt);
            }
          }
        } catch {
          // Counted by status in countingFetch; denials and upstream faults end up here.
        }
        if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
      }
    }
  });
  return {
    snapshot: () => ({ ...counts, byStatus: { ...counts.byStatus }, serverErrorMs: [...counts.serverErrorMs] }),
    successAfter: (since) => new Promise((resolve) => successes.push({ since, resolve })),
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}
