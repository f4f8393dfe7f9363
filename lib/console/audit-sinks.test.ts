// Admins' audit sinks against a real database: the create schema's field
// errors, the webhook secret sealed at rest and bound to its sink, and the
// console's export engine following creates and deletes at once.
import { createHmac, randomUUID } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type net from "node:net";
import { generate } from "selfsigned";
import { afterAll, describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { consoleAuditExport, sinkSecretName } from "../audit-export/console-export";
import { decryptSecret } from "../core/vault/secret-box";
import { createAuditSink, deleteAuditSink, listAuditSinks } from "./audit-sinks";
import { ConsoleError } from "./errors";
import { auditSinkCreateSchema } from "./schemas/audit-sink";
import { parseOrThrow } from "./validation";
import { consoleMasterKey } from "./vault/master-key";

const ctx = useConsoleDatabase();
const servers: http.Server[] = [];
afterAll(async () => {
  (await consoleAuditExport()).stopAll();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

function fieldsOf(input: unknown): Record<string, string> | undefined {
  try {
    parseOrThrow(auditSinkCreateSchema, input);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConsoleError);
    return (error as ConsoleError).fields;
  }
}

describe("audit sink schema", () => {
  const webhook = { kind: "webhook", name: "siem", url: "https://siem.example/hook", secret: "a-long-enough-secret" };
  const syslog = { kind: "syslog", name: "rsyslog", host: "logs.example", port: 6514, tls: true };
  it.each([
    ["a webhook", webhook, undefined],
    ["a syslog receiver", syslog, undefined],
    ["a URL that is not http(s)", { ...webhook, url: "ftp://siem.example/" }, { url: "enter an http:// or https:// URL" }],
    ["a short secret", { ...webhook, secret: "short" }, { secret: "at least 16 characters" }],
    ["a secret with a trailing newline", { ...webhook, secret: "a-long-enough-secret\n" }, { secret: "remove the spaces or line breaks at the start or end" }],
    ["port 0", { ...syslog, port: 0 }, { port: "from 1 to 65535" }],
    ["a host with a scheme", { ...syslog, host: "tcp://logs.example" }, { host: "a host name or IP address, without a scheme or port" }],
    ["a CA that is not a certificate", { ...syslog, ca: "not a pem" }, { ca: "paste a PEM certificate (-----BEGIN CERTIFICATE-----)" }],
    ["a webhook field on a syslog sink", { ...syslog, url: "https://x.example" }, { _: expect.stringMatching(/url/) }],
  ])("%s", (_, input, fields) => {
    expect(fieldsOf(input)).toEqual(fields);
  });

  it("refuses a CA without TLS, and takes a real PEM with it", async () => {
    const { cert } = await generate([{ name: "commonName", value: "logs.example" }], { keyType: "ec", curve: "P-256", algorithm: "sha256" });
    expect(fieldsOf({ ...syslog, tls: false, ca: cert })).toEqual({ ca: "a CA is only used with TLS; turn TLS on or leave it out" });
    expect(fieldsOf({ ...syslog, ca: cert })).toBeUndefined();
  });
});

describe("audit sinks", () => {
  it("seals the webhook secret bound to its sink, starts the sink at once and stops it when deleted", async () => {
    const requests: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        requests.push({ headers: request.headers, body });
        response.writeHead(200).end();
      });
    });
    servers.push(server);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`;

    const admin = await ctx.user("admin");
    const secret = `secret-${randomUUID()}`;
    const { id } = await createAuditSink(admin, parseOrThrow(auditSinkCreateSchema, { kind: "webhook", name: "siem", url, secret }));
    const row = await ctx.db.auditSink.findUniqueOrThrow({ where: { id } });
    expect(row.secretCiphertext).not.toContain(secret);
    expect(decryptSecret(consoleMasterKey(), sinkSecretName(id), row.secretCiphertext!)).toBe(secret);
    expect(() => decryptSecret(consoleMasterKey(), sinkSecretName(randomUUID()), row.secretCiphertext!)).toThrow(/cannot be decrypted/);
    expect(await ctx.db.activityLog.findFirst({ where: { entityId: id, action: "audit_sink.create" } })).not.toBeNull();

    const engine = await consoleAuditExport();
    expect(engine.ids()).toEqual([id]);
    const event = { id: randomUUID(), time: "2026-12-01T10:00:00.000Z", request_id: "r", server: "github", http_method: "POST", path: "/mcp", consumer: "a", groups: [] };
    engine.exportStored("plane", [
      {
        event: { ...event, key_id: null, end_user: null, upstream_identity: null, method: null, tool: null, decision: "allow", reason: null, status: 200 } as never,
        time: event.time,
        seq: 1,
        hash: "ab".repeat(32),
      },
    ]);
    await expect.poll(() => requests.length).toBe(1);
    const timestamp = String(requests[0]!.headers["x-portcullis-timestamp"]);
    expect(requests[0]!.headers["x-portcullis-signature"]).toBe(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${requests[0]!.body}`).digest("hex")}`);

    const [listed] = await listAuditSinks();
    expect(listed).toMatchObject({ id, name: "siem", kind: "webhook", target: url, tls: false, status: { delivered: 1, queued: 0, dropped: 0 } });
    expect(JSON.stringify(listed)).not.toContain(secret);

    await deleteAuditSink(admin, id);
    expect(engine.ids()).toEqual([]);
    expect(await listAuditSinks()).toEqual([]);
    await expect(deleteAuditSink(admin, id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("lists a syslog sink by host and port, and refuses a second sink of the same name", async () => {
    const admin = await ctx.user("admin");
    const input = parseOrThrow(auditSinkCreateSchema, { kind: "syslog", name: "rsyslog", host: "127.0.0.1", port: 6514, tls: true });
    const { id } = await createAuditSink(admin, input);
    expect(await listAuditSinks()).toMatchObject([{ id, kind: "syslog", target: "127.0.0.1:6514", tls: true }]);
    await expect(createAuditSink(admin, input)).rejects.toMatchObject({ code: "P2002" });
    await deleteAuditSink(admin, id);
  });
});
