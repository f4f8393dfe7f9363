import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { ConfigHealthBanner } from "@/components/controlplane/config-health-banner";
import { Nav } from "@/components/shell/nav";
import { Sidebar } from "@/components/shell/sidebar";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import { SignOutButton, SignOutEverywhereButton } from "@/components/shell/sign-out-button";
import { areasFor } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { showsApprovalsInbox } from "@/lib/console/approvals";
import { configHealth } from "@/lib/controlplane/config-health";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/signin");
  const [health, approvals] = await Promise.all([configHealth(), showsApprovalsInbox(user)]);
  const areas = areasFor(user.role).filter((area) => area.href !== "/approvals" || approvals);
  return (
    <div className="min-h-screen lg:flex">
      <Sidebar
        brand={
          <div className="flex items-center gap-2">
            <div className="flex size-7 items-center justify-center rounded-md bg-indigo-600 text-sm font-bold text-white">P</div>
            <span className="font-semibold">Portcullis</span>
          </div>
        }
      >
        <Nav areas={areas.map(({ href, label }) => ({ href, label }))} />
        <div className="mt-auto border-t border-zinc-200 px-2 pt-3 dark:border-zinc-800">
          <p className="truncate text-sm font-medium" title={user.email}>
            {user.email}
          </p>
          <p className="mb-2 text-xs capitalize text-zinc-500" data-testid="current-role">
            {user.role}
          </p>
          <div className="flex flex-col items-start gap-1">
            <SignOutButton />
            <SignOutEverywhereButton />
          </div>
          <div className="mt-3">
            <ThemeToggle />
          </div>
        </div>
      </Sidebar>
      <main className="min-w-0 flex-1 px-4 py-6 lg:px-8">
        <ConfigHealthBanner health={health} showLink={user.role === "admin"} />
        {children}
      </main>
    </div>
  );
}
