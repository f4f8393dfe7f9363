// The console at every width (issue 22 item 4, and the page-wide rules of
// items 7 and 9): the sidebar folds into a menu below 1024 px, no page scrolls
// sideways on a phone (wide tables scroll inside their own frame), the matrix
// works on a tablet, the theme choice survives a reload, and every page writes
// dates one way and counts with proper plurals.
import type { Browser, Page } from "@playwright/test";
import { expect, signIn, test, type Account } from "./support/fixtures";
import { seedConsumer, seedServer, unique } from "./support/seed";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

/** What is wrong with the page as it is drawn now: sideways scrolling (with the widest culprits), "(s)" plurals, dates not in the one format. */
async function pageProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.scrollingElement!;
    if (root.scrollWidth > root.clientWidth) {
      // The elements reaching furthest right, outside any frame that scrolls on its own.
      const scrolls = (el: Element | null): boolean => {
        for (let e = el?.parentElement; e; e = e.parentElement) {
          const overflow = getComputedStyle(e).overflowX;
          if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return true;
        }
        return false;
      };
      const wide = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !scrolls(el))
        .slice(0, 3)
        .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") ?? ""}">`);
      problems.push(`scrolls sideways: ${root.scrollWidth} > ${root.clientWidth} px (${wide.join(", ")})`);
    }
    const text = document.querySelector("main")?.textContent ?? "";
    const bracketed = text.match(/\w+\(s\)/g);
    if (bracketed) problems.push(`"(s)" plurals: ${bracketed.join(", ")}`);
    const options: Record<string, Intl.DateTimeFormatOptions> = {
      datetime: { dateStyle: "medium", timeStyle: "short" },
      date: { dateStyle: "medium" },
      time: { timeStyle: "short" },
    };
    for (const time of document.querySelectorAll("time[datetime]")) {
      const mode = time.getAttribute("data-mode") ?? "datetime";
      const expected = new Intl.DateTimeFormat(undefined, options[mode]).format(new Date(time.getAttribute("datetime")!));
      if (time.textContent !== expected) problems.push(`date "${time.textContent}" is not "${expected}"`);
    }
    return problems;
  });
}

/** Opens each path and collects what is wrong with it; a failure names every page at once. */
async function walk(page: Page, paths: string[]): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for (const path of paths) {
    await page.goto(path);
    await expect(page.locator("main h1").first()).toBeVisible();
    // Dates change from UTC to the viewer's zone once the page hydrates; give that (and charts) a moment to settle.
    await expect
      .poll(() => pageProblems(page), { timeout: 5_000 })
      .toEqual([])
      .catch(() => undefined);
    const problems = await pageProblems(page);
    if (problems.length) found[path] = problems;
  }
  return found;
}

async function phone(browser: Browser, account: Account): Promise<Page> {
  // A zone and locale unlike the server's, so a date rendered on the server (UTC) would be seen.
  const context = await browser.newContext({ viewport: PHONE, locale: "en-GB", timezoneId: "Asia/Tokyo", baseURL: process.env.E2E_BASE_URL });
  const page = await context.newPage();
  await signIn(page, account);
  return page;
}

test("no main page scrolls sideways at 390 px, dates are written one way, and counts are not written with (s)", async ({ browser, admin, db, createUser }) => {
  test.setTimeout(120_000);
  const group = await db.consumerGroup.create({ data: { name: unique("layout") } });
  const server = await seedServer(db, ["search_repositories_with_a_rather_long_tool_name", "push_files", "get_me"], "layout");
  const consumer = await seedConsumer(db, { groupIds: [group.id], expiresInDays: 5 });
  const developer = await createUser("developer");
  await seedConsumer(db, { ownerEmail: developer.email, groupIds: [group.id], expiresInDays: 30 });

  const page = await phone(browser, admin);
  const adminPages = [
    "/",
    "/servers",
    "/servers/new",
    `/servers/${server.id}`,
    `/servers/${server.id}/tools`,
    `/servers/${server.id}/changes`,
    "/access",
    `/access/${server.id}`,
    `/access/simulate?caller=consumer&consumer=${consumer.username}`,
    "/consumers",
    `/consumers/${consumer.id}`,
    "/groups",
    "/keys",
    "/my-access",
    "/vault",
    "/data-planes",
    "/config",
    "/analytics",
    `/analytics/servers/${server.name}`,
    `/analytics/consumers/${consumer.username}`,
    "/audit",
    "/users",
    "/activity",
    "/settings",
  ];
  const problems = await walk(page, adminPages);

  const mine = await phone(browser, developer);
  Object.assign(problems, ...Object.entries(await walk(mine, ["/", "/keys", "/my-access"])).map(([path, list]) => ({ [`developer ${path}`]: list })));
  expect(problems).toEqual({});

  // Wide tables scroll inside their own frame instead of the page.
  await page.goto("/consumers");
  const frame = page.getByRole("table", { name: "Consumers" }).locator("xpath=..");
  const sizes = await frame.evaluate((el) => {
    el.scrollLeft = 200;
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, scrollLeft: el.scrollLeft };
  });
  expect(sizes.scrollWidth).toBeGreaterThan(sizes.clientWidth);
  expect(sizes.scrollLeft).toBeGreaterThan(0);
  await Promise.all([page.context().close(), mine.context().close()]);
});

test("the sidebar folds into a menu below 1024 px", async ({ page, admin }) => {
  await page.setViewportSize({ width: 1023, height: 800 });
  await signIn(page, admin);
  const nav = page.getByRole("navigation", { name: "Main" });
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(nav).toBeHidden();
  await menu.click();
  await expect(nav).toBeVisible();
  await expect(page.getByRole("button", { name: "Close" })).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  // Following a link closes the menu too.
  await menu.click();
  await nav.getByRole("link", { name: "Groups" }).click();
  await expect(page.getByRole("heading", { name: "Consumer groups" })).toBeVisible();
  await expect(nav).toBeHidden();

  await page.setViewportSize({ width: 1024, height: 800 });
  await expect(nav).toBeVisible();
  await expect(menu).toBeHidden();
});

test("the access matrix stays usable on a tablet (820 px)", async ({ page, admin, db }) => {
  await db.consumerGroup.create({ data: { name: unique("tablet") } });
  const server = await seedServer(db, ["create_issue", "push_files", "get_me"], "tablet");
  await page.setViewportSize({ width: 820, height: 1180 });
  await signIn(page, admin);
  await page.goto(`/access/${server.id}`);
  await expect(page.getByRole("grid")).toHaveAttribute("aria-busy", "false");
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth)).toBe(true);

  const cell = page.locator('button[data-tool="push_files"][data-column="*others"]');
  await cell.click();
  await expect(cell).toHaveAccessibleName(/^push_files, Everyone else: \w+, edited$/);
  // The staged-edits bar spans the page (no sidebar beside it below 1024 px) and its actions stay on one line.
  const save = page.getByRole("button", { name: "Review and save" });
  const box = (await save.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(820);
  expect(box.height).toBeLessThan(40);
  await save.click();
  await page.getByRole("button", { name: "Save 1 edit" }).click();
  await expect(page.getByRole("status")).toContainText("Saved 1 edit as configuration version");
});

test("the theme toggle offers light, dark and the system's, and remembers the choice across reloads", async ({ page, admin }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page, admin);
  const html = page.locator("html");
  const theme = page.getByRole("radiogroup", { name: "Theme" });
  await expect(theme.getByRole("radio", { name: "System" })).toHaveAttribute("aria-checked", "true");
  await expect(html).not.toHaveClass(/\bdark\b/);

  await theme.getByRole("radio", { name: "Dark" }).click();
  await expect(html).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(theme.getByRole("radio", { name: "Dark" })).toHaveAttribute("aria-checked", "true");
  // Charts and text take their colours from the theme.
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--chart-axis").trim())).not.toBe("");

  await theme.getByRole("radio", { name: "Light" }).click();
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(html).not.toHaveClass(/\bdark\b/);

  // System follows the system, now and after a reload.
  await theme.getByRole("radio", { name: "System" }).click();
  await expect(html).toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: "light" });
  await expect(html).not.toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(theme.getByRole("radio", { name: "System" })).toHaveAttribute("aria-checked", "true");
  await expect(html).not.toHaveClass(/\bdark\b/);
});

test("screenshots at 390 and 1440 px: the admin and developer dashboards, the audit explorer and the matrix", async ({ browser, admin, db, createUser }) => {
  test.setTimeout(120_000);
  const group = await db.consumerGroup.create({ data: { name: unique("shots") } });
  const server = await seedServer(db, ["create_issue", "push_files", "search_code", "get_me"], "shots");
  const developer = await createUser("developer");
  await seedConsumer(db, { ownerEmail: developer.email, groupIds: [group.id], expiresInDays: 30 });
  const shots: [Account, string, string][] = [
    [admin, "dashboard-admin", "/"],
    [admin, "audit", "/audit"],
    [admin, "matrix", `/access/${server.id}`],
    [developer, "dashboard-developer", "/"],
  ];
  for (const [width, viewport] of [
    [390, PHONE],
    [1440, DESKTOP],
  ] as const) {
    const contexts = new Map<Account, Page>();
    for (const [account, name, path] of shots) {
      let page = contexts.get(account);
      if (!page) {
        page = await (await browser.newContext({ viewport, baseURL: process.env.E2E_BASE_URL })).newPage();
        await signIn(page, account);
        contexts.set(account, page);
      }
      await page.goto(path);
      await expect(page.locator("main h1").first()).toBeVisible();
      // Kept in the test's output folder (test-results/) and attached to its report.
      const file = test.info().outputPath(`${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await test.info().attach(`${name}-${width}.png`, { path: file, contentType: "image/png" });
    }
    await Promise.all([...contexts.values()].map((page) => page.context().close()));
  }
});
