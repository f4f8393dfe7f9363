"use client";
import { Fragment, useState } from "react";
import { Badge } from "../ui/badge";
import { LocalTime } from "../ui/local-time";
import { Table, Td, Th } from "../ui/table";

export interface AuditRowView {
  id: string;
  time: string;
  requestId: string;
  serverName: string;
  consumerName: string | null;
  groups: string[];
  endUser: string | null;
  upstreamIdentity: string | null;
  method: string | null;
  toolName: string | null;
  decision: "allow" | "deny" | "error";
  reason: string;
  httpStatus: number;
  rpcErrorCode: number | null;
  upstreamLatencyMs: number | null;
  totalLatencyMs: number;
  bytesIn: number;
  bytesOut: number;
  dataPlaneId: string | null;
  approvalId: string | null;
  approvalKind: "confirm" | "approve" | null;
  approvedBy: string | null;
  approvalWaitedMs: number | null;
}

const TONE = { allow: "green", deny: "amber", error: "red" } as const;

function Detail({ event }: { event: AuditRowView }) {
  const fields: [string, unknown][] = [
    ["Event id", event.id],
    ["Request id", event.requestId],
    ["Groups", event.groups.join(", ") || "—"],
    ["End user (IdP)", event.endUser ?? "—"],
    ["Upstream identity", event.upstreamIdentity ?? "—"],
    ["Reason", event.reason || "—"],
    ["JSON-RPC error", event.rpcErrorCode ?? "—"],
    ["Upstream latency", event.upstreamLatencyMs === null ? "—" : `${event.upstreamLatencyMs.toFixed(2)} ms`],
    ["Bytes in / out", `${event.bytesIn} / ${event.bytesOut}`],
    ["Data plane", event.dataPlaneId ?? "—"],
    [
      "Approval",
      event.approvalId
        ? `${event.approvalKind === "confirm" ? "confirmed" : "approved"} by ${event.approvedBy ?? "—"} after ${event.approvalWaitedMs ?? 0} ms (${event.approvalId})`
        : "—",
    ],
  ];
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-xs sm:grid-cols-2">
      {fields.map(([label, value]) => (
        <div key={label} className="flex gap-2">
          <dt className="w-36 shrink-0 text-zinc-500">{label}</dt>
          <dd className="break-all font-mono">{String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditTable({ events }: { events: AuditRowView[] }) {
  const [open, setOpen] = useState<string>();
  return (
    <Table label="Audit events">
      <thead>
        <tr>
          <Th>Time</Th>
          <Th>Server</Th>
          <Th>Consumer</Th>
          <Th>Method</Th>
          <Th>Tool</Th>
          <Th>Decision</Th>
          <Th>Reason</Th>
          <Th className="text-right">Status</Th>
          <Th className="text-right">Latency</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {events.map((event) => (
          <Fragment key={event.id}>
            <tr
              className="cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
              onClick={() => setOpen(open === event.id ? undefined : event.id)}
              aria-expanded={open === event.id}
              tabIndex={0}
              onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), setOpen(open === event.id ? undefined : event.id))}
            >
              <Td className="whitespace-nowrap text-xs">
                <LocalTime iso={event.time} />
              </Td>
              <Td className="whitespace-nowrap">{event.serverName}</Td>
              <Td className="whitespace-nowrap">{event.consumerName ?? <span className="text-zinc-400">(none)</span>}</Td>
              <Td className="font-mono text-xs">{event.method ?? "—"}</Td>
              <Td className="font-mono text-xs">{event.toolName ?? "—"}</Td>
              <Td>
                <Badge tone={TONE[event.decision]}>{event.decision}</Badge>
              </Td>
              <Td className="max-w-[16rem] truncate text-xs" title={event.reason || undefined}>
                {event.reason || <span className="text-zinc-400">—</span>}
              </Td>
              <Td className="text-right tabular-nums">{event.httpStatus}</Td>
              <Td className="text-right tabular-nums">{event.totalLatencyMs.toFixed(1)} ms</Td>
            </tr>
            {open === event.id ? (
              <tr className="bg-zinc-50 dark:bg-zinc-900/60">
                <td colSpan={9} className="px-3 py-3">
                  <Detail event={event} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </Table>
  );
}
