import { readApprovalSettings, updateApprovalSettings } from "@/lib/console/approval-webhook";
import { route } from "@/lib/console/route";
import { approvalSettingsSchema } from "@/lib/console/schemas/approvals";

export const GET = route({ roles: ["admin"] }, async () => readApprovalSettings());

export const PUT = route({ roles: ["admin"], body: approvalSettingsSchema }, async ({ user, body }) => updateApprovalSettings(user, body));
