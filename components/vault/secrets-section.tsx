"use client";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { secretCreateSchema, secretRotateSchema } from "@/lib/console/schemas/secret";
import type { SecretView } from "@/lib/console/vault/secrets";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import { EmptyState } from "../ui/empty-state";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { Table, Td, Th } from "../ui/table";
import { LocalTime } from "../ui/local-time";
import { UsesList } from "./uses-list";
import { plural } from "@/lib/client/plural";

const VALUE_HINT = "Write-only: stored encrypted, never shown again — not even to admins.";

function CreateSecret({ onDone }: { onDone: () => void }) {
  const form = useFormMutation({ schema: secretCreateSchema, send: (input) => api("/api/vault/secrets", { method: "POST", body: input }), onDone });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    form.submit({ name: data.get("name"), value: data.get("value") });
  };
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate autoComplete="off">
      <Field id="secret-name" name="name" label="Name" error={form.fields.name} hint="Referenced as {vault://portcullis/<name>}, e.g. github-pat" autoFocus />
      <Field id="secret-value" name="value" type="password" label="Value" error={form.fields.value} hint={VALUE_HINT} autoComplete="new-password" />
      <FormActions message={form.message} onCancel={onDone} label={form.pending ? "Saving…" : "Store secret"} disabled={form.pending} />
    </form>
  );
}

function RotateSecret({ secret, onDone }: { secret: SecretView; onDone: () => void }) {
  const form = useFormMutation({ schema: secretRotateSchema, send: (input) => api(`/api/vault/secrets/${secret.id}`, { method: "PUT", body: input }), onDone });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.submit({ value: new FormData(event.currentTarget).get("value") });
  };
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate autoComplete="off">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        The new value replaces version {secret.version} for everything that uses <code className="font-mono">{secret.reference}</code>
        {secret.usedBy.length ? ` (${plural(secret.usedBy.length, "place")})` : ""}; gateways pick it up with their next configuration.
      </p>
      <Field id="rotate-value" name="value" type="password" label="New value" error={form.fields.value} hint={VALUE_HINT} autoComplete="new-password" autoFocus />
      <FormActions message={form.message} onCancel={onDone} label={form.pending ? "Saving…" : "Rotate"} disabled={form.pending} />
    </form>
  );
}

function DeleteSecret({ secret, onDone }: { secret: SecretView; onDone: () => void }) {
  const form = useFormMutation({ send: () => api(`/api/vault/secrets/${secret.id}`, { method: "DELETE" }), onDone });
  return (
    <div className="space-y-4">
      {secret.usedBy.length ? (
        <div className="text-sm">
          <p>
            <strong>{secret.name}</strong> is in use and cannot be deleted until these references are removed:
          </p>
          <UsesList uses={secret.usedBy} />
        </div>
      ) : (
        <p className="text-sm">
          Delete <strong>{secret.name}</strong>? Its value is destroyed; a reference to it added later would fail to resolve.
        </p>
      )}
      <FormActions message={form.message} onCancel={onDone} label="Delete secret" disabled={form.pending} danger onSubmit={() => form.submit({})} />
    </div>
  );
}

const inUseReason = (secret: SecretView) => `In use in ${plural(secret.usedBy.length, "place")}: remove those references before deleting it`;

type Editing = { mode: "create" } | { mode: "rotate"; secret: SecretView } | { mode: "delete"; secret: SecretView } | undefined;

export function SecretsSection({ secrets }: { secrets: SecretView[] }) {
  const [editing, setEditing] = useState<Editing>();
  const close = () => setEditing(undefined);
  return (
    <section aria-labelledby="secrets-heading">
      <div className="mb-3 flex items-center justify-between">
        <div>
          <h2 id="secrets-heading" className="text-base font-semibold">
            Secrets
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">The built-in store, encrypted with the master key. Values are write-only.</p>
        </div>
        <Button onClick={() => setEditing({ mode: "create" })}>New secret</Button>
      </div>
      {secrets.length === 0 ? (
        <EmptyState title="No secrets yet" action={<Button onClick={() => setEditing({ mode: "create" })}>Store the first secret</Button>}>
          Store an upstream credential here (a GitHub token, a Konnect PAT…), then use <code>{"{vault://portcullis/<name>}"}</code> in a server&apos;s upstream headers or auth
          settings.
        </EmptyState>
      ) : (
        <Table label="Secrets">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Reference</Th>
              <Th className="text-right">Version</Th>
              <Th>Updated</Th>
              <Th>Used by</Th>
              <Th className="sr-only">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {secrets.map((secret) => (
              <tr key={secret.id}>
                <Td className="whitespace-nowrap font-medium">{secret.name}</Td>
                <Td>
                  <span className="flex items-center gap-1">
                    <code className="font-mono text-xs">{secret.reference}</code>
                    <CopyButton value={secret.reference} variant="ghost" size="sm" />
                  </span>
                </Td>
                <Td className="text-right tabular-nums">v{secret.version}</Td>
                <Td>
                  <LocalTime iso={secret.updatedAt} />
                </Td>
                <Td>{secret.usedBy.length ? <UsesList uses={secret.usedBy} /> : <span className="text-xs text-zinc-400">not used</span>}</Td>
                <Td className="whitespace-nowrap text-right">
                  <Button size="sm" variant="ghost" onClick={() => setEditing({ mode: "rotate", secret })} aria-label={`Rotate ${secret.name}`}>
                    Rotate
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setEditing({ mode: "delete", secret })}
                    aria-label={`Delete ${secret.name}`}
                    disabled={secret.usedBy.length > 0}
                    title={secret.usedBy.length > 0 ? inUseReason(secret) : undefined}
                    aria-description={secret.usedBy.length > 0 ? inUseReason(secret) : undefined}
                  >
                    Delete
                  </Button>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Dialog open={editing?.mode === "create"} onClose={close} title="New secret">
        {editing?.mode === "create" ? <CreateSecret onDone={close} /> : null}
      </Dialog>
      <Dialog open={editing?.mode === "rotate"} onClose={close} title={editing?.mode === "rotate" ? `Rotate ${editing.secret.name}` : "Rotate secret"}>
        {editing?.mode === "rotate" ? <RotateSecret secret={editing.secret} onDone={close} /> : null}
      </Dialog>
      <Dialog open={editing?.mode === "delete"} onClose={close} title="Delete secret">
        {editing?.mode === "delete" ? <DeleteSecret secret={editing.secret} onDone={close} /> : null}
      </Dialog>
    </section>
  );
}
