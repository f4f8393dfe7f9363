"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { api } from "@/lib/client/api";
import { headerLines, headerLinesError } from "@/lib/client/header-lines";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { AuditSinkView } from "@/lib/console/audit-sinks";
import type { AuditSinkCreateInput } from "@/lib/console/schemas/audit-sink";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { Dialog } from "../ui/dialog";
import { EmptyState } from "../ui/empty-state";
import { ErrorState } from "../ui/error-state";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { LocalTime } from "../ui/local-time";
import { SelectField } from "../ui/select";
import { Table, Td, Th } from "../ui/table";
import { TextAreaField } from "../ui/textarea";

const SINKS_KEY = ["audit-sinks"];

function health(sink: AuditSinkView): { label: string; tone: "green" | "amber" | "red" | "neutral" } {
  const status = sink.status;
  if (!status) return { label: "starting", tone: "neutral" };
  const failing = status.lastErrorAt && (!status.lastSuccessAt || status.lastErrorAt > status.lastSuccessAt);
  if (failing) return { label: "failing", tone: "red" };
  if (status.dropped > 0) return { label: "dropped events", tone: "amber" };
  return status.lastSuccessAt ? { label: "delivering", tone: "green" } : { label: "idle", tone: "neutral" };
}

type SinkKind = AuditSinkCreateInput["kind"];

function sinkInput(form: FormData, kind: SinkKind): AuditSinkCreateInput {
  const text = (name: string) => String(form.get(name) ?? "");
  if (kind === "webhook") return { kind, name: text("name"), url: text("url"), secret: text("secret") };
  if (kind === "otlp_logs") {
    return { kind, name: text("name"), url: text("url"), protocol: text("protocol") === "http/json" ? "http/json" : "http/protobuf", headers: headerLines(text("headers")) };
  }
  const ca = text("ca").trim();
  return { kind, name: text("name"), host: text("host"), port: Number(text("port")), tls: form.get("tls") === "on", ...(ca ? { ca } : {}) };
}

function WebhookFields({ fields }: { fields: Record<string, string> }) {
  return (
    <>
      <Field id="sink-url" name="url" label="URL" hint="https:// recommended" error={fields.url} />
      <Field
        id="sink-secret"
        name="secret"
        type="password"
        label="Signing secret"
        hint="At least 16 characters; the receiver checks x-portcullis-signature with it"
        error={fields.secret}
      />
    </>
  );
}

function SyslogFields({ fields }: { fields: Record<string, string> }) {
  return (
    <>
      <Field id="sink-host" name="host" label="Host" error={fields.host} />
      <Field id="sink-port" name="port" label="Port" inputMode="numeric" hint="6514 for TLS, 601 for plain TCP" error={fields.port} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="tls" className="accent-indigo-600" /> TLS (RFC 5425)
      </label>
      <TextAreaField id="sink-ca" name="ca" rows={4} label="CA certificate (PEM)" hint="Optional; the system's CAs otherwise" error={fields.ca} />
    </>
  );
}

function OtlpLogsFields({ fields }: { fields: Record<string, string> }) {
  return (
    <>
      <Field id="sink-url" name="url" label="Endpoint" hint="The collector's full logs URL, e.g. https://collector.example:4318/v1/logs" error={fields.url} />
      <SelectField id="sink-protocol" name="protocol" label="Protocol" defaultValue="http/protobuf" error={fields.protocol}>
        <option value="http/protobuf">http/protobuf</option>
        <option value="http/json">http/json</option>
      </SelectField>
      <TextAreaField
        id="sink-headers"
        name="headers"
        rows={3}
        label="Headers"
        placeholder="Authorization: Bearer {vault://portcullis/otlp-token}"
        hint="Optional; one Name: value a line. Put credentials in the Vault and write {vault://portcullis/<secret>}: resolved at each delivery, stored sealed, never shown again."
        error={headerLinesError(fields, "headers")}
      />
    </>
  );
}

const KIND_FIELDS: Record<SinkKind, (props: { fields: Record<string, string> }) => ReactNode> = { webhook: WebhookFields, syslog: SyslogFields, otlp_logs: OtlpLogsFields };

function AddAuditSink({ onDone }: { onDone: () => void }) {
  const [kind, setKind] = useState<SinkKind>("webhook");
  const form = useFormMutation({ send: (input: AuditSinkCreateInput) => api("/api/audit-sinks", { method: "POST", body: input }), onDone });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.submit(sinkInput(new FormData(event.currentTarget), kind));
  };
  const KindFields = KIND_FIELDS[kind];
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate>
      <SelectField id="sink-kind" label="Kind" value={kind} onChange={(event) => setKind(event.target.value as SinkKind)}>
        <option value="webhook">HTTP webhook (signed JSON lines)</option>
        <option value="syslog">Syslog (RFC 5424 over TCP)</option>
        <option value="otlp_logs">OpenTelemetry logs (OTLP/HTTP)</option>
      </SelectField>
      <Field id="sink-name" name="name" label="Name" hint="e.g. splunk-hec" error={form.fields.name} autoFocus />
      <KindFields fields={form.fields} />
      <FormActions message={form.message} onCancel={onDone} label="Add sink" disabled={form.pending} />
    </form>
  );
}

function DeleteButton({ sink, onDone }: { sink: AuditSinkView; onDone: () => void }) {
  return (
    <ConfirmButton label="Delete" subject={sink.name} confirmLabel="Delete sink" send={() => api(`/api/audit-sinks/${sink.id}`, { method: "DELETE" })} onDone={onDone}>
      Events no longer go to this sink; those still queued for it are discarded.
    </ConfirmButton>
  );
}

export function AuditSinksView({ initial }: { initial: AuditSinkView[] }) {
  const [adding, setAdding] = useState(false);
  const queryClient = useQueryClient();
  const { data, error, refetch } = useQuery({ queryKey: SINKS_KEY, queryFn: () => api<AuditSinkView[]>("/api/audit-sinks"), initialData: initial, refetchInterval: 5000 });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: SINKS_KEY });
  return (
    <section className="space-y-4" aria-labelledby="audit-export-heading">
      <div className="flex items-center justify-between">
        <div>
          <h2 id="audit-export-heading" className="text-base font-semibold">
            Audit export
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Every stored audit event, with its chain hash, streamed to your SIEM. Counters are this console process&apos;s.
          </p>
        </div>
        <Button onClick={() => setAdding(true)}>Add sink</Button>
      </div>
      {error ? <ErrorState title="The audit sinks could not be loaded" error={error} retry={() => void refetch()} /> : null}
      {data.length === 0 ? (
        <EmptyState title="No audit sinks" action={<Button onClick={() => setAdding(true)}>Add sink</Button>}>
          Send audit events to an HTTP webhook as signed JSON lines, to a syslog receiver over TCP or TLS, or to an OpenTelemetry collector as OTLP logs.
        </EmptyState>
      ) : (
        <Table label="Audit sinks">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Target</Th>
              <Th>Status</Th>
              <Th className="text-right">Delivered</Th>
              <Th className="text-right">Queued</Th>
              <Th className="text-right">Dropped</Th>
              <Th>Last success</Th>
              <Th className="sr-only">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {data.map((sink) => (
              <tr key={sink.id} data-testid={`sink-${sink.name}`}>
                <Td>
                  <div className="font-medium">{sink.name}</div>
                  <div className="text-xs text-zinc-500">
                    {sink.kind}
                    {sink.tls ? " · TLS" : ""}
                  </div>
                </Td>
                <Td className="max-w-xs truncate font-mono text-xs">{sink.target}</Td>
                <Td>
                  <Badge tone={health(sink).tone}>{health(sink).label}</Badge>
                  {sink.status?.lastError ? <div className="mt-1 max-w-xs text-xs text-red-700 dark:text-red-300">{sink.status.lastError}</div> : null}
                </Td>
                <Td className="text-right tabular-nums">{sink.status?.delivered ?? 0}</Td>
                <Td className="text-right tabular-nums">{sink.status?.queued ?? 0}</Td>
                <Td className="text-right tabular-nums">{sink.status?.dropped ?? 0}</Td>
                <Td className="text-xs">
                  <LocalTime iso={sink.status?.lastSuccessAt} fallback="never" />
                </Td>
                <Td className="whitespace-nowrap text-right">
                  <DeleteButton sink={sink} onDone={refresh} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Dialog open={adding} onClose={() => setAdding(false)} title="Add audit sink">
        {adding ? (
          <AddAuditSink
            onDone={() => {
              setAdding(false);
              refresh();
            }}
          />
        ) : null}
      </Dialog>
    </section>
  );
}
