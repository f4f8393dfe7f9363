import type { Metadata } from "next";
import { StaticSecretForm } from "@/components/connections/static-secret-form";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Connect an account" };

/** The form for an upstream without OAuth: the user pastes their secret once (the save checks the server takes one). */
export default async function StaticSecretPage({ params }: { params: Promise<{ server: string }> }) {
  await requirePageRole(ROLES);
  const server = decodeURIComponent((await params).server);
  return (
    <>
      <PageHeader title={`Connect your ${server} account`} description="The gateway sends this server's upstream your own credential. The console keeps it encrypted." />
      <StaticSecretForm server={server} />
    </>
  );
}
