import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { SsoStatus } from "@/components/users/sso-status";
import { UsersManager } from "@/components/users/users-manager";
import { requirePageRole } from "@/lib/auth/session";
import { readSsoSettings } from "@/lib/auth/sso";
import { listUsers } from "@/lib/console/users";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requirePageRole(["admin"]);
  const sso = readSsoSettings(process.env);
  return (
    <>
      <PageHeader title="Users" description="People who sign in to this console, and their role: admin, developer or viewer." />
      <SsoStatus
        sso={sso && { name: sso.name, issuer: sso.issuer, groupsClaim: sso.groupsClaim, roleMap: [...sso.roleMap], defaultRole: sso.defaultRole, trustEmail: sso.trustEmail }}
      />
      <UsersManager users={await listUsers()} currentUserId={me.id} ssoConfigured={sso !== undefined} />
    </>
  );
}
