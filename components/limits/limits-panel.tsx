"use client";
// Rate limits of one server (its page) or of one consumer (across servers):
// a table of the rules with Edit and Delete, and one dialog for adding or
// editing a rule. The form is checked with the server's own schema first; the
// server's checked write answers with the field the gateways would refuse.
import { useState } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { LimitView } from "@/lib/console/limits";
import { limitInputSchema, type LimitInput } from "@/lib/console/schemas/limit";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { SelectField } from "../ui/select";
import { Table, Td, Th } from "../ui/table";

const BUDGETS = [
  ["per_minute", "Per minute"],
  ["per_hour", "Per hour"],
  ["per_day", "Per day"],
  ["concurrent", "At once"],
] as const;

export interface LimitChoices {
  /** The server page offers every subject; the consumer page fixes it. */
  subjects: { ref: string; label: string }[];
  /** The consumer page offers every server; the server page fixes it. */
  servers: { id: string; name: string }[];
}

type Draft = { id?: string; serverId: string; subject: string; tool: string } & Record<(typeof BUDGETS)[number][0], string>;

const toDraft = (limit: LimitView): Draft => ({
  id: limit.id,
  serverId: limit.serverId,
  subject: limit.subjectRef,
  tool: limit.tool,
  ...(Object.fromEntries(BUDGETS.map(([key]) => [key, limit[key] === undefined ? "" : String(limit[key])])) as Record<(typeof BUDGETS)[number][0], string>),
});

function fromDraft(draft: Draft): unknown {
  const budgets = Object.fromEntries(BUDGETS.flatMap(([key]) => (draft[key].trim() === "" ? [] : [[key, Number(draft[key])]])));
  return { subject: draft.subject, tool: draft.tool.trim() || "*", ...budgets };
}

const subjectLabel = (limit: LimitView) => (limit.subjectKind === "everyone" ? "Everyone" : `${limit.subjectKind === "group" ? "Group" : "Consumer"} ${limit.subject}`);

export function LimitsPanel({ limits, choices, scope }: { limits: LimitView[]; choices: LimitChoices; scope: { serverId: string } | { subject: string } }) {
  const [draft, setDraft] = useState<Draft | undefined>();
  const blank = (): Draft => ({
    serverId: "serverId" in scope ? scope.serverId : (choices.servers[0]?.id ?? ""),
    subject: "subject" in scope ? scope.subject : "*",
    tool: "*",
    per_minute: "",
    per_hour: "",
    per_day: "",
    concurrent: "",
  });
  const form = useFormMutation<LimitInput, unknown>({
    schema: limitInputSchema,
    send: (input) => (draft?.id ? api(`/api/limits/${draft.id}`, { method: "PUT", body: input }) : api(`/api/servers/${draft!.serverId}/limits`, { method: "POST", body: input })),
    onDone: () => setDraft(undefined),
  });
  const remove = useFormMutation({ send: (id: string) => api(`/api/limits/${id}`, { method: "DELETE" }) });
  const close = () => {
    setDraft(undefined);
    form.reset();
  };
  const set = (key: keyof Draft, value: string) => setDraft((d) => d && { ...d, [key]: value });
  return (
    <Card className="mt-5 p-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 className="text-sm font-semibold">Rate limits</h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            Every rule that matches a call applies; the first one spent refuses it with HTTP 429 until its budget refills.
          </p>
        </div>
        <Button onClick={() => setDraft(blank())} disabled={"subject" in scope && choices.servers.length === 0}>
          Add limit
        </Button>
      </div>
      {limits.length === 0 ? (
        <p className="mt-4 text-sm text-zinc-500">No limits: calls are not counted.</p>
      ) : (
        <div className="mt-4">
          <Table label="Rate limits">
            <thead>
              <tr>
                {"subject" in scope ? <Th>Server</Th> : <Th>Who</Th>}
                <Th>Tool</Th>
                {BUDGETS.map(([key, label]) => (
                  <Th key={key}>{label}</Th>
                ))}
                <Th className="sr-only">Actions</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {limits.map((limit) => (
                <tr key={limit.id}>
                  <Td>{"subject" in scope ? limit.serverName : subjectLabel(limit)}</Td>
                  <Td className="font-mono text-xs">{limit.tool === "*" ? "every tool" : limit.tool}</Td>
                  {BUDGETS.map(([key]) => (
                    <Td key={key}>{limit[key]?.toLocaleString("en") ?? <span className="text-zinc-400">—</span>}</Td>
                  ))}
                  <Td className="whitespace-nowrap text-right">
                    <Button size="sm" variant="ghost" onClick={() => setDraft(toDraft(limit))}>
                      Edit
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      disabled={remove.pending}
                      onClick={() => remove.submit(limit.id)}
                      aria-label={`Delete limit ${subjectLabel(limit)} ${limit.tool}`}
                    >
                      Delete
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {remove.message ? <p className="mt-2 text-sm text-red-600">{remove.message}</p> : null}
        </div>
      )}
      <Dialog open={draft !== undefined} onClose={close} title={draft?.id ? "Edit limit" : "Add limit"}>
        {draft ? (
          <form
            className="space-y-4"
            onChange={form.onChange}
            onSubmit={(e) => {
              e.preventDefault();
              form.submit(fromDraft(draft));
            }}
          >
            {"subject" in scope ? (
              <SelectField id="limit-server" label="Server" value={draft.serverId} disabled={draft.id !== undefined} onChange={(e) => set("serverId", e.target.value)}>
                {choices.servers.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </SelectField>
            ) : (
              <SelectField id="limit-subject" label="Who" value={draft.subject} error={form.fields.subject} onChange={(e) => set("subject", e.target.value)}>
                {choices.subjects.map((s) => (
                  <option key={s.ref} value={s.ref}>
                    {s.label}
                  </option>
                ))}
              </SelectField>
            )}
            <Field
              id="limit-tool"
              label="Tool"
              hint="A tool's name, or * for every tool of the server"
              value={draft.tool}
              error={form.fields.tool}
              onChange={(e) => set("tool", e.target.value)}
            />
            <div className="grid grid-cols-2 gap-3">
              {BUDGETS.map(([key, label]) => (
                <Field key={key} id={`limit-${key}`} label={label} inputMode="numeric" value={draft[key]} error={form.fields[key]} onChange={(e) => set(key, e.target.value)} />
              ))}
            </div>
            <FormActions message={form.message} onCancel={close} label={form.pending ? "Saving…" : "Save limit"} disabled={form.pending} />
          </form>
        ) : null}
      </Dialog>
    </Card>
  );
}
