// Sign in with Portcullis in the browser: an admin registers an MCP client on
// the MCP clients page; a developer, sent to the console by that client's
// authorization request, sees the consent page and allows (the client's
// redirect URI gets a code) or declines (access_denied); the admin blocks the
// client, and its next authorization stops on the consent page. A client
// awaiting approval can only be declined until the admin approves it.
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "@playwright/test";
import type { Db } from "../lib/db/client";
import { expect, signIn, test, type Account } from "./support/fixtures";
import { unique } from "./support/seed";

// The MCP client's loopback listener (RFC 8252 §7.3), which the authorization sends the browser back to.
let callback: http.Server;
let REDIRECT_URI: string;
test.beforeAll(async () => {
  callback = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("the MCP client has the answer"));
  await new Promise<void>((resolve) => callback.listen(0, "127.0.0.1", resolve));
  REDIRECT_URI = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
});
test.afterAll(() => new Promise((resolve) => callback?.close(resolve)));

function authorizationUrl(clientId: string, resource: string) {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL("/api/oauth/auth", process.env.E2E_BASE_URL);
  const params = {
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: "mcp",
    state: randomBytes(8).toString("hex"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    resource,
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

/** Where the authorization ends: the client's redirect URI with its query. */
async function landing(page: Page): Promise<URL> {
  await page.waitForURL((url) => url.href.startsWith(REDIRECT_URI));
  return new URL(page.url());
}

/** A sign_in server made by the signed-in admin; returns its name and URL (the resource clients ask for). */
async function createSignInServer(page: Page, db: Db): Promise<{ name: string; resource: string }> {
  // A sign_in route's tokens are issued for the gateway's public URL: recorded as an imported configuration would, with the URL the console shows anyway.
  await db.setting.upsert({ where: { key: "gateway.public_url" }, create: { key: "gateway.public_url", value: process.env.E2E_GATEWAY_URL! }, update: {} });
  const name = unique("docs");
  const created = await page.request.post("/api/servers", { data: { name, path: `/${name}`, upstream: "https://docs.example.com/mcp", auth: { mode: "sign_in" } } });
  expect(created.status(), await created.text()).toBe(200);
  const { servers } = (await (await page.request.get("/api/servers")).json()) as { servers: { name: string; url: string }[] };
  return { name, resource: servers.find((s) => s.name === name)!.url };
}

/** A developer's browser, signed in to the console. */
async function developerPage(browser: Browser, account: Account): Promise<{ user: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL });
  const user = await context.newPage();
  await signIn(user, account);
  return { user, close: () => context.close() };
}

test("register a client, allow and decline its sign-in, then block it", async ({ page, browser, admin, createUser, db }) => {
  await signIn(page, admin);
  const { name, resource } = await createSignInServer(page, db);

  const clientName = unique("Team agent");
  await page.goto("/mcp-clients");
  await expect(page.getByRole("heading", { name: "MCP clients", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Register client" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(clientName);
  await dialog.getByLabel("Redirect URIs").fill("http://agent.example/callback");
  await dialog.getByRole("button", { name: "Register client" }).click();
  await expect(dialog.getByText("must be https, or http on 127.0.0.1")).toBeVisible();
  await dialog.getByLabel("Redirect URIs").fill(REDIRECT_URI);
  await dialog.getByRole("button", { name: "Register client" }).click();
  const clientId = (await dialog.getByTestId("client-id").textContent())!.trim();
  expect(clientId).toMatch(/^portcullis-/);
  await dialog.getByRole("button", { name: "Done" }).click();
  const row = page.getByTestId("mcp-client").filter({ hasText: clientName });
  await expect(row).toContainText("registered here");
  await expect(row).toContainText("active");

  const developer = await createUser("developer");
  const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL });
  const user = await context.newPage();
  await user.goto(authorizationUrl(clientId, resource));
  // Not signed in to the console yet: its sign-in page first, then back to the consent page.
  await user.getByLabel("Email").fill(developer.email);
  await user.getByLabel("Password").fill(developer.password);
  await user.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(user.getByRole("heading", { name: "Sign in with Portcullis" })).toBeVisible();
  await expect(user.getByText(clientName)).toBeVisible();
  await expect(user.getByRole("listitem")).toHaveText(`${name} ${resource}`);
  await expect(user.getByText("registered by an admin")).toBeVisible();
  // Where the code goes, prominently; no warning about a self-chosen name for a client an admin registered.
  await expect(user.getByTestId("redirect-site")).toHaveText(new URL(REDIRECT_URI).origin);
  await expect(user.getByText("(an app on this computer)")).toBeVisible();
  await expect(user.getByTestId("self-named")).toHaveCount(0);
  const allowed = landing(user);
  await user.getByRole("button", { name: "Allow" }).click();
  const withCode = await allowed;
  expect(withCode.searchParams.get("error")).toBeNull();
  expect(withCode.searchParams.get("code")).toBeTruthy();
  expect(withCode.searchParams.get("iss")).toBe(`${process.env.E2E_BASE_URL}/api/oauth`);

  await user.goto(authorizationUrl(clientId, resource));
  const declined = landing(user);
  await user.getByRole("button", { name: "Decline" }).click();
  expect((await declined).searchParams.get("error")).toBe("access_denied");

  await page.reload();
  // Users with grants: the developer who allowed.
  await expect(row.locator("td").nth(6)).toHaveText("1");
  await row.getByRole("button", { name: `Block ${clientName}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Block client" }).click();
  await expect(row).toContainText("blocked");
  await expect(row.getByRole("button", { name: `Unblock ${clientName}` })).toBeVisible();
  expect(await db.activityLog.findFirst({ where: { action: "oauth_client.block", entityId: clientId } })).toMatchObject({ actorEmail: admin.email });

  await user.goto(authorizationUrl(clientId, resource));
  await expect(user.getByText("An administrator has blocked this MCP client: it cannot sign in to this gateway.")).toBeVisible();
  await expect(user.getByRole("button", { name: "Allow" })).toHaveCount(0);
  await user.screenshot({ path: test.info().outputPath("blocked-consent.png") });
  await context.close();
});

test("a client awaiting approval cannot be allowed until the admin approves it on the MCP clients page", async ({ page, browser, admin, createUser, db }) => {
  await signIn(page, admin);
  const { resource } = await createSignInServer(page, db);
  const clientName = unique("Self-registered agent");
  const registered = await page.request.post("/api/oauth-clients", { data: { name: clientName, redirect_uris: [REDIRECT_URI] } });
  const { clientId } = (await registered.json()) as { clientId: string };
  // As dynamic registration leaves it with PORTCULLIS_OAUTH_REGISTRATION=approval (test/sign-in.test.ts registers one for real).
  await db.oAuthClient.update({ where: { clientId }, data: { status: "pending" } });

  const { user, close } = await developerPage(browser, await createUser("developer"));
  await user.goto(authorizationUrl(clientId, resource));
  await expect(user.getByRole("status")).toHaveText("This MCP client awaits an administrator's approval; ask an admin to approve it on the MCP clients page.");
  await expect(user.getByRole("button", { name: "Allow" })).toHaveCount(0);
  await expect(user.getByRole("button", { name: "Decline" })).toBeVisible();

  await page.goto("/mcp-clients");
  const row = page.getByTestId("mcp-client").filter({ hasText: clientName });
  await expect(row).toContainText("awaits approval");
  await row.getByRole("button", { name: `Approve ${clientName}` }).click();
  await expect(row).toContainText("active");

  await user.goto(authorizationUrl(clientId, resource));
  const allowed = landing(user);
  await user.getByRole("button", { name: "Allow" }).click();
  expect((await allowed).searchParams.get("code")).toBeTruthy();
  await close();
});

test("a developer cannot open the MCP clients page", async ({ page, createUser }) => {
  await signIn(page, await createUser("developer"));
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "MCP clients" })).toHaveCount(0);
  expect((await page.goto("/mcp-clients"))?.status()).toBe(403);
});
