import type { Metadata } from "next";
import { HcvSection } from "@/components/vault/hcv-section";
import { ReferencesSection } from "@/components/vault/references-section";
import { SecretsSection } from "@/components/vault/secrets-section";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { getHcvBackend } from "@/lib/console/vault/backends";
import { listReferencesInUse, listSecrets } from "@/lib/console/vault/secrets";

export const metadata: Metadata = { title: "Vault" };

export default async function VaultPage() {
  await requirePageRole(["admin"]);
  const references = await listReferencesInUse();
  const [secrets, hcv] = await Promise.all([listSecrets(references), getHcvBackend()]);
  return (
    <>
      <PageHeader
        title="Vault"
        description="Upstream credentials never sit in a server's settings: servers hold references such as {vault://portcullis/<name>}, which gateways resolve in memory."
      />
      <div className="space-y-10">
        <SecretsSection secrets={secrets} />
        <ReferencesSection references={references} secretNames={new Set(secrets.map((s) => s.name))} hcvConfigured={hcv !== undefined} />
        <HcvSection settings={hcv} referencesInUse={references.filter((r) => r.backend === "hcv").length} />
      </div>
    </>
  );
}
