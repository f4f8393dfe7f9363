"use client";
// The server's redaction settings beside its matrix: result_redaction (mask
// credentials in tool results before the agent sees them) and audit_arguments
// (record each call's arguments, with the tools' redacted paths hashed).
import { useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import type { ServerRedactionInput } from "@/lib/console/schemas/rule-settings";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { FormError } from "../ui/form-error";

export function ServerRedactionPanel({ serverId, initial }: { serverId: string; initial: ServerRedactionInput }) {
  const [saved, setSaved] = useState(initial);
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const dirty = value.resultRedaction !== saved.resultRedaction || value.auditArguments !== saved.auditArguments;
  const save = async () => {
    setPending(true);
    try {
      setSaved(await api<ServerRedactionInput>(`/api/servers/${serverId}/redaction`, { method: "PUT", body: value }));
      setError(undefined);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "Saving failed.");
    } finally {
      setPending(false);
    }
  };
  return (
    <Card className="p-4">
      <form
        className="space-y-2 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h2 className="text-base font-semibold">Redaction</h2>
        <label className="flex items-start gap-2">
          <input
            type="checkbox"
            className="mt-0.5 accent-indigo-600"
            checked={value.resultRedaction === "secrets"}
            onChange={(e) => setValue({ ...value, resultRedaction: e.target.checked ? "secrets" : "off" })}
          />
          <span>
            <strong>Mask credentials in tool results</strong> (GitHub, GitLab, Slack, AWS, Google, Stripe tokens, private keys, JWTs, bearer strings, and the{" "}
            <a href="/settings" className="text-indigo-600 hover:underline">
              secret patterns
            </a>{" "}
            in Settings) before they reach the agent.
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input type="checkbox" className="mt-0.5 accent-indigo-600" checked={value.auditArguments} onChange={(e) => setValue({ ...value, auditArguments: e.target.checked })} />
          <span>
            <strong>Record tool arguments in audit events</strong>, with each tool&apos;s redacted argument paths (set in its condition editor) as a hash.
          </span>
        </label>
        <FormError message={error} />
        <div className="flex justify-end">
          <Button type="submit" variant="secondary" disabled={!dirty || pending}>
            Save redaction
          </Button>
        </div>
      </form>
    </Card>
  );
}
