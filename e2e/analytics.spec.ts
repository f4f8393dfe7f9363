import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type pg from "pg";
import { ingestAuditEvents, RollupWriter } from "../lib/analytics/ingest";
import type { AuditEvent } from "../lib/core/audit/event";
import { expect, signIn, test } from "./support/fixtures";

function events(server: string, consumer: string, count: number): AuditEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    time: new Date(Date.now() - i * 60_000).toISOString(),
    request_id: randomUUID(),
    http_method: "POST",
    path: "/mcp",
    session: false,
    server,
    consumer,
    groups: ["developer"],
    key_id: null,
    end_user: null,
    upstream_identity: null,
    method: "tools/call",
    tool: i % 4 === 0 ? "push_files" : "search_repositories",
    decision: i % 4 === 0 ? "deny" : "allow",
    reason: i % 4 === 0 ? "Tool 'push_files' is not available for consumer group 'developer'" : "",
    status: 200,
    jsonrpc_error: i % 4 === 0 ? -32602 : null,
    upstream_latency_ms: 2,
    total_latency_ms: 3 + i,
    bytes_in: 120,
    bytes_out: 800,
    token_hash: null,
    config_version: null,
  }));
}

async function ingest(pool: pg.Pool, events: AuditEvent[]) {
  const writer = new RollupWriter(pool);
  await ingestAuditEvents(pool, writer, events, null);
  await writer.flush();
}

test("dashboards show a server's traffic, and the audit explorer filters, details and exports its events", async ({ page, admin, pool }) => {
  const server = `srv-${Date.now().toString(36)}`;
  await ingest(pool, events(server, "alice-e2e", 20));
  await signIn(page, admin);

  await page.goto(`/analytics/servers/${server}?range=1h`);
  await expect(page.getByTestId("kpi-requests")).toHaveText("20");
  await expect(page.getByTestId("kpi-denied")).toHaveText("5");
  await expect(page.getByRole("table", { name: "Tools" })).toContainText("push_files");
  await expect(page.getByRole("img", { name: "Requests, denials and errors over time" }).locator("svg").first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("server-dashboard.png"), fullPage: true });

  await page.goto("/analytics?range=1h");
  await expect(page.getByRole("list", { name: "Top servers" })).toContainText(server);
  await page.screenshot({ path: test.info().outputPath("analytics-overview.png"), fullPage: true });

  await page.goto(`/audit?server=${server}&decision=deny`);
  const rows = page.getByRole("table", { name: "Audit events" }).locator("tbody tr");
  await expect(rows).toHaveCount(5);
  await rows.first().click();
  // The reason is in its column on every row, and in the opened row's details.
  await expect(rows.first()).toContainText("Tool 'push_files' is not available for consumer group 'developer'");
  await expect(page.locator("dd", { hasText: "Tool 'push_files' is not available for consumer group 'developer'" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("audit.png"), fullPage: true });

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = fs
    .readFileSync(await (await download).path(), "utf8")
    .trim()
    .split("\n");
  expect(csv[0]).toMatch(/^id,time,requestId,serverName/);
  expect(csv).toHaveLength(6);
  expect(csv.slice(1).every((line) => line.includes(server) && line.includes(",deny,"))).toBe(true);
});

test("a developer sees their own consumer's dashboard but not another's", async ({ page, createUser, db, pool }) => {
  const account = await createUser("developer");
  const owner = await db.user.findUniqueOrThrow({ where: { email: account.email } });
  const mine = `mine-${Date.now().toString(36)}`;
  const theirs = `theirs-${Date.now().toString(36)}`;
  // Named before its events (a developer sees a consumer's traffic from when it took its name).
  await db.consumer.create({ data: { username: mine, ownerUserId: owner.id, namedAt: new Date(Date.now() - 10 * 60_000) } });
  await db.consumer.create({ data: { username: theirs } });
  await ingest(pool, events("github", mine, 3));
  await signIn(page, account);

  await page.goto(`/analytics/consumers/${mine}?range=1h`);
  await expect(page.getByTestId("kpi-requests")).toHaveText("3");
  const response = await page.goto(`/analytics/consumers/${theirs}`);
  expect(response?.status()).toBe(403);
  expect((await page.goto("/analytics"))?.status()).toBe(403);
});
