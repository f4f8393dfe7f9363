import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";

/** Through the console's SSO button and the test IdP's login page, as a person would. */
async function signInWithIdp(page: Page, account: { email: string; name?: string; groups?: string }) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page.getByRole("heading", { name: "Test IdP" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(account.email);
  await page.getByLabel("Name", { exact: true }).fill(account.name ?? "");
  await page.getByLabel("Groups").fill(account.groups ?? "");
  await page.getByRole("button", { name: "Continue" }).click();
}

const unique = (who: string) => `${who}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@idp.test`;

test("a first-time SSO user in a mapped group is provisioned with that group's role", async ({ page, db }) => {
  const email = unique("engineer");
  await signInWithIdp(page, { email, name: "Eve Engineer", groups: "everyone, engineering" });
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("current-role")).toHaveText("developer");

  const user = await db.user.findUniqueOrThrow({ where: { email } });
  expect(user).toMatchObject({ name: "Eve Engineer", role: "developer", passwordHash: null });
  expect(user.lastSignInAt).not.toBeNull();
  const log = await db.activityLog.findFirstOrThrow({ where: { entityId: user.id, action: "user.create" } });
  expect(log.after).toMatchObject({ role: "developer", signIn: "sso", groups: ["everyone", "engineering"] });
});

test("the most privileged mapped group wins, and an existing user keeps the role set in the console", async ({ page, db, browser, baseURL }) => {
  const email = unique("lead");
  await signInWithIdp(page, { email, groups: "engineering,platform-admins" });
  await expect(page.getByTestId("current-role")).toHaveText("admin");

  const invited = unique("invited");
  await db.user.create({ data: { email: invited, role: "viewer" } });
  const context = await browser.newContext({ baseURL });
  const other = await context.newPage();
  await signInWithIdp(other, { email: invited.toUpperCase(), groups: "platform-admins" });
  await expect(other.getByTestId("current-role")).toHaveText("viewer");
  await context.close();
});

test("SSO refuses users whose groups map to no role, and disabled users, with a clear message", async ({ page, db, browser, baseURL }) => {
  const email = unique("outsider");
  await signInWithIdp(page, { email, groups: "marketing" });
  await expect(page).toHaveURL(/\/signin\?error=SsoNoRole/);
  await expect(page.locator("form").getByRole("alert")).toHaveText("Your single sign-on account is in no group that has a Portcullis role. Ask an admin to add you.");
  expect(await db.user.count({ where: { email } })).toBe(0);
  await page.screenshot({ path: test.info().outputPath("sso-refused.png"), fullPage: true });

  // A fresh browser: the IdP would otherwise remember the first account's session.
  const disabled = unique("disabled");
  await db.user.create({ data: { email: disabled, role: "developer", disabledAt: new Date() } });
  const context = await browser.newContext({ baseURL });
  const other = await context.newPage();
  await signInWithIdp(other, { email: disabled, groups: "engineering" });
  await expect(other.locator("form").getByRole("alert")).toHaveText("Your Portcullis account is disabled. Ask an admin to enable it.");
  await other.goto("/");
  await expect(other).toHaveURL(/\/signin/);
  await context.close();
});
