// The audit explorer in a browser (issue 22 item 5, issue 19 item 5): field
// errors that keep the other filters, substring matching with suggestions, the
// method filter, "tool calls only", the reason column, time presets and From/To
// in the browser's zone, exports that carry the filters and the hashes, Verify
// naming an event edited in the database, and who may ask for what.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type { Download, Page } from "@playwright/test";
import type pg from "pg";
import { ingestAuditEvents, RollupWriter } from "../lib/analytics/ingest";
import type { AuditEvent } from "../lib/core/audit/event";
import { expect, signIn, test } from "./support/fixtures";

// A zone with a half-hour offset and no daylight saving: local and UTC differ visibly.
const ZONE = "Asia/Kolkata";
const ZONE_OFFSET_MS = 5.5 * 3_600_000;
test.use({ timezoneId: ZONE });

const DENIED = "Tool 'push_files' is not available for consumer group 'developer'";

function event(overrides: Partial<AuditEvent>, time: number): AuditEvent {
  return {
    id: randomUUID(),
    time: new Date(time).toISOString(),
    request_id: randomUUID(),
    http_method: "POST",
    path: "/mcp",
    session: false,
    server: "github",
    consumer: null,
    groups: ["developer"],
    key_id: null,
    end_user: null,
    upstream_identity: null,
    method: "tools/call",
    tool: null,
    decision: "allow",
    reason: null,
    status: 200,
    jsonrpc_error: null,
    upstream_latency_ms: 2,
    total_latency_ms: 3,
    bytes_in: 120,
    bytes_out: 800,
    token_hash: null,
    config_version: null,
    ...overrides,
  };
}

async function ingest(pool: pg.Pool, events: AuditEvent[], dataPlaneId: string | null = null) {
  const writer = new RollupWriter(pool);
  await ingestAuditEvents(pool, writer, events, dataPlaneId);
  await writer.flush();
}

/** One server's traffic: two tool calls, an old one, and the protocol noise "tool calls only" hides. */
function traffic(suffix: string) {
  const now = Date.now();
  const server = `srv-${suffix}`;
  const alice = `alice-${suffix}`;
  const bob = `bob-${suffix}`;
  const events = {
    denied: event({ server, consumer: alice, tool: "push_files", decision: "deny", reason: DENIED, jsonrpc_error: -32602 }, now - 60_000),
    allowed: event({ server, consumer: bob, tool: "search_repositories" }, now - 120_000),
    init: event({ server, consumer: bob, method: "initialize" }, now - 180_000),
    notification: event({ server, consumer: bob, method: "notifications/initialized", status: 202 }, now - 190_000),
    getSse: event({ server, consumer: bob, method: null, status: 405, decision: "error" }, now - 200_000),
    old: event({ server, consumer: alice, tool: "search_code" }, now - 3 * 3_600_000),
  };
  return { server, alice, bob, events };
}

const rows = (page: Page) => page.getByRole("table", { name: "Audit events" }).locator("tbody tr");
const readDownload = async (download: Promise<Download>) =>
  fs
    .readFileSync(await (await download).path(), "utf8")
    .trim()
    .split("\n");
/** An instant as the datetime-local value a browser in ZONE shows. */
const local = (ms: number) => new Date(ms + ZONE_OFFSET_MS).toISOString().slice(0, 16);

test("filters: a refused value gets its field's message and the rest still apply; substring matching with suggestions, methods, the toggle, reasons, presets and exports", async ({
  page,
  admin,
  pool,
}) => {
  const { server, bob, events } = traffic(Date.now().toString(36));
  await ingest(pool, Object.values(events));
  await signIn(page, admin);

  await page.goto(`/audit?server=${server}`);
  // Tool calls only, on by default: initialize, the notification and the 405 are hidden.
  await expect(page.getByRole("checkbox", { name: /Tool calls only/ })).toBeChecked();
  await expect(rows(page)).toHaveCount(3);
  await expect(page.getByRole("columnheader", { name: "Reason" })).toBeVisible();
  await expect(rows(page).first()).toContainText(DENIED);

  await page.getByRole("checkbox", { name: /Tool calls only/ }).uncheck();
  await expect(page).toHaveURL(/calls=all/);
  await expect(rows(page)).toHaveCount(6);
  await page.getByRole("checkbox", { name: /Tool calls only/ }).check();
  await expect(rows(page)).toHaveCount(3);

  // A method filter shows what the toggle hides when asked for by name.
  await page.getByLabel("Method").fill("initialize");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText("initialize");
  await page.getByLabel("Method").fill("");

  // Part of a tool's name, with the names seen offered as suggestions.
  await page.getByLabel("Tool", { exact: true }).fill("PUSH");
  await expect(page.locator('#audit-tool-suggestions option[value="push_files"]')).toHaveCount(1);
  await page.getByLabel("Consumer").fill(bob.slice(0, -1));
  await expect(page.locator(`#audit-consumer-suggestions option[value="${bob}"]`)).toHaveCount(1);
  await page.getByLabel("Consumer").fill("");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/tool=PUSH/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText("push_files");

  // A refused value: its message under its field, the other filters still applied and still in the form.
  await page.getByLabel("HTTP status").fill("abc");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.locator("#audit-status-error")).toHaveText("a three-digit HTTP status such as 403");
  await expect(page.getByLabel("HTTP status")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Server")).toHaveValue(server);
  await expect(page.getByLabel("Tool", { exact: true })).toHaveValue("PUSH");
  await expect(rows(page)).toHaveCount(1);
  // Editing the field clears its stale message.
  await page.getByLabel("HTTP status").fill("200");
  await expect(page.locator("#audit-status-error")).toHaveCount(0);
  await page.getByLabel("HTTP status").fill("");

  // The exports carry the filters: only the valid ones, the preset included.
  await page.getByLabel("Tool", { exact: true }).fill("");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByRole("button", { name: "Last 1 h" }).click();
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.getByRole("button", { name: "Last 1 h" })).toHaveAttribute("aria-pressed", "true");
  await expect(rows(page)).toHaveCount(2);
  await page.getByRole("button", { name: "Last 15 min" }).click();
  await expect(page).toHaveURL(/range=15m/);
  await expect(rows(page)).toHaveCount(2);
  await page.goto(`/audit?server=${server}&range=1h&decision=deny&status=oops`);
  await expect(page.locator("#audit-status-error")).toBeVisible();
  await expect(rows(page)).toHaveCount(1);
  const csvHref = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  expect(Object.fromEntries(new URL(csvHref!, "http://x").searchParams)).toEqual({ server, range: "1h", decision: "deny", format: "csv" });
  const csv = await readDownload(Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]).then(([d]) => d));
  expect(csv[0]).toBe(
    "id,time,requestId,serverName,consumerName,groups,endUser,upstreamIdentity,method,toolName,decision,reason,httpStatus,rpcErrorCode,upstreamLatencyMs,totalLatencyMs,bytesIn,bytesOut,dataPlaneId,chainKey,chainSeq,hash",
  );
  expect(csv.slice(1).map((line) => line.split(",")[0])).toEqual([events.denied.id]);
  const jsonl = await readDownload(Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export JSON lines" }).click()]).then(([d]) => d));
  expect(jsonl.map((line) => JSON.parse(line).id)).toEqual([events.denied.id]);

  // Without the toggle the export has the noise too; with a bad value it is refused, naming the field.
  const all = await page.request.get(`/api/audit/export?server=${server}&calls=all&format=jsonl`);
  expect((await all.text()).trim().split("\n")).toHaveLength(6);
  const refused = await page.request.get(`/api/audit/export?server=${server}&status=abc&from=yesterday`);
  expect(refused.status()).toBe(400);
  expect(await refused.json()).toEqual({
    error: {
      code: "invalid",
      message: "Some filters need attention.",
      fields: { status: "a three-digit HTTP status such as 403", from: "a time with its zone, such as 2026-12-01T09:30:00Z" },
    },
  });
});

test("From and To are typed in the browser's time zone and sent as UTC", async ({ page, admin, pool }) => {
  const { server, events } = traffic(Date.now().toString(36));
  await ingest(pool, Object.values(events));
  await signIn(page, admin);
  const oldTime = Date.parse(events.old.time);
  const from = Math.floor((oldTime - 30 * 60_000) / 60_000) * 60_000;
  const to = from + 3_600_000;

  await page.goto(`/audit?server=${server}`);
  await page.getByLabel("From (your time zone)").fill(local(from));
  await page.getByLabel("To (your time zone)").fill(local(to));
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${encodeURIComponent(new Date(from).toISOString())}`));
  expect(new URL(page.url()).searchParams.get("to")).toBe(new Date(to).toISOString());
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText("search_code");
  // Shown again in local time after the round trip.
  await expect(page.getByLabel("From (your time zone)")).toHaveValue(local(from));

  // To before From: the message on To, From still applied.
  await page.goto(`/audit?server=${server}&from=${new Date(from).toISOString()}&to=${new Date(from - 60_000).toISOString()}`);
  await expect(page.locator("#audit-to-error")).toHaveText("must be later than From");
  await expect(rows(page)).toHaveCount(3);
});

test("Verify checks the chain over the range shown: intact with its count, then the event edited in the database; exports carry the hashes", async ({ page, admin, pool, db }) => {
  const suffix = Date.now().toString(36);
  const planeId = randomUUID();
  await pool.query(`INSERT INTO "DataPlane" (id, name, "tokenHash", "tokenPrefix") VALUES ($1, $2, $3, 'pcdp_')`, [planeId, `edge-${suffix}`, randomUUID()]);
  // Ten days back, in an hour of its own, so no other test's events share the range.
  const start = Date.now() - 10 * 86_400_000 - Math.floor(Math.random() * 48) * 3_600_000;
  const server = `chain-${suffix}`;
  const chained = Array.from({ length: 5 }, (_, i) => event({ server, consumer: "chain-user", tool: "search_repositories" }, start + i * 60_000));
  await ingest(pool, chained, planeId);
  const range = `from=${new Date(start - 60_000).toISOString()}&to=${new Date(start + 10 * 60_000).toISOString()}`;
  await signIn(page, admin);

  await page.goto(`/audit?${range}&server=${server}`);
  await expect(rows(page)).toHaveCount(5);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("status", { name: "Chain verification" })).toHaveText("Intact, 5 events in 1 chain.");

  const jsonl = await readDownload(Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export JSON lines" }).click()]).then(([d]) => d));
  const exported = jsonl.map((line) => JSON.parse(line) as { id: string; chainKey: string; chainSeq: number; hash: string });
  const stored = await db.auditEvent.findMany({ where: { serverName: server }, orderBy: { chainSeq: "desc" } });
  expect(exported.map((e) => [e.id, e.chainKey, e.chainSeq, e.hash])).toEqual(stored.map((e) => [e.id, planeId, Number(e.chainSeq), e.hash]));
  expect(exported.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);

  const victim = chained[2]!;
  await pool.query(`UPDATE "AuditEvent" SET reason = 'nothing to see' WHERE id = $1`, [victim.id]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("status", { name: "Chain verification" })).toHaveText(
    `Broken at event ${victim.id} (data plane edge-${suffix}, position 3): its hash does not match its content and the previous hash.`,
  );
});

test("who may ask: suggestions scoped to a developer's own consumers, Verify for admins only, refusals that name the field", async ({
  page,
  browser,
  admin,
  createUser,
  db,
  pool,
  baseURL,
}) => {
  const suffix = Date.now().toString(36);
  const account = await createUser("developer");
  const owner = await db.user.findUniqueOrThrow({ where: { email: account.email } });
  const mine = `mine-${suffix}`;
  const theirs = `theirs-${suffix}`;
  // Named before its events (a developer sees a consumer's events only from when it took its name).
  await db.consumer.create({ data: { username: mine, ownerUserId: owner.id, namedAt: new Date(Date.now() - 10 * 60_000) } });
  await db.consumer.create({ data: { username: theirs } });
  await ingest(pool, [event({ consumer: mine, tool: `mytool_${suffix}` }, Date.now() - 60_000), event({ consumer: theirs, tool: `theirtool_${suffix}` }, Date.now() - 60_000)]);

  await signIn(page, account);
  const devTools = await page.request.get(`/api/audit/suggestions?field=tool&q=${suffix}`);
  expect(await devTools.json()).toEqual({ suggestions: [`mytool_${suffix}`] });
  const devConsumers = await page.request.get(`/api/audit/suggestions?field=consumer&q=${suffix}`);
  expect(await devConsumers.json()).toEqual({ suggestions: [mine] });
  for (const path of ["/api/audit/verify", "/api/audit/export"]) expect((await page.request.get(path)).status(), path).toBe(403);
  expect((await page.goto("/audit"))?.status()).toBe(403);

  const viewer = await browser.newPage({ baseURL });
  await signIn(viewer, await createUser("viewer"));
  expect(await (await viewer.request.get(`/api/audit/suggestions?field=tool&q=${suffix}`)).json()).toEqual({ suggestions: [`mytool_${suffix}`, `theirtool_${suffix}`] });
  const viewerVerify = await viewer.request.get("/api/audit/verify");
  expect(viewerVerify.status()).toBe(403);
  await viewer.goto("/audit");
  await expect(viewer.getByRole("heading", { name: "Audit" })).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Verify" })).toHaveCount(0);
  await viewer.close();

  await page.context().clearCookies();
  await signIn(page, admin);
  const bad = await page.request.get("/api/audit/suggestions?field=server&q=");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.fields).toEqual({ field: "tool or consumer", q: "type at least one character" });
  const badWindow = await page.request.get(`/api/audit/suggestions?field=tool&q=x&range=2h`);
  expect((await badWindow.json()).error.fields).toEqual({ range: "one of 15m, 1h, 24h, 7d" });
  const badVerify = await page.request.get("/api/audit/verify?from=2026-12-01T10:00");
  expect(badVerify.status()).toBe(400);
  expect((await badVerify.json()).error.fields).toEqual({ from: "a time with its zone, such as 2026-12-01T09:30:00Z" });
});

test("the explorer at 390 and 1440 px", async ({ page, admin, pool }, testInfo) => {
  const { server, events } = traffic(Date.now().toString(36));
  await ingest(pool, Object.values(events));
  await signIn(page, admin);
  for (const width of [390, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/audit?server=${server}&range=1h&status=abc`);
    await expect(page.locator("#audit-status-error")).toBeVisible();
    await expect(rows(page)).toHaveCount(2);
    // The page itself never scrolls sideways; the table scrolls inside its frame.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // Kept in test-results as well as attached to the report.
    const file = testInfo.outputPath(`audit-explorer-${width}px.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(`audit-explorer-${width}px`, { path: file, contentType: "image/png" });
  }
});
