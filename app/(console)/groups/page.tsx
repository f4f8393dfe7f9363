import type { Metadata } from "next";
import { GroupsManager } from "@/components/groups/groups-manager";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { listGroups } from "@/lib/console/groups";

export const metadata: Metadata = { title: "Consumer groups" };

export default async function GroupsPage() {
  await requirePageRole(["admin"]);
  return (
    <>
      <PageHeader title="Consumer groups" description="Groups are the columns of the tool access matrix: a consumer gets the tools its groups may call." />
      <GroupsManager groups={await listGroups()} />
    </>
  );
}
