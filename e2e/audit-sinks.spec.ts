// Audit export to an OpenTelemetry collector, set up in the console: an admin
// stores the collector's token in the Vault, adds an OTLP logs sink on the Data
// planes page whose header references it (a reference to a secret that does not
// exist is refused on the form), and a tools/call through the bundled gateway
// arrives at a real OTLP/HTTP receiver as a log record, in the protocol chosen,
// with the token resolved in the header; the row says the sink is delivering,
// and deleting it stops the export.
import { randomBytes } from "node:crypto";
import { fakeMcpServer } from "../gateway/test/support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "../gateway/test/support/recording-upstream";
import { startOtlpReceiver, type OtlpReceiver } from "../test/support/otlp-receiver";
import { expect, signIn, test } from "./support/fixtures";
import { seedOpenServer } from "./support/seed";

let upstream: RecordingUpstream;
let receiver: OtlpReceiver;
test.beforeAll(async () => {
  [upstream, receiver] = await Promise.all([startRecordingUpstream(fakeMcpServer), startOtlpReceiver()]);
});
test.afterAll(async () => {
  await Promise.all([upstream?.close(), receiver?.close()]);
});

test("an admin adds an OTLP logs sink whose header is a vault reference; a gateway's audit event reaches the collector as a log record", async ({ page, admin, db }) => {
  test.setTimeout(90_000);
  const suffix = `otlp-${randomBytes(4).toString("hex")}`;
  const token = `collector-token-${randomBytes(8).toString("hex")}`;
  const { server, username, key } = await seedOpenServer(db, upstream.url, suffix);
  await signIn(page, admin);
  await page.goto("/vault");
  await page.getByRole("button", { name: "New secret" }).click();
  const secretDialog = page.getByRole("dialog");
  await secretDialog.getByLabel("Name").fill(`${suffix}-token`);
  await secretDialog.getByLabel("Value").fill(token);
  await secretDialog.getByRole("button", { name: "Store secret" }).click();
  await expect(secretDialog).toBeHidden();

  await page.goto("/data-planes");
  await page.getByRole("button", { name: "Add sink" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add audit sink" });
  await dialog.getByLabel("Kind").selectOption("otlp_logs");
  await dialog.getByLabel("Name").fill(suffix);
  await dialog.getByLabel("Endpoint").fill("collector.example/v1/logs");
  await dialog.getByLabel("Protocol").selectOption("http/json");
  await dialog.getByLabel("Headers").fill(`Authorization: Bearer {vault://portcullis/${suffix}-missing}\nX-Scope: audit`);
  await dialog.getByRole("button", { name: "Add sink" }).click();
  await expect(dialog.getByText("enter an http:// or https:// URL")).toBeVisible();
  await dialog.getByLabel("Endpoint").fill(`${receiver.url}/v1/logs`);
  await dialog.getByRole("button", { name: "Add sink" }).click();
  await expect(dialog.getByRole("alert")).toContainText(`The vault has no secret named "${suffix}-missing".`);
  await dialog.getByLabel("Headers").fill(`Authorization: Bearer {vault://portcullis/${suffix}-token}\nX-Scope: audit`);
  await page.screenshot({ path: test.info().outputPath("otlp-logs-sink-form.png"), fullPage: true });
  await dialog.getByRole("button", { name: "Add sink" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId(`sink-${suffix}`);
  await expect(row).toContainText("otlp_logs");
  await expect(row).toContainText(`${receiver.url}/v1/logs (http/json)`);
  // Sealed at rest: neither the reference's target value nor the header text is stored in clear.
  const stored = await db.auditSink.findUniqueOrThrow({ where: { name: suffix } });
  expect(stored).toMatchObject({ kind: "otlp_logs", otlpProtocol: "http/json" });
  expect(stored.secretCiphertext).not.toContain("X-Scope");

  // Calls until one is audited through the new configuration (the gateway has it within ~2 s).
  const call = () =>
    fetch(`${process.env.E2E_GATEWAY_URL}${server.path}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", apikey: key, authorization: "Bearer upstream-token" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "create_issue", arguments: {} } }),
    });
  await expect.poll(async () => (await call()).status, { timeout: 15_000, intervals: [200] }).toBe(200);
  const [log] = (await receiver.waitForLogs((logs) => logs.some((l) => l.attributes["portcullis.server"] === suffix))).filter(
    (l) => l.attributes["portcullis.server"] === suffix && l.attributes["portcullis.decision"] === "allow",
  );
  expect(log).toMatchObject({ service: "portcullis-console", eventName: "portcullis.audit", severityText: "INFO" });
  expect(log!.attributes).toMatchObject({ "gen_ai.tool.name": "create_issue", "portcullis.consumer": username });
  const delivery = receiver.headers[receiver.contentTypes.findIndex((type) => type.startsWith("/v1/logs"))]!;
  expect(receiver.contentTypes.filter((type) => type.startsWith("/v1/logs")).every((type) => type === "/v1/logs application/json")).toBe(true);
  expect([delivery.authorization, delivery["x-scope"]]).toEqual([`Bearer ${token}`, "audit"]);
  await expect(row).toContainText("delivering", { timeout: 10_000 });

  await row.getByRole("button", { name: `Delete ${suffix}` }).click();
  await page
    .getByRole("dialog", { name: `Delete ${suffix}` })
    .getByRole("button", { name: "Delete sink" })
    .click();
  await expect(row).toBeHidden();
  expect(await db.auditSink.count({ where: { name: suffix } })).toBe(0);
});
