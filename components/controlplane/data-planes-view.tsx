"use client";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { DataPlaneView, SyncState } from "@/lib/controlplane/overview";
import type { SupervisedProcessState, SupervisionState } from "@/lib/core/supervision/state";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ConfirmButton } from "../ui/confirm-button";
import { Dialog } from "../ui/dialog";
import { EmptyState } from "../ui/empty-state";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { Table, Td, Th } from "../ui/table";

interface Overview {
  planes: DataPlaneView[];
  latest: { number: number; hash: string; createdAt: string } | null;
  compileError: { at: string; reason: string; problems: string[] } | null;
  supervision: SupervisionState | null;
}

const STATE: Record<SyncState, { label: string; tone: "green" | "amber" | "red" | "neutral" }> = {
  in_sync: { label: "in sync", tone: "green" },
  behind: { label: "behind", tone: "amber" },
  failed: { label: "failed", tone: "red" },
  disconnected: { label: "disconnected", tone: "neutral" },
  never_connected: { label: "never connected", tone: "neutral" },
  revoked: { label: "revoked", tone: "neutral" },
};

function duration(from: string | null, now: number): string {
  if (!from) return "—";
  const s = Math.max(0, Math.round((now - Date.parse(from)) / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

function AddDataPlane({ onDone }: { onDone: () => void }) {
  const [created, setCreated] = useState<{ token: string; name: string }>();
  const form = useFormMutation({
    send: (input: { name: string }) => api<{ token: string }>("/api/data-planes", { method: "POST", body: input }).then((r) => ({ ...r, name: input.name })),
    onDone: setCreated,
  });
  if (created) {
    return (
      <div className="space-y-3 text-sm">
        <p>
          Token for <strong>{created.name}</strong>. Copy it now: it is shown this once and stored only as a hash.
        </p>
        <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100" data-testid="dp-token">
          {created.token}
        </pre>
        <p>Start a gateway with it:</p>
        <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100">
          {`PORTCULLIS_CP_URL=${typeof window === "undefined" ? "" : window.location.origin} \\\nPORTCULLIS_DP_TOKEN=${created.token} \\\nnpm run gateway`}
        </pre>
        <div className="flex justify-end">
          <Button onClick={onDone}>Done</Button>
        </div>
      </div>
    );
  }
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.submit({ name: String(new FormData(event.currentTarget).get("name") ?? "") });
  };
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate>
      <Field id="dp-name" name="name" label="Name" hint="e.g. gateway-eu-1" error={form.fields.name} autoFocus />
      <FormActions message={form.message} onCancel={onDone} label="Create token" disabled={form.pending} />
    </form>
  );
}

function RevokeButton({ plane }: { plane: DataPlaneView }) {
  return (
    <ConfirmButton label="Revoke" subject={plane.name} confirmLabel="Revoke token" send={() => api(`/api/data-planes/${plane.id}`, { method: "DELETE" })}>
      The gateway using this token can no longer fetch configuration or send audit events. It keeps serving its last configuration until restarted.
    </ConfirmButton>
  );
}

const PROCESS_STATE: Record<SupervisedProcessState["state"], { label: string; tone: "green" | "amber" | "red" | "neutral" }> = {
  running: { label: "running", tone: "green" },
  restarting: { label: "restarting", tone: "amber" },
  stopped: { label: "stopped", tone: "neutral" },
};

function exitCause(exit: NonNullable<SupervisedProcessState["last_exit"]>): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** The launcher's processes on the console's own machine (npm start): restarts and the last crash. */
function SupervisedProcesses({ supervision, now }: { supervision: SupervisionState; now: number }) {
  return (
    <section className="space-y-2">
      <h2 className="text-sm font-semibold">Processes on this machine</h2>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Started by npm start, which restarts any of them that dies.</p>
      <Table label="Processes on this machine">
        <thead>
          <tr>
            <Th>Process</Th>
            <Th>Status</Th>
            <Th className="text-right">Restarts</Th>
            <Th>Last crash</Th>
            <Th>Up for</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {supervision.processes.map((proc) => (
            <tr key={proc.name} data-testid={`process-${proc.name}`}>
              <Td className="font-medium">{proc.name}</Td>
              <Td>
                <Badge tone={proc.crash_loop ? "red" : PROCESS_STATE[proc.state].tone}>{proc.crash_loop ? "crash loop" : PROCESS_STATE[proc.state].label}</Badge>
                {proc.next_restart_at ? (
                  <div className="mt-1 text-xs text-zinc-500">next start in {Math.max(0, Math.round((Date.parse(proc.next_restart_at) - now) / 1000))} s</div>
                ) : null}
              </Td>
              <Td className="text-right tabular-nums">{proc.restarts}</Td>
              <Td className="text-xs">{proc.last_exit ? `${exitCause(proc.last_exit)}, ${duration(proc.last_exit.at, now)} ago` : "—"}</Td>
              <Td className="text-xs">{proc.state === "running" ? duration(proc.started_at, now) : "—"}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}

export function DataPlanesView({ initial }: { initial: Overview }) {
  const [adding, setAdding] = useState(false);
  const { data } = useQuery({ queryKey: ["data-planes"], queryFn: () => api<Overview>("/api/data-planes"), initialData: initial, refetchInterval: 5000 });
  const now = Date.now();
  return (
    <div className="space-y-4">
      {data.compileError ? (
        <Card className="border-red-300 dark:border-red-900">
          <h2 className="text-sm font-semibold text-red-700 dark:text-red-300">The last change could not be compiled into a gateway configuration</h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Gateways keep the previous version until this is fixed.</p>
          <ul className="mt-2 list-disc pl-5 font-mono text-xs">
            {data.compileError.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Card>
      ) : null}
      <div className="flex items-center justify-between">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Current configuration: {data.latest ? <strong>version {data.latest.number}</strong> : "none yet"}
          {data.latest ? <span className="ml-2 font-mono text-xs text-zinc-500">{data.latest.hash.slice(0, 19)}…</span> : null}
        </p>
        <Button onClick={() => setAdding(true)}>Add data plane</Button>
      </div>
      {data.planes.length === 0 ? (
        <EmptyState title="No data planes yet" action={<Button onClick={() => setAdding(true)}>Add data plane</Button>}>
          Each gateway process connects out to this console with a data-plane token and reports the configuration it applied.
        </EmptyState>
      ) : (
        <Table label="Data planes">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Status</Th>
              <Th>Applied version</Th>
              <Th>Address</Th>
              <Th>Last seen</Th>
              <Th>Uptime</Th>
              <Th className="text-right">Dropped events</Th>
              <Th className="sr-only">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {data.planes.map((plane) => (
              <tr key={plane.id} data-testid={`dp-${plane.name}`}>
                <Td>
                  <div className="font-medium">{plane.name}</div>
                  <div className="font-mono text-xs text-zinc-500" title="Data plane id">
                    {plane.id.slice(0, 8)} · {plane.tokenPrefix}…
                  </div>
                </Td>
                <Td>
                  <Badge tone={STATE[plane.state].tone}>{STATE[plane.state].label}</Badge>
                  {plane.reason ? <div className="mt-1 max-w-xs text-xs text-red-700 dark:text-red-300">{plane.reason}</div> : null}
                </Td>
                <Td className="tabular-nums">
                  {plane.appliedVersion ?? "—"}
                  {plane.appliedHash ? <div className="font-mono text-xs text-zinc-500">{plane.appliedHash.slice(0, 19)}…</div> : null}
                </Td>
                <Td className="text-xs">
                  {plane.hostname || "—"}
                  <div className="text-zinc-500">{plane.address}</div>
                  {plane.softwareVersion ? <div className="text-zinc-500">v{plane.softwareVersion}</div> : null}
                </Td>
                <Td className="text-xs">{plane.lastSeenAt ? `${duration(plane.lastSeenAt, now)} ago` : "never"}</Td>
                <Td className="text-xs">{plane.state === "in_sync" || plane.state === "behind" ? duration(plane.startedAt, now) : "—"}</Td>
                <Td className="text-right tabular-nums">{plane.droppedEvents}</Td>
                <Td className="whitespace-nowrap text-right">{plane.state === "revoked" ? null : <RevokeButton plane={plane} />}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {data.supervision ? <SupervisedProcesses supervision={data.supervision} now={now} /> : null}
      <Dialog open={adding} onClose={() => setAdding(false)} title="Add data plane">
        {adding ? <AddDataPlane onDone={() => setAdding(false)} /> : null}
      </Dialog>
    </div>
  );
}
