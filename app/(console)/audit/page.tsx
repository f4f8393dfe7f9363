import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/audit/audit-table";
import { ChainStatus } from "@/components/audit/chain-status";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { parseAuditFilter, type AuditFilter } from "@/lib/analytics/audit-query";
import { requirePageRole } from "@/lib/auth/session";
import { auditChainStates, auditEventsPage } from "@/lib/console/audit-events";

export const metadata: Metadata = { title: "Audit" };

function query(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const entries = Object.entries({ ...filter, cursor: undefined, ...extra }).filter(([, v]) => v !== undefined && v !== "");
  return new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString();
}

const input = "rounded-md border-0 bg-white px-2 py-1 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 dark:bg-zinc-900 dark:ring-zinc-700";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageRole(["admin", "viewer"]);
  const filter = parseAuditFilter(await searchParams);
  const [{ events, nextCursor }, chainStates] = await Promise.all([auditEventsPage(filter), auditChainStates()]);
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every request through the gateways: who called which tool, what was decided, and how long it took. Times are in your time zone."
        actions={
          <>
            <a className="text-sm text-indigo-700 hover:underline dark:text-indigo-300" href={`/api/audit/export?${query(filter, { format: "csv" })}`}>
              Export CSV
            </a>
            <a className="text-sm text-indigo-700 hover:underline dark:text-indigo-300" href={`/api/audit/export?${query(filter, { format: "jsonl" })}`}>
              Export JSON lines
            </a>
          </>
        }
      />
      <ChainStatus states={chainStates} />
      <form method="get" className="mb-4 flex flex-wrap items-end gap-2 text-sm" aria-label="Filters">
        {(
          [
            ["server", "Server"],
            ["consumer", "Consumer"],
            ["tool", "Tool"],
          ] as const
        ).map(([name, label]) => (
          <label key={name} className="flex flex-col gap-1">
            <span className="text-xs text-zinc-500">{label}</span>
            <input name={name} defaultValue={filter[name] ?? ""} className={input} />
          </label>
        ))}
        <label className="flex flex-col gap-1">
          <span className="text-xs text-zinc-500">Decision</span>
          <select name="decision" defaultValue={filter.decision ?? ""} className={input}>
            <option value="">any</option>
            <option value="allow">allow</option>
            <option value="deny">deny</option>
            <option value="error">error</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-zinc-500">Approval</span>
          <select name="approval" defaultValue={filter.approval ?? ""} className={input}>
            <option value="">any or none</option>
            <option value="any">confirmed or approved</option>
            <option value="confirm">confirmed by the caller</option>
            <option value="approve">approved by an approver</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-zinc-500">HTTP status</span>
          <input name="status" inputMode="numeric" defaultValue={filter.status ?? ""} className={`${input} w-20`} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-zinc-500">From (UTC)</span>
          <input name="from" type="datetime-local" defaultValue={filter.from?.slice(0, 16) ?? ""} className={input} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-zinc-500">To (UTC)</span>
          <input name="to" type="datetime-local" defaultValue={filter.to?.slice(0, 16) ?? ""} className={input} />
        </label>
        <Button type="submit">Filter</Button>
        <Link href="/audit" className="px-2 py-1.5 text-sm text-zinc-600 hover:underline">
          Clear
        </Link>
      </form>
      {events.length === 0 ? (
        <EmptyState title={filter.cursor ? "No more events" : "No audit events match"}>
          Events appear here as agents call MCP servers through the gateways. Widen the filters or the time range.
        </EmptyState>
      ) : (
        <>
          <AuditTable events={events.map((e) => ({ ...e, time: e.time.toISOString() }))} />
          <div className="mt-3 flex justify-between text-sm">
            {filter.cursor ? <Link href={`/audit?${query(filter)}`}>← Newest</Link> : <span />}
            {nextCursor ? (
              <Link className="text-indigo-700 hover:underline dark:text-indigo-300" href={`/audit?${query(filter, { cursor: nextCursor })}`}>
                Older events →
              </Link>
            ) : null}
          </div>
        </>
      )}
    </>
  );
}
