// A new configuration that points the hcv backend at another HashiCorp Vault (or another token):
// a read begun under the old settings answers only the request that began it. It is not shared
// with requests after the change, nor cached under the new configuration.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Agent } from "undici";
import { validateConfig } from "../../lib/core/config/validate";
import { parseVaultReference } from "../../lib/core/vault/reference";
import { VaultResolver } from "../src/vault/vault-resolver";
import { startVaultServer, type VaultServer } from "./support/hashicorp-vault-server";

let oldVault: VaultServer;
let newVault: VaultServer;
const dispatcher = new Agent();

beforeAll(async () => {
  [oldVault, newVault] = await Promise.all([startVaultServer(), startVaultServer()]);
  oldVault.secrets.get("secret")!.set("app", { token: "old-revoked-value" });
  newVault.secrets.get("secret")!.set("app", { token: "new-value" });
});
afterAll(async () => {
  await Promise.all([oldVault?.close(), newVault?.close()]);
  await dispatcher.close();
});

function vaultConfig(address: string, tokenVariable: string) {
  const validated = validateConfig({ version: 1, vault: { hcv: { address, token: `{vault://env/${tokenVariable}}`, cache_ttl_seconds: 60 } } });
  if (!validated.ok) throw new Error(validated.problems.join("\n"));
  return validated.config.vault;
}

describe("VaultResolver.configure while a read is under way", () => {
  it("neither shares the old read with later requests nor caches its value", async () => {
    const resolver = new VaultResolver({ env: { OLD_TOKEN: oldVault.token, NEW_TOKEN: newVault.token }, masterKey: () => Buffer.alloc(32), dispatcher });
    const ref = parseVaultReference("{vault://hcv/app/token}")!;
    resolver.configure(vaultConfig(oldVault.address, "OLD_TOKEN"));
    oldVault.readDelayMs = 300;
    const first = resolver.resolve(ref);
    await vi.waitFor(() => expect(oldVault.reads).toBe(1));

    resolver.configure(vaultConfig(newVault.address, "NEW_TOKEN"));
    expect(await resolver.resolve(ref)).toBe("new-value");
    // The request that began under the old settings gets its own answer.
    expect(await first).toBe("old-revoked-value");
    // The old read, finished after the new one, did not overwrite the cache.
    expect(await resolver.resolve(ref)).toBe("new-value");
    expect(newVault.reads).toBe(1);
    expect(oldVault.reads).toBe(1);
  });
});
