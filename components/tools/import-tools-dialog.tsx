"use client";
// Import tools from a JSON file — a tools/list result, for upstreams that
// need an interactive sign-in the console cannot do. Checked in the browser
// with the same schema the server uses, previewed as a diff, then accepted.
import { useMutation } from "@tanstack/react-query";
import { useState, type ChangeEvent } from "react";
import { api, ApiError } from "@/lib/client/api";
import { parseToolsFile, type ToolDefinition } from "@/lib/console/schemas/tools";
import type { ToolDiff } from "@/lib/console/tool-diff";
import { Button } from "../ui/button";
import { FormError } from "../ui/form-error";
import { TextAreaField } from "../ui/textarea";
import { ToolReviewDialog, type ToolPreview } from "./tool-review-dialog";

function ImportForm({ serverId, onPreview }: { serverId: string; onPreview: (preview: ToolPreview) => void }) {
  const [text, setText] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  const preview = useMutation({
    mutationFn: (tools: ToolDefinition[]) =>
      api<{ diff: ToolDiff }>(`/api/servers/${serverId}/tools/preview`, { method: "POST", body: { tools } }).then(({ diff }) => ({ tools, diff })),
    onSuccess: onPreview,
  });
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  };
  const check = () => {
    const parsed = parseToolsFile(text);
    setProblems(parsed.ok ? [] : parsed.problems);
    if (parsed.ok) preview.mutate(parsed.tools);
  };
  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        The result of <code className="font-mono text-xs">tools/list</code> — <code className="font-mono text-xs">{'{"tools": [...]}'}</code> — or the whole JSON-RPC response, e.g.
        saved from the MCP Inspector. It replaces the stored list: tools missing from it are marked gone.
      </p>
      <div className="space-y-1">
        <label htmlFor="tools-file" className="block text-sm font-medium">
          JSON file
        </label>
        <input
          id="tools-file"
          type="file"
          accept="application/json,.json"
          onChange={(event) => void onFile(event)}
          className="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-zinc-100 file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-zinc-200 dark:file:bg-zinc-800"
        />
      </div>
      <TextAreaField
        id="tools-json"
        label="…or paste it"
        rows={6}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder='{"tools": [{"name": "get_me", "inputSchema": {"type": "object"}}]}'
      />
      {problems.length > 0 ? (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          <p className="font-medium">The file cannot be imported:</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5 font-mono text-xs">
            {problems.slice(0, 20).map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          {problems.length > 20 ? <p className="mt-1 text-xs">…and {problems.length - 20} more.</p> : null}
        </div>
      ) : null}
      <FormError message={preview.error instanceof ApiError ? preview.error.message : preview.error ? "Something went wrong." : undefined} />
      <div className="flex justify-end">
        <Button onClick={check} disabled={text.trim() === "" || preview.isPending}>
          {preview.isPending ? "Checking…" : "Preview changes"}
        </Button>
      </div>
    </div>
  );
}

export function ImportToolsDialog({ serverId, onImported, variant = "secondary" }: { serverId: string; onImported: (diff: ToolDiff) => void; variant?: "primary" | "secondary" }) {
  return (
    <ToolReviewDialog
      serverId={serverId}
      source="import"
      label="Import JSON"
      variant={variant}
      titles={{ form: "Import tools from JSON", review: "Review the imported tools" }}
      form={(onPreview) => <ImportForm serverId={serverId} onPreview={onPreview} />}
      onAccepted={onImported}
    />
  );
}
