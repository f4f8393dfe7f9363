import { generateApiKey, hashApiKey } from "../lib/core/keys/api-key";
import { expect, signIn, test } from "./support/fixtures";

test("an admin creates a consumer in a group, issues a key shown exactly once, revokes it; every change is logged", async ({ page, admin, db, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const suffix = Date.now().toString(36);
  const username = `release-bot-${suffix}`;
  const group = await db.consumerGroup.create({ data: { name: `platform-${suffix}`, description: "Platform team" } });
  await signIn(page, admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Consumers" }).click();
  await expect(page.getByRole("heading", { name: "Consumers" })).toBeVisible();

  await page.getByRole("button", { name: "New consumer" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Username").fill("not valid!");
  await dialog.getByLabel("Owner (optional)").fill("not-an-email");
  await dialog.getByRole("button", { name: "Create consumer" }).click();
  await expect(dialog.getByText("use letters, digits")).toBeVisible();
  await expect(dialog.getByText("enter the email of a console user")).toBeVisible();

  await dialog.getByLabel("Username").fill(username);
  await dialog.getByLabel("Custom id (optional)").fill(`00u-${suffix}`);
  await dialog.getByLabel("Owner (optional)").fill(admin.email);
  await dialog.getByLabel(group.name).check();
  await dialog.getByRole("button", { name: "Create consumer" }).click();

  // The new consumer's page: details, and no keys yet.
  await expect(page.getByRole("heading", { name: username })).toBeVisible();
  await expect(page.getByText("Platform team")).toHaveCount(0);
  await expect(page.getByText(group.name)).toBeVisible();
  await expect(page.getByText("No API keys yet")).toBeVisible();
  // Its traffic and its effective access are one click away.
  const links = page.getByTestId("consumer-links");
  await expect(links.getByRole("link", { name: "Traffic dashboard" })).toHaveAttribute("href", `/analytics/consumers/${encodeURIComponent(username)}`);
  await expect(links.getByRole("link", { name: "Effective access" })).toHaveAttribute("href", `/access/simulate?caller=consumer&consumer=${encodeURIComponent(username)}`);

  await page.getByRole("button", { name: "Issue key" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Issue key" }).click();
  await expect(page.getByRole("dialog").getByText("give the key a name")).toBeVisible();
  await page.getByRole("dialog").getByLabel("Name").fill("ci-runner");
  await page.getByRole("dialog").getByLabel("Expires").selectOption("30");
  await page.getByRole("dialog").getByRole("button", { name: "Issue key" }).click();

  const shown = page.getByRole("dialog", { name: "Copy the new key now" });
  await expect(shown.getByText("This is the only time the key is shown.")).toBeVisible();
  const secret = await shown.getByLabel("API key “ci-runner”").inputValue();
  expect(secret).toMatch(/^pcs_[0-9A-Za-z]{22}_[0-9A-Za-z]{6}$/);
  await shown.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(shown.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await page.screenshot({ path: test.info().outputPath("key-created-once.png"), fullPage: true });
  await shown.getByRole("button", { name: "I have stored the key" }).click();

  const row = page.getByRole("row", { name: /ci-runner/ });
  await expect(row).toContainText(secret.slice(0, 8));
  await expect(row).toContainText("active");
  const stored = await db.apiKey.findFirstOrThrow({ where: { consumer: { username } } });
  expect(stored.hash).toBe(hashApiKey(secret));
  expect(stored.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

  // Never shown again: not after a reload, not in any API response.
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  const listed = await page.request.get(`/api/consumers/${stored.consumerId}/keys`);
  expect(await listed.text()).not.toContain(secret.slice(8));
  await page.screenshot({ path: test.info().outputPath("consumer-detail.png"), fullPage: true });

  await row.getByRole("button", { name: "Revoke ci-runner" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("revoked");
  await expect(row.getByRole("button", { name: "Revoke ci-runner" })).toHaveCount(0);

  // The list finds it by custom id.
  await page.goto("/consumers");
  await page.getByRole("searchbox", { name: "Search consumers" }).fill(`00u-${suffix}`);
  await expect(page.getByRole("row", { name: new RegExp(username) })).toBeVisible();
  await expect(page.getByTestId("consumer-total")).toHaveText("1 match");
  await page.screenshot({ path: test.info().outputPath("consumers-list.png"), fullPage: true });
  const search = page.getByRole("searchbox", { name: "Search consumers" });
  await search.fill(`no-such-consumer-${suffix}`);
  await expect(page.getByRole("heading", { name: "No consumers match" })).toBeVisible();
  await page.getByRole("button", { name: "Clear search and filter" }).click();
  await expect(search).toHaveValue("");
  await expect(page).toHaveURL(/\/consumers$/);
  await expect(page.getByRole("table", { name: "Consumers" })).toBeVisible();

  const log = await db.activityLog.findMany({ where: { OR: [{ entityName: username }, { entityName: `${username} / ci-runner` }] }, orderBy: { time: "asc" } });
  expect(log.map((entry) => entry.action)).toEqual(["consumer.create", "api_key.create", "api_key.revoke"]);
  expect(log[0]!.after).toMatchObject({ username, owner: admin.email, groups: [group.name] });
  expect(JSON.stringify(log)).not.toContain(secret.slice(8));
  expect(JSON.stringify(log)).not.toContain(stored.hash.slice(7));
});

test("an admin edits a consumer's groups and deletes it after confirming", async ({ page, admin, db }) => {
  const suffix = Date.now().toString(36);
  const [a, b] = await Promise.all([db.consumerGroup.create({ data: { name: `grp-a-${suffix}` } }), db.consumerGroup.create({ data: { name: `grp-b-${suffix}` } })]);
  const consumer = await db.consumer.create({ data: { username: `editable-${suffix}`, groups: { create: [{ groupId: a.id }] } } });
  // A well-formed hash: the configuration compiled while this test runs must stay valid for the other tests.
  await db.apiKey.create({ data: { consumerId: consumer.id, name: "old", prefix: "pcs_Edit", hash: hashApiKey(generateApiKey()) } });
  await signIn(page, admin);
  await page.goto(`/consumers/${consumer.id}`);

  await page.getByRole("button", { name: "Edit", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(a.name).uncheck();
  await dialog.getByLabel(b.name).check();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(b.name)).toBeVisible();
  await expect(page.getByText(a.name)).toHaveCount(0);

  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("dialog")).toContainText("Its 1 API key is deleted with it");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  expect(await db.consumer.count({ where: { id: consumer.id } })).toBe(1);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete consumer" }).click();
  await expect(page).toHaveURL(/\/consumers$/);
  expect(await db.consumer.count({ where: { id: consumer.id } })).toBe(0);
  expect(await db.apiKey.count({ where: { consumerId: consumer.id } })).toBe(0);

  await page.goto(`/consumers/${consumer.id}`);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("an admin disables a consumer, which the list and its page then say, and enables it again", async ({ page, admin, db }) => {
  const consumer = await db.consumer.create({ data: { username: `pausable-${Date.now().toString(36)}` } });
  await signIn(page, admin);
  await page.goto(`/consumers/${consumer.id}`);

  await page.getByRole("button", { name: "Disable", exact: true }).click();
  await expect(page.getByRole("dialog")).toContainText("Every gateway refuses its keys");
  await page.getByRole("dialog").getByRole("button", { name: "Disable consumer" }).click();
  await expect(page.getByTestId("consumer-status")).toHaveText("disabled: keys and sign-ins refused");
  expect((await db.consumer.findUniqueOrThrow({ where: { id: consumer.id } })).disabledAt).not.toBeNull();
  await page.goto(`/consumers?q=${consumer.username}`);
  await expect(page.getByRole("row", { name: new RegExp(consumer.username) })).toContainText("disabled: keys and sign-ins refused");

  await page.goto(`/consumers/${consumer.id}`);
  await page.getByRole("button", { name: "Enable", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Enable consumer" }).click();
  await expect(page.getByTestId("consumer-status")).toHaveText("");
  expect((await db.consumer.findUniqueOrThrow({ where: { id: consumer.id } })).disabledAt).toBeNull();
});
