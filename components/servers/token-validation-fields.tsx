"use client";
// How tokens are validated — introspection, JWKS or both, for an issuer and an
// audience. The same fields edit a token_swap route's own validation (paths
// under `auth.`) and a passthrough route's `validate` (under `auth.validate.`).
import { Field } from "../ui/field";
import { SelectField } from "../ui/select";
import type { ClientAuthMethod, DraftBinding } from "./server-draft";
import { VaultSecretField } from "./vault-secret-field";

export function TokenValidationFields({
  binding,
  prefix,
  missingMethodError,
  audienceHint,
  audiencePlaceholder,
}: {
  binding: DraftBinding;
  /** "auth." or "auth.validate.": where the schema reports these fields' problems. */
  prefix: string;
  /** The schema's "needs introspection or jwks" problem. */
  missingMethodError: string | undefined;
  audienceHint: string;
  audiencePlaceholder?: string;
}) {
  const { draft, set, text, error, secrets } = binding;
  return (
    <>
      <Field id="auth-issuer" label="Issuer" placeholder="https://idp.example.com/realms/agents" {...text("issuer")} error={error(`${prefix}issuer`)} />
      <fieldset className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-700">
        <legend className="px-1 text-sm font-medium">Token validation</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" className="accent-indigo-600" checked={draft.useIntrospection} onChange={(e) => set("useIntrospection", e.target.checked)} />
          Introspection (RFC 7662) — for opaque tokens
        </label>
        {draft.useIntrospection ? (
          <div className="space-y-3 pl-6">
            <Field id="auth-introspection-endpoint" label="Introspection endpoint" {...text("introspectionEndpoint")} error={error(`${prefix}introspection.endpoint`)} />
            <Field id="auth-client-id" label="Client id" {...text("clientId")} error={error(`${prefix}introspection.client_id`)} />
            <VaultSecretField
              id="auth-client-secret"
              label="Client secret (vault reference)"
              pickerLabel="Pick the client secret from the vault"
              value={draft.clientSecret}
              onChange={(value) => set("clientSecret", value)}
              error={error(`${prefix}introspection.client_secret`)}
              secrets={secrets}
            />
            <SelectField id="auth-method" label="Client authentication" value={draft.authMethod} onChange={(e) => set("authMethod", e.target.value as ClientAuthMethod)}>
              <option value="client_secret_basic">client_secret_basic (HTTP Basic)</option>
              <option value="client_secret_post">client_secret_post (form body)</option>
            </SelectField>
          </div>
        ) : null}
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" className="accent-indigo-600" checked={draft.useJwks} onChange={(e) => set("useJwks", e.target.checked)} />
          JWKS — verify JWT access tokens by signature
        </label>
        {draft.useJwks ? (
          <div className="pl-6">
            <Field
              id="auth-jwks-uri"
              label="JWKS URI"
              placeholder="https://idp.example.com/realms/agents/protocol/openid-connect/certs"
              {...text("jwksUri")}
              error={error(`${prefix}jwks.uri`)}
            />
          </div>
        ) : null}
        {missingMethodError ? <p className="text-xs text-red-600 dark:text-red-400">{missingMethodError}</p> : null}
      </fieldset>
      <Field
        id="auth-audience"
        label={prefix === "auth." ? "Audience (optional)" : "Audience"}
        placeholder={audiencePlaceholder}
        {...text("audience")}
        error={error(`${prefix}audience`)}
        hint={audienceHint}
      />
    </>
  );
}
