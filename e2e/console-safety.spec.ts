// Saves the gateways would refuse are refused on the form, nothing of them
// saved; a new server starts closed (or with another server's access) and My
// access says so; a configuration refused by a gateway anyway is on every page.
import { randomBytes } from "node:crypto";
import { publishConfigVersion } from "../lib/controlplane/versions";
import { expect, signIn, test } from "./support/fixtures";

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

test("the server form refuses what the gateways would refuse, on the field, and saves nothing", async ({ page, admin, db }) => {
  const name = unique("refused");
  await signIn(page, admin);
  await page.goto("/servers/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Route path").fill(`/${name}`);
  await page.getByLabel("Upstream URL").fill("https://api.githubcopilot.com/mcp/");

  // A passthrough route forwards the caller's own token in Authorization: no stored credential may replace it.
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header 1 name").fill("Authorization");
  for (const value of ["Bearer {vault://hcv/github/token}", "Bearer {vault://env/GITHUB_TOKEN}"]) {
    await page.getByLabel("Header 1 value").fill(value);
    await page.getByRole("button", { name: "Create server" }).click();
    await expect(page.getByText("Authorization carries a credential the caller brings on a passthrough route")).toBeVisible();
    await expect(page.getByLabel("Header 1 value")).toHaveAttribute("aria-invalid", "true");
  }
  await page.screenshot({ path: test.info().outputPath("refused-authorization-header.png"), fullPage: true });
  await page.getByRole("button", { name: "Remove header 1" }).click();

  // The gateway's own rule, on the token-swap settings: a route must have a way to validate tokens.
  await page.getByText("Token swap", { exact: true }).click();
  await page.getByLabel("Issuer").fill("https://idp.example.com");
  await page.getByLabel("Introspection (RFC 7662) — for opaque tokens").uncheck();
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByText("token_swap needs `introspection` or `jwks` to validate tokens")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("refused-token-validation.png"), fullPage: true });
  expect(await db.mcpServer.count({ where: { name } })).toBe(0);

  await page.getByLabel("JWKS — verify JWT access tokens by signature").check();
  await page.getByLabel("JWKS URI").fill("https://idp.example.com/jwks");
  await page.getByLabel("Audience (optional)").fill(`https://gateway.example.com/${name}`);
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  expect(await db.mcpServer.count({ where: { name } })).toBe(1);
});

test("a new server denies everyone until opened, or copies another server's access, and My access states each default", async ({ page, browser, admin, db, createUser }) => {
  const suffix = unique("closed");
  const group = await db.consumerGroup.create({ data: { name: `${suffix}-devs` } });
  const source = await db.mcpServer.create({
    data: { name: `${suffix}-source`, path: `/${suffix}-source`, upstreamUrl: "https://example.com/mcp", authMode: "passthrough", authSettings: { key_header: "apikey" } },
  });
  await db.aclGroupRule.create({ data: { serverId: source.id, toolName: "*", groupId: group.id, effect: "allow" } });
  await db.aclOthersRule.create({ data: { serverId: source.id, toolName: "*", effect: "deny" } });
  const developer = await createUser("developer");
  const owner = await db.user.findUniqueOrThrow({ where: { email: developer.email } });
  await db.consumer.create({ data: { username: `${suffix}-agent`, ownerUserId: owner.id, groups: { create: [{ groupId: group.id }] } } });
  await publishConfigVersion(db, { reason: `e2e ${suffix}` });

  await signIn(page, admin);
  const create = async (name: string, copyFrom?: string) => {
    await page.goto("/servers/new");
    await expect(page.getByTestId("closed-by-default")).toHaveText(/A new server denies every tool to every group and to everyone else/);
    await expect(page.getByLabel("Starting access")).toHaveValue("");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Route path").fill(`/${name}`);
    await page.getByLabel("Upstream URL").fill("https://example.com/mcp");
    if (copyFrom) await page.getByLabel("Starting access").selectOption({ label: `Copy access from ${copyFrom}` });
    await page.screenshot({ path: test.info().outputPath(`create-${copyFrom ? "copy" : "closed"}.png`), fullPage: true });
    await page.getByRole("button", { name: "Create server" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    return db.mcpServer.findUniqueOrThrow({ where: { name }, include: { groupRules: true, othersRules: true } });
  };
  const closed = await create(`${suffix}-new`);
  expect(closed.othersRules.map((r) => [r.toolName, r.effect])).toEqual([["*", "deny"]]);
  expect(closed.groupRules).toEqual([]);
  const copy = await create(`${suffix}-copy`, source.name);
  expect(copy.groupRules.map((r) => [r.toolName, r.groupId, r.effect])).toEqual([["*", group.id, "allow"]]);
  expect(copy.othersRules.map((r) => [r.toolName, r.effect])).toEqual([["*", "deny"]]);

  // In the matrix, the group inherits the closed default.
  await page.goto(`/access/${closed.id}`);
  await expect(page.getByRole("grid")).toHaveAttribute("aria-busy", "false");
  await expect(page.getByRole("button", { name: `Default (tools without a rule of their own), ${group.name}: deny (inherited)` })).toBeVisible();
  await expect(page.getByRole("button", { name: "Default (tools without a rule of their own), Everyone else: deny", exact: true })).toBeVisible();

  const context = await browser.newContext();
  const mine = await context.newPage();
  await signIn(mine, developer);
  await mine.goto("/my-access");
  // Closed servers are hidden until the developer asks to see them.
  await expect(mine.getByTestId(`default-rule-${closed.name}`)).toHaveCount(0);
  await mine.getByLabel("Show only what I can call").uncheck();
  await expect(mine.getByTestId(`default-rule-${closed.name}`)).toHaveText("Default for tools without a rule of their own: closed to everyone.");
  // Other tests' groups, all closed by the default, are named after "deny wins for" when there are any.
  const openOnlyToGroup = new RegExp(`^Default for tools without a rule of their own: open only to ${group.name}( \\(deny wins for .*\\))?\\.$`);
  await expect(mine.getByTestId(`default-rule-${copy.name}`)).toHaveText(openOnlyToGroup);
  await expect(mine.getByTestId(`default-rule-${source.name}`)).toHaveText(openOnlyToGroup);
  await mine.screenshot({ path: test.info().outputPath("my-access-defaults.png"), fullPage: true });
  await context.close();
});

test("a configuration a gateway refused is named on every page, with the version the gateways still run, and first on the dashboard", async ({
  page,
  browser,
  admin,
  db,
  createUser,
}) => {
  const name = unique("edge");
  const latest = await db.configVersion.findFirstOrThrow({ orderBy: { number: "desc" } });
  const cause = `refused version ${latest.number + 1}: servers[0].auth.audience: set an audience`;
  const plane = await db.dataPlane.create({
    data: {
      name,
      tokenHash: `sha256:${randomBytes(32).toString("hex")}`,
      tokenPrefix: "pcdp_e2e",
      status: "failed",
      statusReason: cause,
      appliedVersion: latest.number,
      lastSeenAt: new Date(),
    },
  });
  try {
    await signIn(page, admin);
    const banner = page.getByTestId("config-health-banner");
    for (const path of ["/", "/servers", "/consumers", "/activity"]) {
      await page.goto(path);
      await expect(banner.filter({ hasText: name })).toContainText(`Gateway ${name} refused the published configuration — ${cause}. It still runs version ${latest.number}`);
    }
    await page.goto("/");
    const attention = page.getByTestId("dashboard-attention");
    await expect(attention).toContainText(`${name}: ${cause}`);
    const [attentionBox, statsBox] = await Promise.all([attention.boundingBox(), page.getByTestId("tile-Data planes").boundingBox()]);
    expect(attentionBox!.y).toBeLessThan(statsBox!.y);
    await page.screenshot({ path: test.info().outputPath("refused-banner-dashboard.png"), fullPage: true });
    await banner.getByRole("link", { name: "See the data planes" }).click();
    await expect(page.getByTestId(`dp-${name}`)).toContainText("failed");

    // Developers see it too: their keys and access may not be in effect.
    const context = await browser.newContext();
    const developer = await context.newPage();
    await signIn(developer, await createUser("developer"));
    await developer.goto("/keys");
    await expect(developer.getByTestId("config-health-banner").filter({ hasText: name })).toContainText(`It still runs version ${latest.number}`);
    await context.close();
  } finally {
    await db.dataPlane.delete({ where: { id: plane.id } });
  }
  await page.goto("/servers");
  await expect(page.getByRole("heading", { name: "MCP servers" })).toBeVisible();
  await expect(page.getByTestId("config-health-banner").filter({ hasText: name })).toHaveCount(0);
});
