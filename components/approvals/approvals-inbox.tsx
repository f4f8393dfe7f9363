"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { api } from "@/lib/client/api";
import type { ApprovalListView, ApprovalRow } from "@/lib/console/approvals";
import { EmptyState } from "../ui/empty-state";
import { ErrorPanel } from "../ui/error-panel";
import { LocalTime } from "../ui/local-time";
import { Table, Td, Th } from "../ui/table";
import { ApprovalStatusBadge, KindBadge } from "./status-badge";

/** Held calls, refetched every few seconds: a gateway's new request shows without a reload. */
export function ApprovalsInbox({ view, initial }: { view: ApprovalListView; initial: ApprovalRow[] }) {
  const { data, error, refetch } = useQuery({
    queryKey: ["approvals", view],
    queryFn: () => api<{ approvals: ApprovalRow[] }>(`/api/approvals?view=${view}`).then((r) => r.approvals),
    initialData: initial,
    refetchInterval: 3000,
  });
  if (error && data.length === 0) return <ErrorPanel title="The approvals could not be loaded" retry={() => void refetch()} />;
  if (data.length === 0) {
    return (
      <EmptyState title={view === "pending" ? "Nothing waits for a decision" : "No decided calls yet"}>
        {view === "pending"
          ? "When a gateway holds a tool call for an approval or a confirmation you can give, it appears here within seconds."
          : "Approved, rejected, expired and voided calls appear here."}
      </EmptyState>
    );
  }
  return (
    <Table label={view === "pending" ? "Calls waiting for a decision" : "Decided calls"}>
      <thead>
        <tr>
          <Th>Call</Th>
          <Th>Consumer</Th>
          <Th>Kind</Th>
          <Th>Requested</Th>
          <Th>{view === "pending" ? "Expires" : "Decided"}</Th>
          <Th>Status</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {data.map((approval) => (
          <tr key={approval.id}>
            <Td>
              <Link href={`/approvals/${approval.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                <span className="font-mono">{approval.tool}</span> on {approval.server}
              </Link>
            </Td>
            <Td className="font-mono">{approval.consumer}</Td>
            <Td>
              <KindBadge kind={approval.kind} />
            </Td>
            <Td>
              <LocalTime iso={approval.requestedAt} />
            </Td>
            <Td>{view === "pending" ? <LocalTime iso={approval.expiresAt} mode="time" /> : approval.decidedBy ? <span>{approval.decidedBy}</span> : "—"}</Td>
            <Td>
              {approval.decidable ? (
                <span className="text-xs font-medium text-amber-700 dark:text-amber-300">your decision</span>
              ) : (
                <ApprovalStatusBadge status={approval.status} />
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
