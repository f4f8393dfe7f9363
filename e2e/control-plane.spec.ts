import fs from "node:fs";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { expect, signIn, test } from "./support/fixtures";

test("an admin adds a data plane: the token is shown once, stored hashed, and can be revoked", async ({ page, admin, db }) => {
  const name = `gw-${Date.now().toString(36)}`;
  await signIn(page, admin);
  await page.goto("/data-planes");
  await page.getByRole("button", { name: "Add data plane" }).first().click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("dp-token").textContent())!.trim();
  expect(token).toMatch(/^pcdp_[0-9A-Za-z]{32}$/);
  const stored = await db.dataPlane.findUniqueOrThrow({ where: { name } });
  expect(stored.tokenHash).not.toContain(token);
  await page.getByRole("button", { name: "Done" }).click();

  const row = page.getByTestId(`dp-${name}`);
  await expect(row).toContainText("never connected");
  await page.screenshot({ path: test.info().outputPath("data-planes.png"), fullPage: true });
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("button", { name: "Revoke token" }).click();
  await expect(row).toContainText("revoked");
});

test("the configuration page exports YAML and previews an import as a diff before anything changes", async ({ page, admin, db }) => {
  await signIn(page, admin);
  await page.goto("/config");
  await expect(page.getByRole("table", { name: "Config versions" })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export YAML" }).click();
  const yaml = fs.readFileSync(await (await download).path(), "utf8");
  expect(yaml).toContain("version: 1");

  const group = `imported-${Date.now().toString(36)}`;
  const document = parseYaml(yaml);
  document.consumer_groups = [...(document.consumer_groups ?? []), { name: group }];
  const edited = stringifyYaml(document);
  await page.getByLabel("Import YAML…").setInputFiles({ name: "portcullis.yaml", mimeType: "application/yaml", buffer: Buffer.from(edited) });
  await expect(page.getByLabel("Changes")).toContainText(`name: ${group}`);
  await page.screenshot({ path: test.info().outputPath("import-preview.png"), fullPage: true });
  await page.getByRole("button", { name: "Cancel" }).click();
  expect(await db.consumerGroup.count({ where: { name: group } })).toBe(0);

  await page.getByLabel("Import YAML…").setInputFiles({ name: "bad.yaml", mimeType: "application/yaml", buffer: Buffer.from("version: 1\nservers:\n  - name: x\n") });
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("servers[0].path");
});
