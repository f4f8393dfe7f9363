import type { Browser } from "@playwright/test";
import { expect, signIn, test } from "./support/fixtures";

async function newSession(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL });
  return { context, page: await context.newPage() };
}

test("an admin creates a user with a password shown once; role changes and disabling take effect at the user's next request", async ({ page, admin, db, browser, baseURL }) => {
  const email = `new-dev-${Date.now().toString(36)}@e2e.test`;
  await signIn(page, admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByText("On, with Test IdP")).toBeVisible();

  await page.getByRole("button", { name: "New user" }).click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill("not-an-email");
  await dialog.getByLabel("Set a password now").check();
  await dialog.getByLabel("New password").fill("short");
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog.getByText("enter an email address")).toBeVisible();
  await expect(dialog.getByText("at least 12 characters")).toBeVisible();
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Name (optional)").fill("New Developer");
  await dialog.getByLabel("Role").selectOption("developer");
  await dialog.getByLabel("Generate a password (shown once)").check();
  await dialog.getByRole("button", { name: "Create user" }).click();

  dialog = page.getByRole("dialog", { name: "Share the initial password" });
  const password = await dialog.getByLabel(`Password for ${email}`).inputValue();
  expect(password).toHaveLength(20);
  await page.screenshot({ path: test.info().outputPath("user-password-once.png"), fullPage: true });
  await dialog.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("row", { name: new RegExp(email) });
  await expect(row).toContainText("developer");
  await expect(row).toContainText("password");
  await page.screenshot({ path: test.info().outputPath("users.png"), fullPage: true });

  const user = await newSession(browser, baseURL);
  await signIn(user.page, { email, password });
  await expect(user.page.getByTestId("current-role")).toHaveText("developer");

  await row.getByRole("button", { name: `Edit ${email}` }).click();
  await page.getByRole("dialog").getByLabel("Role").selectOption("viewer");
  await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText("viewer");
  await user.page.reload();
  await expect(user.page.getByTestId("current-role")).toHaveText("viewer");

  await row.getByRole("button", { name: `Disable ${email}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disable user" }).click();
  await expect(row).toContainText("disabled");
  await user.page.reload();
  await expect(user.page).toHaveURL(/\/signin/);
  await user.context.close();

  await row.getByRole("button", { name: `Enable ${email}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Enable user" }).click();
  await expect(row).toContainText("active");
  await row.getByRole("button", { name: `Delete ${email}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete user" }).click();
  await expect(row).toHaveCount(0);

  const log = await db.activityLog.findMany({ where: { entityName: email }, orderBy: { time: "asc" } });
  expect(log.map((entry) => entry.action)).toEqual(["user.create", "user.update", "user.update", "user.update", "user.delete"]);
  expect(log[1]).toMatchObject({ before: { role: "developer" }, after: { role: "viewer" } });
  expect(JSON.stringify(log)).not.toContain(password);
});

test("an admin cannot demote or disable themselves, nor remove the last active admin", async ({ page, createUser, db }) => {
  const account = await createUser("admin");
  await signIn(page, account);
  const me = await db.user.findUniqueOrThrow({ where: { email: account.email } });
  await page.goto("/users");
  const row = page.getByRole("row", { name: new RegExp(account.email) });
  await expect(row).toContainText("(you)");
  await expect(row.getByRole("button", { name: `Disable ${account.email}` })).toHaveCount(0);
  await row.getByRole("button", { name: `Edit ${account.email}` }).click();
  await expect(page.getByRole("dialog").getByLabel("Role")).toBeDisabled();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  // The server says no too, whatever the browser sends.
  const demote = await page.request.patch(`/api/users/${me.id}`, { data: { role: "viewer" } });
  expect(demote.status()).toBe(409);
  expect((await demote.json()).error.message).toBe("You cannot change your own admin role. Ask another admin to do it.");
  const remove = await page.request.delete(`/api/users/${me.id}`);
  expect(remove.status()).toBe(409);
});
