// A stand-in for the console's data-plane API (DP_API), over real HTTP: it
// streams one configuration, takes reports and audit events (kept for the
// test to read), and answers the other endpoints with what the test scripts.
// It can be stopped and started again on the same port, like a console that
// goes down and comes back.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AuditEvent } from "../../../lib/core/audit/event";
import { configHash } from "../../../lib/core/config/canonical";
import { CONFIG_EVENT, DP_API } from "../../../lib/core/controlplane/protocol";

export const DP_TOKEN = `pcdp_${"c".repeat(32)}`;

export interface StandInRequest {
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** An answer to a scripted endpoint: a status and a body (a string is sent as it is). */
export type StandInAnswer = { status: number; body: unknown; headers?: Record<string, string> };

export interface ControlPlaneStandIn {
  url: string;
  /** Requests to scripted endpoints, in order. */
  requests: StandInRequest[];
  events: AuditEvent[];
  /** Resolves with the first audit event (seen or to come) that matches. */
  event(match: (event: AuditEvent) => boolean): Promise<AuditEvent>;
  answer(path: string, reply: (request: StandInRequest) => StandInAnswer | Promise<StandInAnswer>): void;
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

export async function startControlPlaneStandIn(document: unknown): Promise<ControlPlaneStandIn> {
  const message = JSON.stringify({ version: 1, hash: configHash(document), document });
  const requests: StandInRequest[] = [];
  const events: AuditEvent[] = [];
  const waiters: { match: (event: AuditEvent) => boolean; resolve: (event: AuditEvent) => void }[] = [];
  const replies = new Map<string, (request: StandInRequest) => StandInAnswer | Promise<StandInAnswer>>();

  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${DP_TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    if (req.method === "GET" && req.url === DP_API.config) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`event: ${CONFIG_EVENT}\ndata: ${message}\n\n`);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void reply(req, res, Buffer.concat(chunks).toString("utf8")));
  });

  async function reply(req: http.IncomingMessage, res: http.ServerResponse, text: string) {
    const path = req.url ?? "";
    if (path === DP_API.events) {
      for (const event of (JSON.parse(text) as { events: AuditEvent[] }).events) {
        events.push(event);
        for (const waiter of waiters.filter((w) => w.match(event))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
    const scripted = replies.get(path);
    if (!scripted) {
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      return;
    }
    const request = { path, authorization: req.headers.authorization, body: JSON.parse(text) as unknown };
    requests.push(request);
    const answer = await scripted(request);
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    events,
    event: (match) => {
      const seen = events.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    answer: (path, replyWith) => void replies.set(path, replyWith),
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
    start: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
  };
}
