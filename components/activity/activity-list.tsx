"use client";
import { useMutation } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import type { ActivityEntry, ActivityPage } from "@/lib/console/activity-log";
import { diffJson, type JsonChange } from "@/lib/console/json-diff";
import type { ActivityFilter } from "@/lib/console/schemas/activity";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { FormError } from "../ui/form-error";
import { plural } from "@/lib/client/plural";
import { LocalTime } from "../ui/local-time";
import { Table, Td, Th } from "../ui/table";

const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

function ActionBadge({ action }: { action: string }) {
  const verb = action.split(".").at(-1);
  const tone = verb === "delete" ? "red" : verb === "create" ? "green" : "indigo";
  return <Badge tone={tone}>{action}</Badge>;
}

function ChangeValue({ value, tone }: { value: unknown; tone: "before" | "after" }) {
  if (value === undefined) return <span className="text-zinc-400">—</span>;
  return (
    <code
      className={`whitespace-pre-wrap break-all rounded px-1 font-mono text-xs ${tone === "before" ? "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200" : "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"}`}
    >
      {show(value)}
    </code>
  );
}

function EntryDiff({ entry }: { entry: ActivityEntry }) {
  const [raw, setRaw] = useState(false);
  const changes: JsonChange[] = diffJson(entry.before ?? undefined, entry.after ?? undefined);
  return (
    <div className="space-y-2">
      {changes.length === 0 ? (
        <p className="text-sm text-zinc-500">No recorded field changed.</p>
      ) : (
        <table aria-label={`Changes of ${entry.action} on ${entry.entityName}`} className="w-full text-left text-sm">
          <thead>
            <tr className="text-xs text-zinc-500">
              <th className="w-1/4 py-1 pr-3 font-medium">Field</th>
              <th className="w-3/8 py-1 pr-3 font-medium">Before</th>
              <th className="w-3/8 py-1 font-medium">After</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {changes.map((change) => (
              <tr key={change.path} className="align-top">
                <td className="py-1 pr-3 font-mono text-xs">{change.path}</td>
                <td className="py-1 pr-3">
                  <ChangeValue value={change.before} tone="before" />
                </td>
                <td className="py-1">
                  <ChangeValue value={change.after} tone="after" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" className="text-xs text-indigo-600 hover:underline" onClick={() => setRaw(!raw)}>
        {raw ? "Hide" : "Show"} recorded JSON
      </button>
      {raw ? (
        <div className="grid gap-2 md:grid-cols-2">
          {(["before", "after"] as const).map((side) => (
            <pre key={side} className="max-h-72 overflow-auto rounded-md bg-zinc-950 p-2 font-mono text-xs text-zinc-100">
              {side}: {JSON.stringify(entry[side], null, 2) ?? "null"}
            </pre>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export function ActivityList({ first, filter }: { first: ActivityPage; filter: Omit<ActivityFilter, "cursor"> }) {
  const [entries, setEntries] = useState(first.entries);
  const [cursor, setCursor] = useState(first.nextCursor);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const more = useMutation({
    mutationFn: (after: string) => {
      const params = new URLSearchParams(Object.entries({ ...filter, cursor: after }).filter((e): e is [string, string] => Boolean(e[1])));
      return api<ActivityPage>(`/api/activity?${params}`);
    },
    onSuccess: (page) => {
      setEntries((current) => [...current, ...page.entries]);
      setCursor(page.nextCursor);
    },
  });
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div className="space-y-4">
      <Table label="Activity">
        <thead>
          <tr>
            <Th>When</Th>
            <Th>Who</Th>
            <Th>What</Th>
            <Th>Entity</Th>
            <Th className="sr-only">Details</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {entries.map((entry) => (
            <Fragment key={entry.id}>
              <tr>
                <Td className="whitespace-nowrap text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
                  <LocalTime iso={entry.time} />
                </Td>
                <Td className="text-sm">{entry.actorEmail}</Td>
                <Td>
                  <ActionBadge action={entry.action} />
                </Td>
                <Td>
                  <span className="text-xs text-zinc-500">{entry.entityType}</span> <span className="font-medium">{entry.entityName || "—"}</span>
                </Td>
                <Td className="whitespace-nowrap text-right">
                  <Button
                    variant="ghost"
                    className="px-2 py-1 text-xs"
                    aria-expanded={open.has(entry.id)}
                    aria-label={`${open.has(entry.id) ? "Hide" : "Show"} changes of ${entry.action} on ${entry.entityName}`}
                    onClick={() => toggle(entry.id)}
                  >
                    {open.has(entry.id) ? "Hide changes" : "Changes"}
                  </Button>
                </Td>
              </tr>
              {open.has(entry.id) ? (
                <tr>
                  <td colSpan={5} className="bg-zinc-50 px-4 py-3 dark:bg-zinc-900/60">
                    <EntryDiff entry={entry} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </Table>
      <FormError message={more.error instanceof ApiError ? more.error.message : more.error ? "Loading more failed." : undefined} />
      <div className="flex items-center justify-between text-sm text-zinc-500">
        <span>{plural(entries.length, "entry", "entries")} shown</span>
        {cursor ? (
          <Button variant="secondary" disabled={more.isPending} onClick={() => more.mutate(cursor)}>
            {more.isPending ? "Loading…" : "Load older entries"}
          </Button>
        ) : (
          <span>End of the log</span>
        )}
      </div>
    </div>
  );
}
