"use client";
// A server's pending catalogue changes: each definition a gateway listed
// without an approved pin, beside the approved one (description as a line
// diff, everything else as changed JSON paths), with where and when it was
// first seen, the calls refused since, and its suspicious-text flags
// highlighted. Approve or reject one, or all at once (approving all is
// refused by the server when any is flagged, and disabled here).
import { useMutation } from "@tanstack/react-query";
import { diffLines } from "diff";
import { useRouter } from "next/navigation";
import { api } from "@/lib/client/api";
import { diffJson } from "@/lib/console/json-diff";
import type { PendingChange } from "@/lib/console/pending-changes";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { DiffView } from "../ui/diff-view";
import { EmptyState } from "../ui/empty-state";
import { LocalTime } from "../ui/local-time";
import { plural } from "@/lib/client/plural";

type Decision = { decision: "approve" | "reject"; ids: string[] | "all" };

const withoutDescription = (definition: Record<string, unknown> | null | undefined) => {
  if (!definition) return undefined;
  const { description: _d, ...others } = definition;
  return others;
};

function ChangeCard({ change, pending, onDecide }: { change: PendingChange; pending: boolean; onDecide: (d: Decision) => void }) {
  const before = change.approved?.definition;
  const description = (value: unknown) => (typeof value === "string" ? value : "");
  const schemaChanges = diffJson(withoutDescription(before) ?? {}, withoutDescription(change.definition));
  return (
    <Card className="p-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="flex items-center gap-2 font-mono text-sm font-semibold">
            {change.tool} {before ? <Badge tone="amber">changed</Badge> : <Badge tone="indigo">new</Badge>}
            {change.flags.length ? <Badge tone="red">{plural(change.flags.length, "flag")}</Badge> : null}
          </h2>
          <p className="mt-1 text-xs text-zinc-500">
            First seen by {change.firstDataPlane} at <LocalTime iso={change.firstSeenAt} />; {plural(change.refusedCalls, "call")} refused since.
          </p>
        </div>
        <div className="flex gap-2">
          <Button disabled={pending} onClick={() => onDecide({ decision: "approve", ids: [change.id] })} aria-label={`Approve ${change.tool}`}>
            Approve
          </Button>
          <Button variant="secondary" disabled={pending} onClick={() => onDecide({ decision: "reject", ids: [change.id] })} aria-label={`Reject ${change.tool}`}>
            Reject
          </Button>
        </div>
      </div>
      {change.flags.length ? (
        <ul
          aria-label={`Flags of ${change.tool}`}
          className="mt-3 space-y-1 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          {change.flags.map((flag, i) => (
            <li key={i}>
              <span className="font-mono text-xs">{flag.path}</span>: {flag.message}
            </li>
          ))}
        </ul>
      ) : null}
      <h3 className="mt-4 text-xs font-semibold uppercase tracking-wide text-zinc-500">Description</h3>
      <DiffView label={`Description of ${change.tool}`} parts={diffLines(description(before?.description), description(change.definition.description))} />
      <h3 className="mt-4 text-xs font-semibold uppercase tracking-wide text-zinc-500">Schema and other fields</h3>
      {schemaChanges.length === 0 ? (
        <p className="text-sm text-zinc-500">No differences.</p>
      ) : (
        <ul className="space-y-1 font-mono text-xs">
          {schemaChanges.map((c) => (
            <li key={c.path}>
              <span className="font-semibold">{c.path}</span> {c.kind}
              {c.before !== undefined ? <span className="text-red-700 dark:text-red-300"> − {JSON.stringify(c.before)}</span> : null}
              {c.after !== undefined ? <span className="text-emerald-700 dark:text-emerald-300"> + {JSON.stringify(c.after)}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function PendingChanges({ serverId, changes }: { serverId: string; changes: PendingChange[] }) {
  const router = useRouter();
  const decide = useMutation({
    mutationFn: (body: Decision) => api(`/api/servers/${serverId}/pending-changes`, { method: "POST", body }),
    onSuccess: () => router.refresh(),
  });
  if (changes.length === 0) {
    return <EmptyState title="No pending changes">Every tool definition the gateways list is one an admin approved.</EmptyState>;
  }
  const flagged = changes.some((c) => c.flags.length > 0);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {plural(changes.length, "definition")} {changes.length === 1 ? "waits" : "wait"} for review. Held tools are hidden from clients and their calls refused until approved.
        </p>
        <div className="flex gap-2">
          <Button
            disabled={decide.isPending || flagged}
            title={flagged ? "Flagged definitions are approved one by one" : undefined}
            onClick={() => decide.mutate({ decision: "approve", ids: "all" })}
          >
            Approve all
          </Button>
          <Button variant="secondary" disabled={decide.isPending} onClick={() => decide.mutate({ decision: "reject", ids: "all" })}>
            Reject all
          </Button>
        </div>
      </div>
      {decide.error ? (
        <p role="alert" className="text-sm text-red-600">
          {decide.error.message}
        </p>
      ) : null}
      {changes.map((change) => (
        <ChangeCard key={change.id} change={change} pending={decide.isPending} onDecide={(d) => decide.mutate(d)} />
      ))}
    </div>
  );
}
