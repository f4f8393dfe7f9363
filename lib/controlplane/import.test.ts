import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { configHash } from "../core/config/canonical";
import { compileConfig } from "../config/compile";
import { createDb, type Db } from "../db/client";
import { hashApiKey } from "../core/keys/api-key";
import { encryptSecret } from "../core/vault/secret-box";
import { applyImport, configToYaml, parseConfigText, previewImport } from "./import";
import { loadConfigSnapshot } from "./snapshot";
import { publishConfigVersion } from "./versions";

const masterKey = randomBytes(32);
let database: TestDatabase;
let db: Db;
let actor: { id: string; email: string; name: string; role: "admin" };

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  const user = await db.user.create({ data: { email: "admin@example.com", role: "admin" } });
  actor = { id: user.id, email: user.email, name: "", role: "admin" };
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

const yaml = () => `
version: 1
gateway: { public_url: https://localhost:8443 }
consumer_groups: [{ name: admin }, { name: developer }]
consumers:
  - { username: admin-user, groups: [admin], keys: [{ key: admin-api-key }] }
  - { username: dev-user, custom_id: "idp|7", groups: [developer], keys: [{ hash: "sha256:${"c".repeat(64)}", name: laptop }] }
servers:
  - name: github
    path: /github-mcp
    upstream: https://api.githubcopilot.com/mcp/
    auth: { mode: passthrough, key_header: apikey, upstream_prm: "https://api.githubcopilot.com/.well-known/oauth-protected-resource/mcp/" }
    acl:
      default: { deny: [developer] }
      tools:
        - { name: search_repositories, allow: [admin, developer] }
        - { name: push_files, allow: [admin] }
  - name: konnect
    path: /konnect-mcp
    upstream: https://us.mcp.konghq.com/
    auth: { mode: token_swap, issuer: "https://idp.example.com/realms/mcp", jwks: { uri: "https://idp.example.com/certs" } }
    upstream_headers: { Authorization: "Bearer {vault://portcullis/konnect-token}" }
vault:
  portcullis: { konnect-token: "${encryptSecret(masterKey, "konnect-token", "kpat_123")}" }
`;

async function currentHash() {
  return configHash(compileConfig(await loadConfigSnapshot(db)));
}

describe("declarative import and export", () => {
  it("previews without changing anything, then applies, then round-trips its own export unchanged", async () => {
    const config = parseConfigText(yaml());
    const before = await currentHash();
    const preview = await previewImport(db, config, masterKey);
    expect(preview.changed).toBe(true);
    expect(preview.currentHash).toBe(before);
    expect(
      preview.diff
        .filter((d) => d.added)
        .map((d) => d.value)
        .join(""),
    ).toContain("name: push_files");
    expect(await currentHash()).toBe(before);

    await applyImport(db, actor, config, masterKey, preview.currentHash, "config.import");
    expect(await currentHash()).toBe(preview.hash);
    const key = await db.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey("admin-api-key") } });
    expect(key.prefix).toBe("admin-ap");
    expect(await db.activityLog.count({ where: { action: "config.import" } })).toBe(1);

    const exported = configToYaml(compileConfig(await loadConfigSnapshot(db)));
    expect(exported).not.toContain("admin-api-key");
    expect(exported).not.toContain("kpat_123");
    const again = await previewImport(db, parseConfigText(exported), masterKey);
    expect(again.changed).toBe(false);
  });

  it("refuses a stale preview and a secret sealed with another master key", async () => {
    const config = parseConfigText(yaml());
    await expect(applyImport(db, actor, config, masterKey, "sha256:stale", "config.import")).rejects.toThrow("changed since you previewed");
    const foreign = parseConfigText(yaml().replace(/konnect-token: "[^"]+"/, `konnect-token: "${encryptSecret(randomBytes(32), "konnect-token", "x")}"`));
    await expect(previewImport(db, foreign, masterKey)).rejects.toThrow("vault.portcullis.konnect-token: this value was encrypted with another master key");
  });

  it("lists every problem of an invalid file, and refuses what the console cannot store yet", () => {
    expect(() => parseConfigText("version: 2\nservers: nope")).toThrow(/2 problem\(s\)/);
    expect(() => parseConfigText("key: [unclosed")).toThrow("The file is not valid YAML or JSON");
    const shared = parseYaml(yaml());
    shared.redis = { url: "redis://redis:6379" };
    expect(() => parseConfigText(JSON.stringify(shared))).toThrow("redis: the Redis a gateway shares its rate-limit counters through is that gateway's deployment setting");
  });

  it("refuses a file that sets a gateway's own deployment settings, naming each, and applies nothing", async () => {
    // One text throughout: yaml() seals the vault secret anew each time.
    const file = yaml();
    await applyImport(db, actor, parseConfigText(file), masterKey, await currentHash(), "config.import");
    const before = await currentHash();
    const activity = await db.activityLog.count();
    const tuned = parseYaml(file);
    tuned.gateway = { ...tuned.gateway, max_body_bytes: 2 * 1024 * 1024, sse_keepalive_ms: 5000, forward_client_ip_headers: ["X-Real-IP"], max_sse_event_bytes: 4096 };
    tuned.vault.cache_ttl_seconds = 5;
    const text = JSON.stringify(tuned);
    const refusal = (() => {
      try {
        parseConfigText(text);
      } catch (error) {
        return error as Error;
      }
      throw new Error("the import was accepted");
    })();
    for (const field of [
      "gateway.max_body_bytes (2097152)",
      "gateway.sse_keepalive_ms (5000)",
      'gateway.forward_client_ip_headers (["X-Real-IP"])',
      "gateway.max_sse_event_bytes (4096)",
      "vault.cache_ttl_seconds (5)",
    ]) {
      expect(refusal.message).toContain(field);
    }
    expect(refusal.message).toContain("of a gateway's own deployment, which the console does not publish");
    expect(refusal.message).toContain("gateway.max_body_bytes 1048576");
    expect(refusal.message).not.toContain("public_url");
    // One setting alone is named alone.
    expect(() => parseConfigText(JSON.stringify({ ...parseYaml(file), gateway: { max_body_bytes: 4096 } }))).toThrow(
      /^gateway\.max_body_bytes \(4096\): this is a setting of a gateway's own deployment/,
    );
    // Through the console's import (preview and apply alike), nothing changes.
    process.env.DATABASE_URL = database.url;
    const { importConfiguration } = await import("../console/config-versions");
    const { db: consoleDb } = await import("../db/client");
    try {
      await expect(importConfiguration(actor, { text, mode: "preview" })).rejects.toThrow("gateway.max_body_bytes (2097152)");
      await expect(importConfiguration(actor, { text, mode: "apply", expectedCurrentHash: before })).rejects.toThrow("vault.cache_ttl_seconds (5)");
    } finally {
      await consoleDb().$disconnect();
    }
    expect(await currentHash()).toBe(before);
    expect(await db.activityLog.count()).toBe(activity);
    // Their defaults, written out as a hand-written file may, are what every gateway gets: accepted.
    const defaults = parseYaml(file);
    defaults.gateway = { ...defaults.gateway, max_body_bytes: 1048576, sse_keepalive_ms: 15000, forward_client_ip_headers: [], max_sse_event_bytes: 16777216 };
    defaults.vault.cache_ttl_seconds = 60;
    expect((await previewImport(db, parseConfigText(JSON.stringify(defaults)), masterKey)).changed).toBe(false);
  });

  it("stores a file's limits as rules of each server, publishes and exports them, and replaces them on the next import", async () => {
    const limited = parseYaml(yaml());
    limited.servers[0].limits = [
      { subject: "developer", tool: "search_repositories", per_minute: 5, concurrent: 2 },
      { subject: "dev-user", per_day: 100 },
      { subject: "*", per_hour: 1000 },
    ];
    const config = parseConfigText(JSON.stringify(limited));
    await applyImport(db, actor, config, masterKey, (await previewImport(db, config, masterKey)).currentHash, "config.import");
    const rows = await db.limitRule.findMany({ include: { group: true, consumer: true }, orderBy: { toolName: "asc" } });
    expect(rows.map((r) => [r.group?.name ?? r.consumer?.username ?? "*", r.toolName, r.perMinute, r.perHour, r.perDay, r.concurrent])).toEqual(
      expect.arrayContaining([
        ["developer", "search_repositories", 5, null, null, 2],
        ["dev-user", "*", null, null, 100, null],
        ["*", "*", null, 1000, null, null],
      ]),
    );
    const exported = parseYaml(configToYaml(compileConfig(await loadConfigSnapshot(db))));
    expect(exported.servers.find((s: { name: string }) => s.name === "github").limits).toEqual([
      { subject: "*", tool: "*", per_hour: 1000 },
      { subject: "dev-user", tool: "*", per_day: 100 },
      { subject: "developer", tool: "search_repositories", per_minute: 5, concurrent: 2 },
    ]);
    expect((await previewImport(db, parseConfigText(configToYaml(exported)), masterKey)).changed).toBe(false);

    const unlimited = parseConfigText(yaml());
    await applyImport(db, actor, unlimited, masterKey, (await previewImport(db, unlimited, masterKey)).currentHash, "config.import");
    expect(await db.limitRule.count()).toBe(0);
  });

  it("stores a file's conditions, redacted arguments and redaction settings, and exports them as they were written", async () => {
    const file = parseYaml(yaml());
    const github = file.servers[0];
    github.result_redaction = "secrets";
    github.audit_arguments = true;
    github.acl = {
      default: { deny: ["developer"], when: 'tool != "delete_repository"', message: "no deletions" },
      tools: [
        { name: "push_files", allow: ["admin"], when: 'args.owner == "acme"', message: "acme only", redact_args: ["args.files[*].content", "args.content"] },
        { name: "search_code", deny: ["*"], when: 'args.q.contains("password")' },
        { name: "search_repositories", allow: ["admin", "developer"] },
      ],
    };
    file.secret_patterns = [{ name: "acme", pattern: "acme_live_[0-9a-f]{16}" }];
    const config = parseConfigText(JSON.stringify(file));
    await applyImport(db, actor, config, masterKey, (await previewImport(db, config, masterKey)).currentHash, "config.import");
    const server = await db.mcpServer.findUniqueOrThrow({ where: { name: "github" }, include: { conditions: { orderBy: { toolName: "asc" } }, redactions: true } });
    expect(server.conditions.map((c) => [c.toolName, c.effect, c.message])).toEqual([
      // `deny` alone: a deny-condition, as the gateway reads it.
      ["*", "deny", "no deletions"],
      ["push_files", "allow", "acme only"],
      ["search_code", "deny", null],
    ]);
    expect(server.redactions).toEqual([expect.objectContaining({ toolName: "push_files", paths: ["args.content", "args.files[*].content"] })]);

    const exported = compileConfig(await loadConfigSnapshot(db));
    const exportedGithub = exported.servers!.find((s) => s.name === "github")!;
    expect(exportedGithub).toMatchObject({ result_redaction: "secrets", audit_arguments: true });
    expect(exported.secret_patterns).toEqual(file.secret_patterns);
    expect(exportedGithub.acl).toEqual({
      default: { deny: ["developer"], when: 'tool != "delete_repository"', message: "no deletions" },
      tools: [
        // The matrix spells out the denial push_files' row inherits (same decisions): an allow-condition beside `deny`.
        { name: "push_files", allow: ["admin"], deny: ["developer"], when: 'args.owner == "acme"', message: "acme only", redact_args: ["args.content", "args.files[*].content"] },
        { name: "search_code", deny: ["*"], when: 'args.q.contains("password")' },
        { name: "search_repositories", allow: ["admin", "developer"] },
      ],
    });
    expect((await previewImport(db, parseConfigText(configToYaml(exported)), masterKey)).changed).toBe(false);

    const plain = parseConfigText(yaml());
    await applyImport(db, actor, plain, masterKey, (await previewImport(db, plain, masterKey)).currentHash, "config.import");
    expect([await db.aclCondition.count(), await db.argumentRedaction.count()]).toEqual([0, 0]);
    expect(compileConfig(await loadConfigSnapshot(db))).not.toHaveProperty("secret_patterns");
  });

  it("revokes the MCP clients' sign-ins of a consumer the file no longer names, so a later namesake inherits none", async () => {
    await applyImport(db, actor, parseConfigText(yaml()), masterKey, await currentHash(), "config.import");
    for (const [accountId, id] of [
      ["dev-user", "g-dev"],
      ["admin-user", "g-admin"],
    ] as const) {
      await db.oAuthRecord.create({ data: { model: "Grant", id, payload: { accountId, clientId: "https://client.example/cimd.json" } } });
      await db.oAuthRecord.create({ data: { model: "RefreshToken", id: `${id}-refresh`, grantId: id, payload: { accountId, grantId: id } } });
    }
    const signIns = async () => (await db.oAuthRecord.findMany({ where: { model: { in: ["Grant", "RefreshToken"] } }, orderBy: { id: "asc" } })).map((r) => r.id);
    // A preview changes nothing, sign-ins included.
    const renamed = parseConfigText(yaml().replace("username: dev-user", "username: dev-person"));
    const preview = await previewImport(db, renamed, masterKey);
    expect(await signIns()).toEqual(["g-admin", "g-admin-refresh", "g-dev", "g-dev-refresh"]);
    await applyImport(db, actor, renamed, masterKey, preview.currentHash, "config.import");
    expect(await signIns()).toEqual(["g-admin", "g-admin-refresh"]);
    await db.oAuthRecord.deleteMany({ where: { id: { in: ["g-admin", "g-admin-refresh"] } } });
  });

  it("rolls back to an earlier version by importing its document", async () => {
    const v1 = await publishConfigVersion(db, { reason: "before" });
    await db.consumerGroup.create({ data: { name: "contractor" } });
    const v2 = await publishConfigVersion(db, { reason: "after" });
    expect(v2.hash).not.toBe(v1.hash);
    const old = await db.configVersion.findUniqueOrThrow({ where: { number: v1.number } });
    const preview = await previewImport(db, parseConfigText(JSON.stringify(old.document)), masterKey);
    await applyImport(db, actor, parseConfigText(JSON.stringify(old.document)), masterKey, preview.currentHash, "config.rollback");
    const v3 = await publishConfigVersion(db, { reason: "rollback" });
    expect(v3).toMatchObject({ number: v2.number + 1, hash: v1.hash, created: true });
  });
});
