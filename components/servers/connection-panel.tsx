"use client";
import { useId, useState } from "react";
import type { ConnectionSnippet } from "@/lib/console/connection-snippets";
import { Card } from "../ui/card";
import { CopyButton } from "../ui/copy-button";

/** The URL agents use and ready-made client configs for it. */
export function ConnectionPanel({ url, snippets, keyHeader }: { url: string; snippets: ConnectionSnippet[]; keyHeader?: string }) {
  const [selected, setSelected] = useState(snippets[0]!.id);
  // Several panels can share a page (My access shows one per server).
  const panelId = useId();
  const snippet = snippets.find((s) => s.id === selected) ?? snippets[0]!;
  return (
    <Card className="p-5">
      <h2 className="text-sm font-semibold">Connect an MCP client</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        {keyHeader ? (
          <>
            Agents send their Portcullis API key in the <code className="font-mono text-xs">{keyHeader}</code> header; their MCP client signs in to the upstream itself.
          </>
        ) : (
          <>Agents sign in with your identity provider; the client discovers it through the gateway. No API key is needed.</>
        )}
      </p>
      <div className="mt-3 flex items-center gap-2 rounded-md bg-zinc-100 px-3 py-2 dark:bg-zinc-800">
        <code data-testid="client-url" className="min-w-0 flex-1 truncate font-mono text-sm">
          {url}
        </code>
        <CopyButton value={url} label="Copy URL" size="sm" />
      </div>
      <div role="tablist" aria-label="Client" className="mt-4 flex flex-wrap gap-1">
        {snippets.map((s) => (
          <button
            key={s.id}
            role="tab"
            type="button"
            aria-selected={s.id === snippet.id}
            aria-controls={panelId}
            onClick={() => setSelected(s.id)}
            className={`rounded-md px-2.5 py-1 text-xs font-medium ${
              s.id === snippet.id ? "bg-zinc-900 text-white dark:bg-white dark:text-zinc-900" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
            }`}
          >
            {s.label}
          </button>
        ))}
      </div>
      <div id={panelId} role="tabpanel" aria-label={snippet.label} className="mt-2">
        <div className="mb-1.5 flex items-start justify-between gap-3">
          <p className="text-xs text-zinc-500">{snippet.hint}</p>
          <CopyButton value={snippet.code} label={`Copy ${snippet.label} snippet`} size="sm" />
        </div>
        <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100">
          <code>{snippet.code}</code>
        </pre>
      </div>
    </Card>
  );
}
