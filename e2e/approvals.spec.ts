// The Approvals inbox in a browser: a call a gateway holds appears in an approver's inbox without a reload,
// its page shows the arguments and the rule, and Approve decides it — the next claim is answered approved.
import { randomBytes } from "node:crypto";
import { callHash, ruleHash } from "../lib/core/approvals/call-hash";
import { parseConfig } from "../lib/core/config/schema";
import { claimApproval } from "../lib/controlplane/approval-claims";
import { publishConfigVersion } from "../lib/controlplane/versions";
import { expect, signIn, test } from "./support/fixtures";

test("an approver sees a held call arrive, reads it and approves it", async ({ page, db, createUser }) => {
  const suffix = randomBytes(3).toString("hex");
  const [group, server, consumer] = [`approvers-${suffix}`, `held-${suffix}`, `agent-${suffix}`];
  const approver = await createUser("developer");
  const approverId = (await db.user.findUniqueOrThrow({ where: { email: approver.email } })).id;
  const { id: groupId } = await db.consumerGroup.create({ data: { name: group } });
  await db.consumer.create({ data: { username: `own-${suffix}`, ownerUserId: approverId, groups: { create: [{ groupId }] } } });
  await db.consumer.create({ data: { username: consumer } });
  const { id: serverId } = await db.mcpServer.create({
    data: { name: server, path: `/${server}`, upstreamUrl: "https://mcp.example.com/mcp", authMode: "passthrough", authSettings: {} },
  });
  await db.toolRequirement.create({ data: { serverId, toolName: "merge_pull_request", action: "approve", approvers: [group] } });
  const version = await publishConfigVersion(db, { reason: "e2e approvals" });
  const parsed = parseConfig((await db.configVersion.findUniqueOrThrow({ where: { number: version.number } })).document);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const require = parsed.config.servers.find((s) => s.name === server)!.acl.tools.find((t) => t.name === "merge_pull_request")!.require!;
  const args = { owner: "acme", repo: "api", pull_number: 42, base: "main" };
  const claim = {
    kind: "approve" as const,
    call_hash: callHash({ server, tool: "merge_pull_request", consumer, arguments: args })!,
    server,
    tool: "merge_pull_request",
    consumer,
    groups: [],
    arguments: args,
    rule: "merge_pull_request",
    rule_hash: ruleHash("merge_pull_request", require),
    config_version: version.number,
    approvers: [group],
    self_approval: false,
    expires_seconds: 900,
    request_id: `e2e-${suffix}`,
    gateway: "e2e",
  };

  await signIn(page, approver);
  await page.goto("/approvals");
  const row = page.getByRole("row").filter({ hasText: server });
  await expect(row).toHaveCount(0);
  // The gateway's claim arrives while the inbox is open.
  const { approval } = await claimApproval(db, claim, "e2e-gateway");
  await expect(row).toContainText("your decision");
  await row.getByRole("link", { name: /merge_pull_request/ }).click();
  await expect(page).toHaveURL(new RegExp(`/approvals/${approval.id}$`));
  await expect(page.getByTestId("approval-arguments")).toContainText('"pull_number": 42');
  await expect(page.getByText(`"approvers": [`)).toBeVisible();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("approval-status")).toHaveText("approved");
  expect((await claimApproval(db, claim, "e2e-gateway")).decision).toBe("approved");

  await page.getByRole("link", { name: "Approvals" }).first().click();
  await page.getByRole("link", { name: "Decided" }).click();
  await expect(page.getByRole("row").filter({ hasText: server })).toContainText("approved, forwarded");
  await db.mcpServer.delete({ where: { id: serverId } });
});
