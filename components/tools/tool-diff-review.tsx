"use client";
import type { ToolDiff } from "@/lib/console/tool-diff";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { FormError } from "../ui/form-error";
import { plural } from "@/lib/client/plural";

const FIELD_LABEL = { description: "description", inputSchema: "input schema", readOnlyHint: "read-only hint" } as const;

export const changeCount = (diff: ToolDiff) => diff.added.length + diff.changed.length + diff.gone.length;

function Group({ title, count, tone, children }: { title: string; count: number; tone: "green" | "amber" | "red"; children: React.ReactNode }) {
  if (count === 0) return null;
  return (
    <section aria-label={title}>
      <h3 className="mb-1.5 flex items-center gap-2 text-sm font-semibold">
        {title} <Badge tone={tone}>{count}</Badge>
      </h3>
      <ul className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-700">{children}</ul>
    </section>
  );
}

/** What accepting a new tool list would change, and the button that accepts it. */
export function ToolDiffReview({ diff, onBack, onAccept, pending, error }: { diff: ToolDiff; onBack: () => void; onAccept: () => void; pending: boolean; error?: string }) {
  const count = changeCount(diff);
  return (
    <div className="space-y-4">
      {count === 0 ? (
        <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
          Everything is up to date: the list matches the {plural(diff.unchanged, "stored tool")}.
        </p>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {plural(count, "change")}; {plural(diff.unchanged, "tool")} unchanged. Nothing is stored until you accept.
        </p>
      )}
      <Group title="New" count={diff.added.length} tone="green">
        {diff.added.map((tool) => (
          <li key={tool.name}>
            <span className="font-mono text-xs font-medium">{tool.name}</span>
            {tool.listedAgain ? <span className="text-xs text-zinc-500"> (listed again)</span> : null}
            {tool.readOnlyHint === true ? <span className="text-xs text-zinc-500"> · read-only</span> : null}
            {tool.description ? <span className="block truncate text-xs text-zinc-500">{tool.description}</span> : null}
          </li>
        ))}
      </Group>
      <Group title="Changed" count={diff.changed.length} tone="amber">
        {diff.changed.map((tool) => (
          <li key={tool.name}>
            <span className="font-mono text-xs font-medium">{tool.name}</span>
            <span className="text-xs text-zinc-500"> — {tool.fields.map((f) => FIELD_LABEL[f]).join(", ")}</span>
            {tool.description ? (
              <span className="mt-0.5 block text-xs">
                <del className="text-red-700 dark:text-red-300">{tool.description.before || "(none)"}</del> →{" "}
                <ins className="text-emerald-700 no-underline dark:text-emerald-300">{tool.description.after || "(none)"}</ins>
              </span>
            ) : null}
          </li>
        ))}
      </Group>
      <Group title="Gone" count={diff.gone.length} tone="red">
        {diff.gone.map((name) => (
          <li key={name} className="font-mono text-xs">
            {name}
          </li>
        ))}
      </Group>
      {diff.gone.length > 0 ? <p className="text-xs text-zinc-500">Gone tools are kept, marked gone; their access rules stay until you change them.</p> : null}
      <FormError message={error} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onBack} disabled={pending}>
          Back
        </Button>
        {count > 0 ? (
          <Button onClick={onAccept} disabled={pending}>
            {pending ? "Saving…" : `Accept ${plural(count, "change")}`}
          </Button>
        ) : null}
      </div>
    </div>
  );
}
