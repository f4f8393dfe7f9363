// The dashboards (issue 22 item 3) and the charts (item 8): every tile links
// where it says, the first-run checklists tick from the data, and charts draw a
// lone point as a dot, name their bucket and units, and say when there is no data.
import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import type pg from "pg";
import { ingestAuditEvents, RollupWriter } from "../lib/analytics/ingest";
import type { AuditEvent } from "../lib/core/audit/event";
import { expect, signIn, test } from "./support/fixtures";
import { seedConsumer, seedServer, unique } from "./support/seed";

function call(server: string, consumer: string, tool: string): AuditEvent {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    request_id: randomUUID(),
    http_method: "POST",
    path: "/mcp",
    session: false,
    server,
    consumer,
    groups: [],
    key_id: null,
    end_user: null,
    upstream_identity: null,
    method: "tools/call",
    tool,
    decision: "allow",
    reason: "",
    status: 200,
    jsonrpc_error: null,
    upstream_latency_ms: 2,
    total_latency_ms: 4,
    bytes_in: 120,
    bytes_out: 800,
    token_hash: null,
    config_version: null,
  };
}

async function ingest(pool: pg.Pool, events: AuditEvent[]) {
  const writer = new RollupWriter(pool);
  await ingestAuditEvents(pool, writer, events, null);
  await writer.flush();
}

/** A console write as the signed-in admin: it publishes a new configuration version. */
async function publish(page: Page) {
  const response = await page.request.post("/api/groups", { data: { name: unique("publish"), description: "" }, headers: { origin: new URL(page.url()).origin } });
  expect(response.status()).toBe(200);
}

const steps = (page: Page, title: string) => page.getByRole("list", { name: title }).getByRole("listitem");

test("the admin dashboard: every tile links where it says, expiring keys are counted, and the checklist ticks what exists", async ({ page, admin, db }) => {
  await seedServer(db, ["create_issue"], "dash");
  await seedConsumer(db, { expiresInDays: 3 });
  await signIn(page, admin);

  const tiles: [string, string][] = [
    ["Configuration", "/data-planes"],
    ["Data planes", "/data-planes"],
    ["Pending tool changes", "/servers"],
    ["Keys expiring soon", "/consumers"],
    ["Denials, last hour", "/audit?decision=deny&range=1h"],
    ["Errors, last hour", "/audit?decision=error&range=1h"],
  ];
  for (const [label, href] of tiles) await expect(page.getByTestId(`tile-${label}`)).toHaveAttribute("href", href);
  const expiring = page.getByTestId("tile-Keys expiring soon");
  await expect(expiring).toHaveAttribute("data-tone", "warn");
  expect(Number(await expiring.locator("p").nth(1).textContent())).toBeGreaterThanOrEqual(1);
  await expect(expiring).toContainText(/stops? working within 14 days/);
  await expect(page.getByTestId("tile-Configuration")).toContainText(/Version \d+ is the latest|A change did not reach the gateways/);

  // The checklist: a server, its tools and a consumer exist now, so those steps are done; it goes once all five are.
  const checklist = page.getByRole("list", { name: "Get started" });
  if (await checklist.isVisible()) {
    for (const done of ["Add an MCP server", "Sync its tools", "Create a consumer"]) {
      await expect(steps(page, "Get started").filter({ hasText: done })).toHaveAttribute("data-done", "true");
    }
  } else {
    expect(await db.auditEvent.count({ where: { consumerName: { not: null } } })).toBeGreaterThan(0);
  }

  await expiring.click();
  await expect(page.getByRole("heading", { name: "Consumers" })).toBeVisible();
  await page.goto("/");
  await page.getByTestId("tile-Denials, last hour").click();
  await expect(page).toHaveURL(/\/audit\?decision=deny&range=1h$/);
  await page.goto("/");
  await page.getByTestId("tile-Data planes").click();
  await expect(page.getByRole("heading", { name: "Data planes" })).toBeVisible();
});

test("the developer dashboard: their keys, access and calls, and a connect-your-client checklist ticked from the data", async ({ browser, page, admin, db, pool, createUser }) => {
  const developer = await createUser("developer");
  const context = await browser.newContext();
  const mine = await context.newPage();
  await signIn(mine, developer);

  // A new developer: nothing done, every tile says what is missing.
  await expect(mine.getByText("0 of 4 done")).toBeVisible();
  await expect(steps(mine, "Connect your client").and(mine.locator('[data-done="true"]'))).toHaveCount(0);
  await expect(steps(mine, "Connect your client").first().getByRole("link")).toHaveAttribute("href", "/keys");
  await expect(mine.getByTestId("tile-My keys")).toHaveAttribute("href", "/keys");
  await expect(mine.getByTestId("tile-My keys")).toHaveAttribute("data-tone", "warn");
  await expect(mine.getByTestId("tile-My access")).toHaveAttribute("href", "/my-access");
  await expect(mine.getByTestId("tile-My consumers")).toContainText("None yet");
  await expect(mine.getByText("No calls in the last 7 days")).toBeVisible();

  // A consumer with a key, in a group that may call a tool, published.
  const group = await db.consumerGroup.create({ data: { name: unique("devdash") } });
  const server = await seedServer(db, ["create_issue"], "devdash");
  await db.aclGroupRule.create({ data: { serverId: server.id, toolName: "*", groupId: group.id, effect: "allow" } });
  const consumer = await seedConsumer(db, { ownerEmail: developer.email, groupIds: [group.id], expiresInDays: 30 });
  await signIn(page, admin);
  await publish(page);

  await mine.reload();
  await expect(mine.getByText("3 of 4 done")).toBeVisible();
  for (const done of ["Have a consumer", "Create an API key", "Get access to at least one tool"]) {
    await expect(steps(mine, "Connect your client").filter({ hasText: done })).toHaveAttribute("data-done", "true");
  }
  await expect(steps(mine, "Connect your client").filter({ hasText: "Connect your client and make a first call" }).getByRole("link")).toHaveAttribute("href", "/my-access");
  await expect(mine.getByTestId("tile-My keys")).toHaveAttribute("data-tone", "ok");
  await expect(mine.getByTestId("tile-My access")).toContainText(/[1-9]\d*/);
  await expect(mine.getByTestId("tile-My consumers")).toHaveAttribute("href", `/analytics/consumers/${consumer.username}?range=24h`);

  // The first call: the checklist is done and goes; the call is listed.
  await ingest(pool, [call(server.name, consumer.username, "create_issue")]);
  await mine.reload();
  await expect(mine.getByRole("list", { name: "Connect your client" })).toHaveCount(0);
  await expect(mine.getByRole("table", { name: "My recent calls" }).getByRole("row", { name: new RegExp(server.name) })).toContainText("create_issue");
  await mine.getByTestId("tile-My consumers").click();
  await expect(mine.getByRole("heading", { name: `Consumer ${consumer.username}` })).toBeVisible();
  await context.close();
});

test("charts draw a single point as a dot, name the bucket and units, and say when a range has no data", async ({ page, admin, pool }) => {
  const server = unique("chart");
  await ingest(pool, [call(server, "chart-consumer", "create_issue")]);
  await signIn(page, admin);

  await page.goto(`/analytics/servers/${server}?range=1h`);
  const requests = page.getByRole("img", { name: "Requests, denials and errors over time" });
  await expect(requests.locator('circle[fill="var(--chart-requests)"]')).toHaveCount(1);
  await expect(requests.getByText("calls / 1 min")).toBeVisible();
  await expect(page.getByText("calls per 1 min")).toBeVisible();
  const latency = page.getByRole("img", { name: "Latency percentiles over time" });
  await expect(latency.locator("circle").first()).toBeVisible();
  await expect(latency.getByText("ms", { exact: true })).toBeVisible();
  await expect(page.getByText("percentiles per 1 min, in ms")).toBeVisible();

  // A server nobody called: no empty frames, a sentence instead.
  await page.goto(`/analytics/servers/${unique("quiet")}?range=1h`);
  await expect(page.getByTestId("chart-empty")).toHaveCount(2);
  await expect(page.getByTestId("chart-empty").first()).toHaveText("No data in this range");
});
