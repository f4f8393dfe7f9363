import type { Metadata } from "next";
import { ConfigView } from "@/components/controlplane/config-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { listConfigVersions } from "@/lib/console/config-versions";

export const metadata: Metadata = { title: "Configuration" };

export default async function ConfigPage() {
  await requirePageRole(["admin"]);
  const versions = await listConfigVersions({ take: 100 });
  return (
    <>
      <PageHeader title="Configuration" description="Every change in the console compiles into a new immutable configuration version that the gateways apply." />
      <ConfigView versions={versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() }))} />
    </>
  );
}
