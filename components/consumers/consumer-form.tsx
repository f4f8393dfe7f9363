"use client";
import type { FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { ConsumerDetail } from "@/lib/console/consumers";
import { consumerInputSchema } from "@/lib/console/schemas/consumer";
import { CheckboxList } from "../ui/checkbox-list";
import { Field } from "../ui/field";
import { FormActions } from "../ui/form-actions";

export interface ConsumerFormChoices {
  groups: { id: string; name: string; description: string }[];
  owners: { email: string; name: string }[];
}

/** Create or edit a consumer: username, custom id, owner, groups — validated with the server's schema. */
export function ConsumerForm({
  consumer,
  choices,
  onDone,
  onCancel,
}: {
  consumer?: Pick<ConsumerDetail, "id" | "username" | "customId" | "owner" | "groups">;
  choices: ConsumerFormChoices;
  onDone: (result: { consumer: { id: string; username: string } }) => void;
  onCancel: () => void;
}) {
  const form = useFormMutation({
    schema: consumerInputSchema,
    send: (input) =>
      consumer
        ? api<{ consumer: { id: string; username: string } }>(`/api/consumers/${consumer.id}`, { method: "PATCH", body: input })
        : api<{ consumer: { id: string; username: string } }>("/api/consumers", { method: "POST", body: input }),
    onDone,
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    form.submit({ username: data.get("username"), customId: data.get("customId"), ownerEmail: data.get("ownerEmail"), groupIds: data.getAll("groupIds") });
  };
  return (
    <form onSubmit={onSubmit} onChange={form.onChange} className="space-y-4" noValidate>
      <Field
        id="consumer-username"
        name="username"
        label="Username"
        defaultValue={consumer?.username}
        error={form.fields.username}
        hint="How ACL rules, logs and analytics name this agent, e.g. release-bot"
        autoFocus
        autoComplete="off"
      />
      <Field
        id="consumer-custom-id"
        name="customId"
        label="Custom id (optional)"
        defaultValue={consumer?.customId ?? ""}
        error={form.fields.customId}
        hint="The IdP's subject (sub) for token-swap routes that match consumers by custom id"
        autoComplete="off"
      />
      <Field
        id="consumer-owner"
        name="ownerEmail"
        label="Owner (optional)"
        type="email"
        list="consumer-owner-choices"
        defaultValue={consumer?.owner?.email ?? ""}
        error={form.fields.ownerEmail}
        hint="The console user responsible for this consumer; they see it under My keys"
        autoComplete="off"
      />
      <datalist id="consumer-owner-choices">
        {choices.owners.map((owner) => (
          <option key={owner.email} value={owner.email}>
            {owner.name}
          </option>
        ))}
      </datalist>
      <CheckboxList
        legend="Groups"
        name="groupIds"
        options={choices.groups.map((g) => ({ value: g.id, label: g.name, description: g.description || undefined }))}
        defaultChecked={consumer?.groups.map((g) => g.id) ?? []}
        error={form.fields.groupIds}
        hint="The consumer gets the tools its groups may call"
        empty="No consumer groups yet. Create groups first to give consumers access to tools."
      />
      <FormActions message={form.message} onCancel={onCancel} label={form.pending ? "Saving…" : consumer ? "Save" : "Create consumer"} disabled={form.pending} />
    </form>
  );
}
