// The recipe in the console, on a demo of its own (`npm run demo`'s startDemo
// on free ports with a throwaway data folder, so the shared product's
// configuration is never replaced): an admin opens the GitHub server's tool
// matrix, lets developers use create_issue and saves; the developer's MCP
// client (the verify steps' client, through the gateway) sees seven tools
// within 2 s; the admin reverts. Screenshots of the matrix, the data planes
// page and the consumer dashboard are kept as artifacts.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { startDemo, type RunningDemo } from "../demo/demo";
import type { HeadlessOAuthProvider } from "../demo/headless-oauth";
import { readDemoSettings } from "../demo/settings";
import { authorizeGitHub, listGitHubTools, verifyDemo } from "../demo/verify";
import { removeDataFolder } from "../launcher/database/embedded-postgres-root";
import { createThrowawayDatabase, type ThrowawayDatabase } from "../lib/db/throwaway-database";
import { findFreePort } from "../lib/net/ports";
import { expect, signIn, test } from "./support/fixtures";

const ROOT = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(ROOT, ".portcullis", `e2e-demo-${randomBytes(4).toString("hex")}`);

let demo: RunningDemo | undefined;
let database: ThrowawayDatabase | undefined;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const names = ["CONSOLE", "HTTP", "HTTPS", "STATUS", "PG", "DEMO_GITHUB", "DEMO_KONNECT", "DEMO_IDP"];
  const ports = await Promise.all(names.map(() => findFreePort()));
  database = process.env.DATABASE_URL ? await createThrowawayDatabase(process.env.DATABASE_URL, "portcullis_e2e_demo") : undefined;
  const settings = readDemoSettings({
    PORTCULLIS_DEMO_DATA_DIR: dataDir,
    PORTCULLIS_DEMO_DATABASE_URL: database?.url,
    ...Object.fromEntries(names.map((name, i) => [`PORTCULLIS_${name}_PORT`, String(ports[i])])),
  });
  fs.mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
  const log = fs.createWriteStream(path.join(ROOT, "test-results", "e2e-demo.log"));
  demo = await startDemo(settings, { log: (line) => log.write(`${line}\n`) });
});

test.afterAll(async () => {
  await demo?.stop();
  await database?.drop();
  removeDataFolder(dataDir);
});

const cell = (tool: string, column: string) => `button[data-tool="${tool}"][data-column="${column}"]`;

async function saveMatrix(page: Page) {
  await page.getByRole("button", { name: "Review and save" }).click();
  await page.getByRole("button", { name: "Save 1 edit" }).click();
  await expect(page.getByRole("status")).toContainText("Saved 1 edit as configuration version");
}

/** Milliseconds until the developer's client lists `count` tools (polled through the gateway; nothing announces it to a client). */
async function toolsSeenWithin(provider: HeadlessOAuthProvider, count: number, timeoutMs: number): Promise<{ ms: number; names: string[] }> {
  const facts = demo!.facts;
  const started = performance.now();
  let names: string[] = [];
  while (performance.now() - started < timeoutMs) {
    names = await listGitHubTools(facts, provider, facts.github.keys.developer);
    if (names.length === count) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { ms: performance.now() - started, names };
}

test("an admin lets developers create issues on GitHub: the developer's client sees seven tools within 2 s; the admin reverts", async ({ browser }) => {
  test.setTimeout(120_000);
  const facts = demo!.facts;
  // The recipe's traffic first, so the dashboards have something to show (and the demo is known good).
  expect((await verifyDemo(facts)).filter((r) => r.status !== "passed")).toEqual([]);
  const developer = await authorizeGitHub(facts);
  expect(await listGitHubTools(facts, developer, facts.github.keys.developer)).toHaveLength(6);

  const context = await browser.newContext({ baseURL: facts.console_url });
  const page = await context.newPage();
  await signIn(page, facts.admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "MCP servers" }).click();
  await page.getByRole("link", { name: "github", exact: true }).click();
  await page.getByRole("navigation", { name: "Server sections" }).getByRole("link", { name: "Tool access" }).click();
  await expect(page.getByRole("grid")).toHaveAttribute("aria-busy", "false");
  const matrixUrl = page.url();
  const createIssue = page.locator(cell("create_issue", "developer"));
  await expect(createIssue).toHaveAccessibleName("create_issue, developer: deny (inherited)");

  await createIssue.click();
  await expect(createIssue).toHaveAccessibleName("create_issue, developer: allow, edited");
  await page.screenshot({ path: test.info().outputPath("github-matrix-create-issue-staged.png"), fullPage: true });
  await saveMatrix(page);
  const granted = await toolsSeenWithin(developer, 7, 2000);
  console.log(`the developer's client listed ${granted.names.length} tools ${granted.ms.toFixed(0)} ms after the save was confirmed`);
  expect(granted.names).toHaveLength(7);
  expect(granted.names).toContain("create_issue");
  await expect(createIssue).toHaveAccessibleName("create_issue, developer: allow");
  await page.screenshot({ path: test.info().outputPath("github-matrix.png"), fullPage: true });

  await page.goto("/data-planes");
  await expect(page.getByTestId("dp-bundled")).toContainText("in sync");
  await page.screenshot({ path: test.info().outputPath("data-planes.png"), fullPage: true });

  await page.goto(`/analytics/consumers/${facts.idp.user.consumer}`);
  await expect(page.getByRole("table", { name: "Tools used" })).toContainText("list_control_planes");
  await page.screenshot({ path: test.info().outputPath("consumer-dashboard.png"), fullPage: true });

  // The admin reverts: allow → deny → inherit, and the developer is back to the six read tools.
  await page.goto(matrixUrl);
  await expect(page.getByRole("grid")).toHaveAttribute("aria-busy", "false");
  await createIssue.click();
  await createIssue.click();
  await expect(createIssue).toHaveAccessibleName("create_issue, developer: deny (inherited), edited");
  await saveMatrix(page);
  const reverted = await toolsSeenWithin(developer, 6, 2000);
  expect(reverted.names.sort()).toEqual([...facts.github.developer_tools].sort());
  await context.close();
});
