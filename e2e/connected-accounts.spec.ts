// Connected accounts: a developer connects their own account to a server that takes each user's
// credential (a pasted secret here; the OAuth flow is test/connections.test.ts), sees it, disconnects;
// an admin sees who is connected on the server's page and revokes; a failed connect is worded by
// the page itself (lib/console/connections/connect-failure.ts), never with a link's own text.
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { expect, signIn, test, type Account } from "./support/fixtures";

/** An admin makes a sign-in server whose users paste their own secret. */
async function perUserServer(page: Page, admin: Account): Promise<{ id: string; name: string }> {
  await signIn(page, admin);
  const name = `own-${randomBytes(3).toString("hex")}`;
  const created = await page.request.post("/api/servers", { data: { name, path: `/${name}`, upstream: "https://upstream.example.com/mcp", auth: { mode: "sign_in" } } });
  expect(created.status(), await created.text()).toBe(200);
  const { id } = ((await created.json()) as { server: { id: string } }).server;
  const account = await page.request.put(`/api/servers/${id}/upstream-account`, { data: { account: { kind: "static" } } });
  expect(account.status(), await account.text()).toBe(200);
  return { id, name };
}

async function developerWithConsumer(browser: Browser, createUser: (role: "developer") => Promise<Account>, db: import("../lib/db/client").Db) {
  const developer = await createUser("developer");
  const user = await db.user.findUniqueOrThrow({ where: { email: developer.email } });
  // The consumer a sign-in with Portcullis makes for them.
  await db.consumer.create({ data: { username: developer.email, ownerUserId: user.id } });
  const page = await (await browser.newContext()).newPage();
  await signIn(page, developer);
  return page;
}

async function connectWithSecret(page: Page, server: string) {
  await page.goto("/connections");
  const row = page.getByRole("row", { name: new RegExp(server) });
  await expect(row.getByText("not connected")).toBeVisible();
  await row.getByRole("link", { name: "Connect" }).click();
  await page.getByLabel("Your token or secret for the upstream").fill(`pat_${randomBytes(8).toString("hex")}`);
  await page.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("status")).toHaveText(`Connected your ${server} account.`);
  await expect(page.getByRole("row", { name: new RegExp(server) }).getByText("connected", { exact: true })).toBeVisible();
}

test("a developer connects their own account, sees it under Connected accounts, and disconnects", async ({ page, browser, admin, createUser, db }) => {
  const server = await perUserServer(page, admin);
  const dev = await developerWithConsumer(browser, createUser, db);
  await expect(dev.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connected accounts" })).toBeVisible();
  await connectWithSecret(dev, server.name);
  await dev.screenshot({ path: test.info().outputPath("connected-accounts.png"), fullPage: true });
  const row = dev.getByRole("row", { name: new RegExp(server.name) });
  await row.getByRole("button", { name: `Disconnect ${server.name}` }).click();
  await expect(row.getByText("not connected")).toBeVisible();
  expect(await db.upstreamConnection.count({ where: { serverId: server.id } })).toBe(0);
  // Developers cannot see or revoke other users' connections.
  expect((await dev.request.get(`/api/servers/${server.id}/connections`)).status()).toBe(403);
  expect((await page.request.delete(`/api/servers/${server.id}`)).status()).toBe(200);
});

test("an admin sees who connected on the server's page and revokes", async ({ page, browser, admin, createUser, db }) => {
  const server = await perUserServer(page, admin);
  const dev = await developerWithConsumer(browser, createUser, db);
  await connectWithSecret(dev, server.name);
  await page.goto(`/servers/${server.id}`);
  await expect(page.getByRole("heading", { name: "Connected users (1)" })).toBeVisible();
  const users = page.getByRole("table", { name: "Connected users" });
  await users.getByRole("button", { name: /^Revoke / }).click();
  await expect(page.getByText("Nobody has connected an account yet.")).toBeVisible();
  await dev.goto("/connections");
  await expect(dev.getByRole("row", { name: new RegExp(server.name) }).getByText("not connected")).toBeVisible();
  expect((await page.request.delete(`/api/servers/${server.id}`)).status()).toBe(200);
});

test("Connected accounts words a failed connect itself: the upstream's code in plain words, a crafted link's text never", async ({ browser, createUser, db }) => {
  const dev = await developerWithConsumer(browser, createUser, db);
  await dev.goto("/connections?error=upstream_refused&upstream_error=access_denied");
  await expect(dev.getByRole("main").getByRole("alert")).toHaveText("The upstream did not connect your account: access was declined at the upstream.");
  await dev.goto(`/connections?${new URLSearchParams({ error: "Your account is locked: call +1 555 0100", connected: "your bank" })}`);
  await expect(dev.getByRole("main").getByRole("alert")).toHaveText("Connecting did not finish; start it again.");
  await expect(dev.getByText(/555 0100|your bank/)).toHaveCount(0);
});
