"use client";
// Create or edit an MCP server. The form keeps one draft of strings
// (server-draft.ts), turns it into the config's server shape on submit, and
// validates that with the same schema the API uses, so field errors read the
// same on either side.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { serverCreateSchema, serverInputSchema, type ServerSettings } from "@/lib/console/schemas/server";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { SelectField } from "../ui/select";
import { TextAreaField } from "../ui/textarea";
import { ClaimMappingFields } from "./claim-mapping-fields";
import { draftOf, headerRow, inputOf, type Draft, type DraftBinding, type HeaderRow, type TextKey } from "./server-draft";
import { UpstreamCredentialFields } from "./token-exchange-fields";
import { TokenValidationFields } from "./token-validation-fields";
import { VaultPicker } from "./vault-secret-field";

function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <Card className="grid gap-6 p-5 md:grid-cols-[14rem_1fr]">
      <div>
        <h2 className="text-sm font-semibold">{title}</h2>
        {description ? <p className="mt-1 text-xs text-zinc-500">{description}</p> : null}
      </div>
      <div className="space-y-4">{children}</div>
    </Card>
  );
}

function ModeOption({ value, current, title, children, onSelect }: { value: Draft["mode"]; current: Draft["mode"]; title: string; children: ReactNode; onSelect: () => void }) {
  const checked = value === current;
  return (
    <label
      className={`flex cursor-pointer gap-3 rounded-lg border p-3 text-sm ${
        checked ? "border-indigo-600 bg-indigo-50/60 ring-1 ring-indigo-600 dark:bg-indigo-950/40" : "border-zinc-200 hover:border-zinc-300 dark:border-zinc-700"
      }`}
    >
      <input type="radio" name="mode" value={value} checked={checked} onChange={onSelect} className="mt-0.5 accent-indigo-600" />
      <span>
        <span className="block font-medium">{title}</span>
        <span className="mt-0.5 block text-xs text-zinc-600 dark:text-zinc-400">{children}</span>
      </span>
    </label>
  );
}

/** Only when creating: a new server starts closed, or with a copy of another server's access. */
function StartingAccess({ servers, value, onChange, error }: { servers: { id: string; name: string }[]; value: string; onChange: (id: string) => void; error?: string }) {
  return (
    <Section title="Access" description="Who may call this server's tools once it is created.">
      <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="closed-by-default">
        A new server denies every tool to every group and to everyone else. After creating it, open the tools each group needs in its access matrix — or start from another
        server&apos;s access.
      </p>
      <SelectField id="server-copy-access" label="Starting access" value={value} onChange={(e) => onChange(e.target.value)} error={error}>
        <option value="">Closed: deny every group and everyone else</option>
        {servers.map((server) => (
          <option key={server.id} value={server.id}>
            Copy access from {server.name}
          </option>
        ))}
      </SelectField>
    </Section>
  );
}

export function ServerForm({
  serverId,
  settings,
  secrets,
  publicUrl,
  copySources = [],
}: {
  serverId?: string;
  settings?: ServerSettings;
  secrets: string[];
  publicUrl: string;
  /** Servers whose access a new server may copy. */
  copySources?: { id: string; name: string }[];
}) {
  const router = useRouter();
  const [draft, setDraft] = useState(() => draftOf(settings));
  const [copyAccessFrom, setCopyAccessFrom] = useState("");
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const text = (key: TextKey) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => set(key, e.target.value as never),
  });
  const form = useFormMutation({
    schema: serverId ? serverInputSchema : serverCreateSchema,
    send: (input) =>
      serverId
        ? api<{ server: { id: string } }>(`/api/servers/${serverId}`, { method: "PATCH", body: input })
        : api<{ server: { id: string } }>("/api/servers", { method: "POST", body: input }),
    onDone: (result) => router.push(`/servers/${result.server.id}`),
  });
  const error = (prefix: string) => Object.entries(form.fields).find(([path]) => path === prefix || path.startsWith(`${prefix}.`))?.[1];
  const binding: DraftBinding = { draft, set, text, error, secrets };
  const setHeader = (key: number, change: Partial<HeaderRow>) =>
    set(
      "headers",
      draft.headers.map((h) => (h.key === key ? { ...h, ...change } : h)),
    );

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const input = inputOf(draft) as Record<string, unknown>;
    form.submit(serverId || !copyAccessFrom ? input : { ...input, copy_access_from: copyAccessFrom });
  };

  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-5" noValidate aria-label={serverId ? "Edit MCP server" : "New MCP server"}>
      <Section title="Route" description="Where agents reach the server through the gateway, and the upstream it forwards to.">
        <Field
          id="server-name"
          name="name"
          label="Name"
          {...text("name")}
          error={form.fields.name}
          hint="Shown in the console, the audit log and client configs, e.g. github"
          autoFocus={!serverId}
        />
        <Field
          id="server-path"
          name="path"
          label="Route path"
          placeholder="/github-mcp"
          {...text("path")}
          error={form.fields.path}
          hint={`Clients connect to ${publicUrl}${draft.path.trim() || "/…"}`}
        />
        <Field id="server-upstream" name="upstream" label="Upstream URL" placeholder="https://api.githubcopilot.com/mcp/" {...text("upstream")} error={form.fields.upstream} />
      </Section>

      <Section title="Authentication" description="How agents prove who they are, and which credential reaches the upstream.">
        <fieldset className="grid gap-3 sm:grid-cols-3">
          <legend className="sr-only">Authentication mode</legend>
          <ModeOption value="passthrough" current={draft.mode} title="Passthrough" onSelect={() => set("mode", "passthrough")}>
            The upstream runs its own OAuth (GitHub…). Agents add a Portcullis API key; their upstream token passes through untouched, optionally checked by the gateway first.
          </ModeOption>
          <ModeOption value="token_swap" current={draft.mode} title="Token swap" onSelect={() => set("mode", "token_swap")}>
            Agents sign in with your IdP. The gateway validates the token, then calls the upstream with a stored credential or a token exchanged for the user&apos;s.
          </ModeOption>
          <ModeOption value="sign_in" current={draft.mode} title="Sign in with Portcullis" onSelect={() => set("mode", "sign_in")}>
            Agents need only the URL: they sign in to this console (single sign-on) and get a token for this route alone. The gateway calls the upstream with the stored credential
            in the upstream headers.
          </ModeOption>
        </fieldset>
        {draft.mode === "passthrough" ? (
          <>
            <Field
              id="auth-key-header"
              label="API key header"
              {...text("keyHeader")}
              error={error("auth.key_header")}
              hint="The header that carries the Portcullis API key (not Authorization: that carries the upstream's token)"
            />
            <Field
              id="auth-upstream-prm"
              label="Upstream protected resource metadata (optional)"
              placeholder="https://api.githubcopilot.com/.well-known/oauth-protected-resource/mcp/"
              {...text("upstreamPrm")}
              error={error("auth.upstream_prm")}
              hint="RFC 9728 metadata the gateway serves with resource rewritten to its own URL, so clients find the upstream's authorization server"
            />
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" className="accent-indigo-600" checked={draft.validateTokens} onChange={(e) => set("validateTokens", e.target.checked)} />
              Validate the upstream&apos;s tokens at the gateway (JWKS or introspection)
            </label>
            {draft.validateTokens ? (
              <div className="space-y-4 pl-6">
                <TokenValidationFields
                  binding={binding}
                  prefix="auth.validate."
                  missingMethodError={form.fields["auth.validate.jwks"]}
                  audienceHint="What the upstream's tokens carry in aud, e.g. its resource URL"
                />
                <Field
                  id="auth-algorithms"
                  label="Algorithms (optional)"
                  placeholder="RS256 ES256"
                  {...text("algorithms")}
                  error={error("auth.validate.algorithms")}
                  hint="JWT signature algorithms accepted; default RS256, ES256, PS256, EdDSA"
                />
                <SelectField
                  id="auth-identity"
                  label="Who the caller is"
                  value={draft.identity}
                  onChange={(e) => set("identity", e.target.value as Draft["identity"])}
                  error={error("auth.identity")}
                >
                  <option value="key">the API key</option>
                  <option value="token">a claim of the validated token (no API key)</option>
                  <option value="both">the API key, and the token must name the same consumer</option>
                </SelectField>
                {draft.identity !== "key" ? (
                  <ClaimMappingFields
                    binding={binding}
                    withFallback={draft.identity === "token"}
                    matchLabel={draft.identity === "both" ? "Must match the key's" : "Match the claim to"}
                  />
                ) : null}
              </div>
            ) : null}
          </>
        ) : draft.mode === "sign_in" ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Nothing to set here: the authorization server is this console, and its tokens are issued for this route&apos;s URL alone. Put the upstream&apos;s stored credential in
            the upstream headers below.
          </p>
        ) : (
          <>
            <TokenValidationFields
              binding={binding}
              prefix="auth."
              missingMethodError={form.fields["auth.introspection"]}
              audienceHint="Defaults to the route URL when the gateway has a public URL (PORTCULLIS_PUBLIC_URL); required otherwise"
              audiencePlaceholder={`${publicUrl}${draft.path.trim() || "/…"}`}
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field
                id="auth-scopes-supported"
                label="Scopes supported"
                placeholder="openid mcp"
                {...text("scopesSupported")}
                error={error("auth.scopes_supported")}
                hint="Space separated; advertised in the metadata"
              />
              <Field
                id="auth-required-scopes"
                label="Required scopes"
                {...text("requiredScopes")}
                error={error("auth.required_scopes")}
                hint="Tokens without them get 403 insufficient_scope"
              />
            </div>
            <ClaimMappingFields binding={binding} withFallback />
            <UpstreamCredentialFields binding={binding} />
          </>
        )}
      </Section>

      <Section
        title="Upstream headers"
        description={
          <>
            Added to every upstream request. Credentials must be vault references; create secrets on the{" "}
            <Link className="text-indigo-600 hover:underline" href="/vault">
              Vault
            </Link>{" "}
            page.
          </>
        }
      >
        {draft.headers.length === 0 ? <p className="text-sm text-zinc-500">No extra headers.</p> : null}
        {draft.headers.map((header, i) => {
          const problem = error(`upstream_headers.${header.name.trim()}`);
          return (
            <div key={header.key} className="space-y-1">
              <div className="flex gap-2">
                <input
                  aria-label={`Header ${i + 1} name`}
                  placeholder="X-MCP-Toolsets"
                  value={header.name}
                  onChange={(e) => setHeader(header.key, { name: e.target.value })}
                  className="block w-48 shrink-0 rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-900 dark:ring-zinc-700"
                />
                <input
                  name={`upstream_headers.${header.name.trim()}`}
                  aria-label={`Header ${i + 1} value`}
                  placeholder="value, or Bearer {vault://portcullis/…}"
                  value={header.value}
                  aria-invalid={problem ? true : undefined}
                  onChange={(e) => setHeader(header.key, { value: e.target.value })}
                  className="block min-w-0 flex-1 rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid]:ring-red-500 dark:bg-zinc-900 dark:ring-zinc-700"
                />
                <VaultPicker secrets={secrets} label={`Insert a vault secret into header ${i + 1}`} onPick={(ref) => setHeader(header.key, { value: `${header.value}${ref}` })} />
                <Button
                  type="button"
                  variant="ghost"
                  aria-label={`Remove header ${i + 1}`}
                  onClick={() =>
                    set(
                      "headers",
                      draft.headers.filter((h) => h.key !== header.key),
                    )
                  }
                >
                  Remove
                </Button>
              </div>
              {problem ? <p className="text-xs text-red-600 dark:text-red-400">{problem}</p> : null}
            </div>
          );
        })}
        <Button type="button" variant="secondary" onClick={() => set("headers", [...draft.headers, headerRow()])}>
          Add header
        </Button>
      </Section>

      <Section title="Tool catalogue" description="What the gateway does when the upstream lists a tool the admins have not approved.">
        <SelectField
          id="server-tool-changes"
          label="A tool whose definition changed"
          value={draft.toolChanges}
          onChange={(e) => set("toolChanges", e.target.value as Draft["toolChanges"])}
          error={error("tool_changes")}
          hint="Hold: hidden from lists and its calls refused until an admin approves the change."
        >
          <option value="hold">hold until approved</option>
          <option value="allow">allow</option>
        </SelectField>
        <SelectField
          id="server-new-tools"
          label="A new tool"
          value={draft.newTools}
          onChange={(e) => set("newTools", e.target.value as Draft["newTools"])}
          error={error("new_tools")}
          hint="Hold: a tool with no approved definition is hidden and refused until an admin approves it."
        >
          <option value="hold">hold until approved</option>
          <option value="allow">allow</option>
        </SelectField>
      </Section>

      <Section title="Limits and browsers">
        <Field
          id="server-timeout"
          name="timeout_ms"
          label="Upstream timeout (ms)"
          inputMode="numeric"
          {...text("timeoutMs")}
          error={form.fields.timeout_ms}
          hint="100 to 3,600,000; streams longer than this are cut"
        />
        <TextAreaField
          id="server-cors"
          label="CORS origins"
          rows={2}
          placeholder="https://agents.example.com"
          {...text("corsOrigins")}
          error={error("cors")}
          hint="Browser origins allowed to call this route, one per line; * for any. Leave empty for non-browser clients only."
        />
      </Section>

      {serverId ? null : <StartingAccess servers={copySources} value={copyAccessFrom} onChange={setCopyAccessFrom} error={form.fields.copy_access_from} />}

      <FormActions
        message={form.message}
        onCancel={() => router.push(serverId ? `/servers/${serverId}` : "/servers")}
        label={form.pending ? "Saving…" : serverId ? "Save changes" : "Create server"}
        disabled={form.pending}
      />
    </form>
  );
}
