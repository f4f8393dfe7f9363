import type { ReactNode } from "react";
import Link from "next/link";
import { LinkTabs } from "../ui/link-tabs";
import { AuthModeBadge } from "./auth-mode-badge";
import type { ServerDetail } from "@/lib/console/servers";

export type ServerTab = "overview" | "tools" | "changes" | "access";

/** Title, route URL and tabs shared by every page of one server. */
export function ServerHeader({ server, tab, actions }: { server: ServerDetail; tab: ServerTab; actions?: ReactNode }) {
  const tabs = [
    { href: `/servers/${server.id}`, label: "Overview", id: "overview" },
    { href: `/servers/${server.id}/tools`, label: `Tools (${server.tools})`, id: "tools" },
    { href: `/servers/${server.id}/changes`, label: `Pending changes (${server.pendingChanges})`, id: "changes" },
    { href: `/access/${server.id}`, label: "Tool access", id: "access" },
  ];
  return (
    <>
      <p className="mb-1 text-sm text-zinc-500">
        <Link href={tab === "access" ? "/access" : "/servers"} className="hover:text-zinc-900 hover:underline dark:hover:text-white">
          {tab === "access" ? "Tool access" : "MCP servers"}
        </Link>{" "}
        /
      </p>
      <div className="mb-4 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="flex items-center gap-2 text-xl font-semibold tracking-tight">
            {server.settings.name} <AuthModeBadge mode={server.settings.auth.mode} />
          </h1>
          <p className="mt-1 truncate font-mono text-xs text-zinc-500" title="The URL MCP clients use">
            {server.url}
          </p>
        </div>
        {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
      </div>
      <LinkTabs label="Server sections" tabs={tabs} current={tabs.find((t) => t.id === tab)!.href} />
    </>
  );
}
