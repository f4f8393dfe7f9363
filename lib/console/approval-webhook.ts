// Optional: a Slack-compatible incoming-webhook message (`text` with a
// mrkdwn link, which Slack, Mattermost and Teams' Slack-compatible hooks
// accept) for each new pending approval. Best effort and never waited on by
// the gateway: a failure is logged without the URL, which may be a secret.
import type { CurrentUser } from "../auth/session";
import { resolveBuiltInReference } from "../core/vault/built-in-vault";
import { parseVaultReference } from "../core/vault/reference";
import { db as defaultDb, type Db } from "../db/client";
import type { ToolCallApproval } from "../generated/prisma/client";
import { approvalUrl } from "../controlplane/approval-claims";
import { recordActivity } from "./activity";
import { ConsoleError } from "./errors";
import { isWebhookUrl, type ApprovalSettings } from "./schemas/approvals";
import { consoleMasterKey } from "./vault/master-key";

export const APPROVAL_WEBHOOK_SETTING = "approvals.webhook_url";
const TIMEOUT_MS = 5000;

export async function readApprovalSettings(db: Db = defaultDb()): Promise<ApprovalSettings> {
  const row = await db.setting.findUnique({ where: { key: APPROVAL_WEBHOOK_SETTING }, select: { value: true } });
  return { webhookUrl: typeof row?.value === "string" ? row.value : null };
}

export async function updateApprovalSettings(actor: CurrentUser, input: ApprovalSettings): Promise<ApprovalSettings> {
  return defaultDb().$transaction(async (tx) => {
    const ref = input.webhookUrl ? parseVaultReference(input.webhookUrl) : undefined;
    if (ref && !(await tx.secret.findUnique({ where: { name: ref.key }, select: { id: true } }))) {
      throw new ConsoleError("invalid", "Some fields need attention.", { webhookUrl: `the vault has no secret named "${ref.key}"` });
    }
    const before = await tx.setting.findUnique({ where: { key: APPROVAL_WEBHOOK_SETTING }, select: { value: true } });
    if (input.webhookUrl === null) await tx.setting.deleteMany({ where: { key: APPROVAL_WEBHOOK_SETTING } });
    else
      await tx.setting.upsert({
        where: { key: APPROVAL_WEBHOOK_SETTING },
        create: { key: APPROVAL_WEBHOOK_SETTING, value: input.webhookUrl },
        update: { value: input.webhookUrl },
      });
    // A plain URL may be a credential too: the log says whether one is set, and a reference by name.
    const shown = (value: unknown) => (typeof value !== "string" ? null : parseVaultReference(value) ? value : "(a URL)");
    await recordActivity(tx, actor, {
      action: "settings.update",
      entityType: "settings",
      entityName: "Approvals",
      before: { webhook: shown(before?.value) },
      after: { webhook: shown(input.webhookUrl) },
    });
    return input;
  });
}

async function webhookTarget(db: Db): Promise<string | undefined> {
  const { webhookUrl } = await readApprovalSettings(db);
  if (!webhookUrl) return undefined;
  const ref = parseVaultReference(webhookUrl);
  if (!ref) return webhookUrl;
  const secret = await db.secret.findUnique({ where: { name: ref.key }, select: { ciphertext: true } });
  const url = resolveBuiltInReference(ref, secret?.ciphertext, consoleMasterKey);
  if (!isWebhookUrl(url)) throw new Error(`${ref.raw} does not hold an https URL`);
  return url;
}

export function approvalWebhookMessage(approval: Pick<ToolCallApproval, "id" | "kind" | "server" | "tool" | "consumer" | "approvers" | "expiresAt">, consoleUrl: string) {
  const who = approval.kind === "confirm" ? `${approval.consumer} is asked to confirm` : `Approval needed (${approval.approvers.join(", ")})`;
  return {
    text: `${who}: ${approval.consumer} called \`${approval.tool}\` on \`${approval.server}\`, held until ${approval.expiresAt.toISOString()}. <${approvalUrl(consoleUrl, approval.id)}|Review the call>`,
  };
}

/** Posts the message for a new pending approval, if a webhook is set; never throws. */
export async function notifyNewApproval(db: Db, approval: ToolCallApproval, consoleUrl: string): Promise<void> {
  try {
    const url = await webhookTarget(db);
    if (!url) return;
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(approvalWebhookMessage(approval, consoleUrl)),
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) console.error(`approval webhook: the receiver answered HTTP ${response.status} for approval ${approval.id}`);
  } catch (error) {
    console.error(`approval webhook: not delivered for approval ${approval.id}: ${(error as Error).message}`);
  }
}
