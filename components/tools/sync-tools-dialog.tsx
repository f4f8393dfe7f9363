"use client";
// Sync tools: the admin gives a credential for this one request (a token, or
// a vault secret), the console reads the upstream's whole tool list and shows
// what would change; accepting stores the list. The credential lives only in
// this dialog's state and the one request.
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, ApiError } from "@/lib/client/api";
import { headerLines } from "@/lib/client/header-lines";
import { syncToolsSchema } from "@/lib/console/schemas/tools";
import type { ToolDiff } from "@/lib/console/tool-diff";
import { fieldErrors } from "@/lib/console/validation";
import { Button } from "../ui/button";
import { FormError } from "../ui/form-error";
import { SELECT_CLASS } from "../ui/select";
import { TextAreaField } from "../ui/textarea";
import { ToolReviewDialog, type ToolPreview } from "./tool-review-dialog";

/** "Name: value" lines as headers; the token, when given, as Authorization: Bearer. */
function headersOf(token: string, lines: string): Record<string, string> {
  const headers = headerLines(lines);
  if (token.trim()) headers.Authorization = `Bearer ${token.trim()}`;
  return headers;
}

function SyncForm({ serverId, upstream, secrets, onPreview }: { serverId: string; upstream: string; secrets: string[]; onPreview: (preview: ToolPreview) => void }) {
  const [token, setToken] = useState("");
  const [lines, setLines] = useState("");
  const [problem, setProblem] = useState<string>();
  const fetchTools = useMutation({
    mutationFn: (headers: Record<string, string>) => api<ToolPreview>(`/api/servers/${serverId}/tools/sync`, { method: "POST", body: { headers } }),
    onSuccess: onPreview,
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = syncToolsSchema.safeParse({ headers: headersOf(token, lines) });
    if (!parsed.success) return setProblem(Object.values(fieldErrors(parsed.error))[0]);
    setProblem(undefined);
    fetchTools.mutate(parsed.data.headers);
  };
  const error = problem ?? (fetchTools.error instanceof ApiError ? fetchTools.error.message : fetchTools.error ? "Something went wrong." : undefined);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        The console calls <code className="font-mono text-xs">tools/list</code> on <code className="break-all font-mono text-xs">{upstream}</code> with the server&apos;s upstream
        headers plus the credential below. The credential is used for this request only: never stored, never logged.
      </p>
      <div className="space-y-1">
        <label htmlFor="sync-token" className="block text-sm font-medium">
          Bearer token
        </label>
        <div className="flex gap-2">
          <input
            id="sync-token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder="a token the upstream accepts, e.g. a GitHub personal access token"
            className="block w-full rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-900 dark:ring-zinc-700"
          />
          <select
            aria-label="Use a vault secret as the token"
            value=""
            disabled={secrets.length === 0}
            onChange={(e) => e.target.value && setToken(`{vault://portcullis/${e.target.value}}`)}
            className={`${SELECT_CLASS} w-44 shrink-0`}
          >
            <option value="">{secrets.length ? "Use a vault secret…" : "No vault secrets"}</option>
            {secrets.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <p className="text-xs text-zinc-500">Sent as Authorization: Bearer. Leave empty when the server&apos;s upstream headers already authenticate.</p>
      </div>
      <TextAreaField
        id="sync-headers"
        label="Extra headers (optional)"
        rows={2}
        placeholder="X-MCP-Toolsets: all"
        value={lines}
        onChange={(e) => setLines(e.target.value)}
        hint="One Name: value per line; they replace the server's headers of the same name for this sync"
      />
      <FormError message={error} />
      <div className="flex justify-end">
        <Button type="submit" disabled={fetchTools.isPending}>
          {fetchTools.isPending ? "Reading tools…" : "Fetch tool list"}
        </Button>
      </div>
    </form>
  );
}

export function SyncToolsDialog({ serverId, upstream, secrets, onSynced }: { serverId: string; upstream: string; secrets: string[]; onSynced: (diff: ToolDiff) => void }) {
  return (
    <ToolReviewDialog
      serverId={serverId}
      source="sync"
      label="Sync tools"
      titles={{ form: "Sync tools from the upstream", review: "Review the upstream's tools" }}
      form={(onPreview) => <SyncForm serverId={serverId} upstream={upstream} secrets={secrets} onPreview={onPreview} />}
      onAccepted={onSynced}
    />
  );
}
