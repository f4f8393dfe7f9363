"use client";
import { plural } from "@/lib/client/plural";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { hcvBackendInputSchema } from "@/lib/console/schemas/vault-backend";
import type { HcvSettings } from "@/lib/console/vault/backends";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";
import { SelectField } from "../ui/select";

const REFERENCE_HINT = "A vault reference, e.g. {vault://env/VAULT_TOKEN} — never the credential itself";

function HcvForm({ settings, onDone }: { settings?: HcvSettings; onDone: () => void }) {
  const [method, setMethod] = useState<"token" | "approle">(settings?.approle ? "approle" : "token");
  const form = useFormMutation({ schema: hcvBackendInputSchema, send: (input) => api("/api/vault/backends/hcv", { method: "PUT", body: input }), onDone });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "");
    form.submit({
      address: text("address"),
      mount: text("mount") || undefined,
      namespace: text("namespace"),
      auth: method === "token" ? { method, token: text("token") } : { method, roleId: text("roleId"), secretId: text("secretId"), mount: text("approleMount") || undefined },
      cacheTtlSeconds: text("cacheTtlSeconds") || undefined,
    });
  };
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate autoComplete="off">
      <Field id="hcv-address" name="address" label="Address" defaultValue={settings?.address} error={form.fields.address} hint="e.g. https://vault.example.com:8200" autoFocus />
      <div className="grid grid-cols-2 gap-3">
        <Field id="hcv-mount" name="mount" label="KV v2 mount" defaultValue={settings?.mount ?? "secret"} error={form.fields.mount} />
        <Field
          id="hcv-namespace"
          name="namespace"
          label="Namespace (optional)"
          defaultValue={settings?.namespace ?? ""}
          error={form.fields.namespace}
          hint="Vault Enterprise only"
        />
      </div>
      <SelectField id="hcv-method" label="Authentication" value={method} onChange={(event) => setMethod(event.target.value as "token" | "approle")}>
        <option value="token">Token</option>
        <option value="approle">AppRole</option>
      </SelectField>
      {method === "token" ? (
        <Field id="hcv-token" name="token" label="Token reference" defaultValue={settings?.token ?? ""} error={form.fields["auth.token"]} hint={REFERENCE_HINT} />
      ) : (
        <>
          <Field
            id="hcv-role-id"
            name="roleId"
            label="Role id reference"
            defaultValue={settings?.approle?.role_id ?? ""}
            error={form.fields["auth.roleId"]}
            hint={REFERENCE_HINT}
          />
          <Field id="hcv-secret-id" name="secretId" label="Secret id reference" defaultValue={settings?.approle?.secret_id ?? ""} error={form.fields["auth.secretId"]} />
          <Field id="hcv-approle-mount" name="approleMount" label="AppRole mount" defaultValue={settings?.approle?.mount ?? "approle"} error={form.fields["auth.mount"]} />
        </>
      )}
      <Field
        id="hcv-cache"
        name="cacheTtlSeconds"
        type="number"
        min={0}
        max={86400}
        label="Cache values for (seconds)"
        defaultValue={settings?.cache_ttl_seconds ?? 60}
        error={form.fields.cacheTtlSeconds}
        hint="How long a gateway keeps a value it read before asking Vault again"
      />
      <FormActions message={form.message} onCancel={onDone} label={form.pending ? "Saving…" : "Save settings"} disabled={form.pending} />
    </form>
  );
}

function RemoveHcv({ onDone }: { onDone: () => void }) {
  const form = useFormMutation({ send: () => api("/api/vault/backends/hcv", { method: "DELETE" }), onDone });
  return (
    <div className="space-y-4">
      <p className="text-sm">Remove the HashiCorp Vault settings? References to {"{vault://hcv/…}"} can then no longer be resolved, so this is refused while any are in use.</p>
      <FormActions message={form.message} onCancel={onDone} label="Remove" disabled={form.pending} danger onSubmit={() => form.submit({})} />
    </div>
  );
}

function Setting({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 font-mono text-xs">{value}</dd>
    </div>
  );
}

const removeBlocked = (count: number) => `${plural(count, "reference")} to {vault://hcv/…} ${count === 1 ? "is" : "are"} in use: remove ${count === 1 ? "it" : "them"} first`;

/** `referencesInUse`: how many {vault://hcv/…} references servers and backends hold; while any do, the settings cannot be removed. */
export function HcvSection({ settings, referencesInUse }: { settings?: HcvSettings; referencesInUse: number }) {
  const [dialog, setDialog] = useState<"edit" | "remove">();
  const close = () => setDialog(undefined);
  return (
    <section aria-labelledby="hcv-heading">
      <div className="mb-3 flex items-center justify-between">
        <div>
          <h2 id="hcv-heading" className="text-base font-semibold">
            HashiCorp Vault
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Resolves <code>{"{vault://hcv/<path>[/<field>]}"}</code> from a KV v2 engine. Gateways connect to Vault themselves.
          </p>
        </div>
        <div className="flex gap-2">
          {settings ? (
            <Button
              variant="secondary"
              onClick={() => setDialog("remove")}
              disabled={referencesInUse > 0}
              title={referencesInUse > 0 ? removeBlocked(referencesInUse) : undefined}
              aria-description={referencesInUse > 0 ? removeBlocked(referencesInUse) : undefined}
            >
              Remove
            </Button>
          ) : null}
          <Button onClick={() => setDialog("edit")}>{settings ? "Edit settings" : "Configure"}</Button>
        </div>
      </div>
      <Card>
        {settings ? (
          <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3" aria-label="Current HashiCorp Vault settings">
            <Setting label="Address" value={settings.address} />
            <Setting label="Mount" value={settings.mount} />
            <Setting label="Namespace" value={settings.namespace ?? "—"} />
            <Setting label="Authentication" value={settings.approle ? "AppRole" : "Token"} />
            {settings.approle ? (
              <>
                <Setting label="Role id" value={settings.approle.role_id} />
                <Setting label="Secret id" value={settings.approle.secret_id} />
              </>
            ) : (
              <Setting label="Token" value={settings.token ?? "—"} />
            )}
            <Setting label="Cache" value={`${settings.cache_ttl_seconds} s`} />
          </dl>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Not configured. Configure it to use secrets your organisation already keeps in Vault.</p>
        )}
      </Card>
      <Dialog open={dialog === "edit"} onClose={close} title="HashiCorp Vault settings">
        {dialog === "edit" ? <HcvForm settings={settings} onDone={close} /> : null}
      </Dialog>
      <Dialog open={dialog === "remove"} onClose={close} title="Remove HashiCorp Vault">
        {dialog === "remove" ? <RemoveHcv onDone={close} /> : null}
      </Dialog>
    </section>
  );
}
