// Vault references in upstream headers, resolved by every backend (env, file,
// the built-in encrypted store, HashiCorp Vault KV v2 with a token or AppRole),
// cached for their TTL, and failing only their own route when unresolvable.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { encryptSecret } from "../../lib/core/vault/secret-box";
import { startVaultServer, type VaultServer } from "./support/hashicorp-vault-server";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const masterKey = randomBytes(32);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portcullis-vault-"));
const secretFile = path.join(dir, "konnect-token");
const SECRETS = {
  env: "env-secret-value-1",
  json: "json-field-value-2",
  file: "file-secret-value-3",
  portcullis: "stored-secret-value-4",
  hcvField: "hcv-field-value-5",
  hcvSingle: "hcv-single-value-6",
  approle: "hcv-approle-value-7",
};

let upstream: RecordingUpstream;
let vault: VaultServer;
let gw: TestGateway;
let approleGw: TestGateway;

function server(name: string, header: string) {
  return { name, path: `/${name}`, upstream: upstream.url, auth: { mode: "passthrough" }, upstream_headers: { "X-Upstream-Token": header } };
}

function config(servers: unknown[], hcv: Record<string, unknown>) {
  return {
    version: 1,
    consumers: [{ username: "agent", keys: [{ key: "agent-api-key" }] }],
    servers,
    vault: {
      cache_ttl_seconds: 30,
      portcullis: { "konnect-token": encryptSecret(masterKey, "konnect-token", SECRETS.portcullis) },
      hcv: { address: vault.address, cache_ttl_seconds: 30, ...hcv },
    },
  };
}

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  vault = await startVaultServer();
  fs.writeFileSync(secretFile, `  ${SECRETS.file}\n`);
  vault.secrets.get("secret")!.set("konnect", { token: SECRETS.hcvField, other: "x" });
  vault.secrets.get("secret")!.set("single", { value: SECRETS.hcvSingle });
  vault.secrets.get("secret")!.set("approle-secret", { token: SECRETS.approle });
  const env = {
    UPSTREAM_TOKEN: SECRETS.env,
    JSON_SECRET: JSON.stringify({ password: SECRETS.json }),
    VAULT_TOKEN: vault.token,
    ROLE_ID: vault.approle.roleId,
    SECRET_ID: vault.approle.secretId,
  };
  gw = await startTestGateway(
    config(
      [
        server("env", "Bearer {vault://env/UPSTREAM_TOKEN}"),
        server("json", "{vault://env/JSON_SECRET/password}"),
        server("file", `{vault://file${secretFile}}`),
        server("portcullis", "{vault://portcullis/konnect-token}"),
        server("hcv-field", "{vault://hcv/konnect/token}"),
        // The last segment is the field; a top-level path with one key needs none.
        server("hcv-single", "{vault://hcv/single}"),
        server("missing", "{vault://env/NOT_SET_ANYWHERE}"),
      ],
      { token: "{vault://env/VAULT_TOKEN}" },
    ),
    { env, masterKey },
  );
  approleGw = await startTestGateway(
    config([server("approle", "{vault://hcv/approle-secret/token}")], { approle: { role_id: "{vault://env/ROLE_ID}", secret_id: "{vault://env/SECRET_ID}" }, namespace: "team-a" }),
    { env, masterKey },
  );
});
afterAll(async () => {
  await gw?.close();
  await approleGw?.close();
  await vault?.close();
  await upstream?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.useRealTimers());

async function headerSent(target: TestGateway, route: string): Promise<{ status: number; header?: string; body: unknown }> {
  const before = upstream.requests.length;
  const response = await fetch(`${target.url}/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer t", apikey: "agent-api-key" },
    body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
  });
  const body = await response.json();
  const seen = upstream.requests.length > before ? upstream.requests.at(-1) : undefined;
  return { status: response.status, header: seen?.headers["x-upstream-token"] as string | undefined, body };
}

describe("vault references", () => {
  it.each([
    ["env", `Bearer ${SECRETS.env}`],
    ["json", SECRETS.json],
    ["file", SECRETS.file],
    ["portcullis", SECRETS.portcullis],
    ["hcv-field", SECRETS.hcvField],
    ["hcv-single", SECRETS.hcvSingle],
  ])("resolves the %s backend into the upstream header", async (route, expected) => {
    expect(await headerSent(gw, route)).toMatchObject({ status: 200, header: expected });
  });

  it("logs in to HashiCorp Vault with AppRole, in the configured namespace", async () => {
    const logins = vault.logins;
    expect(await headerSent(approleGw, "approle")).toMatchObject({ status: 200, header: SECRETS.approle });
    expect(vault.logins - logins).toBeLessThanOrEqual(1);
    expect(vault.namespaces).toContain("team-a");
  });

  it("caches values for the TTL, so a rotation takes effect within it", async () => {
    await headerSent(gw, "hcv-field");
    const reads = vault.reads;
    vault.secrets.get("secret")!.set("konnect", { token: "rotated-hcv-value" });
    fs.writeFileSync(secretFile, "rotated-file-value\n");
    expect((await headerSent(gw, "hcv-field")).header).toBe(SECRETS.hcvField);
    expect((await headerSent(gw, "file")).header).toBe(SECRETS.file);
    expect(vault.reads).toBe(reads);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31_000);
    expect((await headerSent(gw, "hcv-field")).header).toBe("rotated-hcv-value");
    expect((await headerSent(gw, "file")).header).toBe("rotated-file-value");
    vi.useRealTimers();
    vault.secrets.get("secret")!.set("konnect", { token: SECRETS.hcvField, other: "x" });
    fs.writeFileSync(secretFile, SECRETS.file);
  });

  it("fails only the route whose reference cannot be resolved: 502, a reason in /status and the log, never a value", async () => {
    const failed = await headerSent(gw, "missing");
    expect(failed.status).toBe(502);
    expect(failed.header).toBeUndefined();
    expect(failed.body).toMatchObject({
      error: { code: -32603, message: "The upstream credential for server 'missing' is unavailable", data: { reason: "credential_unavailable" } },
    });
    expect((await headerSent(gw, "env")).status).toBe(200);

    const status = gw.gateway.status();
    expect(status.ready).toBe(true);
    expect(status.routes.find((r) => r.name === "missing")).toMatchObject({
      ok: false,
      problem: "{vault://env/NOT_SET_ANYWHERE}: environment variable NOT_SET_ANYWHERE is not set",
    });
    expect(status.routes.find((r) => r.name === "env")).toMatchObject({ ok: true, problem: null });
    expect(gw.logs).toContainEqual(expect.objectContaining({ level: "warn", fields: expect.objectContaining({ server: "missing" }) }));

    const everything = JSON.stringify(status) + JSON.stringify(gw.logs) + JSON.stringify(gw.audit.events) + JSON.stringify(failed.body);
    for (const secret of [...Object.values(SECRETS), vault.token, vault.approle.secretId]) expect(everything).not.toContain(secret);
  });

  it("reports a HashiCorp Vault that refuses the token as that route's problem", async () => {
    const refused = await startTestGateway(config([server("hcv-field", "{vault://hcv/konnect/token}")], { token: "hvs.wrong" }), { masterKey });
    try {
      const answer = await headerSent(refused, "hcv-field");
      expect(answer.status).toBe(502);
      expect(refused.gateway.status().routes[0]).toMatchObject({ ok: false, problem: "{vault://hcv/konnect/token}: HashiCorp Vault answered HTTP 403" });
    } finally {
      await refused.close();
    }
  });
});
