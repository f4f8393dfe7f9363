// Seeds the running console with the recipe through its own HTTP API, as an
// admin would: import the configuration (preview, then apply against the
// previewed hash — skipped when nothing would change), set the upstream
// accounts of the servers that hold each user's own credential, then sync each
// server's tool list from its upstream. Then waits until the gateway serves it.
import { parse as parseYaml } from "yaml";
import type { GatewayConfigInput } from "../lib/core/config/schema";
import { decryptSecret, encryptSecret } from "../lib/core/vault/secret-box";
import type { ConsoleSession } from "./console-session";

export interface SeedResult {
  /** Whether the import changed the configuration (false on a restart with nothing changed since). */
  configurationChanged: boolean;
  /** Tools stored per server after the sync. */
  tools: Record<string, number>;
}

async function expectOk<T>(what: string, request: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await request;
  if (status !== 200) throw new Error(`${what}: the console answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * The built-in vault's ciphertexts for `values`: the console's current ones when
 * they already hold the same value (so a restart changes nothing), else new ones.
 */
async function vaultCiphertexts(session: ConsoleSession, masterKey: Buffer, values: Record<string, string>): Promise<Record<string, string>> {
  const exported = await session.text("/api/config/export");
  if (exported.status !== 200) throw new Error(`exporting the configuration: the console answered ${exported.status}`);
  const current = (parseYaml(exported.body) as { vault?: { portcullis?: Record<string, string> } }).vault?.portcullis ?? {};
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      const existing = current[name];
      try {
        if (existing && decryptSecret(masterKey, name, existing) === value) return [name, existing];
      } catch {
        // Encrypted under another key or corrupt: replaced below.
      }
      return [name, encryptSecret(masterKey, name, value)];
    }),
  );
}

export async function seedRecipe(
  session: ConsoleSession,
  options: {
    configuration: (vault: Record<string, string>) => GatewayConfigInput;
    masterKey: Buffer;
    vaultValues: Record<string, string>;
    /** The upstream account setting per server name (the body of PUT /api/servers/:id/upstream-account). */
    upstreamAccounts: Record<string, object>;
    /** Servers whose users' connections are revoked (an upstream that forgot its tokens). */
    revokeConnections: string[];
    /** Extra headers per server name for the tool sync (the credential of that one request). */
    syncHeaders: Record<string, Record<string, string>>;
  },
): Promise<SeedResult> {
  const vault = await vaultCiphertexts(session, options.masterKey, options.vaultValues);
  const text = JSON.stringify(options.configuration(vault));
  const preview = await expectOk("previewing the import", session.json<{ changed: boolean; currentHash: string }>("POST", "/api/config/import", { text, mode: "preview" }));
  if (preview.changed) {
    await expectOk("applying the import", session.json("POST", "/api/config/import", { text, mode: "apply", expectedCurrentHash: preview.currentHash }));
  }

  const { servers } = await expectOk("listing servers", session.json<{ servers: { id: string; name: string }[] }>("GET", "/api/servers"));
  const serverId = (name: string) => {
    const server = servers.find((s) => s.name === name);
    if (!server) throw new Error(`the imported configuration has no server "${name}"`);
    return server.id;
  };
  // Saving the same setting again changes nothing (the console publishes a version only when the document changes).
  for (const [name, account] of Object.entries(options.upstreamAccounts)) {
    await expectOk(`setting the upstream account of ${name}`, session.json("PUT", `/api/servers/${serverId(name)}/upstream-account`, account));
  }
  for (const name of options.revokeConnections) {
    await expectOk(`revoking the connections to ${name}`, session.json("DELETE", `/api/servers/${serverId(name)}/connections`));
  }
  const tools: Record<string, number> = {};
  for (const [name, headers] of Object.entries(options.syncHeaders)) {
    const id = serverId(name);
    type Diff = { added: unknown[]; changed: unknown[]; gone: unknown[] };
    const synced = await expectOk(`syncing the tools of ${name}`, session.json<{ tools: unknown[]; diff: Diff }>("POST", `/api/servers/${id}/tools/sync`, { headers }));
    const { added, changed, gone } = synced.diff;
    if (added.length + changed.length + gone.length > 0) {
      await expectOk(`storing the tools of ${name}`, session.json("PUT", `/api/servers/${id}/tools`, { source: "sync", tools: synced.tools }));
    }
    tools[name] = synced.tools.length;
  }
  return { configurationChanged: preview.changed, tools };
}

interface GatewayStatus {
  /** What the gateway applied from the console: the version's number and hash as the console has them. */
  control_plane?: { applied: { version: number; hash: string } | null };
  routes: { name: string; ok: boolean; problem: string | null }[];
}

/**
 * Resolves once the gateway serves the console's latest configuration version
 * with every route healthy (vault references resolved). The gateway applies a
 * version within moments; this polls its status, as nothing announces it to
 * another process.
 */
export async function waitForGateway(session: ConsoleSession, statusUrl: string, timeoutMs = 20_000): Promise<void> {
  const { versions } = await expectOk("reading config versions", session.json<{ versions: { number: number; hash: string }[] }>("GET", "/api/config/versions"));
  const latest = versions[0];
  if (!latest) throw new Error("the console has no configuration version");
  const deadline = Date.now() + timeoutMs;
  let last: GatewayStatus | undefined;
  while (Date.now() < deadline) {
    last = (await (await fetch(statusUrl)).json()) as GatewayStatus;
    if (last.control_plane?.applied?.hash === latest.hash && last.routes.every((r) => r.ok)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const problems = last?.routes.filter((r) => !r.ok).map((r) => `${r.name}: ${r.problem}`) ?? [];
  throw new Error(
    last?.control_plane?.applied?.hash !== latest.hash
      ? `the gateway did not apply configuration version ${latest.number} within ${timeoutMs / 1000} s`
      : `the gateway reports route problems: ${problems.join("; ")}`,
  );
}
