"use client";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { selfServiceSettingsSchema, type SelfServiceSettings } from "@/lib/console/schemas/settings";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { SelectField } from "../ui/select";

/** A number field's value: blank is null (e.g. "no maximum"); anything else goes to the schema as typed. */
function numberOrNull(value: FormDataEntryValue | null): number | null | string {
  const text = String(value ?? "").trim();
  if (!text) return null;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

export function SelfServiceSettingsForm({ settings, groups }: { settings: SelfServiceSettings; groups: { id: string; name: string }[] }) {
  const [autoCreate, setAutoCreate] = useState(settings.autoCreateConsumer);
  const [saved, setSaved] = useState(false);
  const form = useFormMutation({
    schema: selfServiceSettingsSchema,
    send: (input) => api<SelfServiceSettings>("/api/settings", { method: "PUT", body: input }),
    onDone: () => setSaved(true),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const data = new FormData(event.currentTarget);
    form.submit({
      autoCreateConsumer: autoCreate,
      defaultGroupId: String(data.get("defaultGroupId") ?? "") || null,
      maxKeyLifetimeDays: numberOrNull(data.get("maxKeyLifetimeDays")),
      maxActiveKeysPerConsumer: numberOrNull(data.get("maxActiveKeysPerConsumer")) ?? "",
    });
  };
  return (
    <Card className="max-w-2xl p-5">
      <h2 className="text-base font-semibold">Developer self-service</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Developers manage the API keys of the consumers they own under <em>My keys</em>. These settings bound what they can do there.
      </p>
      <form onSubmit={onSubmit} onChange={form.onChange} className="mt-5 space-y-5" noValidate>
        <div className="space-y-1">
          <label className="flex items-start gap-2 text-sm font-medium">
            <input type="checkbox" name="autoCreateConsumer" checked={autoCreate} onChange={(event) => setAutoCreate(event.target.checked)} className="mt-0.5 accent-indigo-600" />
            <span>
              Create a consumer for a developer who has none
              <span className="block text-xs font-normal text-zinc-500">On their first visit to My keys, named after their email and owned by them, in the group below.</span>
            </span>
          </label>
        </div>
        <SelectField
          id="default-group"
          name="defaultGroupId"
          label="Group for new consumers"
          defaultValue={settings.defaultGroupId ?? ""}
          error={form.fields.defaultGroupId}
          hint={groups.length ? "Its column in each server's tool access matrix decides what new consumers may call." : "Create a group first (Groups)."}
        >
          <option value="">—</option>
          {groups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </SelectField>
        <Field
          id="max-lifetime"
          name="maxKeyLifetimeDays"
          type="number"
          min={1}
          max={3650}
          inputMode="numeric"
          label="Maximum key lifetime (days)"
          defaultValue={settings.maxKeyLifetimeDays ?? ""}
          placeholder="no maximum"
          error={form.fields.maxKeyLifetimeDays}
          hint="Keys developers create or roll in My keys expire within this many days. Blank: no maximum. Existing keys keep their expiry; admins issuing keys on a consumer's page are not limited."
        />
        <Field
          id="max-active-keys"
          name="maxActiveKeysPerConsumer"
          type="number"
          min={1}
          max={1000}
          inputMode="numeric"
          label="Active keys per consumer"
          defaultValue={settings.maxActiveKeysPerConsumer}
          error={form.fields.maxActiveKeysPerConsumer}
          hint="Creating or rolling a key beyond this many active (neither revoked nor expired) keys is refused, for admins too."
        />
        <FormError message={form.message} />
        <div className="flex items-center justify-end gap-3">
          {saved ? (
            <p role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
              Saved.
            </p>
          ) : null}
          <Button type="submit" disabled={form.pending}>
            {form.pending ? "Saving…" : "Save settings"}
          </Button>
        </div>
      </form>
    </Card>
  );
}
