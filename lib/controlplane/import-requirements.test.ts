// A configuration file's `require` blocks survive an import: the console stores them and compiles them back,
// so importing never turns an approval into a plain allow.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database";
import { compileConfig } from "../config/compile";
import { parseConfig } from "../core/config/schema";
import { createDb, type Db } from "../db/client";
import { applyImport, parseConfigText, previewImport } from "./import";
import { loadConfigSnapshot } from "./snapshot";

const masterKey = randomBytes(32);
let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

const yaml = `
version: 1
consumer_groups: [{ name: developer }, { name: platform }]
consumers: [{ username: dev-user, groups: [developer], keys: [{ key: dev-api-key-0001 }] }]
servers:
  - name: github
    path: /github
    upstream: https://api.githubcopilot.com/mcp/
    auth: { mode: passthrough }
    acl:
      default: { allow: [developer], require: { action: confirm, for: [dev-user] } }
      tools:
        - name: merge_pull_request
          allow: [developer]
          require: { action: approve, approvers: [platform], when: 'args.base == "main"', expires_seconds: 600, wait_seconds: 30 }
`;

describe("importing require blocks", () => {
  it("stores them and compiles them back as the file wrote them", async () => {
    const user = await db.user.create({ data: { email: "admin@import-requirements.test", role: "admin" } });
    const config = parseConfigText(yaml);
    const preview = await previewImport(db, config, masterKey);
    await applyImport(db, { id: user.id, email: user.email, name: "", role: "admin" }, config, masterKey, preview.currentHash, "config.import");
    const parsed = parseConfig(compileConfig(await loadConfigSnapshot(db)));
    if (!parsed.ok) throw new Error(parsed.problems.join("; "));
    const acl = parsed.config.servers[0]!.acl;
    expect(acl.default.require).toEqual(config.servers[0]!.acl.default.require);
    expect(acl.tools.find((t) => t.name === "merge_pull_request")!.require).toEqual(config.servers[0]!.acl.tools[0]!.require);
  });
});
