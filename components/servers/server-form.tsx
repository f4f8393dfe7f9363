"use client";
// Create or edit an MCP server. The form keeps one draft of strings, turns it
// into the config's server shape on submit, and validates that with the same
// schema the API uses, so field errors read the same on either side.
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
import { SELECT_CLASS, SelectField } from "../ui/select";
import { TextAreaField } from "../ui/textarea";

interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

interface Draft {
  name: string;
  path: string;
  upstream: string;
  mode: ServerSettings["auth"]["mode"];
  keyHeader: string;
  upstreamPrm: string;
  issuer: string;
  useIntrospection: boolean;
  introspectionEndpoint: string;
  clientId: string;
  clientSecret: string;
  authMethod: "client_secret_basic" | "client_secret_post";
  useJwks: boolean;
  jwksUri: string;
  audience: string;
  scopesSupported: string;
  requiredScopes: string;
  consumerClaim: string;
  consumerBy: "username" | "custom_id";
  groupsClaim: string;
  unknownConsumer: string;
  headers: HeaderRow[];
  timeoutMs: string;
  corsOrigins: string;
}

let nextHeaderKey = 0;
const headerRow = (name = "", value = ""): HeaderRow => ({ key: nextHeaderKey++, name, value });

function draftOf(settings?: ServerSettings): Draft {
  const auth = settings?.auth;
  const swap = auth?.mode === "token_swap" ? auth : undefined;
  return {
    name: settings?.name ?? "",
    path: settings?.path ?? "",
    upstream: settings?.upstream ?? "",
    mode: auth?.mode ?? "passthrough",
    keyHeader: auth?.mode === "passthrough" ? auth.key_header : "apikey",
    upstreamPrm: auth?.mode === "passthrough" ? (auth.upstream_prm ?? "") : "",
    issuer: swap?.issuer ?? "",
    useIntrospection: swap ? Boolean(swap.introspection) : true,
    introspectionEndpoint: swap?.introspection?.endpoint ?? "",
    clientId: swap?.introspection?.client_id ?? "",
    clientSecret: swap?.introspection?.client_secret ?? "",
    authMethod: swap?.introspection?.auth_method ?? "client_secret_basic",
    useJwks: Boolean(swap?.jwks),
    jwksUri: swap?.jwks?.uri ?? "",
    audience: swap?.audience ?? "",
    scopesSupported: swap?.scopes_supported.join(" ") ?? "",
    requiredScopes: swap?.required_scopes.join(" ") ?? "",
    consumerClaim: swap?.consumer_claim ?? "sub",
    consumerBy: swap?.consumer_by ?? "username",
    groupsClaim: swap?.consumer_groups_claim ?? "",
    unknownConsumer: swap?.unknown_consumer ?? "reject",
    headers: Object.entries(settings?.upstream_headers ?? {}).map(([name, value]) => headerRow(name, value)),
    timeoutMs: String(settings?.timeout_ms ?? 60_000),
    corsOrigins: settings?.cors.origins.join("\n") ?? "",
  };
}

const optional = (text: string) => (text.trim() === "" ? undefined : text.trim());
const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** The draft in the config's server shape, for the shared schema to judge. */
function inputOf(d: Draft): unknown {
  const auth =
    d.mode === "passthrough"
      ? { mode: d.mode, key_header: d.keyHeader.trim(), upstream_prm: optional(d.upstreamPrm) }
      : {
          mode: d.mode,
          issuer: d.issuer.trim(),
          introspection: d.useIntrospection
            ? { endpoint: d.introspectionEndpoint.trim(), client_id: d.clientId.trim(), client_secret: d.clientSecret.trim(), auth_method: d.authMethod }
            : undefined,
          jwks: d.useJwks ? { uri: d.jwksUri.trim() } : undefined,
          audience: optional(d.audience),
          scopes_supported: words(d.scopesSupported),
          required_scopes: words(d.requiredScopes),
          consumer_claim: d.consumerClaim.trim(),
          consumer_by: d.consumerBy,
          consumer_groups_claim: optional(d.groupsClaim),
          unknown_consumer: d.unknownConsumer.trim() || "reject",
        };
  return {
    name: d.name.trim(),
    path: d.path.trim(),
    upstream: d.upstream.trim(),
    auth,
    upstream_headers: Object.fromEntries(d.headers.filter((h) => h.name.trim() || h.value.trim()).map((h) => [h.name.trim(), h.value])),
    timeout_ms: d.timeoutMs.trim() === "" ? undefined : Number(d.timeoutMs),
    cors: { origins: words(d.corsOrigins) },
  };
}

const vaultReference = (name: string) => `{vault://portcullis/${name}}`;

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

/** A select that inserts a {vault://portcullis/…} reference; free text stays possible in the field beside it. */
function VaultPicker({ secrets, label, onPick }: { secrets: string[]; label: string; onPick: (reference: string) => void }) {
  return (
    <select
      aria-label={label}
      value=""
      onChange={(e) => e.target.value && onPick(vaultReference(e.target.value))}
      className={`${SELECT_CLASS} w-44 shrink-0`}
      disabled={secrets.length === 0}
      title={secrets.length === 0 ? "The vault has no secrets yet" : undefined}
    >
      <option value="">{secrets.length === 0 ? "No vault secrets" : "Insert secret…"}</option>
      {secrets.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
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
        A new server denies every tool to every group and to everyone else. After creating it, open the tools each group needs in its access matrix — or start from another server&apos;s access.
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
  const text = (key: { [K in keyof Draft]: Draft[K] extends string ? K : never }[keyof Draft]) => ({
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
  const setHeader = (key: number, change: Partial<HeaderRow>) => set("headers", draft.headers.map((h) => (h.key === key ? { ...h, ...change } : h)));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const input = inputOf(draft) as Record<string, unknown>;
    form.submit(serverId || !copyAccessFrom ? input : { ...input, copy_access_from: copyAccessFrom });
  };

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate aria-label={serverId ? "Edit MCP server" : "New MCP server"}>
      <Section title="Route" description="Where agents reach the server through the gateway, and the upstream it forwards to.">
        <Field id="server-name" label="Name" {...text("name")} error={form.fields.name} hint="Shown in the console, the audit log and client configs, e.g. github" autoFocus={!serverId} />
        <Field
          id="server-path"
          label="Route path"
          placeholder="/github-mcp"
          {...text("path")}
          error={form.fields.path}
          hint={`Clients connect to ${publicUrl}${draft.path.trim() || "/…"}`}
        />
        <Field id="server-upstream" label="Upstream URL" placeholder="https://api.githubcopilot.com/mcp/" {...text("upstream")} error={form.fields.upstream} />
      </Section>

      <Section title="Authentication" description="How agents prove who they are, and which credential reaches the upstream.">
        <fieldset className="grid gap-3 sm:grid-cols-2">
          <legend className="sr-only">Authentication mode</legend>
          <ModeOption value="passthrough" current={draft.mode} title="Passthrough" onSelect={() => set("mode", "passthrough")}>
            The upstream runs its own OAuth (GitHub…). Agents add a Portcullis API key; their upstream token passes through untouched.
          </ModeOption>
          <ModeOption value="token_swap" current={draft.mode} title="Token swap" onSelect={() => set("mode", "token_swap")}>
            Agents sign in with your IdP. The gateway validates the token, then calls the upstream with a stored credential.
          </ModeOption>
        </fieldset>
        {draft.mode === "passthrough" ? (
          <>
            <Field id="auth-key-header" label="API key header" {...text("keyHeader")} error={error("auth.key_header")} hint="The header that carries the Portcullis API key (not Authorization: that carries the upstream's token)" />
            <Field
              id="auth-upstream-prm"
              label="Upstream protected resource metadata (optional)"
              placeholder="https://api.githubcopilot.com/.well-known/oauth-protected-resource/mcp/"
              {...text("upstreamPrm")}
              error={error("auth.upstream_prm")}
              hint="RFC 9728 metadata the gateway serves with resource rewritten to its own URL, so clients find the upstream's authorization server"
            />
          </>
        ) : (
          <>
            <Field id="auth-issuer" label="Issuer" placeholder="https://idp.example.com/realms/agents" {...text("issuer")} error={error("auth.issuer")} />
            <fieldset className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-700">
              <legend className="px-1 text-sm font-medium">Token validation</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" className="accent-indigo-600" checked={draft.useIntrospection} onChange={(e) => set("useIntrospection", e.target.checked)} />
                Introspection (RFC 7662) — for opaque tokens
              </label>
              {draft.useIntrospection ? (
                <div className="space-y-3 pl-6">
                  <Field id="auth-introspection-endpoint" label="Introspection endpoint" {...text("introspectionEndpoint")} error={error("auth.introspection.endpoint")} />
                  <Field id="auth-client-id" label="Client id" {...text("clientId")} error={error("auth.introspection.client_id")} />
                  <div className="space-y-1">
                    <label htmlFor="auth-client-secret" className="block text-sm font-medium">
                      Client secret (vault reference)
                    </label>
                    <div className="flex gap-2">
                      <input
                        id="auth-client-secret"
                        placeholder="{vault://portcullis/idp-client-secret}"
                        {...text("clientSecret")}
                        aria-invalid={error("auth.introspection.client_secret") ? true : undefined}
                        aria-describedby="auth-client-secret-error"
                        className="block w-full rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid]:ring-red-500 dark:bg-zinc-900 dark:ring-zinc-700"
                      />
                      <VaultPicker secrets={secrets} label="Pick the client secret from the vault" onPick={(ref) => set("clientSecret", ref)} />
                    </div>
                    <p id="auth-client-secret-error" className={`text-xs ${error("auth.introspection.client_secret") ? "text-red-600 dark:text-red-400" : "text-zinc-500"}`}>
                      {error("auth.introspection.client_secret") ?? "Resolved only in the gateway's memory; never stored or shown in plain text"}
                    </p>
                  </div>
                  <SelectField id="auth-method" label="Client authentication" value={draft.authMethod} onChange={(e) => set("authMethod", e.target.value as Draft["authMethod"])}>
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
                  <Field id="auth-jwks-uri" label="JWKS URI" placeholder="https://idp.example.com/realms/agents/protocol/openid-connect/certs" {...text("jwksUri")} error={error("auth.jwks")} />
                </div>
              ) : null}
              {form.fields["auth.introspection"] ? <p className="text-xs text-red-600 dark:text-red-400">{form.fields["auth.introspection"]}</p> : null}
            </fieldset>
            <Field id="auth-audience" label="Audience (optional)" placeholder={`${publicUrl}${draft.path.trim() || "/…"}`} {...text("audience")} error={error("auth.audience")} hint="Defaults to the route URL when the gateway has a public URL (PORTCULLIS_PUBLIC_URL); required otherwise" />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field id="auth-scopes-supported" label="Scopes supported" placeholder="openid mcp" {...text("scopesSupported")} error={error("auth.scopes_supported")} hint="Space separated; advertised in the metadata" />
              <Field id="auth-required-scopes" label="Required scopes" {...text("requiredScopes")} error={error("auth.required_scopes")} hint="Tokens without them get 403 insufficient_scope" />
            </div>
            <div className="grid gap-4 sm:grid-cols-3">
              <Field id="auth-consumer-claim" label="Consumer claim" {...text("consumerClaim")} error={error("auth.consumer_claim")} />
              <SelectField id="auth-consumer-by" label="Match the claim to" value={draft.consumerBy} onChange={(e) => set("consumerBy", e.target.value as Draft["consumerBy"])} error={error("auth.consumer_by")}>
                <option value="username">consumer username</option>
                <option value="custom_id">consumer custom id</option>
              </SelectField>
              <Field id="auth-groups-claim" label="Groups claim (optional)" placeholder="groups" {...text("groupsClaim")} error={error("auth.consumer_groups_claim")} />
            </div>
            <Field
              id="auth-unknown-consumer"
              label="Unknown consumers"
              {...text("unknownConsumer")}
              error={error("auth.unknown_consumer")}
              hint={`"reject", or the username of a consumer that callers without a consumer act as`}
            />
          </>
        )}
      </Section>

      <Section
        title="Upstream headers"
        description={
          <>
            Added to every upstream request. Credentials must be vault references; create secrets on the <Link className="text-indigo-600 hover:underline" href="/vault">Vault</Link> page.
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
                  aria-label={`Header ${i + 1} value`}
                  placeholder="value, or Bearer {vault://portcullis/…}"
                  value={header.value}
                  aria-invalid={problem ? true : undefined}
                  onChange={(e) => setHeader(header.key, { value: e.target.value })}
                  className="block min-w-0 flex-1 rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid]:ring-red-500 dark:bg-zinc-900 dark:ring-zinc-700"
                />
                <VaultPicker secrets={secrets} label={`Insert a vault secret into header ${i + 1}`} onPick={(ref) => setHeader(header.key, { value: `${header.value}${ref}` })} />
                <Button type="button" variant="ghost" aria-label={`Remove header ${i + 1}`} onClick={() => set("headers", draft.headers.filter((h) => h.key !== header.key))}>
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

      <Section title="Limits and browsers">
        <Field id="server-timeout" label="Upstream timeout (ms)" inputMode="numeric" {...text("timeoutMs")} error={form.fields.timeout_ms} hint="100 to 3,600,000; streams longer than this are cut" />
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

      <FormActions message={form.message} onCancel={() => router.push(serverId ? `/servers/${serverId}` : "/servers")} label={form.pending ? "Saving…" : serverId ? "Save changes" : "Create server"} disabled={form.pending} />
    </form>
  );
}
