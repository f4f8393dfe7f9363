"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { ApprovalDecision, ApprovalDetail } from "@/lib/console/approvals";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { FormError } from "../ui/form-error";
import { LocalTime } from "../ui/local-time";
import { Table, Td, Th } from "../ui/table";
import { ApprovalStatusBadge, KindBadge } from "./status-badge";

const TONE = { allow: "green", deny: "amber", error: "red" } as const;

function Decide({ approval, onDone }: { approval: ApprovalDetail; onDone: () => void }) {
  const form = useFormMutation({
    send: (decision: ApprovalDecision) => api(`/api/approvals/${approval.id}/${decision}`, { method: "POST" }),
    onDone,
  });
  if (approval.status !== "pending") return null;
  if (!approval.decidable) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="approval-refusal">
        {approval.refusal}
      </p>
    );
  }
  const confirm = approval.kind === "confirm";
  return (
    <div className="space-y-2">
      <div className="flex gap-2">
        <Button onClick={() => form.submit("approve")} disabled={form.pending}>
          {confirm ? "Confirm this call" : "Approve"}
        </Button>
        <Button variant="danger" onClick={() => form.submit("reject")} disabled={form.pending}>
          {confirm ? "Refuse" : "Reject"}
        </Button>
      </div>
      <p className="text-xs text-zinc-500">
        {confirm ? "Confirming" : "Approving"} lets the identical call through once, from any gateway, until it expires. The agent retries it; a changed call needs a new decision.
      </p>
      <FormError message={form.message} />
    </div>
  );
}

export function ApprovalDetailView({ initial }: { initial: ApprovalDetail }) {
  const { data: approval, refetch } = useQuery({
    queryKey: ["approval", initial.id],
    queryFn: () => api<{ approval: ApprovalDetail }>(`/api/approvals/${initial.id}`).then((r) => r.approval),
    initialData: initial,
    refetchInterval: 3000,
  });
  const facts: [string, React.ReactNode][] = [
    ["Server", approval.server],
    ["Tool", <span className="font-mono">{approval.tool}</span>],
    ["Consumer", <span className="font-mono">{approval.consumer}</span>],
    ["Groups", approval.groups.join(", ") || "—"],
    ["Requested", <LocalTime iso={approval.requestedAt} />],
    ["Expires", <LocalTime iso={approval.expiresAt} />],
    ["Approvers", approval.kind === "confirm" ? "the caller" : `${approval.approvers.join(", ")}${approval.selfApproval ? " (self-approval allowed)" : ""}`],
    [
      "Decided",
      approval.decidedBy ? (
        <span>
          {approval.decidedBy}, <LocalTime iso={approval.decidedAt} />
        </span>
      ) : (
        "—"
      ),
    ],
    [
      "Forwarded",
      approval.usedAt ? (
        <span>
          by {approval.usedByGateway}, <LocalTime iso={approval.usedAt} />
        </span>
      ) : (
        "—"
      ),
    ],
    ["Asked by", `${approval.gateway}${approval.configVersion ? `, configuration version ${approval.configVersion}` : ""}`],
  ];
  return (
    <div className="space-y-6">
      <Card>
        <div className="mb-3 flex flex-wrap items-center gap-2">
          <KindBadge kind={approval.kind} />
          <span data-testid="approval-status">
            <ApprovalStatusBadge status={approval.status} />
          </span>
        </div>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
          {facts.map(([label, value]) => (
            <div key={label} className="flex gap-2">
              <dt className="w-28 shrink-0 text-zinc-500">{label}</dt>
              <dd className="break-all">{value}</dd>
            </div>
          ))}
        </dl>
        <div className="mt-4">
          <Decide approval={approval} onDone={() => void refetch()} />
        </div>
      </Card>

      <section>
        <h2 className="mb-2 text-sm font-semibold">Arguments</h2>
        <p className="mb-2 text-xs text-zinc-500">As the gateway sent them; paths the rule marks sensitive are replaced by their SHA-256.</p>
        <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100" data-testid="approval-arguments">
          {JSON.stringify(approval.arguments, null, 2)}
        </pre>
      </section>

      <section>
        <h2 className="mb-2 text-sm font-semibold">The rule that asked</h2>
        {approval.ruleDefinition ? (
          <pre className="overflow-x-auto rounded-md bg-zinc-100 p-3 font-mono text-xs dark:bg-zinc-900">{JSON.stringify(approval.ruleDefinition, null, 2)}</pre>
        ) : (
          <p className="text-sm text-zinc-500">Rule {approval.rule}; its configuration version is no longer stored.</p>
        )}
      </section>

      <section>
        <h2 className="mb-2 text-sm font-semibold">Recent calls by {approval.consumer}</h2>
        {approval.recentCalls.length === 0 ? (
          <EmptyState title="No recorded calls">The audit trail has no calls by this consumer.</EmptyState>
        ) : (
          <Table label="Recent calls by the consumer">
            <thead>
              <tr>
                <Th>Time</Th>
                <Th>Server</Th>
                <Th>Tool or method</Th>
                <Th>Decision</Th>
                <Th>Reason</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {approval.recentCalls.map((call) => (
                <tr key={call.id}>
                  <Td>
                    <LocalTime iso={call.time} />
                  </Td>
                  <Td>{call.server}</Td>
                  <Td className="font-mono">{call.tool ?? call.method ?? "—"}</Td>
                  <Td>
                    <Badge tone={TONE[call.decision as keyof typeof TONE] ?? "neutral"}>{call.decision}</Badge>
                  </Td>
                  <Td className="text-xs text-zinc-600 dark:text-zinc-400">{call.reason || "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <Link href={`/audit?consumer=${encodeURIComponent(approval.consumer)}`} className="mt-2 inline-block text-sm text-indigo-700 hover:underline dark:text-indigo-300">
          All of {approval.consumer}&apos;s calls in the audit trail →
        </Link>
      </section>
    </div>
  );
}
