import type { Metadata } from "next";
import Link from "next/link";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { ChainStatus } from "@/components/audit/chain-status";
import { VerifyChain } from "@/components/audit/verify-chain";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { auditFilterQuery, parseAuditFilter } from "@/lib/analytics/audit-query";
import { requirePageRole } from "@/lib/auth/session";
import { auditChainStates, auditEventsPage, auditScopeFor } from "@/lib/console/audit-events";

export const metadata: Metadata = { title: "Audit" };

const LINK = "text-sm text-indigo-700 hover:underline dark:text-indigo-300";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageRole(["admin", "viewer"]);
  // Fields whose values are refused come back with a message each; the rest still filter.
  const { filter, errors, values } = parseAuditFilter(await searchParams);
  const [{ events, nextCursor }, chainStates] = await Promise.all([auditEventsPage(filter, await auditScopeFor(user)), auditChainStates()]);
  const windowQuery = auditFilterQuery({ range: filter.range, from: filter.from, to: filter.to });
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every request through the gateways: who called which tool, what was decided, and how long it took. Times are in your time zone."
        actions={
          <>
            <a className={LINK} href={`/api/audit/export?${auditFilterQuery(filter, { format: "csv" })}`}>
              Export CSV
            </a>
            <a className={LINK} href={`/api/audit/export?${auditFilterQuery(filter, { format: "jsonl" })}`}>
              Export JSON lines
            </a>
          </>
        }
      />
      <div className="mb-4 flex flex-wrap items-start justify-between gap-2">
        <ChainStatus states={chainStates} />
        {user.role === "admin" ? <VerifyChain query={windowQuery} /> : null}
      </div>
      <AuditFilters values={values} errors={errors} />
      {events.length === 0 ? (
        <EmptyState title={filter.cursor ? "No more events" : "No audit events match"}>
          Events appear here as agents call MCP servers through the gateways. Widen the filters or the time range
          {(filter.calls ?? "tools") === "tools" && !filter.method ? ", or turn off Tool calls only" : ""}.
        </EmptyState>
      ) : (
        <>
          <AuditTable events={events.map((e) => ({ ...e, time: e.time.toISOString(), bytesIn: Number(e.bytesIn), bytesOut: Number(e.bytesOut) }))} />
          <div className="mt-3 flex justify-between text-sm">
            {filter.cursor ? <Link href={`/audit?${auditFilterQuery(filter)}`}>← Newest</Link> : <span />}
            {nextCursor ? (
              <Link className={LINK} href={`/audit?${auditFilterQuery(filter, { cursor: nextCursor })}`}>
                Older events →
              </Link>
            ) : null}
          </div>
        </>
      )}
    </>
  );
}
