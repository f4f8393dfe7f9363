import fs from "node:fs";
import path from "node:path";
import { expect, signIn, test } from "./support/fixtures";

const PRODUCT_LOG = path.resolve(import.meta.dirname, "../test-results/e2e-product.log");

test("an admin stores, rotates and (once unused) deletes a secret whose value is never shown, returned or logged", async ({ page, admin, db }) => {
  const suffix = Date.now().toString(36);
  const name = `github-pat-${suffix}`;
  const value = `ghp_${suffix}_TopSecretValue`;
  const rotated = `ghp_${suffix}_RotatedValue`;
  await signIn(page, admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Vault" }).click();

  await page.getByRole("button", { name: "New secret" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("bad/name");
  await dialog.getByLabel("Value").fill(`${value} `);
  await dialog.getByRole("button", { name: "Store secret" }).click();
  await expect(dialog.getByText("use letters, digits")).toBeVisible();
  await expect(dialog.getByText("remove the spaces or line breaks at the start or end")).toBeVisible();
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Value").fill(value);
  await dialog.getByRole("button", { name: "Store secret" }).click();
  const row = page.getByRole("table", { name: "Secrets" }).getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText(`{vault://portcullis/${name}}`);
  await expect(row).toContainText("v1");
  await expect(row).toContainText("not used");

  // A server that uses it, and one reference to an environment variable.
  const server = await db.mcpServer.create({
    data: {
      name: `github-${suffix}`,
      path: `/github-${suffix}`,
      upstreamUrl: "https://api.githubcopilot.com/mcp/",
      authMode: "passthrough",
      authSettings: { key_header: "apikey" },
      upstreamHeaders: { "X-Token": `{vault://portcullis/${name}}`, "X-Other": `{vault://env/OTHER_${suffix}}` },
    },
  });
  await page.reload();
  await expect(row).toContainText(`github-${suffix}`);
  const references = page.getByRole("table", { name: "References in use" });
  await expect(references.getByRole("row", { name: new RegExp(`portcullis/${name}`) })).toContainText("stored");
  await expect(references.getByRole("row", { name: new RegExp(`env/OTHER_${suffix}`) })).toContainText("upstream header X-Other");

  await row.getByRole("button", { name: `Rotate ${name}` }).click();
  await page.getByRole("dialog").getByLabel("New value").fill(rotated);
  await page.getByRole("dialog").getByRole("button", { name: "Rotate" }).click();
  await expect(row).toContainText("v2");

  // In use: the button is disabled and says why; the API refuses all the same.
  const remove = row.getByRole("button", { name: `Delete ${name}` });
  await expect(remove).toBeDisabled();
  await expect(remove).toHaveAccessibleDescription("In use in 1 place: remove those references before deleting it");
  const stored = await db.secret.findUniqueOrThrow({ where: { name } });
  const refused = await page.request.delete(`/api/vault/secrets/${stored.id}`, { headers: { origin: new URL(page.url()).origin } });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.message).toBe(
    `{vault://portcullis/${name}} is still used by server github-${suffix} (upstream header X-Token). Remove those references first.`,
  );
  await page.screenshot({ path: test.info().outputPath("vault.png"), fullPage: true });

  // The value is nowhere a person or a log could read it.
  for (const text of [await page.content(), await (await page.request.get("/api/vault/secrets")).text(), await (await page.request.get("/api/vault/references")).text()]) {
    expect(text).not.toContain(value);
    expect(text).not.toContain(rotated);
  }
  const activity = JSON.stringify(await db.activityLog.findMany({ where: { entityName: name } }));
  expect(activity).toContain("secret.rotate");
  expect(activity).not.toContain(value);
  expect(activity).not.toContain(rotated);
  expect(fs.readFileSync(PRODUCT_LOG, "utf8")).not.toContain(suffix + "_");

  await db.mcpServer.delete({ where: { id: server.id } });
  await page.reload();
  await row.getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete secret" }).click();
  await expect(row).toHaveCount(0);
});

test("HashiCorp Vault settings take credentials only as vault references", async ({ page, admin, db }) => {
  await db.vaultBackend.deleteMany({ where: { kind: "hcv" } });
  await signIn(page, admin);
  await page.goto("/vault");
  await expect(page.getByText("Not configured.")).toBeVisible();
  await page.getByRole("button", { name: "Configure" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Address").fill("https://vault.example.com:8200");
  await dialog.getByLabel("Token reference").fill("hvs.literal-token");
  await dialog.getByRole("button", { name: "Save settings" }).click();
  await expect(dialog.getByText("write a reference such as {vault://env/VAULT_TOKEN}, not the credential itself")).toBeVisible();

  await dialog.getByLabel("Authentication").selectOption("approle");
  await dialog.getByLabel("Role id reference").fill("{vault://env/VAULT_ROLE_ID}");
  await dialog.getByLabel("Secret id reference").fill("{vault://file/run/secrets/vault-secret-id}");
  await dialog.getByRole("button", { name: "Save settings" }).click();
  const settings = page.getByRole("definition");
  await expect(page.getByLabel("Current HashiCorp Vault settings")).toContainText("AppRole");
  await expect(settings.filter({ hasText: "{vault://env/VAULT_ROLE_ID}" })).toBeVisible();
  // The credentials appear as references in use, used by the backend.
  await expect(page.getByRole("table", { name: "References in use" }).getByRole("row", { name: /env\/VAULT_ROLE_ID/ })).toContainText("HashiCorp Vault");

  const stored = await db.vaultBackend.findUniqueOrThrow({ where: { kind: "hcv" } });
  expect(stored.settings).toEqual({
    address: "https://vault.example.com:8200",
    mount: "secret",
    approle: { role_id: "{vault://env/VAULT_ROLE_ID}", secret_id: "{vault://file/run/secrets/vault-secret-id}", mount: "approle" },
    cache_ttl_seconds: 60,
  });

  await page.getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("Not configured.")).toBeVisible();
});
