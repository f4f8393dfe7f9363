import type { Metadata } from "next";
import { ConfigView } from "@/components/controlplane/config-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { db } from "@/lib/db/client";

export const metadata: Metadata = { title: "Configuration" };

export default async function ConfigPage() {
  await requirePageRole(["admin"]);
  const versions = await db().configVersion.findMany({
    orderBy: { number: "desc" },
    take: 100,
    select: { number: true, hash: true, reason: true, createdAt: true, author: { select: { email: true } } },
  });
  return (
    <>
      <PageHeader title="Configuration" description="Every change in the console compiles into a new immutable configuration version that the gateways apply." />
      <ConfigView versions={versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString(), author: v.author?.email ?? "system" }))} />
    </>
  );
}
