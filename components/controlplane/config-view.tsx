"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { ImportPreview } from "@/lib/controlplane/import";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { DiffView, type DiffPart } from "../ui/diff-view";
import { FormError } from "../ui/form-error";
import { FormActions } from "../ui/form-actions";
import { Table, Td, Th } from "../ui/table";
import { LocalTime } from "../ui/local-time";

export interface VersionRow {
  number: number;
  hash: string;
  reason: string;
  createdAt: string;
  author: string;
  changes: string[];
}

const SHOWN_CHANGES = 4;

/** The version's changes in words, the first few at once and the rest behind "n more". */
function ChangeList({ changes, reason }: { changes: string[]; reason: string }) {
  if (changes.length === 0) return <span className="text-zinc-500">{reason || "no change to any decision"}</span>;
  const rest = changes.slice(SHOWN_CHANGES);
  return (
    <div data-testid="version-changes">
      <ul className="space-y-0.5">
        {changes.slice(0, SHOWN_CHANGES).map((change, i) => (
          <li key={i}>{change}</li>
        ))}
      </ul>
      {rest.length > 0 ? (
        <details>
          <summary className="cursor-pointer text-zinc-500">{rest.length === 1 ? "1 more change" : `${rest.length} more changes`}</summary>
          <ul className="space-y-0.5">
            {rest.map((change, i) => (
              <li key={i}>{change}</li>
            ))}
          </ul>
        </details>
      ) : null}
      {reason ? <p className="mt-1 text-zinc-500">{reason}</p> : null}
    </div>
  );
}

type Source = { text: string } | { version: number };

/** Preview (a diff of the resulting configuration), then apply on confirmation. */
function ImportFlow({ source, title, onDone }: { source: Source; title: string; onDone: () => void }) {
  const preview = useQuery({
    queryKey: ["import-preview", source],
    queryFn: () => api<ImportPreview>("/api/config/import", { method: "POST", body: { ...source, mode: "preview" } }),
    retry: false,
  });
  const apply = useFormMutation({
    send: () => api("/api/config/import", { method: "POST", body: { ...source, mode: "apply", expectedCurrentHash: preview.data?.currentHash } }),
    onDone,
  });
  return (
    <div className="space-y-3">
      {preview.isPending ? <p className="text-sm text-zinc-500">Validating and computing the changes…</p> : null}
      {preview.error ? <FormError message={preview.error.message} /> : null}
      {preview.data ? (
        preview.data.changed ? (
          <>
            <p className="text-sm">This is how the gateway configuration would change:</p>
            <DiffView parts={preview.data.diff} label="Changes" />
          </>
        ) : (
          <p className="text-sm">This matches the current configuration; nothing would change.</p>
        )
      ) : null}
      <FormActions message={apply.message} onCancel={onDone} label={title} disabled={!preview.data?.changed || apply.pending} onSubmit={() => apply.submit(undefined)} />
    </div>
  );
}

function VersionDiff({ from, to }: { from: number; to: number }) {
  const { data, error, isPending } = useQuery({
    queryKey: ["version-diff", from, to],
    queryFn: () => api<{ diff: DiffPart[] }>(`/api/config/versions/diff?from=${from}&to=${to}`),
  });
  if (isPending) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (error) return <FormError message={error.message} />;
  return <DiffView parts={data.diff} label={`Version ${from} to ${to}`} />;
}

export function ConfigView({ versions }: { versions: VersionRow[] }) {
  const latest = versions[0]?.number;
  const [selected, setSelected] = useState<number[]>(latest && latest > 1 ? [latest - 1, latest] : []);
  const [flow, setFlow] = useState<{ source: Source; title: string }>();
  const [fileError, setFileError] = useState<string>();
  const toggle = (n: number) => setSelected((s) => (s.includes(n) ? s.filter((x) => x !== n) : [...s.slice(-1), n].sort((a, b) => a - b)));
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setFileError(file.size > 5_000_000 ? "The file is larger than 5 MB." : undefined);
    if (file.size <= 5_000_000) setFlow({ source: { text: await file.text() }, title: "Apply import" });
  };
  return (
    <div className="space-y-6">
      <Card>
        <h2 className="text-sm font-semibold">Configuration as code</h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Export the configuration as the YAML file the gateway reads (secrets stay references, keys stay hashes), keep it in git, and import it back. An import shows the changes
          first and applies only when you confirm.
        </p>
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <a
            href="/api/config/export"
            className="inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium shadow-sm ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-800 dark:ring-zinc-700"
          >
            Export YAML
          </a>
          <label className="inline-flex cursor-pointer items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
            Import YAML…
            <input type="file" accept=".yaml,.yml,.json,application/yaml,application/json" className="sr-only" onChange={(e) => void onFile(e.target.files?.[0])} />
          </label>
        </div>
        <FormError message={fileError} />
      </Card>

      <div>
        <h2 className="mb-2 text-sm font-semibold">Version history</h2>
        <Table label="Config versions">
          <thead>
            <tr>
              <Th className="w-10">Diff</Th>
              <Th>Version</Th>
              <Th>Hash</Th>
              <Th>Author</Th>
              <Th>Change</Th>
              <Th>Time</Th>
              <Th className="sr-only">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {versions.map((v) => (
              <tr key={v.number}>
                <Td>
                  <input type="checkbox" aria-label={`Compare version ${v.number}`} checked={selected.includes(v.number)} onChange={() => toggle(v.number)} />
                </Td>
                <Td className="font-medium tabular-nums">{v.number}</Td>
                <Td className="font-mono text-xs text-zinc-500">{v.hash.slice(7, 19)}</Td>
                <Td className="text-xs">{v.author}</Td>
                <Td className="min-w-64 text-xs text-zinc-700 dark:text-zinc-300">
                  <ChangeList changes={v.changes} reason={v.reason} />
                </Td>
                <Td className="text-xs">
                  <LocalTime iso={v.createdAt} />
                </Td>
                <Td className="whitespace-nowrap text-right">
                  {v.number !== latest ? (
                    <Button variant="ghost" onClick={() => setFlow({ source: { version: v.number }, title: `Roll back to version ${v.number}` })}>
                      Roll back
                    </Button>
                  ) : (
                    <span className="text-xs text-zinc-500">current</span>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>

      {selected.length === 2 ? (
        <div>
          <h2 className="mb-2 text-sm font-semibold">
            Changes from version {selected[0]} to {selected[1]}
          </h2>
          <VersionDiff from={selected[0]!} to={selected[1]!} />
        </div>
      ) : (
        <p className="text-sm text-zinc-500">Tick two versions to see what changed between them.</p>
      )}

      <Dialog open={flow !== undefined} onClose={() => setFlow(undefined)} title={flow?.title ?? ""}>
        {flow ? <ImportFlow source={flow.source} title={flow.title} onDone={() => setFlow(undefined)} /> : null}
      </Dialog>
    </div>
  );
}
