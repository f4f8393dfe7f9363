"use client";
import { useEffect, useState, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { ApiKeyPage, ApiKeyStatus, ApiKeyView, IssuedApiKey } from "@/lib/console/api-keys";
import { apiKeyInputSchema } from "@/lib/console/schemas/api-key";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { EmptyState } from "../ui/empty-state";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { SelectField } from "../ui/select-field";
import { ShownOnce } from "../ui/shown-once";
import { Table, Td, Th } from "../ui/table";
import { Time } from "../ui/time";

const STATUS_TONE: Record<ApiKeyStatus, "green" | "amber" | "neutral"> = { active: "green", expired: "amber", revoked: "neutral" };
const EXPIRY_CHOICES = [
  { value: "never", label: "Never" },
  { value: "7", label: "In 7 days" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In 1 year" },
  { value: "date", label: "On a date…" },
];

function expiryFrom(choice: string, date: string): string | null | undefined {
  if (choice === "never") return null;
  if (choice === "date") {
    if (!date) return "";
    // The end of the chosen day in the admin's time zone.
    return new Date(`${date}T23:59:59`).toISOString();
  }
  return new Date(Date.now() + Number(choice) * 86_400_000).toISOString();
}

function IssueKeyForm({ consumerId, onIssued, onCancel }: { consumerId: string; onIssued: (issued: IssuedApiKey) => void; onCancel: () => void }) {
  const [choice, setChoice] = useState("90");
  const form = useFormMutation({
    schema: apiKeyInputSchema,
    send: (input) => api<IssuedApiKey>(`/api/consumers/${consumerId}/keys`, { method: "POST", body: input }),
    onDone: onIssued,
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    form.submit({ name: data.get("name"), expiresAt: expiryFrom(choice, String(data.get("expiresOn") ?? "")) });
  };
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field id="key-name" name="name" label="Name" error={form.fields.name} hint="What uses this key, e.g. claude-desktop on Ana's laptop" autoFocus autoComplete="off" />
      <SelectField id="key-expiry" label="Expires" value={choice} onChange={(event) => setChoice(event.target.value)} error={choice === "date" ? undefined : form.fields.expiresAt}>
        {EXPIRY_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </SelectField>
      {choice === "date" ? <Field id="key-expires-on" name="expiresOn" type="date" label="Expiry date" error={form.fields.expiresAt} /> : null}
      <FormError message={form.message} />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={form.pending}>
          {form.pending ? "Issuing…" : "Issue key"}
        </Button>
      </div>
    </form>
  );
}

function RevokeKey({ consumerId, apiKey, onDone, onCancel }: { consumerId: string; apiKey: ApiKeyView; onDone: (key: ApiKeyView) => void; onCancel: () => void }) {
  const form = useFormMutation({
    send: () => api<{ key: ApiKeyView }>(`/api/consumers/${consumerId}/keys/${apiKey.id}`, { method: "DELETE" }),
    onDone: ({ key }) => onDone(key),
  });
  return (
    <div className="space-y-4">
      <p className="text-sm">
        Revoke <strong>{apiKey.name}</strong> (<code className="font-mono">{apiKey.prefix}…</code>)? Agents using it are refused by the gateway from now on. This
        cannot be undone; issue a new key instead.
      </p>
      <FormError message={form.message} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button variant="danger" disabled={form.pending} onClick={() => form.submit({})}>
          Revoke key
        </Button>
      </div>
    </div>
  );
}

type Dialogs = { mode: "issue" } | { mode: "issued"; issued: IssuedApiKey } | { mode: "revoke"; key: ApiKeyView } | undefined;

/** A consumer's keys: the first page from the server, older ones on demand. */
export function ApiKeysPanel({ consumerId, consumerName, initial }: { consumerId: string; consumerName: string; initial: ApiKeyPage }) {
  const [older, setOlder] = useState<ApiKeyPage>({ keys: [] });
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string>();
  const [dialog, setDialog] = useState<Dialogs>();
  // A refresh from the server (after issuing or revoking) starts the list over.
  useEffect(() => setOlder({ keys: [] }), [initial]);
  const keys = [...initial.keys, ...older.keys];
  const next = older.keys.length ? older.next : initial.next;

  async function loadMore() {
    setLoading(true);
    setLoadError(undefined);
    try {
      const page = await api<ApiKeyPage>(`/api/consumers/${consumerId}/keys?cursor=${next}`);
      setOlder((current) => ({ keys: [...current.keys, ...page.keys], next: page.next }));
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : "The keys could not be loaded.");
    } finally {
      setLoading(false);
    }
  }

  const close = () => setDialog(undefined);
  return (
    <section aria-labelledby="keys-heading" className="mt-8">
      <div className="mb-3 flex items-center justify-between">
        <h2 id="keys-heading" className="text-base font-semibold">
          API keys
        </h2>
        <Button onClick={() => setDialog({ mode: "issue" })}>Issue key</Button>
      </div>
      {keys.length === 0 ? (
        <EmptyState title="No API keys yet" action={<Button onClick={() => setDialog({ mode: "issue" })}>Issue the first key</Button>}>
          An agent sends its key in the route&apos;s key header (e.g. <code>apikey</code>) so the gateway knows it is {consumerName}.
        </EmptyState>
      ) : (
        <>
          <Table label="API keys">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Prefix</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Expires</Th>
                <Th>Status</Th>
                <Th className="sr-only">Actions</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {keys.map((key) => (
                <tr key={key.id} className={key.status === "active" ? undefined : "text-zinc-500"}>
                  <Td className="font-medium">{key.name}</Td>
                  <Td>
                    <code className="font-mono text-xs">{key.prefix}…</code>
                  </Td>
                  <Td>
                    <Time iso={key.createdAt} />
                    {key.createdBy ? <span className="block text-xs text-zinc-500">by {key.createdBy}</span> : null}
                  </Td>
                  <Td>
                    <Time iso={key.lastUsedAt} fallback="never" />
                  </Td>
                  <Td>
                    <Time iso={key.expiresAt} fallback="never" />
                  </Td>
                  <Td>
                    <Badge tone={STATUS_TONE[key.status]} title={key.revokedAt ? `Revoked ${key.revokedAt}` : undefined}>
                      {key.status}
                    </Badge>
                  </Td>
                  <Td className="text-right">
                    {key.status === "revoked" ? null : (
                      <Button size="sm" variant="ghost" onClick={() => setDialog({ mode: "revoke", key })} aria-label={`Revoke ${key.name}`}>
                        Revoke
                      </Button>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {next ? (
            <div className="mt-3 flex items-center justify-center gap-3">
              <Button variant="secondary" onClick={loadMore} disabled={loading}>
                {loading ? "Loading…" : "Show older keys"}
              </Button>
              {loadError ? <p role="alert" className="text-sm text-red-600">{loadError}</p> : null}
            </div>
          ) : null}
        </>
      )}

      <Dialog open={dialog?.mode === "issue"} onClose={close} title={`New API key for ${consumerName}`}>
        {dialog?.mode === "issue" ? <IssueKeyForm consumerId={consumerId} onCancel={close} onIssued={(issued) => setDialog({ mode: "issued", issued })} /> : null}
      </Dialog>
      <Dialog open={dialog?.mode === "issued"} onClose={close} title="Copy the new key now">
        {dialog?.mode === "issued" ? (
          <div className="space-y-4">
            <ShownOnce label={`API key “${dialog.issued.key.name}”`} value={dialog.issued.secret}>
              <strong>This is the only time the key is shown.</strong> Portcullis keeps only a hash of it. Store it in the agent&apos;s secret store now; if it is
              lost, revoke it and issue a new one.
            </ShownOnce>
            <div className="flex justify-end">
              <Button onClick={close}>I have stored the key</Button>
            </div>
          </div>
        ) : null}
      </Dialog>
      <Dialog open={dialog?.mode === "revoke"} onClose={close} title="Revoke API key">
        {dialog?.mode === "revoke" ? (
          <RevokeKey
            consumerId={consumerId}
            apiKey={dialog.key}
            onCancel={close}
            onDone={(revoked) => {
              setOlder((current) => ({ ...current, keys: current.keys.map((k) => (k.id === revoked.id ? revoked : k)) }));
              close();
            }}
          />
        ) : null}
      </Dialog>
    </section>
  );
}
