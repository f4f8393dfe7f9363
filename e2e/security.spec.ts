// The console API's guard rails, checked over HTTP against the running product
// for every route handler found under app/api — a route added later is covered
// without touching this file.
import fs from "node:fs";
import path from "node:path";
import { generateApiKey, hashApiKey } from "../lib/core/keys/api-key";
import { expect, signIn, test } from "./support/fixtures";

const API_DIR = path.resolve(import.meta.dirname, "../app/api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
// Served without a console session by design (data planes authenticate with their own token; e2e/data-plane.spec.ts).
const PUBLIC = [/^\/api\/auth\//, /^\/api\/health$/, /^\/api\/dp\//];
// Endpoints a developer may call, scoped on the server to consumers they own. Add deliberately.
const ID = "00000000-0000-4000-8000-000000000000";
const DEVELOPER_ALLOWED = [
  // The audit explorer's suggestions, from the developer's own consumers' events only (e2e/audit-explorer.spec.ts).
  "GET /api/audit/suggestions",
  "POST /api/me/consumers",
  `GET /api/me/consumers/${ID}/keys`,
  `POST /api/me/consumers/${ID}/keys`,
  `DELETE /api/me/consumers/${ID}/keys/${ID}`,
  `POST /api/me/consumers/${ID}/keys/${ID}/roll`,
  // The Approvals inbox: scoped on the server to calls the user made or may decide (lib/console/approval-policy.ts).
  "GET /api/approvals",
  `GET /api/approvals/${ID}`,
  `POST /api/approvals/${ID}/approve`,
  `POST /api/approvals/${ID}/reject`,
];

// Connected accounts: each user's own upstream credential, scoped on the server to their own consumer (lib/console/connections/).
// Sign out everywhere: the signed-in user's own sessions, whatever their role.
const ANY_ROLE = ["GET /api/connections/callback", "POST /api/connections/static", `DELETE /api/connections/${ID}`, "DELETE /api/me/sessions"];
// Browser redirect targets: a signed-out browser is sent to sign in and brought back, not answered 401.
const SIGN_IN_REDIRECTS = ["GET /api/connections/callback"];

interface Endpoint {
  method: (typeof METHODS)[number];
  path: string;
}

function apiEndpoints(): Endpoint[] {
  const endpoints: Endpoint[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name === "route.ts") {
        const source = fs.readFileSync(file, "utf8");
        // Dynamic segments get an id that exists nowhere: the guards must answer before any lookup.
        const urlPath =
          "/api/" +
          path
            .relative(API_DIR, dir)
            .split(path.sep)
            .map((s) => (s.startsWith("[") ? "00000000-0000-4000-8000-000000000000" : s))
            .join("/");
        for (const method of METHODS) {
          if (new RegExp(`export (const|async function) ${method}\\b|as ${method}\\b`).test(source)) endpoints.push({ method, path: urlPath.replace(/\/$/, "") });
        }
      }
    }
  };
  walk(API_DIR);
  return endpoints.filter((e) => !PUBLIC.some((p) => p.test(e.path)));
}

const endpoints = apiEndpoints();
const writes = endpoints.filter((e) => e.method !== "GET");
const label = (e: Endpoint) => `${e.method} ${e.path}`;

test("the route enumeration finds this issue's endpoints", () => {
  const found = endpoints.map(label);
  for (const expected of [
    "GET /api/consumers",
    "POST /api/consumers/00000000-0000-4000-8000-000000000000/keys",
    "DELETE /api/vault/secrets/00000000-0000-4000-8000-000000000000",
    "PUT /api/vault/backends/hcv",
    "PATCH /api/users/00000000-0000-4000-8000-000000000000",
    "POST /api/groups",
  ]) {
    expect(found).toContain(expected);
  }
});

test("every console endpoint refuses the signed out (401) and a developer (403), on the server", async ({ page, request, createUser, baseURL }) => {
  for (const endpoint of endpoints) {
    const redirects = SIGN_IN_REDIRECTS.includes(label(endpoint));
    const response = await request.fetch(`${baseURL}${endpoint.path}`, { method: endpoint.method, data: endpoint.method === "GET" ? undefined : {}, maxRedirects: 0 });
    if (!redirects) expect(response.status(), `${label(endpoint)} signed out`).toBe(401);
    else expect(new URL(response.headers().location ?? "", baseURL).pathname, `${label(endpoint)} signed out`).toBe("/signin");
  }
  await signIn(page, await createUser("developer"));
  for (const endpoint of endpoints.filter((e) => !DEVELOPER_ALLOWED.includes(label(e)) && !ANY_ROLE.includes(label(e)))) {
    const response = await page.request.fetch(`${baseURL}${endpoint.path}`, { method: endpoint.method, data: endpoint.method === "GET" ? undefined : {} });
    expect(response.status(), `${label(endpoint)} as a developer`).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "forbidden", message: "Your role may not do this." } });
  }
});

test("the endpoints a developer may call answer only for consumers they own", async ({ page, createUser, db, baseURL }) => {
  expect(endpoints.map(label)).toEqual(expect.arrayContaining(DEVELOPER_ALLOWED));
  const account = await createUser("developer");
  // Someone else's consumer and key: a real id, so only the ownership scope can refuse it.
  const theirs = await db.consumer.create({ data: { username: `not-yours-${Date.now().toString(36)}` } });
  const key = await db.apiKey.create({ data: { consumerId: theirs.id, name: "theirs", prefix: "pcs_Thrs", hash: hashApiKey(generateApiKey()) } });
  await signIn(page, account);
  for (const endpoint of DEVELOPER_ALLOWED.filter((e) => e.includes(ID))) {
    const [method, path] = endpoint.split(" ") as [string, string];
    const real = path.replace(`consumers/${ID}`, `consumers/${theirs.id}`).replace(`keys/${ID}`, `keys/${key.id}`);
    const response = await page.request.fetch(`${baseURL}${real}`, { method, data: method === "GET" ? undefined : method === "DELETE" ? {} : { name: "x", overlapSeconds: 0 } });
    expect(response.status(), `${method} ${real}`).toBe(404);
  }
  expect(await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).toMatchObject({ revokedAt: null, expiresAt: null });
  expect(await db.apiKey.count({ where: { consumerId: theirs.id } })).toBe(1);
});

test("admin pages answer a developer with HTTP 403 and show no data", async ({ page, createUser, db }) => {
  const consumer = await db.consumer.create({ data: { username: `hidden-${Date.now().toString(36)}` } });
  await signIn(page, await createUser("developer"));
  for (const url of ["/consumers", `/consumers/${consumer.id}`, "/vault", "/users", "/settings", "/access/simulate"]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(403);
    await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
    expect(await page.content()).not.toContain(consumer.username);
  }
});

test("every state-changing endpoint refuses a viewer, and refuses an admin's browser when the request is cross-site", async ({ page, createUser, admin, baseURL }) => {
  await signIn(page, await createUser("viewer"));
  for (const endpoint of writes.filter((e) => !ANY_ROLE.includes(label(e)))) {
    const response = await page.request.fetch(`${baseURL}${endpoint.path}`, { method: endpoint.method, data: {} });
    expect(response.status(), `${label(endpoint)} as a viewer`).toBe(403);
  }
  await page.context().clearCookies();
  await signIn(page, admin);
  for (const endpoint of writes) {
    const response = await page.request.fetch(`${baseURL}${endpoint.path}`, {
      method: endpoint.method,
      data: {},
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(response.status(), `${label(endpoint)} cross-site`).toBe(403);
    expect((await response.json()).error.code, label(endpoint)).toBe("cross_site");
  }
});

test("a real cross-site form post from another origin is refused and changes nothing", async ({ page, admin, db, baseURL }) => {
  await signIn(page, admin);
  const name = `csrf-${Date.now().toString(36)}`;
  // A page on another origin (127.0.0.1 vs localhost) that posts to the console with the admin's cookies, as an attacker's site would.
  const attacker = baseURL!.replace("localhost", "127.0.0.1");
  await page.route(`${attacker}/attack`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<form id="f" method="post" action="${baseURL}/api/vault/secrets" enctype="text/plain"><input name='{"name":"${name}","value":"x","pad":"' value='"}'></form><script>f.submit()</script>`,
    }),
  );
  const response = page.waitForResponse(`${baseURL}/api/vault/secrets`);
  await page.goto(`${attacker}/attack`);
  // SameSite=Lax keeps the session cookie off this cross-site POST (401); had it been sent, the origin check refuses it (403).
  expect([401, 403]).toContain((await response).status());
  expect(await db.secret.count({ where: { name } })).toBe(0);
});

test("the session cookie is httpOnly and SameSite=Lax (and not Secure over plain http)", async ({ page, admin, context }) => {
  const callback = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
  await signIn(page, admin);
  const setCookie = (await (await callback).headerValue("set-cookie")) ?? "";
  const sessionLine = setCookie.split("\n").find((line) => line.startsWith("next-auth.session-token="))!;
  expect(sessionLine).toMatch(/; HttpOnly/i);
  expect(sessionLine).toMatch(/; SameSite=Lax/i);
  expect(sessionLine).not.toMatch(/; Secure/i);
  const session = (await context.cookies()).find((c) => c.name === "next-auth.session-token")!;
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
});

test("the 6th wrong password for an account is refused with the rate-limit message", async ({ page, createUser }) => {
  const account = await createUser("viewer");
  await page.goto("/signin");
  await page.getByLabel("Email").fill(account.email);
  const alert = page.locator("form").getByRole("alert");
  const attempt = async (password: string) => {
    const answer = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await answer;
  };
  for (let i = 1; i <= 5; i++) {
    await attempt(`wrong-${i}`);
    await expect(alert).toHaveText("Wrong email or password.");
  }
  await attempt("wrong-6");
  await expect(alert).toHaveText("Too many failed attempts. Wait a few minutes, then try again.");
  // Even the right password is refused until the window passes.
  await attempt(account.password);
  await expect(alert).toHaveText("Too many failed attempts. Wait a few minutes, then try again.");
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
});
