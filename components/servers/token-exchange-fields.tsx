"use client";
// A token_swap route's upstream credential: the stored one in the upstream
// headers, or an RFC 8693 token exchange at the IdP — per user, for the
// upstream's audience or resource, optionally naming who acts for the user
// (an actor token, RFC 8693 §2.1).
import { Field } from "../ui/field";
import { SelectField } from "../ui/select";
import type { ActorTokenType, ClientAuthMethod, Draft, DraftBinding } from "./server-draft";
import { VaultSecretField } from "./vault-secret-field";

const PREFIX = "upstream_credential.token_exchange.";

export function UpstreamCredentialFields({ binding }: { binding: DraftBinding }) {
  const { draft, set, text, error, secrets } = binding;
  return (
    <fieldset className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-700">
      <legend className="px-1 text-sm font-medium">Upstream credential</legend>
      <SelectField id="upstream-credential" label="The upstream receives" value={draft.credential} onChange={(e) => set("credential", e.target.value as Draft["credential"])}>
        <option value="headers">a stored credential (an Authorization upstream header)</option>
        <option value="token_exchange">a token exchanged for the user&apos;s (RFC 8693)</option>
      </SelectField>
      {draft.credential === "token_exchange" ? (
        <div className="space-y-3 pl-6">
          <Field
            id="exchange-endpoint"
            label="Token endpoint"
            placeholder="https://idp.example.com/realms/agents/protocol/openid-connect/token"
            {...text("exchangeEndpoint")}
            error={error(`${PREFIX}endpoint`)}
          />
          <Field id="exchange-client-id" label="Exchange client id" {...text("exchangeClientId")} error={error(`${PREFIX}client_id`)} />
          <VaultSecretField
            id="exchange-client-secret"
            label="Exchange client secret (vault reference)"
            pickerLabel="Pick the exchange client secret from the vault"
            value={draft.exchangeClientSecret}
            onChange={(value) => set("exchangeClientSecret", value)}
            error={error(`${PREFIX}client_secret`)}
            secrets={secrets}
          />
          <SelectField
            id="exchange-auth-method"
            label="Exchange client authentication"
            value={draft.exchangeAuthMethod}
            onChange={(e) => set("exchangeAuthMethod", e.target.value as ClientAuthMethod)}
          >
            <option value="client_secret_basic">client_secret_basic (HTTP Basic)</option>
            <option value="client_secret_post">client_secret_post (form body)</option>
          </SelectField>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field
              id="exchange-resource"
              label="Resource"
              placeholder="https://upstream.example.com/mcp"
              {...text("exchangeResource")}
              error={error(`${PREFIX}resource`)}
              hint="The upstream's URI (RFC 8707)"
            />
            <Field id="exchange-audience" label="Audience" {...text("exchangeAudience")} error={error(`${PREFIX}audience`)} hint="Its name at the IdP; one of the two is needed" />
            <Field id="exchange-scope" label="Scope (optional)" {...text("exchangeScope")} error={error(`${PREFIX}scope`)} />
          </div>
          <div className="grid gap-4 sm:grid-cols-3">
            <div className="sm:col-span-2">
              <VaultSecretField
                id="exchange-actor-token"
                label="Actor token (optional, vault reference)"
                pickerLabel="Pick the actor token from the vault"
                value={draft.exchangeActorToken}
                onChange={(value) => set("exchangeActorToken", value)}
                error={error(`${PREFIX}actor_token`)}
                secrets={secrets}
              />
            </div>
            <SelectField
              id="exchange-actor-token-type"
              label="Actor token type"
              value={draft.exchangeActorTokenType}
              onChange={(e) => set("exchangeActorTokenType", e.target.value as ActorTokenType)}
            >
              <option value="access_token">access token</option>
              <option value="jwt">JWT</option>
              <option value="id_token">ID token</option>
            </SelectField>
          </div>
        </div>
      ) : null}
    </fieldset>
  );
}
