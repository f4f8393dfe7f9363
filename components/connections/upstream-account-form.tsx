"use client";
// The admin's upstream account setting of a sign_in server: off, an OAuth
// application registered once at the upstream (each user consents to it), or
// a secret each user pastes. The client secret is a vault reference.
import { useState } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { upstreamAccountWriteSchema, type UpstreamAccountWrite } from "@/lib/console/connections/account";
import type { UpstreamAccountView } from "@/lib/console/connections/manage";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { SelectField } from "../ui/select";

type Kind = "off" | "oauth" | "static";

export function UpstreamAccountForm({ serverId, view, redirectUri }: { serverId: string; view: UpstreamAccountView; redirectUri: string }) {
  const [kind, setKind] = useState<Kind>(view.account?.kind ?? "off");
  const oauth = view.account?.kind === "oauth" ? view.account : undefined;
  const save = useFormMutation({
    schema: upstreamAccountWriteSchema,
    send: (input: UpstreamAccountWrite) => api(`/api/servers/${serverId}/upstream-account`, { method: "PUT", body: input }),
  });
  const fieldError = (name: string) => save.fields[`account.${name}`] ?? save.fields[name];
  return (
    <form
      className="space-y-3"
      aria-label="Upstream account"
      onChange={save.onChange}
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const text = (name: string) => String(form.get(name) ?? "").trim();
        const account =
          kind === "off"
            ? null
            : kind === "static"
              ? { kind }
              : {
                  kind,
                  authorize_url: text("authorize_url"),
                  token_url: text("token_url"),
                  client_id: text("client_id"),
                  client_secret: text("client_secret"),
                  scopes: text("scopes").split(/\s+/).filter(Boolean),
                  ...(text("revocation_url") ? { revocation_url: text("revocation_url") } : {}),
                };
        save.submit({ account, header: text("header") || "Authorization", scheme: String(form.get("scheme") ?? "") });
      }}
    >
      <SelectField id="account-kind" label="Each user's own credential" value={kind} onChange={(event) => setKind(event.target.value as Kind)}>
        <option value="off">Off: every call uses the server&apos;s upstream headers</option>
        <option value="oauth">OAuth: each user consents once at the upstream</option>
        <option value="static">A secret each user pastes (personal access token)</option>
      </SelectField>
      {kind === "oauth" ? (
        <>
          <p className="text-xs text-zinc-500">
            Register one OAuth application at the upstream with the callback URL <span className="font-mono">{redirectUri}</span>.
          </p>
          <Field id="authorize_url" name="authorize_url" label="Authorize URL" defaultValue={oauth?.authorize_url} error={fieldError("authorize_url")} />
          <Field id="token_url" name="token_url" label="Token URL" defaultValue={oauth?.token_url} error={fieldError("token_url")} />
          <Field id="client_id" name="client_id" label="Client id" defaultValue={oauth?.client_id} error={fieldError("client_id")} />
          <Field
            id="client_secret"
            name="client_secret"
            label="Client secret (vault reference)"
            placeholder="{vault://portcullis/github-client-secret}"
            defaultValue={oauth?.client_secret}
            error={fieldError("client_secret")}
          />
          <Field
            id="scopes"
            name="scopes"
            label="Scopes"
            hint="separated by spaces, e.g. repo read:user read:org"
            defaultValue={oauth?.scopes.join(" ")}
            error={fieldError("scopes")}
          />
          <Field id="revocation_url" name="revocation_url" label="Revocation URL (optional)" defaultValue={oauth?.revocation_url} error={fieldError("revocation_url")} />
        </>
      ) : null}
      {kind !== "off" ? (
        <div className="grid grid-cols-2 gap-3">
          <Field id="header" name="header" label="Header" defaultValue={view.header} error={fieldError("header")} />
          <Field id="scheme" name="scheme" label="Scheme" hint='"" sends the raw value' defaultValue={view.scheme} error={fieldError("scheme")} />
        </div>
      ) : null}
      <FormError message={save.message} />
      <Button type="submit" disabled={save.pending}>
        Save upstream account
      </Button>
    </form>
  );
}
