"use client";
import { useEffect, useState, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { ApiKeyPage, ApiKeyStatus, ApiKeyView, IssuedApiKey, RolledApiKey } from "@/lib/console/api-keys";
import { keySnippet } from "@/lib/console/connection-snippets";
import type { KeyConnectTarget } from "@/lib/console/key-connect";
import { ROLL_OVERLAPS } from "@/lib/console/key-policy";
import { apiKeyInputSchema, apiKeyRollSchema } from "@/lib/console/schemas/api-key";
import { Badge } from "../ui/badge";
import { CopyButton } from "../ui/copy-button";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { EmptyState } from "../ui/empty-state";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { SelectField } from "../ui/select";
import { ShownOnce } from "../ui/shown-once";
import { Table, Td, Th } from "../ui/table";
import { LocalTime } from "../ui/local-time";

const STATUS_TONE: Record<ApiKeyStatus, "green" | "amber" | "neutral"> = { active: "green", expired: "amber", revoked: "neutral" };
const DAY_MS = 86_400_000;
const EXPIRY_PRESETS = [7, 30, 90, 365];

/** The expiry choices: presets, "never" and a date — within the admins' maximum lifetime when one applies. */
function expiryChoices(maxLifetimeDays: number | null) {
  const days = maxLifetimeDays === null ? EXPIRY_PRESETS : [...EXPIRY_PRESETS.filter((d) => d < maxLifetimeDays), maxLifetimeDays];
  return [
    ...(maxLifetimeDays === null ? [{ value: "never", label: "Never" }] : []),
    ...days.map((d) => ({ value: String(d), label: d === maxLifetimeDays ? `In ${d} days (the maximum)` : d === 365 ? "In 1 year" : `In ${d} days` })),
    { value: "date", label: "On a date…" },
  ];
}

/** yyyy-mm-dd of a day in the browser's time zone (what <input type="date"> takes). */
function localDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

function expiryFrom(choice: string, date: string): string | null | undefined {
  if (choice === "never") return null;
  if (choice === "date") {
    if (!date) return "";
    // The end of the chosen day in the user's time zone.
    return new Date(`${date}T23:59:59`).toISOString();
  }
  return new Date(Date.now() + Number(choice) * DAY_MS).toISOString();
}

function IssueKeyForm({
  keysUrl,
  maxLifetimeDays,
  onIssued,
  onCancel,
}: {
  keysUrl: string;
  maxLifetimeDays: number | null;
  onIssued: (issued: IssuedApiKey) => void;
  onCancel: () => void;
}) {
  const choices = expiryChoices(maxLifetimeDays);
  const [choice, setChoice] = useState(choices.some((c) => c.value === "90") ? "90" : choices.at(-2)!.value);
  const form = useFormMutation({
    schema: apiKeyInputSchema,
    send: (input) => api<IssuedApiKey>(keysUrl, { method: "POST", body: input }),
    onDone: onIssued,
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    form.submit({ name: data.get("name"), expiresAt: expiryFrom(choice, String(data.get("expiresOn") ?? "")) });
  };
  // The last whole day within the maximum (a date means the end of that day).
  const lastDay = maxLifetimeDays === null ? undefined : localDate(new Date(Date.now() + (maxLifetimeDays - 1) * DAY_MS));
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate>
      <Field id="key-name" name="name" label="Name" error={form.fields.name} hint="What uses this key, e.g. claude-desktop on Ana's laptop" autoFocus autoComplete="off" />
      <SelectField
        id="key-expiry"
        label="Expires"
        value={choice}
        onChange={(event) => setChoice(event.target.value)}
        error={choice === "date" ? undefined : form.fields.expiresAt}
        hint={maxLifetimeDays === null ? undefined : `Your admins let keys live ${maxLifetimeDays} days at most.`}
      >
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </SelectField>
      {choice === "date" ? (
        <Field id="key-expires-on" name="expiresOn" type="date" label="Expiry date" min={localDate(new Date())} max={lastDay} error={form.fields.expiresAt} />
      ) : null}
      <FormActions message={form.message} onCancel={onCancel} label={form.pending ? "Issuing…" : "Issue key"} disabled={form.pending} />
    </form>
  );
}

function RollKey({ keysUrl, apiKey, onRolled, onCancel }: { keysUrl: string; apiKey: ApiKeyView; onRolled: (rolled: RolledApiKey) => void; onCancel: () => void }) {
  const [overlap, setOverlap] = useState<number>(86_400);
  const form = useFormMutation({
    schema: apiKeyRollSchema,
    send: (input) => api<RolledApiKey>(`${keysUrl}/${apiKey.id}/roll`, { method: "POST", body: input }),
    onDone: onRolled,
  });
  return (
    <form
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        form.submit({ overlapSeconds: overlap });
      }}
    >
      <p className="text-sm">
        A new key named <strong>{apiKey.name}</strong> replaces <code className="font-mono">{apiKey.prefix}…</code>, with the same lifetime. Agents keep working with the old key
        during the overlap; give them the new key before it ends.
      </p>
      <fieldset>
        <legend className="text-sm font-medium">The old key keeps working for</legend>
        <div className="mt-2 space-y-1.5">
          {ROLL_OVERLAPS.map((choice) => (
            <label key={choice.seconds} className="flex items-center gap-2 text-sm">
              <input type="radio" name="overlap" className="accent-indigo-600" checked={overlap === choice.seconds} onChange={() => setOverlap(choice.seconds)} />
              {choice.label}
            </label>
          ))}
        </div>
        {form.fields.overlapSeconds ? <p className="mt-1 text-xs text-red-600 dark:text-red-400">{form.fields.overlapSeconds}</p> : null}
      </fieldset>
      <FormActions message={form.message} onCancel={onCancel} label={form.pending ? "Rolling…" : "Roll key"} disabled={form.pending} />
    </form>
  );
}

function RevokeKey({ keysUrl, apiKey, onDone, onCancel }: { keysUrl: string; apiKey: ApiKeyView; onDone: (key: ApiKeyView) => void; onCancel: () => void }) {
  const form = useFormMutation({
    send: () => api<{ key: ApiKeyView }>(`${keysUrl}/${apiKey.id}`, { method: "DELETE" }),
    onDone: ({ key }) => onDone(key),
  });
  return (
    <div className="space-y-4">
      <p className="text-sm">
        Revoke <strong>{apiKey.name}</strong> (<code className="font-mono">{apiKey.prefix}…</code>)? Agents using it are refused by the gateway from now on. This cannot be undone;
        issue a new key instead.
      </p>
      <FormActions message={form.message} onCancel={onCancel} label="Revoke key" disabled={form.pending} danger onSubmit={() => form.submit({})} />
    </div>
  );
}

/** The end of the key-created dialog: the new key in an MCP JSON entry for a route it opens. */
function ConnectWithKey({ targets, secret }: { targets: KeyConnectTarget[]; secret: string }) {
  const [server, setServer] = useState(targets[0]!.server);
  const target = targets.find((t) => t.server === server) ?? targets[0]!;
  const code = keySnippet(target, secret);
  return (
    <div className="space-y-2" data-testid="key-connect-snippet">
      <div className="flex flex-wrap items-end justify-between gap-2">
        {targets.length > 1 ? (
          <SelectField id="key-connect-server" label="Connect a client to" value={target.server} onChange={(e) => setServer(e.target.value)}>
            {targets.map((t) => (
              <option key={t.server} value={t.server}>
                {t.server}
              </option>
            ))}
          </SelectField>
        ) : (
          <p className="text-sm font-medium">Connect a client to {target.server}</p>
        )}
        <CopyButton value={code} label="Copy snippet" size="sm" />
      </div>
      <p className="text-xs text-zinc-500">
        An mcpServers entry (.mcp.json, Cursor, Claude Code) with this key in the {target.keyHeader} header; the client signs in to the upstream itself.
      </p>
      <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 text-xs text-zinc-100">
        <code>{code}</code>
      </pre>
    </div>
  );
}

type Dialogs = { mode: "issue" } | { mode: "issued"; issued: IssuedApiKey | RolledApiKey } | { mode: "revoke"; key: ApiKeyView } | { mode: "roll"; key: ApiKeyView } | undefined;

export interface ApiKeysPanelProps {
  /** The keys collection: /api/consumers/<id>/keys (admins) or /api/me/consumers/<id>/keys (My keys). */
  keysUrl: string;
  consumerName: string;
  initial: ApiKeyPage;
  /** Self-service: the admins' maximum lifetime (null: none); admins issuing keys are not capped. */
  maxLifetimeDays?: number | null;
  /** "3 of 10 active keys", when known. */
  limit?: { active: number; max: number };
  /** Viewers see their keys but change nothing. */
  readOnly?: boolean;
  /** The section's heading, e.g. "API keys" or the consumer's name on My keys. */
  heading?: React.ReactNode;
  /** Routes the consumer's keys open (lib/console/key-connect.ts), for the snippet after a key is issued. */
  connectTargets?: KeyConnectTarget[];
}

/** A consumer's keys: the first page from the server, older ones on demand. */
export function ApiKeysPanel({ keysUrl, consumerName, initial, maxLifetimeDays = null, limit, readOnly = false, heading = "API keys", connectTargets = [] }: ApiKeysPanelProps) {
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
      const page = await api<ApiKeyPage>(`${keysUrl}?cursor=${next}`);
      setOlder((current) => ({ keys: [...current.keys, ...page.keys], next: page.next }));
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : "The keys could not be loaded.");
    } finally {
      setLoading(false);
    }
  }

  const close = () => setDialog(undefined);
  const headingId = `keys-heading-${keysUrl.replace(/[^A-Za-z0-9]/g, "-")}`;
  const markUpdated = (updated: ApiKeyView) => setOlder((current) => ({ ...current, keys: current.keys.map((k) => (k.id === updated.id ? updated : k)) }));
  return (
    <section aria-labelledby={headingId} className="mt-8">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id={headingId} className="text-base font-semibold">
            {heading}
          </h2>
          {limit ? (
            <p className="text-xs text-zinc-500" data-testid="key-limit">
              {limit.active} of {limit.max} active keys
            </p>
          ) : null}
        </div>
        {readOnly ? null : <Button onClick={() => setDialog({ mode: "issue" })}>Issue key</Button>}
      </div>
      {keys.length === 0 ? (
        <EmptyState title="No API keys yet" action={readOnly ? undefined : <Button onClick={() => setDialog({ mode: "issue" })}>Issue the first key</Button>}>
          An agent sends its key in the route&apos;s key header (e.g. <code>apikey</code>) so the gateway knows it is {consumerName}.
        </EmptyState>
      ) : (
        <>
          <Table label={`API keys of ${consumerName}`}>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Prefix</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Expires</Th>
                <Th>State</Th>
                {readOnly ? null : <Th className="sr-only">Actions</Th>}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {keys.map((key) => (
                <tr key={key.id} data-testid={`key-${key.prefix}`} className={key.status === "active" && !key.replacedBy ? undefined : "text-zinc-500"}>
                  <Td className="font-medium">
                    {key.replacedBy ? (
                      <span aria-hidden className="mr-1 text-zinc-400">
                        ↳
                      </span>
                    ) : null}
                    {key.name}
                  </Td>
                  <Td>
                    <code className="font-mono text-xs">{key.prefix}…</code>
                  </Td>
                  <Td>
                    <LocalTime iso={key.createdAt} />
                    {key.createdBy ? <span className="block text-xs text-zinc-500">by {key.createdBy}</span> : null}
                  </Td>
                  <Td>
                    <LocalTime iso={key.lastUsedAt} fallback="never" />
                  </Td>
                  <Td>
                    <LocalTime iso={key.expiresAt} fallback="never" />
                  </Td>
                  <Td>
                    <Badge tone={STATUS_TONE[key.status]} title={key.revokedAt ? `Revoked ${key.revokedAt}` : undefined}>
                      {key.status}
                    </Badge>
                    {key.replacedBy ? (
                      <span className="block whitespace-nowrap text-xs text-zinc-500" data-testid={`replaced-${key.prefix}`}>
                        replaced by <code className="font-mono">{key.replacedBy.prefix}…</code>
                        {key.status === "active" ? (
                          <>
                            {" "}
                            · overlap ends <LocalTime iso={key.expiresAt} />
                          </>
                        ) : null}
                      </span>
                    ) : null}
                  </Td>
                  {readOnly ? null : (
                    <Td className="whitespace-nowrap text-right">
                      {key.status === "active" ? (
                        <>
                          {/* A rolled key has its replacement already: rolling it again would only confuse which key is current. */}
                          {key.replacedBy ? null : (
                            <Button size="sm" variant="ghost" onClick={() => setDialog({ mode: "roll", key })} aria-label={`Roll ${key.name} (${key.prefix})`}>
                              Roll
                            </Button>
                          )}
                          <Button size="sm" variant="ghost" onClick={() => setDialog({ mode: "revoke", key })} aria-label={`Revoke ${key.name} (${key.prefix})`}>
                            Revoke
                          </Button>
                        </>
                      ) : null}
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
          {next ? (
            <div className="mt-3 flex items-center justify-center gap-3">
              <Button variant="secondary" onClick={() => void loadMore()} disabled={loading}>
                {loading ? "Loading…" : "Show older keys"}
              </Button>
              {loadError ? (
                <p role="alert" className="text-sm text-red-600">
                  {loadError}
                </p>
              ) : null}
            </div>
          ) : null}
        </>
      )}

      <Dialog open={dialog?.mode === "issue"} onClose={close} title={`New API key for ${consumerName}`}>
        {dialog?.mode === "issue" ? (
          <IssueKeyForm keysUrl={keysUrl} maxLifetimeDays={maxLifetimeDays} onCancel={close} onIssued={(issued) => setDialog({ mode: "issued", issued })} />
        ) : null}
      </Dialog>
      <Dialog open={dialog?.mode === "roll"} onClose={close} title="Roll API key">
        {dialog?.mode === "roll" ? (
          <RollKey
            keysUrl={keysUrl}
            apiKey={dialog.key}
            onCancel={close}
            onRolled={(rolled) => {
              markUpdated(rolled.previous);
              setDialog({ mode: "issued", issued: rolled });
            }}
          />
        ) : null}
      </Dialog>
      <Dialog open={dialog?.mode === "issued"} onClose={close} title="Copy the new key now">
        {dialog?.mode === "issued" ? (
          <div className="space-y-4">
            <ShownOnce label={`API key “${dialog.issued.key.name}”`} value={dialog.issued.secret}>
              <strong>This is the only time the key is shown.</strong> Portcullis keeps only a hash of it. Store it in the agent&apos;s secret store now; if it is lost, revoke it
              and issue a new one.
            </ShownOnce>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              {dialog.issued.key.expiresAt ? (
                <>
                  It expires <LocalTime iso={dialog.issued.key.expiresAt} />.
                </>
              ) : (
                "It does not expire."
              )}{" "}
              {"previous" in dialog.issued ? (
                <>
                  The old key <code className="font-mono text-xs">{dialog.issued.previous.prefix}…</code>{" "}
                  {dialog.issued.previous.status === "active" ? (
                    <>
                      keeps working until <LocalTime iso={dialog.issued.previous.expiresAt} />.
                    </>
                  ) : (
                    "no longer works."
                  )}
                </>
              ) : null}
            </p>
            {connectTargets.length > 0 ? <ConnectWithKey targets={connectTargets} secret={dialog.issued.secret} /> : null}
            <div className="flex justify-end">
              <Button onClick={close}>I have stored the key</Button>
            </div>
          </div>
        ) : null}
      </Dialog>
      <Dialog open={dialog?.mode === "revoke"} onClose={close} title="Revoke API key">
        {dialog?.mode === "revoke" ? (
          <RevokeKey
            keysUrl={keysUrl}
            apiKey={dialog.key}
            onCancel={close}
            onDone={(revoked) => {
              markUpdated(revoked);
              close();
            }}
          />
        ) : null}
      </Dialog>
    </section>
  );
}
