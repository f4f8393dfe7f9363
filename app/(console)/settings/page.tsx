import type { Metadata } from "next";
import { ApprovalSettingsForm } from "@/components/settings/approval-settings-form";
import { SecretPatternsForm } from "@/components/settings/secret-patterns-form";
import { SelfServiceSettingsForm } from "@/components/settings/self-service-settings-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { readApprovalSettings } from "@/lib/console/approval-webhook";
import { listGroupChoices } from "@/lib/console/consumers";
import { readSecretPatterns } from "@/lib/console/rule-settings";
import { readSelfServiceSettings } from "@/lib/console/settings";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requirePageRole(["admin"]);
  const [settings, groups, approvals, patterns] = await Promise.all([readSelfServiceSettings(), listGroupChoices(), readApprovalSettings(), readSecretPatterns()]);
  return (
    <>
      <PageHeader title="Settings" />
      <SelfServiceSettingsForm settings={settings} groups={groups} />
      <ApprovalSettingsForm settings={approvals} />
      <SecretPatternsForm initial={patterns} />
    </>
  );
}
