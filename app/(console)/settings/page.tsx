import type { Metadata } from "next";
import { SelfServiceSettingsForm } from "@/components/settings/self-service-settings-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { listGroupChoices } from "@/lib/console/consumers";
import { readSelfServiceSettings } from "@/lib/console/settings";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requirePageRole(["admin"]);
  const [settings, groups] = await Promise.all([readSelfServiceSettings(), listGroupChoices()]);
  return (
    <>
      <PageHeader title="Settings" />
      <SelfServiceSettingsForm settings={settings} groups={groups} />
    </>
  );
}
