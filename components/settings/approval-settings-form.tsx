"use client";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import { approvalSettingsSchema, type ApprovalSettings } from "@/lib/console/schemas/approvals";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";

export function ApprovalSettingsForm({ settings }: { settings: ApprovalSettings }) {
  const [saved, setSaved] = useState(false);
  const form = useFormMutation({
    schema: approvalSettingsSchema,
    send: (input) => api<ApprovalSettings>("/api/settings/approvals", { method: "PUT", body: input }),
    onDone: () => setSaved(true),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    form.submit({ webhookUrl: String(new FormData(event.currentTarget).get("webhookUrl") ?? "") });
  };
  return (
    <Card className="mt-6 max-w-2xl p-5">
      <h2 className="text-base font-semibold">Approvals</h2>
      <form onSubmit={onSubmit} className="mt-4 space-y-4" noValidate aria-label="Approvals settings">
        <Field
          id="approvals-webhook"
          name="webhookUrl"
          label="Webhook for new approvals"
          hint="A Slack-compatible incoming webhook, posted for every call that starts waiting for an approval. An https URL, or a {vault://portcullis/…} reference to one (webhook URLs are credentials). Empty: none."
          defaultValue={settings.webhookUrl ?? ""}
          error={form.fields.webhookUrl}
        />
        <FormError message={form.message} />
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={form.pending}>
            Save
          </Button>
          {saved ? <span className="text-sm text-emerald-700 dark:text-emerald-300">Saved.</span> : null}
        </div>
      </form>
    </Card>
  );
}
