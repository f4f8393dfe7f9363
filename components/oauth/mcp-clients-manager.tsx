"use client";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { preRegisteredClientSchema, type PreRegisteredClientInput } from "@/lib/console/schemas/oauth-client";
import type { OAuthClientView } from "@/lib/oauth-server/clients";
import type { ClientOrigin, ClientStatus } from "@/lib/oauth-server/client-status";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import { EmptyState } from "../ui/empty-state";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { LocalTime } from "../ui/local-time";
import { Table, Td, Th } from "../ui/table";
import { TextAreaField } from "../ui/textarea";

type Decision = "approve" | "block" | "unblock";

const ORIGIN: Record<ClientOrigin, string> = { metadata_document: "metadata document", registration: "dynamic registration", console: "registered here" };
const STATUS: Record<ClientStatus, { label: string; tone: "green" | "amber" | "red" }> = {
  active: { label: "active", tone: "green" },
  pending: { label: "awaits approval", tone: "amber" },
  blocked: { label: "blocked", tone: "red" },
};
const REGISTRATION = {
  open: "Clients may register themselves (dynamic registration is open).",
  approval: "Clients that register themselves wait for an admin's approval here (PORTCULLIS_OAUTH_REGISTRATION=approval).",
  off: "Dynamic registration is off: clients sign in with a metadata document or a client registered here.",
} as const;

function PreRegisterForm({ onDone }: { onDone: () => void }) {
  const [created, setCreated] = useState<{ clientId: string; name: string }>();
  const form = useFormMutation({
    schema: preRegisteredClientSchema,
    send: (input: PreRegisteredClientInput) => api<{ clientId: string }>("/api/oauth-clients", { method: "POST", body: input }).then((r) => ({ ...r, name: input.name })),
    onDone: setCreated,
  });
  if (created) {
    return (
      <div className="space-y-3 text-sm">
        <p>
          <strong>{created.name}</strong> is registered. Configure its client ID in the MCP client (it has no secret: it signs in with PKCE).
        </p>
        <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100" data-testid="client-id">
          {created.clientId}
        </pre>
        <div className="flex justify-end gap-2">
          <CopyButton value={created.clientId} label="Copy client ID" />
          <Button onClick={onDone}>Done</Button>
        </div>
      </div>
    );
  }
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const uris = String(data.get("redirect_uris") ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    form.submit({ name: String(data.get("name") ?? ""), redirect_uris: uris });
  };
  const uriError = Object.entries(form.fields).find(([key]) => key.startsWith("redirect_uris"));
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate>
      <Field id="client-name" name="name" label="Name" hint="Shown to users when they sign in, e.g. Team Claude Code" error={form.fields.name} autoFocus />
      <TextAreaField
        id="client-redirect-uris"
        name="redirect_uris"
        label="Redirect URIs"
        hint="One per line, matched exactly: https, or http on 127.0.0.1, [::1] or localhost."
        rows={3}
        error={uriError ? uriError[1] : undefined}
      />
      <FormActions message={form.message} onCancel={onDone} label="Register client" disabled={form.pending} />
    </form>
  );
}

const DECISION_LABEL: Record<Decision, string> = { approve: "Approve", block: "Block", unblock: "Unblock" };

function DecisionButton({ client, decision }: { client: OAuthClientView; decision: Decision }) {
  const [confirming, setConfirming] = useState(false);
  const form = useFormMutation({
    send: () => api("/api/oauth-clients/decisions", { method: "POST", body: { client_id: client.clientId, action: decision } }),
    onDone: () => setConfirming(false),
  });
  const name = client.name ?? client.clientId;
  if (decision !== "block") {
    return (
      <>
        <Button variant="secondary" size="sm" disabled={form.pending} onClick={() => form.submit(undefined)} aria-label={`${DECISION_LABEL[decision]} ${name}`}>
          {DECISION_LABEL[decision]}
        </Button>
        {form.message ? <div className="mt-1 text-xs text-red-700 dark:text-red-300">{form.message}</div> : null}
      </>
    );
  }
  return (
    <>
      <Button variant="ghost" size="sm" onClick={() => setConfirming(true)} aria-label={`Block ${name}`}>
        Block
      </Button>
      <Dialog open={confirming} onClose={() => setConfirming(false)} title={`Block ${name}`}>
        <p className="text-sm">
          No one can sign in through this client any more. Its grants are revoked ({client.usersWithGrants} {client.usersWithGrants === 1 ? "user" : "users"}), so its refresh
          tokens stop working, and the gateways refuse its access tokens at once.
        </p>
        <div className="mt-4">
          <FormActions message={form.message} onCancel={() => setConfirming(false)} label="Block client" danger disabled={form.pending} onSubmit={() => form.submit(undefined)} />
        </div>
      </Dialog>
    </>
  );
}

const DECISIONS_FOR: Record<ClientStatus, Decision[]> = { pending: ["approve", "block"], active: ["block"], blocked: ["unblock"] };

export function McpClientsManager({ clients, registration }: { clients: OAuthClientView[]; registration: keyof typeof REGISTRATION }) {
  const [adding, setAdding] = useState(false);
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-4">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{REGISTRATION[registration]}</p>
        <Button onClick={() => setAdding(true)}>Register client</Button>
      </div>
      {clients.length === 0 ? (
        <EmptyState title="No MCP clients yet" action={<Button onClick={() => setAdding(true)}>Register client</Button>}>
          A client appears here when it registers itself, when it first reaches the sign-in page with its metadata document, or when you register it.
        </EmptyState>
      ) : (
        <Table label="MCP clients">
          <thead>
            <tr>
              <Th>Client</Th>
              <Th>Registered by</Th>
              <Th>Status</Th>
              <Th>Redirect URIs</Th>
              <Th>First sign-in</Th>
              <Th>Last sign-in</Th>
              <Th className="text-right">Users with grants</Th>
              <Th className="sr-only">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {clients.map((client) => (
              <tr key={client.clientId} data-testid="mcp-client">
                <Td>
                  <div className="font-medium">{client.name ?? "unnamed"}</div>
                  <div className="max-w-xs font-mono text-xs break-all text-zinc-500">{client.clientId}</div>
                </Td>
                <Td className="text-xs">{ORIGIN[client.origin]}</Td>
                <Td>
                  <Badge tone={STATUS[client.status].tone}>{STATUS[client.status].label}</Badge>
                </Td>
                <Td className="font-mono text-xs">
                  {client.redirectUris.map((uri) => (
                    <div key={uri} className="max-w-xs break-all">
                      {uri}
                    </div>
                  ))}
                </Td>
                <Td className="text-xs">
                  <LocalTime iso={client.firstSignInAt} fallback="never" />
                </Td>
                <Td className="text-xs">
                  <LocalTime iso={client.lastSignInAt} fallback="never" />
                </Td>
                <Td className="text-right tabular-nums">{client.usersWithGrants}</Td>
                <Td className="whitespace-nowrap text-right">
                  <div className="flex justify-end gap-1">
                    {DECISIONS_FOR[client.status].map((decision) => (
                      <DecisionButton key={decision} client={client} decision={decision} />
                    ))}
                  </div>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Dialog open={adding} onClose={() => setAdding(false)} title="Register an MCP client">
        {adding ? <PreRegisterForm onDone={() => setAdding(false)} /> : null}
      </Dialog>
    </div>
  );
}
