import { describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../../test/support/console";
import { configSchema } from "../../core/config/schema";
import { decryptSecret } from "../../core/vault/secret-box";
import { ConsoleError } from "../errors";
import { hcvBackendInputSchema } from "../schemas/vault-backend";
import { deleteHcvBackend, getHcvBackend, saveHcvBackend } from "./backends";
import { consoleMasterKey } from "./master-key";
import { createSecret, deleteSecret, listSecrets, rotateSecret } from "./secrets";

const ctx = useConsoleDatabase();

async function conflict(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConsoleError);
  expect((error as ConsoleError).status).toBe(409);
  return (error as ConsoleError).message;
}

describe("built-in vault secrets", () => {
  it("stores the value encrypted under the master key, bound to the name, and never returns or logs it", async () => {
    const admin = await ctx.user();
    const value = "ghp_thisIsTheSecretValue123";
    const created = await createSecret(admin, { name: "github-token", value });
    expect(created).toEqual({ id: created.id, name: "github-token", version: 1, reference: "{vault://portcullis/github-token}" });

    const stored = await ctx.db.secret.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.ciphertext).toMatch(/^v1:/);
    expect(stored.ciphertext).not.toContain(value);
    expect(decryptSecret(consoleMasterKey(), "github-token", stored.ciphertext)).toBe(value);
    expect(() => decryptSecret(consoleMasterKey(), "other-name", stored.ciphertext)).toThrow();

    const listed = await listSecrets();
    expect(JSON.stringify(listed)).not.toContain(value);
    expect(JSON.stringify(listed)).not.toContain(stored.ciphertext);
    const log = await ctx.db.activityLog.findMany({ where: { entityId: created.id } });
    expect(JSON.stringify(log)).not.toContain(value);
    expect(JSON.stringify(log)).not.toContain(stored.ciphertext);
  });

  it("rotates to a new value and version, and refuses a second secret of the same name", async () => {
    const admin = await ctx.user();
    const created = await createSecret(admin, { name: "rotating", value: "first-value" });
    const rotated = await rotateSecret(admin, created.id, { value: "second-value" });
    expect(rotated.version).toBe(2);
    const stored = await ctx.db.secret.findUniqueOrThrow({ where: { id: created.id } });
    expect(decryptSecret(consoleMasterKey(), "rotating", stored.ciphertext)).toBe("second-value");
    const log = await ctx.db.activityLog.findFirstOrThrow({ where: { entityId: created.id, action: "secret.rotate" } });
    expect(log).toMatchObject({ before: { name: "rotating", version: 1 }, after: { name: "rotating", version: 2 } });
    expect(JSON.stringify(log)).not.toMatch(/first-value|second-value/);

    await conflict(createSecret(admin, { name: "rotating", value: "x" }));
  });

  it("refuses to delete a secret that a server uses, naming the server and the place", async () => {
    const admin = await ctx.user();
    const secret = await createSecret(admin, { name: "in-use", value: "v" });
    const server = await ctx.db.mcpServer.create({
      data: {
        name: "konnect",
        path: "/konnect",
        upstreamUrl: "https://u.example",
        authMode: "token_swap",
        authSettings: { introspection: { client_secret: "{vault://portcullis/in-use}" } },
      },
    });
    expect(await conflict(deleteSecret(admin, secret.id))).toBe(
      "{vault://portcullis/in-use} is still used by server konnect (auth introspection.client_secret). Remove those references first.",
    );
    expect((await listSecrets()).find((s) => s.name === "in-use")!.usedBy).toEqual([{ kind: "server", id: server.id, name: "konnect", place: "auth introspection.client_secret" }]);

    await ctx.db.mcpServer.delete({ where: { id: server.id } });
    await deleteSecret(admin, secret.id);
    expect(await ctx.db.secret.findUnique({ where: { id: secret.id } })).toBeNull();
  });
});

describe("HashiCorp Vault backend settings", () => {
  it("accept credentials only as vault references, and are stored as the gateway config's vault.hcv", async () => {
    const literal = hcvBackendInputSchema.safeParse({ address: "https://vault.example:8200", auth: { method: "token", token: "hvs.literal-token" } });
    expect(literal.error?.issues[0]).toMatchObject({ path: ["auth", "token"], message: "write a reference such as {vault://env/VAULT_TOKEN}, not the credential itself" });
    const circular = hcvBackendInputSchema.safeParse({ address: "https://vault.example:8200", auth: { method: "token", token: "{vault://hcv/x}" } });
    expect(circular.error?.issues[0]?.message).toBe("the HashiCorp Vault credentials cannot come from HashiCorp Vault itself");

    const admin = await ctx.user();
    const settings = await saveHcvBackend(
      admin,
      hcvBackendInputSchema.parse({
        address: "https://vault.example:8200",
        namespace: "",
        auth: { method: "approle", roleId: "{vault://env/ROLE_ID}", secretId: "{vault://file/run/secret-id}" },
      }),
    );
    expect(settings).toEqual({
      address: "https://vault.example:8200",
      mount: "secret",
      approle: { role_id: "{vault://env/ROLE_ID}", secret_id: "{vault://file/run/secret-id}", mount: "approle" },
      cache_ttl_seconds: 60,
    });
    expect(configSchema.safeParse({ version: 1, vault: { hcv: settings } }).success).toBe(true);
    expect(await getHcvBackend()).toEqual(settings);

    // In use by a server: refused; once unused, removed.
    const server = await ctx.db.mcpServer.create({
      data: {
        name: "hcv-user",
        path: "/hcv-user",
        upstreamUrl: "https://u.example",
        authMode: "passthrough",
        authSettings: {},
        upstreamHeaders: { X: "{vault://hcv/kv/app/token}" },
      },
    });
    expect(await conflict(deleteHcvBackend(admin))).toContain("server hcv-user (upstream header X)");
    await ctx.db.mcpServer.delete({ where: { id: server.id } });
    await deleteHcvBackend(admin);
    expect(await getHcvBackend()).toBeUndefined();
  });
});
