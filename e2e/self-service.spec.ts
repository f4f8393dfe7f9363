// Developer self-service against the running product: the console, its
// bundled gateway (configured by the console through the control plane) and
// a real MCP upstream started here. A developer creates a key, uses it with
// the MCP SDK client through the gateway, sees the call on their dashboard,
// rolls the key, and the old key stops working when the overlap ends.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Page } from "@playwright/test";
import { fakeMcpServer } from "../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "../gateway/test/support/recording-upstream";
import { publishConfigVersion } from "../lib/controlplane/versions";
import type { Db } from "../lib/db/client";
import { expect, signIn, test, type Account } from "./support/fixtures";

let upstream: RecordingUpstream;
test.beforeAll(async () => {
  upstream = await startRecordingUpstream(fakeMcpServer);
});
test.afterAll(async () => {
  await upstream?.close();
});

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

/** What an admin sets up: a group, a server in front of the upstream with its tools and rules, a developer and their consumer. */
async function arrange(db: Db, createUser: (role: "developer") => Promise<Account>) {
  const suffix = unique("ss");
  const group = await db.consumerGroup.create({ data: { name: `${suffix}-devs` } });
  const server = await db.mcpServer.create({
    data: { name: suffix, path: `/${suffix}`, upstreamUrl: upstream.url, authMode: "passthrough", authSettings: { key_header: "apikey" } },
  });
  await db.tool.createMany({
    data: ["search_repositories", "push_files", "create_issue", "get_me"].map((name) => ({ serverId: server.id, name, inputSchemaHash: `sha256:${name}` })),
  });
  // The group may call every tool (default row) except push_files; everyone else may call nothing.
  await db.aclGroupRule.createMany({
    data: [
      { serverId: server.id, toolName: "*", groupId: group.id, effect: "allow" },
      { serverId: server.id, toolName: "push_files", groupId: group.id, effect: "deny" },
    ],
  });
  await db.aclOthersRule.create({ data: { serverId: server.id, toolName: "*", effect: "deny" } });
  const account = await createUser("developer");
  const user = await db.user.findUniqueOrThrow({ where: { email: account.email } });
  const consumer = await db.consumer.create({ data: { username: `${suffix}-agent`, ownerUserId: user.id, groups: { create: [{ groupId: group.id }] } } });
  await publishConfigVersion(db, { reason: `e2e ${suffix}` });
  return { suffix, group, server, account, consumer };
}

async function mcpClient(url: string, keyHeader: string, key: string): Promise<Client> {
  const client = new Client({ name: "self-service-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { [keyHeader]: key, authorization: "Bearer upstream-token" } } }));
  return client;
}

/** A tools/call with this key, as a status and JSON-RPC answer (no SDK: a refused key must be seen as it is). */
async function callWith(url: string, key: string, tool = "search_repositories") {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", apikey: key, authorization: "Bearer upstream-token" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: {} } }),
  });
  return { status: response.status, body: (await response.json()) as { result?: unknown; error?: { data?: { reason?: string } } } };
}

async function createKeyInUi(page: Page, name: string): Promise<string> {
  await page.getByRole("button", { name: "Issue key" }).first().click();
  const dialog = page.getByRole("dialog", { name: /New API key/ });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Expires").selectOption("30");
  await dialog.getByRole("button", { name: "Issue key" }).click();
  const shown = page.getByRole("dialog", { name: "Copy the new key now" });
  await expect(shown.getByText("This is the only time the key is shown.")).toBeVisible();
  await shown.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(shown.getByRole("button", { name: "Copied" })).toBeVisible();
  return page.evaluate(() => navigator.clipboard.readText());
}

test("a developer creates a key, calls a tool with it through the gateway, sees the call, rolls the key, and the old key stops after the overlap", async ({
  page,
  context,
  db,
  createUser,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { server, account, consumer, group } = await arrange(db, createUser);
  const other = await db.consumer.create({ data: { username: unique("someone-else") } });

  await signIn(page, account);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My keys" }).click();
  await expect(page.getByRole("heading", { name: consumer.username })).toBeVisible();
  await expect(page.getByText("No API keys yet")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("my-keys-empty.png"), fullPage: true });

  const key = await createKeyInUi(page, "laptop");
  expect(key).toMatch(/^pcs_[0-9A-Za-z]{22}_[0-9A-Za-z]{6}$/);
  // The dialog ends with a snippet for the route this key opens, the key in its header.
  const connect = page.getByTestId("key-connect-snippet");
  // Other specs' servers may be open to developers too (they share the database): the route is one of the choices.
  await expect(connect).toContainText("Connect a client to");
  await expect(connect).toContainText(server.name);
  await expect(connect.locator("pre")).toContainText(`"apikey": "${key}"`);
  await page.screenshot({ path: test.info().outputPath("key-shown-once.png"), fullPage: true });
  await page.getByRole("button", { name: "I have stored the key" }).click();
  const row = page.getByTestId(`key-${key.slice(0, 8)}`);
  await expect(row).toContainText("laptop");
  await expect(row).toContainText("active");
  await expect(page.getByTestId("key-limit")).toContainText("1 of");
  expect(await page.content()).not.toContain(key);

  // My access: the gateway's decision per tool, and the snippet to connect.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My access" }).click();
  await page.getByLabel("Show only what I can call").uncheck();
  await page.getByTestId(`my-access-${server.name}`).locator("summary").click();
  const tools = page.getByRole("table", { name: `Tools of ${server.name} for ${consumer.username}` });
  await expect(tools.getByRole("row", { name: /search_repositories/ })).toContainText("may call");
  await expect(tools.getByRole("row", { name: /push_files/ })).toContainText(`may not call`);
  // The group is denied push_files and everyone else falls under the default's deny: the compiled rule denies everyone.
  await expect(tools.getByRole("row", { name: /push_files/ })).toContainText("Its own rule denies everyone.");
  await expect(tools.getByRole("row", { name: /get_me/ })).toContainText(`The default rule allows group ${group.name}.`);
  // Other tests' servers share this product: read the snippet in this server's own section.
  const section = page.getByRole("region", { name: server.name, exact: true });
  const snippet = JSON.parse((await section.getByRole("tabpanel", { name: "MCP JSON" }).locator("pre").textContent())!) as {
    mcpServers: Record<string, { url: string; headers: Record<string, string> }>;
  };
  const entry = Object.values(snippet.mcpServers)[0]!;
  expect(entry.url).toBe(`${process.env.E2E_GATEWAY_URL}${server.path}`);
  const keyHeader = Object.keys(entry.headers)[0]!;
  await page.screenshot({ path: test.info().outputPath("my-access.png"), fullPage: true });

  // The key through the running gateway with the MCP SDK client: once the gateway has its configuration (≤ 2 s).
  let client: Client | undefined;
  await expect(async () => {
    client = await mcpClient(entry.url, keyHeader, key);
  }).toPass({ timeout: 10_000 });
  try {
    // The gateway filters tools/list by the same decision: push_files is not offered.
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const result = await client!.listTools(cursor ? { cursor } : undefined);
      listed.push(...result.tools.map((t) => t.name));
      cursor = result.nextCursor;
    } while (cursor);
    expect(listed.sort()).toEqual(["create_issue", "get_me", "search_repositories"]);
    expect(await client!.callTool({ name: "search_repositories", arguments: {} })).toMatchObject({ content: [{ type: "text", text: "called search_repositories" }] });
  } finally {
    await client?.close();
  }

  // The call on the developer's own dashboard (the gateway ships audit events every second; the console rolls them up every second).
  await page.goto(`/analytics/consumers/${encodeURIComponent(consumer.username)}?range=1h`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("table", { name: "Tools used" })).toContainText("search_repositories", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole("table", { name: "Keys" })).toContainText("laptop");
  await page.screenshot({ path: test.info().outputPath("consumer-dashboard.png"), fullPage: true });

  // A typo in the key is refused by the gateway before any lookup.
  const typo = key.slice(0, 10) + (key[10] === "a" ? "b" : "a") + key.slice(11);
  expect(await callWith(entry.url, typo)).toMatchObject({ status: 403, body: { error: { data: { reason: "key_malformed" } } } });

  // Roll through the page's own API with a short overlap (the page offers 0, 1 h, 24 h and 7 d).
  const stored = await db.apiKey.findFirstOrThrow({ where: { consumerId: consumer.id, name: "laptop" } });
  const rolledResponse = await page.request.post(`/api/me/consumers/${consumer.id}/keys/${stored.id}/roll`, { data: { overlapSeconds: 6 } });
  expect(rolledResponse.status()).toBe(200);
  const rolled = (await rolledResponse.json()) as { secret: string; previous: { expiresAt: string } };
  const endOfOverlap = Date.parse(rolled.previous.expiresAt);
  // During the overlap both keys work: the old one at once, the new one as soon as the gateways have it.
  expect((await callWith(entry.url, key)).status).toBe(200);
  await expect.poll(async () => (await callWith(entry.url, rolled.secret)).status, { timeout: 10_000 }).toBe(200);
  // After it, the old key is refused — and not before.
  await expect.poll(async () => (await callWith(entry.url, key)).body.error?.data?.reason, { timeout: 15_000, intervals: [250] }).toBe("key_unknown");
  expect(Date.now()).toBeGreaterThanOrEqual(endOfOverlap);
  expect((await callWith(entry.url, rolled.secret)).status).toBe(200);

  // The roll dialog offers the presets and says how long the old key keeps working.
  await page.goto("/keys");
  const newRow = page.getByTestId(`key-${rolled.secret.slice(0, 8)}`);
  await expect(page.getByTestId(`key-${key.slice(0, 8)}`)).toContainText("expired");
  await newRow.getByRole("button", { name: /^Roll laptop/ }).click();
  const rollDialog = page.getByRole("dialog", { name: "Roll API key" });
  for (const label of ["None: the old key stops now", "1 hour", "24 hours", "7 days"]) await expect(rollDialog.getByLabel(label)).toBeVisible();
  await rollDialog.getByLabel("1 hour").check();
  await page.screenshot({ path: test.info().outputPath("roll-dialog.png"), fullPage: true });
  await rollDialog.getByRole("button", { name: "Roll key" }).click();
  const shown = page.getByRole("dialog", { name: "Copy the new key now" });
  await expect(shown).toContainText(`The old key ${rolled.secret.slice(0, 8)}… keeps working until`);
  await page.screenshot({ path: test.info().outputPath("key-rolled.png"), fullPage: true });
  await shown.getByRole("button", { name: "I have stored the key" }).click();
  const rows = page.getByRole("table", { name: `API keys of ${consumer.username}` }).locator("tbody tr");
  await expect(rows).toHaveCount(3);
  // Each rolled key sits under its successor, says which key replaced it, and cannot be rolled again.
  await expect(rows.nth(1)).toHaveAttribute("data-testid", `key-${rolled.secret.slice(0, 8)}`);
  await expect(rows.nth(2)).toHaveAttribute("data-testid", `key-${key.slice(0, 8)}`);
  await expect(newRow.getByTestId(`replaced-${rolled.secret.slice(0, 8)}`)).toHaveText(/^replaced by pcs_\w+… · overlap ends /);
  await expect(newRow.getByRole("button", { name: /^Roll laptop/ })).toHaveCount(0);
  await expect(newRow.getByRole("button", { name: /^Revoke laptop/ })).toBeVisible();
  await expect(page.getByTestId(`replaced-${key.slice(0, 8)}`)).toHaveText(`replaced by ${rolled.secret.slice(0, 8)}…`);
  await page.screenshot({ path: test.info().outputPath("keys-after-rolls.png"), fullPage: true });

  const log = await db.activityLog.findMany({ where: { actorEmail: account.email, entityType: "api_key" }, orderBy: { time: "asc" } });
  expect(log.map((entry) => entry.action)).toEqual(["api_key.create", "api_key.roll", "api_key.roll"]);

  // Another consumer's dashboard and keys are not reachable by URL.
  expect((await page.goto(`/analytics/consumers/${encodeURIComponent(other.username)}`))?.status()).toBe(403);
  expect((await page.goto(`/consumers/${other.id}`))?.status()).toBe(403);
  expect((await page.request.get(`/api/me/consumers/${other.id}/keys`)).status()).toBe(404);
  expect((await page.request.post(`/api/me/consumers/${other.id}/keys`, { data: { name: "sneaky" } })).status()).toBe(404);
  expect(await db.apiKey.count({ where: { consumerId: other.id } })).toBe(0);
});

test("admins allow consumers on first visit and cap key lifetimes; a new developer gets a consumer in the default group", async ({
  browser,
  page,
  admin,
  db,
  createUser,
  baseURL,
}) => {
  const group = await db.consumerGroup.create({ data: { name: unique("newcomers") } });
  await signIn(page, admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Create a consumer for a developer who has none").check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("pick the group new consumers join")).toBeVisible();
  await page.getByLabel("Group for new consumers").selectOption({ label: group.name });
  await page.getByLabel("Maximum key lifetime (days)").fill("90");
  await page.getByLabel("Active keys per consumer").fill("5");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("settings.png"), fullPage: true });

  const developerContext = await browser.newContext({ baseURL });
  try {
    const developerPage = await developerContext.newPage();
    const account = await createUser("developer");
    await signIn(developerPage, account);
    await developerPage.goto("/keys");
    await expect(developerPage.getByRole("heading", { name: account.email })).toBeVisible();
    await expect(developerPage.getByRole("heading", { name: account.email })).toContainText(group.name);
    const consumer = await db.consumer.findUniqueOrThrow({ where: { username: account.email }, include: { owner: true, groups: { include: { group: true } } } });
    expect(consumer.owner?.email).toBe(account.email);
    expect(consumer.groups.map((m) => m.group.name)).toEqual([group.name]);
    await expect(developerPage.getByTestId("key-limit")).toHaveText("0 of 5 active keys");

    await developerPage.getByRole("button", { name: "Issue key" }).first().click();
    const expiry = developerPage.getByRole("dialog").getByLabel("Expires");
    await expect(expiry.locator("option")).toHaveText(["In 7 days", "In 30 days", "In 90 days (the maximum)", "On a date…"]);
    await expect(developerPage.getByRole("dialog")).toContainText("Your admins let keys live 90 days at most.");
    await developerPage.screenshot({ path: test.info().outputPath("create-key-capped.png"), fullPage: true });
    // The API refuses what the form does not offer.
    const forever = await developerPage.request.post(`/api/me/consumers/${consumer.id}/keys`, { data: { name: "forever", expiresAt: null } });
    expect(forever.status()).toBe(400);
    expect((await forever.json()).error.fields.expiresAt).toMatch(/within 90 day\(s\) at most/);
  } finally {
    await developerContext.close();
    // Back to the defaults, for the other tests sharing this product.
    const reset = await page.request.put("/api/settings", { data: { autoCreateConsumer: false, defaultGroupId: null, maxKeyLifetimeDays: null, maxActiveKeysPerConsumer: 10 } });
    expect(reset.status()).toBe(200);
  }
  const log = await db.activityLog.findFirstOrThrow({ where: { action: "settings.update", actorEmail: admin.email, after: { path: ["defaultGroup"], equals: group.name } } });
  expect(log.after).toMatchObject({ autoCreateConsumer: true, maxKeyLifetimeDays: 90, maxActiveKeysPerConsumer: 5 });
});

test("the policy simulator shows an admin any consumer's, or a set of groups', effective tools with reasons", async ({ page, admin, db, createUser }) => {
  const { server, consumer, group } = await arrange(db, createUser);
  await signIn(page, admin);
  await page.goto("/access");
  await page.getByRole("link", { name: "Policy simulator" }).click();
  await page.getByLabel("Server").selectOption(server.name);
  await page.getByLabel("Consumer username").fill(consumer.username);
  await page.getByRole("button", { name: "Simulate consumer" }).click();
  const tools = page.getByRole("table", { name: `Tools of ${server.name} for ${consumer.username}` });
  await expect(tools.getByRole("row", { name: /push_files/ })).toContainText(`may not call`);
  await expect(tools.getByRole("row", { name: /get_me/ })).toContainText(`The default rule allows group ${group.name}.`);
  await page.screenshot({ path: test.info().outputPath("policy-simulator.png"), fullPage: true });

  // A caller in no group falls under "everyone else", which this server denies.
  await page.getByRole("button", { name: "Simulate groups" }).click();
  const nobody = page.getByRole("table", { name: `Tools of ${server.name} for a caller in no group` });
  await expect(nobody.getByRole("row", { name: /get_me/ })).toContainText(`The default rule allows only ${group.name}; this caller is in no group.`);

  await page.getByLabel("Consumer username").fill("no-such-consumer");
  await page.getByRole("button", { name: "Simulate consumer" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "No consumer" })).toHaveText("No consumer is named no-such-consumer.");
});
