"use client";
// My access, one folded panel per server: the connect snippet first (what a
// developer came for), then the tools with the gateway's decision, then the
// rate limits. "Show only what I can call" (on at first) hides the tools and
// servers the caller may not call; the search narrows servers and tools by name.
import { useMemo, useState } from "react";
import type { ConnectionSnippet } from "@/lib/console/connection-snippets";
import type { ServerAccess } from "@/lib/console/effective-access";
import type { LimitWithUsage } from "@/lib/console/limit-usage";
import { plural } from "@/lib/client/plural";
import { ConnectionPanel } from "../servers/connection-panel";
import { AuthModeBadge } from "../servers/auth-mode-badge";
import { EmptyState } from "../ui/empty-state";
import { LimitUsageTable } from "./limit-usage-table";
import { ToolAccessTable } from "./tool-access-table";

export interface MyAccessServer {
  access: ServerAccess;
  url: string;
  snippets: ConnectionSnippet[];
  keyHeader?: string;
  groupsClaim?: string;
  limits: LimitWithUsage[];
}

export function MyAccessServers({ servers, caller }: { servers: MyAccessServer[]; caller: string }) {
  const [query, setQuery] = useState("");
  const [onlyCallable, setOnlyCallable] = useState(true);
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const q = query.trim().toLowerCase();

  const shown = useMemo(
    () =>
      servers.flatMap((server) => {
        const { access } = server;
        if (onlyCallable && !access.usable) return [];
        const serverMatches = !q || access.name.toLowerCase().includes(q) || access.path.toLowerCase().includes(q);
        const tools = access.tools.filter((t) => (!onlyCallable || t.decision.allowed) && (serverMatches || t.tool.toLowerCase().includes(q)));
        if (!serverMatches && tools.length === 0) return [];
        return [{ server, tools }];
      }),
    [servers, q, onlyCallable],
  );
  const hidden = servers.length - shown.length;

  const toggle = (name: string, open: boolean) =>
    setOpened((current) => {
      const next = new Set(current);
      if (open) next.add(name);
      else next.delete(name);
      return next;
    });

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <input
          type="search"
          aria-label="Search servers and tools"
          placeholder="Search servers and tools"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 sm:w-64 dark:bg-zinc-900 dark:ring-zinc-700"
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={onlyCallable} onChange={(e) => setOnlyCallable(e.target.checked)} className="size-4 rounded" />
          Show only what I can call
        </label>
        <span className="text-xs text-zinc-500" aria-live="polite" data-testid="my-access-count">
          {plural(shown.length, "server")} shown{hidden > 0 ? `, ${hidden} hidden by the filters` : ""}
        </span>
      </div>
      {shown.length === 0 ? (
        <EmptyState title={servers.length === 0 ? "No MCP servers yet" : "Nothing matches"}>
          {servers.length === 0
            ? "Admins have not added any MCP server to the gateway."
            : onlyCallable
              ? "No server you may call matches. Turn off “Show only what I can call” to see the others and why they are closed, or ask an admin for access."
              : "No server or tool matches the search."}
        </EmptyState>
      ) : null}
      {shown.map(({ server, tools }) => {
        const { access } = server;
        const allowed = access.tools.filter((t) => t.decision.allowed).length;
        // A search opens what it found; otherwise each panel stays as its reader left it.
        const open = q !== "" || opened.has(access.name);
        return (
          <details
            key={access.name}
            open={open}
            onToggle={(e) => toggle(access.name, e.currentTarget.open)}
            className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
            data-testid={`my-access-${access.name}`}
          >
            <summary className="cursor-pointer px-4 py-3">
              <span className="inline-flex flex-wrap items-center gap-2">
                <span className="text-base font-semibold">{access.name}</span>
                <span className="font-mono text-xs text-zinc-500">{access.path}</span>
                <AuthModeBadge mode={access.mode} />
                <span className="text-sm text-zinc-500">
                  {access.usable ? `${allowed} of ${plural(access.tools.length, "tool")} open to you` : "no tool open to you — ask an admin if your agent needs one"}
                </span>
              </span>
              <span className="block text-sm text-zinc-600 dark:text-zinc-400" data-testid={`default-rule-${access.name}`}>
                Default for tools without a rule of their own: <strong>{access.defaultRule}</strong>.
              </span>
            </summary>
            {open ? (
              <section aria-label={access.name} className="space-y-4 border-t border-zinc-200 p-4 dark:border-zinc-800">
                {access.usable ? <ConnectionPanel url={server.url} snippets={server.snippets} keyHeader={server.keyHeader} /> : null}
                {access.mode === "token_swap" ? (
                  <p className="text-xs text-zinc-500">
                    This route identifies callers by your identity provider&apos;s token, not an API key
                    {server.groupsClaim ? `; groups in the token's "${server.groupsClaim}" claim add to the ones shown here` : ""}.
                  </p>
                ) : null}
                <ToolAccessTable access={access} caller={caller} shown={tools} />
                <LimitUsageTable server={access.name} limits={server.limits} />
              </section>
            ) : null}
          </details>
        );
      })}
    </div>
  );
}
