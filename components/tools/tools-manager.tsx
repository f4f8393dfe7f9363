"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { api } from "@/lib/client/api";
import type { ToolDiff } from "@/lib/console/tool-diff";
import type { ToolView } from "@/lib/console/tools";
import { Badge } from "../ui/badge";
import { LocalTime } from "../ui/local-time";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { SELECT_CLASS } from "../ui/select";
import { Table, Td, Th } from "../ui/table";
import { ImportToolsDialog } from "./import-tools-dialog";
import { SyncToolsDialog } from "./sync-tools-dialog";
import { plural } from "@/lib/client/plural";

type Filter = "all" | "read" | "write" | "changed" | "gone";

const FILTERS: Record<Filter, { label: string; test: (t: ToolView) => boolean }> = {
  all: { label: "All tools", test: () => true },
  read: { label: "Read-only", test: (t) => t.readOnlyHint === true },
  write: { label: "Not read-only", test: (t) => t.readOnlyHint !== true },
  changed: { label: "Changed", test: (t) => t.changedAt !== null },
  gone: { label: "Gone", test: (t) => t.goneAt !== null },
};

export function HintBadge({ readOnly }: { readOnly: boolean | null }) {
  if (readOnly === true) return <Badge tone="green">read-only</Badge>;
  if (readOnly === false) return <Badge tone="amber">writes</Badge>;
  return (
    <Badge tone="neutral" title="The server gives no readOnlyHint; MCP clients then assume the tool may write">
      no hint
    </Badge>
  );
}

function ToolRow({ tool, onReview, reviewing }: { tool: ToolView; onReview: (names: string[]) => void; reviewing: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr className={tool.goneAt ? "bg-zinc-50 text-zinc-500 dark:bg-zinc-900/60" : undefined}>
        <Td className="whitespace-nowrap font-mono text-xs font-medium">{tool.name}</Td>
        <Td className="max-w-xl text-zinc-600 dark:text-zinc-400">
          <p className="line-clamp-2" title={tool.description}>
            {tool.description || <span className="italic text-zinc-400">no description</span>}
          </p>
        </Td>
        <Td>
          <HintBadge readOnly={tool.readOnlyHint} />
        </Td>
        <Td className="whitespace-nowrap">
          {tool.goneAt ? (
            <span className="inline-flex items-center gap-1.5 text-xs text-zinc-500">
              <Badge tone="red" title="The upstream no longer lists this tool">
                gone
              </Badge>
              since <LocalTime iso={tool.goneAt} mode="date" />
            </span>
          ) : tool.changedAt ? (
            <span className="inline-flex items-center gap-1.5">
              <Badge tone="amber" title="The description, input schema or read-only hint changed upstream">
                changed
              </Badge>
              <Button variant="ghost" className="px-1.5 py-0.5 text-xs" disabled={reviewing} onClick={() => onReview([tool.name])} aria-label={`Mark ${tool.name} reviewed`}>
                Reviewed
              </Button>
            </span>
          ) : (
            <span className="text-xs text-zinc-500">
              since <LocalTime iso={tool.firstSeenAt} mode="date" />
            </span>
          )}
        </Td>
        <Td className="whitespace-nowrap text-right">
          <Button
            variant="ghost"
            className="px-2 py-1 text-xs"
            aria-expanded={open}
            aria-label={`${open ? "Hide" : "Show"} input schema of ${tool.name}`}
            onClick={() => setOpen(!open)}
          >
            {open ? "Hide schema" : "Schema"}
          </Button>
        </Td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={5} className="bg-zinc-50 px-3 pb-3 dark:bg-zinc-900/60">
            <pre aria-label={`Input schema of ${tool.name}`} className="max-h-80 overflow-auto rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100">
              {JSON.stringify(tool.inputSchema, null, 2)}
            </pre>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function describeApplied(diff: ToolDiff): string {
  const parts = [`${diff.added.length} new`, `${diff.changed.length} changed`, `${diff.gone.length} gone`];
  return `Tools updated: ${parts.join(", ")}.`;
}

export function ToolsManager({ serverId, upstream, tools, secrets }: { serverId: string; upstream: string; tools: ToolView[]; secrets: string[] }) {
  const router = useRouter();
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [notice, setNotice] = useState<string>();
  const review = useMutation({
    mutationFn: (names: string[]) => api(`/api/servers/${serverId}/tools/reviewed`, { method: "POST", body: { names } }),
    onSuccess: () => router.refresh(),
  });
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return tools.filter((t) => FILTERS[filter].test(t) && (!q || t.name.toLowerCase().includes(q) || t.description.toLowerCase().includes(q)));
  }, [tools, query, filter]);
  const changed = tools.filter((t) => t.changedAt && !t.goneAt);
  const applied = (diff: ToolDiff) => setNotice(describeApplied(diff));
  const lastSeen = tools.reduce<string | undefined>((latest, t) => (!latest || t.lastSeenAt > latest ? t.lastSeenAt : latest), undefined);

  const actions = (
    <div className="flex gap-2">
      <ImportToolsDialog serverId={serverId} onImported={applied} />
      <SyncToolsDialog serverId={serverId} upstream={upstream} secrets={secrets} onSynced={applied} />
    </div>
  );

  if (tools.length === 0) {
    return (
      <>
        {notice ? <p className="mb-4 text-sm text-emerald-700 dark:text-emerald-300">{notice}</p> : null}
        <EmptyState title="No tools yet" action={<div className="flex justify-center">{actions}</div>}>
          Sync them from the upstream with a token it accepts, or import a <code className="font-mono text-xs">tools/list</code> result saved as JSON — for servers that need an
          interactive sign-in.
        </EmptyState>
      </>
    );
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <input
            type="search"
            aria-label="Search tools"
            placeholder="Search tools"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="w-64 rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-900 dark:ring-zinc-700"
          />
          <select aria-label="Filter tools" value={filter} onChange={(e) => setFilter(e.target.value as Filter)} className={`${SELECT_CLASS} w-40`}>
            {Object.entries(FILTERS).map(([key, f]) => (
              <option key={key} value={key}>
                {f.label}
              </option>
            ))}
          </select>
          <span className="text-xs text-zinc-500">
            {shown.length} of {tools.length} · last listed <LocalTime iso={lastSeen} />
          </span>
        </div>
        {actions}
      </div>
      {notice ? (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
          {notice}
        </p>
      ) : null}
      {changed.length > 0 ? (
        <div className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          <span>
            {plural(changed.length, "tool")} changed since you last reviewed {changed.length === 1 ? "it" : "them"}. Check their descriptions and schemas, and their rules in the
            access matrix.
          </span>
          <Button variant="secondary" className="px-2 py-1 text-xs" disabled={review.isPending} onClick={() => review.mutate(changed.map((t) => t.name))}>
            Mark all reviewed
          </Button>
        </div>
      ) : null}
      <Table label="Tools">
        <thead>
          <tr>
            <Th>Tool</Th>
            <Th>Description</Th>
            <Th>Hint</Th>
            <Th>Status</Th>
            <Th className="sr-only">Schema</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {shown.map((tool) => (
            <ToolRow key={tool.name} tool={tool} onReview={review.mutate} reviewing={review.isPending} />
          ))}
        </tbody>
      </Table>
      {shown.length === 0 ? <p className="text-center text-sm text-zinc-500">No tool matches the search and filter.</p> : null}
    </div>
  );
}
