import { randomBytes } from "node:crypto";
import { startMcpToolsServer } from "../test/support/mcp-tools-server";
import { expect, signIn, test } from "./support/fixtures";

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

const toolsFile = {
  tools: [
    {
      name: "search_repositories",
      description: "Search GitHub repositories",
      inputSchema: { type: "object", properties: { query: { type: "string" } } },
      annotations: { readOnlyHint: true },
    },
    { name: "push_files", description: "Push files to a branch", inputSchema: { type: "object", properties: { files: { type: "array" } } }, annotations: { readOnlyHint: false } },
    { name: "get_me", description: "The signed-in user", inputSchema: { type: "object" } },
  ],
};

test("an admin creates a passthrough server, imports tools, sets a matrix cell, saves, and finds the change in the activity log", async ({ page, admin, db }) => {
  const name = unique("github");
  const group = unique("devs");
  await db.consumerGroup.create({ data: { name: group } });
  await signIn(page, admin);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "MCP servers" }).click();
  await expect(page.getByRole("heading", { name: "MCP servers" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("servers-list.png"), fullPage: true });
  await page
    .getByRole("link", { name: /New server|Add the first server/ })
    .first()
    .click();

  // Field errors come from the shared config schema, before anything is sent.
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Route path").fill("no-slash");
  await page.getByLabel("Upstream URL").fill("https://api.githubcopilot.com/mcp/");
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header 1 name").fill("Authorization");
  await page.getByLabel("Header 1 value").fill("Bearer ghp_plaintext");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByText("a route path starts with '/'")).toBeVisible();
  await page.getByLabel("Route path").fill(`/${name}`);
  await page.getByRole("button", { name: "Create server" }).click();
  // A passthrough route forwards the caller's own Authorization; other credentials must be vault references.
  await expect(page.getByText("Authorization carries a credential the caller brings on a passthrough route")).toBeVisible();
  await page.getByLabel("Header 1 name").fill("X-Api-Key");
  await page.getByLabel("Header 1 value").fill("plaintext");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByText("X-Api-Key carries a credential: store it in the vault")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("server-form.png"), fullPage: true });
  await page.getByLabel("Header 1 name").fill("X-MCP-Toolsets");
  await page.getByLabel("Header 1 value").fill("repos,issues");
  await page.getByRole("button", { name: "Create server" }).click();

  // The overview shows the URL clients use and ready-made snippets with the key header.
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const url = await page.getByTestId("client-url").textContent();
  expect(url).toMatch(new RegExp(`^http://localhost:\\d+/${name}$`));
  await expect(page.getByRole("tabpanel")).toContainText('"apikey": "${PORTCULLIS_API_KEY}"');
  await page.getByRole("tab", { name: "Cursor" }).click();
  await expect(page.getByRole("tabpanel")).toContainText('"apikey": "${env:PORTCULLIS_API_KEY}"');
  await page.getByRole("tab", { name: "curl" }).click();
  await expect(page.getByRole("tabpanel")).toContainText('"method":"initialize"');
  await page.screenshot({ path: test.info().outputPath("server-overview.png"), fullPage: true });

  // Import tools from a JSON file: a bad file is explained, a good one previewed, then accepted.
  const sections = page.getByRole("navigation", { name: "Server sections" });
  await sections.getByRole("link", { name: /^Tools/ }).click();
  await expect(page.getByText("No tools yet")).toBeVisible();
  await page.getByRole("button", { name: "Import JSON" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("JSON file").setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from('{"tools":[{"name":"x y"}]}') });
  await dialog.getByRole("button", { name: "Preview changes" }).click();
  await expect(dialog.getByRole("alert")).toContainText("tools[0].name: a tool name is 1–128 characters");
  await expect(dialog.getByRole("alert")).toContainText("tools[0].inputSchema: every tool needs an inputSchema object");
  await dialog.getByLabel("JSON file").setInputFiles({ name: "tools.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(toolsFile)) });
  await dialog.getByRole("button", { name: "Preview changes" }).click();
  await expect(dialog.getByRole("region", { name: "New" })).toContainText("push_files");
  await dialog.getByRole("button", { name: "Accept 3 changes" }).click();
  await expect(page.getByRole("status")).toHaveText("Tools updated: 3 new, 0 changed, 0 gone.");
  const tools = page.getByRole("table", { name: "Tools" });
  await expect(tools.getByRole("row")).toHaveCount(4);
  await expect(tools.getByRole("row", { name: /search_repositories/ })).toContainText("read-only");
  await tools.getByRole("button", { name: "Show input schema of push_files" }).click();
  await expect(page.getByLabel("Input schema of push_files", { exact: true })).toContainText('"files"');
  await page.screenshot({ path: test.info().outputPath("tools.png"), fullPage: true });

  // The matrix: a new server is closed; open push_files to the group, review the summary, save.
  await sections.getByRole("link", { name: "Tool access" }).click();
  await expect(page.getByRole("grid")).toHaveAttribute("aria-busy", "false");
  const cell = page.getByRole("button", { name: new RegExp(`^push_files, ${group}: deny \\(inherited\\)$`) });
  await cell.click();
  await expect(page.getByRole("button", { name: `push_files, ${group}: allow, edited` })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("matrix.png"), fullPage: true });
  await page.getByRole("button", { name: "Review and save" }).click();
  const summary = page.getByRole("dialog");
  await expect(summary.getByRole("region", { name: "Cells" })).toContainText(`push_files — ${group}: inherit → allow`);
  await expect(summary.getByRole("region", { name: "Effect" })).toContainText(`${group} gains push_files`);
  await page.screenshot({ path: test.info().outputPath("matrix-save-summary.png") });
  await summary.getByRole("button", { name: "Save 1 edit" }).click();
  await expect(page.getByRole("status")).toContainText(/Saved 1 edit as configuration version \d+/);
  await expect(page.getByRole("button", { name: `push_files, ${group}: allow` })).toBeVisible();

  // The activity log has the whole story, with the matrix change as a before/after diff.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Activity log" }).click();
  await page.getByLabel("Text").fill(name);
  await page.getByRole("button", { name: "Filter" }).click();
  const log = page.getByRole("table", { name: "Activity" });
  await expect(log.getByRole("row")).toHaveCount(4);
  await expect(log.getByRole("row").nth(1)).toContainText("acl.update");
  await expect(log.getByRole("row").nth(2)).toContainText("tools.import");
  await expect(log.getByRole("row").nth(3)).toContainText("server.create");
  await log.getByRole("button", { name: `Show changes of acl.update on ${name}` }).click();
  const changes = page.getByRole("table", { name: `Changes of acl.update on ${name}` });
  await expect(changes.getByRole("row", { name: new RegExp(`cells\\.push_files`) })).toContainText(group);
  await expect(changes.getByRole("row", { name: /^version/ })).toContainText("0");
  await page.screenshot({ path: test.info().outputPath("activity-log.png"), fullPage: true });
});

test("an admin syncs tools from the upstream with a token for that one request, then reviews new, changed and gone tools", async ({ page, admin, db }) => {
  const token = `sync-${randomBytes(8).toString("hex")}`;
  const upstream = await startMcpToolsServer({ pageSize: 2, bearerToken: token });
  try {
    const schema = { type: "object" as const };
    upstream.tools = [
      { name: "list_issues", description: "List issues", inputSchema: schema, annotations: { readOnlyHint: true } },
      { name: "create_issue", description: "Create an issue", inputSchema: schema },
      { name: "delete_repo", description: "Delete a repository", inputSchema: schema },
    ];
    const name = unique("synced");
    await db.mcpServer.create({ data: { name, path: `/${name}`, upstreamUrl: upstream.url, authMode: "passthrough", authSettings: { key_header: "apikey" } } });
    await signIn(page, admin);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "MCP servers" }).click();
    await page.getByRole("link", { name, exact: true }).click();
    await page
      .getByRole("navigation", { name: "Server sections" })
      .getByRole("link", { name: /^Tools/ })
      .click();

    const sync = async (credential: string) => {
      await page.getByRole("button", { name: "Sync tools" }).click();
      await page.getByLabel("Bearer token").fill(credential);
      await page.getByRole("button", { name: "Fetch tool list" }).click();
    };
    await sync("wrong-token");
    await expect(page.getByRole("dialog").getByRole("alert")).toHaveText("The upstream refused the credential (HTTP 401). Enter a token it accepts for this sync.");
    await page.getByLabel("Bearer token").fill(token);
    await page.getByRole("button", { name: "Fetch tool list" }).click();
    await expect(page.getByRole("region", { name: "New" })).toContainText("delete_repo");
    await page.getByRole("button", { name: "Accept 3 changes" }).click();
    await expect(page.getByRole("status")).toHaveText("Tools updated: 3 new, 0 changed, 0 gone.");

    upstream.tools = [
      upstream.tools[0]!,
      { name: "create_issue", description: "Create an issue with labels", inputSchema: schema },
      { name: "merge_pull_request", description: "Merge a pull request", inputSchema: schema },
    ];
    await sync(token);
    const review = page.getByRole("dialog");
    await expect(review.getByRole("region", { name: "New" })).toContainText("merge_pull_request");
    await expect(review.getByRole("region", { name: "Changed" })).toContainText("create_issue — description");
    await expect(review.getByRole("region", { name: "Changed" })).toContainText("Create an issue with labels");
    await expect(review.getByRole("region", { name: "Gone" })).toContainText("delete_repo");
    await page.screenshot({ path: test.info().outputPath("tools-sync-review.png") });
    await review.getByRole("button", { name: "Accept 3 changes" }).click();
    await expect(page.getByRole("status")).toHaveText("Tools updated: 1 new, 1 changed, 1 gone.");

    const tools = page.getByRole("table", { name: "Tools" });
    await expect(tools.getByRole("row", { name: /delete_repo/ })).toContainText("gone");
    await expect(tools.getByRole("row", { name: /create_issue/ })).toContainText("changed");
    await tools.getByRole("button", { name: "Mark create_issue reviewed" }).click();
    await expect(tools.getByRole("row", { name: /create_issue/ })).not.toContainText("changed");
    await page.screenshot({ path: test.info().outputPath("tools-after-sync.png"), fullPage: true });

    expect(upstream.listRequests.filter((cursor) => cursor === undefined).length).toBeGreaterThanOrEqual(2);
    const stored = JSON.stringify([await db.activityLog.findMany({ where: { entityName: name } }), await db.tool.findMany({ where: { server: { name } } })]);
    expect(stored).not.toContain(token);
  } finally {
    await upstream.close();
  }
});

test("a token-swap server needs a way to validate tokens, and its snippets carry no API key", async ({ page, admin }) => {
  const name = unique("konnect");
  await signIn(page, admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "MCP servers" }).click();
  await page
    .getByRole("link", { name: /New server|Add the first server/ })
    .first()
    .click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Route path").fill(`/${name}`);
  await page.getByLabel("Upstream URL").fill("https://us.mcp.konghq.com/");
  await page.getByText("Token swap", { exact: true }).click();
  await page.getByLabel("Issuer").fill("https://idp.example.com/realms/agents");
  await page.getByLabel("Introspection (RFC 7662) — for opaque tokens").uncheck();
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByText("token_swap needs `introspection` or `jwks` to validate tokens")).toBeVisible();
  await page.getByLabel("JWKS — verify JWT access tokens by signature").check();
  await page.getByLabel("JWKS URI").fill("https://idp.example.com/realms/agents/certs");
  // Without a public URL the gateway could not tell which audience tokens must carry (e2e/console-safety.spec.ts).
  await page.getByLabel("Audience (optional)").fill(`https://gateway.example.com/${name}`);
  await page.screenshot({ path: test.info().outputPath("server-form-token-swap.png"), fullPage: true });
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByRole("tabpanel")).not.toContainText("apikey");
  await page.getByRole("tab", { name: "curl" }).click();
  await expect(page.getByRole("tabpanel")).toContainText("Authorization: Bearer $ACCESS_TOKEN");

  // Deleting asks for the name first.
  await page.getByRole("button", { name: "Delete server" }).click();
  const confirm = page.getByRole("button", { name: "Delete this server" });
  await expect(confirm).toBeDisabled();
  await page.getByLabel(`Type ${name} to confirm`).fill(name);
  await confirm.click();
  await expect(page).toHaveURL(/\/servers$/);
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
});

test("validated passthrough with identity from the token, and token exchange: the form refuses what the config refuses, the page names the pattern", async ({ page, admin }) => {
  const docs = unique("docs");
  await signIn(page, admin);
  await page.goto("/servers/new");
  await page.getByLabel("Name", { exact: true }).fill(docs);
  await page.getByLabel("Route path").fill(`/${docs}`);
  await page.getByLabel("Upstream URL").fill("https://docs.example.com/mcp");
  await page.getByLabel("Validate the upstream's tokens at the gateway (JWKS or introspection)").check();
  await page.getByLabel("Issuer").fill("https://login.example.com");
  await page.getByLabel("Introspection (RFC 7662) — for opaque tokens").uncheck();
  await page.getByLabel("Who the caller is").selectOption("token");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByText("validate needs `jwks` or `introspection`")).toBeVisible();
  await page.getByLabel("JWKS — verify JWT access tokens by signature").check();
  await page.getByLabel("JWKS URI").fill("https://login.example.com/jwks");
  await page.getByLabel("Audience", { exact: true }).fill("https://docs.example.com/mcp");
  await page.getByLabel("Groups claim (optional)").fill("groups");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByRole("heading", { name: docs })).toBeVisible();
  await expect(page.getByTestId("auth-pattern")).toHaveText(
    "Validated passthrough: the gateway checks the upstream's token (JWKS, issuer https://login.example.com) and forwards it unchanged; the token's sub claim says who the caller is, with no API key.",
  );
  await expect(page.getByRole("tabpanel")).not.toContainText("apikey");

  const analytics = unique("analytics");
  await page.goto("/servers/new");
  await page.getByLabel("Name", { exact: true }).fill(analytics);
  await page.getByLabel("Route path").fill(`/${analytics}`);
  await page.getByLabel("Upstream URL").fill("https://analytics.example.com/mcp");
  await page.getByText("Token swap", { exact: true }).click();
  await page.getByLabel("Issuer").fill("https://idp.example.com");
  await page.getByLabel("Introspection (RFC 7662) — for opaque tokens").uncheck();
  await page.getByLabel("JWKS — verify JWT access tokens by signature").check();
  await page.getByLabel("JWKS URI").fill("https://idp.example.com/certs");
  // Without a public URL the gateway could not tell which audience tokens must carry (e2e/console-safety.spec.ts).
  await page.getByLabel("Audience (optional)").fill(`https://gateway.example.com/${analytics}`);
  await page.getByLabel("The upstream receives").selectOption("token_exchange");
  await page.getByLabel("Token endpoint").fill("https://idp.example.com/token");
  await page.getByLabel("Exchange client id").fill("portcullis-exchange");
  await page.getByLabel("Exchange client secret (vault reference)").fill("plain-secret");
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByText("store the client secret in the vault")).toBeVisible();
  await expect(page.getByText("token_exchange needs `audience` or `resource`")).toBeVisible();
  await page.getByLabel("Exchange client secret (vault reference)").fill("{vault://env/EXCHANGE_SECRET}");
  await page.getByLabel("Resource", { exact: true }).fill("https://analytics.example.com/mcp");
  await page.screenshot({ path: test.info().outputPath("server-form-token-exchange.png"), fullPage: true });
  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page.getByRole("heading", { name: analytics })).toBeVisible();
  await expect(page.getByTestId("auth-pattern")).toHaveText(
    "Token exchange: agents sign in with https://idp.example.com, the gateway validates their token and exchanges it (RFC 8693) for a token issued to https://analytics.example.com/mcp, naming the same user.",
  );
});

test("every servers, tools, access-matrix and activity endpoint and page refuses developers and viewers", async ({ browser, createUser, db, baseURL }) => {
  const server = await db.mcpServer.create({
    data: { name: unique("guarded"), path: `/${unique("guarded")}`, upstreamUrl: "https://example.com/mcp", authMode: "passthrough", authSettings: { key_header: "apikey" } },
  });
  const base = `${baseURL}/api/servers/${server.id}`;
  const calls: [string, string, unknown?][] = [
    ["GET", `${baseURL}/api/servers`],
    ["POST", `${baseURL}/api/servers`, { name: "x" }],
    ["GET", base],
    ["PATCH", base, { name: "x" }],
    ["DELETE", base],
    ["GET", `${base}/tools`],
    ["PUT", `${base}/tools`, { source: "import", tools: [] }],
    ["POST", `${base}/tools/preview`, { tools: [] }],
    ["POST", `${base}/tools/sync`, { headers: {} }],
    ["POST", `${base}/tools/reviewed`, { names: ["x"] }],
    ["GET", `${base}/acl`],
    ["PUT", `${base}/acl`, { version: 0, defaultRow: { groups: {}, others: "deny" }, tools: {} }],
    ["GET", `${baseURL}/api/activity`],
  ];
  for (const role of ["developer", "viewer"] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, await createUser(role));
    for (const [method, url, data] of calls) {
      const response = await page.request.fetch(url, { method, data });
      expect(`${role} ${method} ${url} → ${response.status()}`).toBe(`${role} ${method} ${url} → 403`);
    }
    for (const path of ["/servers", "/servers/new", `/servers/${server.id}`, `/servers/${server.id}/tools`, "/access", `/access/${server.id}`, "/activity"]) {
      const response = await page.goto(path);
      expect(`${role} page ${path} → ${response?.status()}`).toBe(`${role} page ${path} → 403`);
    }
    await context.close();
  }
  expect(await db.mcpServer.count({ where: { id: server.id } })).toBe(1);
  expect(await db.aclOthersRule.count({ where: { serverId: server.id } })).toBe(0);
});
