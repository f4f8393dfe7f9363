import { expect, signIn, test } from "./support/fixtures";

test("the seeded admin signs in and sees the dashboard with every area", async ({ page, admin }) => {
  await signIn(page, admin);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const area of ["MCP servers", "Tool access", "Consumers", "Groups", "Vault", "Data planes", "Analytics", "Audit"]) {
    await expect(nav.getByRole("link", { name: area })).toBeVisible();
  }
  await expect(page.getByTestId("current-role")).toHaveText("admin");
  await page.screenshot({ path: test.info().outputPath("dashboard.png"), fullPage: true });
});

test("a wrong password gets a clear error and no session", async ({ page, admin }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong email or password.");
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a developer sees no admin areas, and the server refuses them too", async ({ page, createUser }) => {
  await signIn(page, await createUser("developer"));
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "My keys" })).toBeVisible();
  for (const area of ["MCP servers", "Tool access", "Vault", "Data planes", "Users"]) {
    await expect(nav.getByRole("link", { name: area })).toHaveCount(0);
  }
  const response = await page.goto("/servers");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
});

test("signed-out visitors are sent to sign-in", async ({ page }) => {
  await page.goto("/vault");
  await expect(page).toHaveURL(/\/signin/);
});
