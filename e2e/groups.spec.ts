import { expect, signIn, test } from "./support/fixtures";

test("an admin creates, renames and deletes a consumer group, each change in the activity log", async ({ page, admin, db }) => {
  const name = `team-${Date.now().toString(36)}`;
  await signIn(page, admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Groups" }).click();

  await page.getByRole("button", { name: "New group" }).click();
  await page.getByLabel("Name").fill("bad name!");
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByText("use letters, digits")).toBeVisible();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create group" }).click();
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toBeVisible();

  await page.getByRole("button", { name: "New group" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toHaveText("This name is already taken.");
  await page.getByRole("button", { name: "Cancel" }).click();

  await row.getByRole("button", { name: `Edit ${name}` }).click();
  await page.getByLabel("Description").fill("Platform team");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText("Platform team");

  await row.getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("button", { name: "Delete group" }).click();
  await expect(row).toHaveCount(0);

  const actions = await db.activityLog.findMany({ where: { entityName: name }, orderBy: { time: "asc" }, select: { action: true, before: true, after: true } });
  expect(actions.map((a) => a.action)).toEqual(["group.create", "group.update", "group.delete"]);
  expect(actions[1]).toMatchObject({ before: { description: "" }, after: { description: "Platform team" } });
});

test("the groups API refuses the signed out, a developer, a cross-site write and a malformed body", async ({ page, request, createUser, admin, baseURL }) => {
  const signedOut = await request.get(`${baseURL}/api/groups`);
  expect(signedOut.status()).toBe(401);

  await signIn(page, await createUser("developer"));
  const asDeveloper = await page.request.post(`${baseURL}/api/groups`, { data: { name: "sneaky" } });
  expect(asDeveloper.status()).toBe(403);
  expect(await asDeveloper.json()).toEqual({ error: { code: "forbidden", message: "Your role may not do this." } });

  await page.context().clearCookies();
  await signIn(page, admin);
  const crossSite = await page.request.post(`${baseURL}/api/groups`, { data: { name: "csrf-group" }, headers: { origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(403);
  const malformed = await page.request.post(`${baseURL}/api/groups`, { data: Buffer.from("{not json"), headers: { "content-type": "application/json" } });
  expect(malformed.status()).toBe(400);
  expect((await malformed.json()).error.message).toBe("The request body is not valid JSON.");
  const invalid = await page.request.post(`${baseURL}/api/groups`, { data: { name: "" } });
  expect(invalid.status()).toBe(400);
  expect((await invalid.json()).error.fields.name).toBeTruthy();
});
