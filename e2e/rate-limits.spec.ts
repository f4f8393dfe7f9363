// Rate limits edited in the console and enforced by the running gateway: an
// admin adds a limit on a server's page (a rule without a budget is refused
// on its field), the bundled gateway receives it through the control plane
// and admits exactly the budget — each admitted response saying what is left
// — then answers 429; the developer sees the limit and their usage in My
// access, and the admins' analytics rank the throttled consumer.
import { randomBytes } from "node:crypto";
import { fakeMcpServer } from "../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "../gateway/test/support/recording-upstream";
import { publishConfigVersion } from "../lib/controlplane/versions";
import { generateApiKey, displayPrefix, hashApiKey } from "../lib/core/keys/api-key";
import { expect, signIn, test } from "./support/fixtures";

let upstream: RecordingUpstream;
test.beforeAll(async () => {
  upstream = await startRecordingUpstream(fakeMcpServer);
});
test.afterAll(async () => {
  await upstream?.close();
});

async function createIssue(url: string, key: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", apikey: key, authorization: "Bearer upstream-token" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "create_issue", arguments: {} } }),
  });
  const body = (await response.json()) as { error?: { data?: { reason?: string; rule?: unknown } } };
  return {
    status: response.status,
    policy: response.headers.get("ratelimit-policy"),
    left: response.headers.get("ratelimit"),
    retryAfter: response.headers.get("retry-after"),
    body,
  };
}

test("an admin limits a group on a server, the gateway admits exactly the budget then 429s, and the developer sees the limit and their usage", async ({
  page,
  browser,
  admin,
  db,
  createUser,
}) => {
  test.setTimeout(120_000);
  const suffix = `rl-${randomBytes(4).toString("hex")}`;
  const group = await db.consumerGroup.create({ data: { name: `${suffix}-devs` } });
  const server = await db.mcpServer.create({
    data: { name: suffix, path: `/${suffix}`, upstreamUrl: upstream.url, authMode: "passthrough", authSettings: { key_header: "apikey" } },
  });
  await db.tool.createMany({ data: ["create_issue", "get_me"].map((name) => ({ serverId: server.id, name, inputSchemaHash: `sha256:${name}` })) });
  await db.aclGroupRule.create({ data: { serverId: server.id, toolName: "*", groupId: group.id, effect: "allow" } });
  await db.aclOthersRule.create({ data: { serverId: server.id, toolName: "*", effect: "deny" } });
  const developer = await createUser("developer");
  const user = await db.user.findUniqueOrThrow({ where: { email: developer.email } });
  const consumer = await db.consumer.create({ data: { username: `${suffix}-agent`, ownerUserId: user.id, groups: { create: [{ groupId: group.id }] } } });
  const key = generateApiKey();
  await db.apiKey.create({ data: { consumerId: consumer.id, name: "ci", prefix: displayPrefix(key), hash: hashApiKey(key) } });
  await publishConfigVersion(db, { reason: `e2e ${suffix}` });
  const url = `${process.env.E2E_GATEWAY_URL}${server.path}`;

  await signIn(page, admin);
  await page.goto(`/servers/${server.id}`);
  await expect(page.getByText("No limits: calls are not counted.")).toBeVisible();
  await page.getByRole("button", { name: "Add limit" }).click();
  const dialog = page.getByRole("dialog", { name: "Add limit" });
  await dialog.getByLabel("Who").selectOption(`group:${group.name}`);
  await dialog.getByLabel("Tool").fill("create_issue");
  // No budget: refused on the form, with the config's own message.
  await dialog.getByRole("button", { name: "Save limit" }).click();
  await expect(dialog.getByText("a limit needs at least one of per_minute, per_hour, per_day or concurrent")).toBeVisible();
  // An hourly budget, so the usage below cannot straddle a window's edge.
  await dialog.getByLabel("Per hour").fill("3");
  await dialog.getByRole("button", { name: "Save limit" }).click();
  await expect(dialog).toBeHidden();
  const limits = page.getByRole("table", { name: "Rate limits" });
  await expect(limits.getByRole("row", { name: new RegExp(`Group ${group.name} create_issue`) })).toContainText("3");
  await page.screenshot({ path: test.info().outputPath("server-limits.png"), fullPage: true });

  // Until the gateway has the new configuration (≤ 2 s) calls are not counted: wait for the first one that is.
  let admitted = 0;
  await expect
    .poll(
      async () => {
        const call = await createIssue(url, key);
        if (call.status === 200) admitted++;
        return call.policy;
      },
      { timeout: 15_000, intervals: [200] },
    )
    .toBe(`"${group.name}:create_issue:per_hour";q=3;w=3600`);
  const next = [await createIssue(url, key), await createIssue(url, key)];
  expect(next.map((c) => [c.status, c.left?.replace(/;t=\d+$/, "")])).toEqual([
    [200, `"${group.name}:create_issue:per_hour";r=1`],
    [200, `"${group.name}:create_issue:per_hour";r=0`],
  ]);
  admitted += 2;
  const refused = await createIssue(url, key);
  expect(refused).toMatchObject({ status: 429, body: { error: { data: { reason: "rate_limited" } } } });
  expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  // Other tools are not under the rule.
  const other = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", apikey: key, authorization: "Bearer upstream-token" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_me", arguments: {} } }),
  });
  expect([other.status, other.headers.get("ratelimit")]).toEqual([200, null]);

  // The developer's My access: the limit, read-only, and the calls counted (the audit reaches the console within a few seconds).
  const context = await browser.newContext();
  const mine = await context.newPage();
  await signIn(mine, developer);
  await mine.goto(`/my-access?consumer=${encodeURIComponent(consumer.username)}`);
  const usage = mine.getByTestId(`limits-${server.name}`);
  await mine.getByTestId(`my-access-${server.name}`).locator("summary").click();
  await expect(usage.getByRole("row", { name: /create_issue/ })).toContainText(`group ${group.name}`);
  await expect(async () => {
    await mine.reload();
    await mine.getByTestId(`my-access-${server.name}`).locator("summary").click();
    await expect(usage.getByRole("row", { name: /create_issue/ })).toContainText(`${admitted} / 3`, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(usage.getByRole("button")).toHaveCount(0);
  // Read-only for developers on the server too: the write API is admins' only.
  expect((await mine.request.post(`/api/servers/${server.id}/limits`, { data: { subject: "*", per_minute: 1000 } })).status()).toBe(403);
  expect((await mine.request.delete(`/api/limits/${(await db.limitRule.findFirstOrThrow({ where: { serverId: server.id } })).id}`)).status()).toBe(403);
  await mine.screenshot({ path: test.info().outputPath("my-access-limits.png"), fullPage: true });
  await context.close();

  // The admins' analytics rank the throttled consumer.
  await page.goto("/analytics?range=1h");
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("list", { name: "Throttled consumers" })).toContainText(consumer.username, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await page.screenshot({ path: test.info().outputPath("analytics-throttled.png"), fullPage: true });
});
