// The smaller things from the walk through the console (issue 22 items 7 and
// 9): My access folded by server with a search and "only what I can call",
// group members, field errors that clear and name duplicates, consumer links,
// and one configuration version number from the matrix to the versions list.
import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./support/fixtures";
import { seedConsumer, seedServer, unique } from "./support/seed";

async function publish(page: Page) {
  const response = await page.request.post("/api/groups", { data: { name: unique("publish"), description: "" }, headers: { origin: new URL(page.url()).origin } });
  expect(response.status()).toBe(200);
}

test("My access: servers folded, only what the developer can call at first, a search, and the connect snippet first", async ({ browser, page, admin, db, createUser }) => {
  const developer = await createUser("developer");
  const group = await db.consumerGroup.create({ data: { name: unique("mine") } });
  const open = await seedServer(db, ["create_issue", "push_files"], "open");
  const closed = await seedServer(db, ["get_me"], "closed");
  await db.aclGroupRule.create({ data: { serverId: open.id, toolName: "create_issue", groupId: group.id, effect: "allow" } });
  await db.aclOthersRule.createMany({
    data: [
      { serverId: open.id, toolName: "*", effect: "deny" },
      { serverId: closed.id, toolName: "*", effect: "deny" },
    ],
  });
  const consumer = await seedConsumer(db, { ownerEmail: developer.email, groupIds: [group.id], expiresInDays: 30 });
  await signIn(page, admin);
  await publish(page);

  const context = await browser.newContext();
  const mine = await context.newPage();
  await signIn(mine, developer);
  await mine.goto(`/my-access?consumer=${consumer.username}`);
  const only = mine.getByLabel("Show only what I can call");
  await expect(only).toBeChecked();
  const openPanel = mine.getByTestId(`my-access-${open.name}`);
  await expect(openPanel).toContainText("1 of 2 tools open to you");
  await expect(openPanel).not.toHaveAttribute("open");
  await expect(mine.getByTestId(`my-access-${closed.name}`)).toHaveCount(0);

  await openPanel.locator("summary").click();
  const section = mine.getByRole("region", { name: open.name, exact: true });
  // The snippet comes first: it is what a developer came for.
  await expect(section.locator(":scope > *").first()).toContainText("Connect an MCP client");
  const tools = section.getByRole("table", { name: `Tools of ${open.name} for ${consumer.username}` });
  await expect(tools.getByRole("row", { name: /create_issue/ })).toContainText("may call");
  await expect(tools.getByRole("row", { name: /push_files/ })).toHaveCount(0);

  await only.uncheck();
  await expect(tools.getByRole("row", { name: /push_files/ })).toContainText("may not call");
  await expect(mine.getByTestId(`my-access-${closed.name}`)).toContainText("no tool open to you");

  // A search opens what it finds and narrows the tools.
  await mine.getByRole("searchbox", { name: "Search servers and tools" }).fill("push_fi");
  await expect(mine.getByTestId(`my-access-${closed.name}`)).toHaveCount(0);
  await expect(tools.getByRole("row")).toHaveCount(2);
  await expect(tools.getByRole("row", { name: /push_files/ })).toBeVisible();
  await mine.getByRole("searchbox", { name: "Search servers and tools" }).fill(closed.name);
  await expect(mine.getByTestId(`my-access-${closed.name}`)).toHaveAttribute("open");
  await expect(mine.getByTestId(`my-access-${open.name}`)).toHaveCount(0);
  await context.close();
});

test("a group page lists its members, and a consumer page links to its dashboard and effective access", async ({ page, admin, db }) => {
  const group = await db.consumerGroup.create({ data: { name: unique("members") } });
  const members = [];
  for (let i = 0; i < 10; i++) members.push(await seedConsumer(db, { groupIds: [group.id] }));
  const first = [...members].sort((a, b) => a.username.localeCompare(b.username))[0]!;
  await signIn(page, admin);
  await page.goto("/groups");
  const listed = page.getByTestId(`members-${group.name}`);
  await expect(listed.getByRole("link")).toHaveCount(9);
  await expect(listed.getByRole("link", { name: "and 2 more" })).toHaveAttribute("href", `/consumers?group=${group.id}`);
  await expect(listed).toContainText("10 members");
  await listed.getByRole("link", { name: first.username }).click();
  await expect(page.getByRole("heading", { name: first.username })).toBeVisible();

  const links = page.getByTestId("consumer-links");
  await links.getByRole("link", { name: "Traffic dashboard" }).click();
  await expect(page.getByRole("heading", { name: `Consumer ${first.username}` })).toBeVisible();
  await page.goBack();
  await links.getByRole("link", { name: "Effective access" }).click();
  await expect(page).toHaveURL(new RegExp(`/access/simulate\\?caller=consumer&consumer=${first.username}`));
});

test("field errors clear when the field changes, and a duplicate name is refused on the field", async ({ page, admin, db }) => {
  const taken = await db.consumerGroup.create({ data: { name: unique("taken") } });
  await signIn(page, admin);
  await page.goto("/groups");
  await page.getByRole("button", { name: "New group" }).click();
  const dialog = page.getByRole("dialog");
  const name = dialog.getByLabel("Name");
  await dialog.getByRole("button", { name: "Create group" }).click();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await name.fill("x");
  await expect(name).not.toHaveAttribute("aria-invalid");

  await name.fill(taken.name);
  await dialog.getByRole("button", { name: "Create group" }).click();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription(/This name is already taken\./);
  await name.press("End");
  await name.press("Backspace");
  await expect(name).not.toHaveAttribute("aria-invalid");
  await expect(dialog).not.toContainText("This name is already taken.");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // The same for a consumer's username.
  const existing = await seedConsumer(db);
  await page.goto("/consumers");
  await page.getByRole("button", { name: "New consumer" }).click();
  await page.getByRole("dialog").getByLabel("Username").fill(existing.username);
  await page.getByRole("dialog").getByRole("button", { name: "Create consumer" }).click();
  await expect(page.getByRole("dialog").getByLabel("Username")).toHaveAccessibleDescription("another consumer has this username");
  expect(await db.consumer.count({ where: { username: existing.username } })).toBe(1);
});

test("one version number: the matrix names the configuration version it publishes, and the versions list shows it", async ({ page, admin, db }) => {
  await db.consumerGroup.create({ data: { name: unique("version") } });
  const server = await seedServer(db, ["create_issue"], "version");
  await signIn(page, admin);
  const before = (await db.configVersion.findFirstOrThrow({ orderBy: { number: "desc" } })).number;
  await page.goto(`/access/${server.id}`);
  await expect(page.getByRole("grid")).toHaveAttribute("aria-busy", "false");
  // Other specs publish too: the page names the newest version there was when it loaded.
  const shown = (await page.getByTestId("matrix-config-version").textContent())!.match(/^Gateways run configuration version (\d+); saving publishes (\d+)$/)!;
  const latest = Number(shown[1]);
  expect(latest).toBeGreaterThanOrEqual(before);
  expect(Number(shown[2])).toBe(latest + 1);

  await page.locator('button[data-tool="create_issue"][data-column="*others"]').click();
  await page.getByRole("button", { name: "Review and save" }).click();
  await expect(page.getByRole("dialog")).toContainText(`Publishes configuration version ${latest + 1}`);
  await page.getByRole("button", { name: "Save 1 edit" }).click();
  const status = page.getByRole("status");
  await expect(status).toContainText(/Saved 1 edit as configuration version \d+\./);
  const published = Number((await status.textContent())!.match(/configuration version (\d+)/)![1]);
  expect(published).toBeGreaterThan(latest);
  expect((await db.configVersion.findFirstOrThrow({ where: { number: published } })).reason).toContain(`/api/servers/${server.id}/acl`);
  await expect(page.getByTestId("matrix-config-version")).toHaveText(new RegExp(`^Gateways run configuration version ${published}; saving publishes ${published + 1}$`));

  await page.goto("/config");
  await expect(
    page
      .getByRole("table", { name: "Config versions" })
      .getByRole("row", { name: new RegExp(`\\b${published}\\b`) })
      .first(),
  ).toBeVisible();
});
