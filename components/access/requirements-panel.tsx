"use client";
// Under the matrix: which allowed calls wait for a person (a tool rule's `require`), and what tools the upstream
// annotates as destructive need by default. Saved on their own, each write checked like the matrix's.
import { useState, type FormEvent } from "react";
import { DEFAULT_ROW } from "@/lib/acl/matrix";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { destructiveDefaultSchema, requirementWriteSchema, type RequirementInput } from "@/lib/console/schemas/tool-requirement";
import type { ServerRequirements } from "@/lib/console/tool-requirements";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { CheckboxList } from "../ui/checkbox-list";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { FormError } from "../ui/form-error";
import { SelectField } from "../ui/select";
import { Table, Td, Th } from "../ui/table";
import { TextAreaField } from "../ui/textarea";

type Requirement = ServerRequirements["requirements"][number];

const toolLabel = (tool: string) => (tool === DEFAULT_ROW ? "every other tool (default row)" : tool);

function describeStep(r: Requirement): string {
  const who = r.action === "confirm" ? "the caller confirms" : `${r.approvers.join(", ")} approve${r.selfApproval ? " (self-approval allowed)" : ""}`;
  const forWhom = r.for.length === 1 && r.for[0] === "*" ? "" : ` — for ${r.for.join(", ")}`;
  return `${who}${forWhom}`;
}

function RequirementForm({ serverId, tools, groups, editing, onDone }: { serverId: string; tools: string[]; groups: string[]; editing?: Requirement; onDone: () => void }) {
  const [action, setAction] = useState<RequirementInput["action"]>(editing?.action ?? "approve");
  const form = useFormMutation({
    schema: requirementWriteSchema,
    send: (body) => api(`/api/servers/${serverId}/requirements`, { method: "PUT", body }),
    onDone,
  });
  // The schema's paths are under `requirement`; the server's own checks name the field alone.
  const error = (field: string) => form.fields[`requirement.${field}`] ?? form.fields[field];
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const requirement = {
      action,
      for: String(data.get("for") ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      when: String(data.get("when") ?? ""),
      approvers: action === "approve" ? data.getAll("approvers").map(String) : [],
      selfApproval: action === "approve" && data.get("selfApproval") === "on",
      expiresSeconds: Number(data.get("expiresSeconds")),
      waitSeconds: Number(data.get("waitSeconds")),
    };
    form.submit({ tool: String(data.get("tool")), requirement });
  };
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Requirement">
      <SelectField id="req-tool" name="tool" label="Tool" defaultValue={editing?.tool ?? tools[0] ?? DEFAULT_ROW} disabled={Boolean(editing)}>
        {[...tools, DEFAULT_ROW].map((tool) => (
          <option key={tool} value={tool}>
            {toolLabel(tool)}
          </option>
        ))}
      </SelectField>
      {editing ? <input type="hidden" name="tool" value={editing.tool} /> : null}
      <SelectField
        id="req-action"
        name="action"
        label="Before an allowed call goes through"
        value={action}
        onChange={(e) => setAction(e.target.value as RequirementInput["action"])}
      >
        <option value="approve">someone in an approver group approves it</option>
        <option value="confirm">the caller confirms it</option>
      </SelectField>
      <Field
        id="req-for"
        name="for"
        label="For callers"
        hint="Groups or usernames, comma-separated; * for everyone."
        defaultValue={(editing?.for ?? ["*"]).join(", ")}
        error={error("for")}
      />
      <TextAreaField
        id="req-when"
        name="when"
        label="Only when (CEL, optional)"
        hint='Same variables as an ACL condition, e.g. args.base == "main". Empty: always. An evaluation error counts as holding.'
        defaultValue={editing?.when ?? ""}
        rows={2}
        error={error("when")}
      />
      {action === "approve" ? (
        <>
          <CheckboxList
            legend="Approvers"
            name="approvers"
            options={groups.map((g) => ({ value: g, label: g }))}
            defaultChecked={editing?.approvers ?? []}
            error={error("approvers")}
            empty="There are no groups: add one for the approvers first."
          />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="selfApproval" defaultChecked={editing?.selfApproval ?? false} className="accent-indigo-600" />
            An approver may approve their own call
          </label>
        </>
      ) : null}
      <div className="grid grid-cols-2 gap-3">
        <Field id="req-expires" name="expiresSeconds" type="number" label="Expires after (s)" defaultValue={editing?.expiresSeconds ?? 900} error={error("expiresSeconds")} />
        <Field
          id="req-wait"
          name="waitSeconds"
          type="number"
          label="Hold the call open (s)"
          hint="With a progressToken; 0: answer at once."
          defaultValue={editing?.waitSeconds ?? 0}
          error={error("waitSeconds")}
        />
      </div>
      <FormActions message={form.message} onCancel={onDone} label="Save requirement" disabled={form.pending} />
    </form>
  );
}

function DestructiveDefault({ serverId, groups, initial, tools }: { serverId: string; groups: string[]; initial: ServerRequirements["destructive"]; tools: string[] }) {
  const [action, setAction] = useState(initial.action);
  const form = useFormMutation({
    schema: destructiveDefaultSchema,
    send: (body: ServerRequirements["destructive"]) => api(`/api/servers/${serverId}/destructive`, { method: "PUT", body }),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.submit({ action, approvers: new FormData(event.currentTarget).getAll("approvers").map(String) });
  };
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="Destructive tools" noValidate>
      <SelectField
        id="destructive-action"
        name="action"
        label="Tools the upstream annotates destructiveHint: true"
        hint={tools.length ? `Now: ${tools.join(", ")}. A tool's own requirement wins.` : "The last sync listed no such tool."}
        value={action}
        onChange={(e) => setAction(e.target.value as typeof action)}
      >
        <option value="allow">go through as the matrix decides</option>
        <option value="confirm">need the caller&apos;s confirmation</option>
        <option value="approve">need an approval</option>
      </SelectField>
      {action === "approve" ? (
        <CheckboxList
          legend="Approvers"
          name="approvers"
          options={groups.map((g) => ({ value: g, label: g }))}
          defaultChecked={initial.approvers}
          error={form.fields.approvers}
          empty="There are no groups: add one for the approvers first."
        />
      ) : null}
      <FormError message={form.message} />
      <Button type="submit" variant="secondary" disabled={form.pending}>
        Save
      </Button>
    </form>
  );
}

export function RequirementsPanel({ serverId, tools, groups, initial }: { serverId: string; tools: string[]; groups: string[]; initial: ServerRequirements }) {
  const [editing, setEditing] = useState<Requirement | "new">();
  const remove = useFormMutation({ send: (tool: string) => api(`/api/servers/${serverId}/requirements`, { method: "PUT", body: { tool, requirement: null } }) });
  return (
    <section aria-labelledby="requirements-title" className="mt-10 space-y-4">
      <div className="flex items-end justify-between gap-4">
        <div>
          <h2 id="requirements-title" className="text-base font-semibold">
            Confirmation and approval
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Calls the matrix allows can still wait for a person: the caller confirms the exact call, or an approver approves it in the Approvals inbox.
          </p>
        </div>
        <Button variant="secondary" onClick={() => setEditing("new")}>
          Add a requirement
        </Button>
      </div>
      {initial.requirements.length === 0 ? (
        <p className="text-sm text-zinc-500">No tool waits for a person.</p>
      ) : (
        <Table label="Requirements">
          <thead>
            <tr>
              <Th>Tool</Th>
              <Th>Who decides</Th>
              <Th>When</Th>
              <Th>Expires</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {initial.requirements.map((r) => (
              <tr key={r.tool}>
                <Td className="font-mono">{toolLabel(r.tool)}</Td>
                <Td>{describeStep(r)}</Td>
                <Td className="font-mono text-xs">{r.when ?? "always"}</Td>
                <Td>{r.expiresSeconds} s</Td>
                <Td className="space-x-2 text-right">
                  <Button size="sm" variant="secondary" onClick={() => setEditing(r)}>
                    Edit
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => remove.submit(r.tool)} disabled={remove.pending}>
                    Remove
                  </Button>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <FormError message={remove.message} />
      <Card>
        <DestructiveDefault serverId={serverId} groups={groups} initial={initial.destructive} tools={initial.destructiveTools} />
      </Card>
      <Dialog open={editing !== undefined} onClose={() => setEditing(undefined)} title={editing === "new" ? "Add a requirement" : "Edit the requirement"}>
        <RequirementForm
          serverId={serverId}
          tools={tools.filter((t) => editing !== "new" || !initial.requirements.some((r) => r.tool === t))}
          groups={groups}
          editing={editing === "new" ? undefined : editing}
          onDone={() => setEditing(undefined)}
        />
      </Dialog>
    </section>
  );
}
