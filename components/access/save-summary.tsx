"use client";
import { DEFAULT_ROW, type Cell } from "@/lib/acl/matrix";
import { OTHERS, type AccessChange, type CellChange } from "@/lib/console/matrix-edit";
import { Button } from "../ui/button";
import { FormError } from "../ui/form-error";
import { columnLabel } from "./matrix-grid";
import { plural } from "@/lib/client/plural";

const toolLabel = (tool: string) => (tool === DEFAULT_ROW ? "Default row" : tool);
const CELL_TEXT: Record<Cell, string> = { allow: "allow", deny: "deny", inherit: "inherit" };

function byKey<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups];
}

/** What a save will change: the cells, then what they mean — who gains or loses which tool. */
export function SaveSummary({
  changes,
  access,
  configVersion,
  pending,
  error,
  onCancel,
  onSave,
}: {
  changes: CellChange[];
  access: AccessChange[];
  /** The configuration version the gateways run; the save publishes the next. */
  configVersion: number | null;
  pending: boolean;
  error?: string;
  onCancel: () => void;
  onSave: () => void;
}) {
  const gains = byKey(
    access.filter((a) => a.to === "allow"),
    (a) => a.column,
  );
  const losses = byKey(
    access.filter((a) => a.to === "deny"),
    (a) => a.column,
  );
  return (
    <div className="space-y-4 text-sm">
      <section aria-label="Cells">
        <h3 className="mb-1.5 font-semibold">Cells</h3>
        <ul className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-zinc-200 p-2 dark:border-zinc-700">
          {byKey(changes, (c) => c.tool).map(([tool, cells]) => (
            <li key={tool}>
              <span className="font-mono text-xs font-medium">{toolLabel(tool)}</span>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">
                {" — "}
                {cells.map((c) => `${columnLabel(c.column)}: ${CELL_TEXT[c.from]} → ${CELL_TEXT[c.to]}`).join("; ")}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="Effect">
        <h3 className="mb-1.5 font-semibold">Effect</h3>
        {access.length === 0 ? (
          <p className="text-zinc-600 dark:text-zinc-400">No caller gains or loses a tool: the edits only make inherited decisions explicit, or the reverse.</p>
        ) : (
          <ul className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-zinc-200 p-2 text-xs dark:border-zinc-700">
            {losses.map(([column, items]) => (
              <li key={`loses-${column}`}>
                <span className="font-medium text-red-700 dark:text-red-300">{column === OTHERS ? "Everyone else" : column} loses</span>{" "}
                <span className="font-mono">{items.map((a) => (a.tool === DEFAULT_ROW ? "tools without a rule" : a.tool)).join(", ")}</span>
              </li>
            ))}
            {gains.map(([column, items]) => (
              <li key={`gains-${column}`}>
                <span className="font-medium text-emerald-700 dark:text-emerald-300">{column === OTHERS ? "Everyone else" : column} gains</span>{" "}
                <span className="font-mono">{items.map((a) => (a.tool === DEFAULT_ROW ? "tools without a rule" : a.tool)).join(", ")}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p className="text-xs text-zinc-500">
        Publishes configuration version {(configVersion ?? 0) + 1}, unless someone saved this matrix since you loaded it (then nothing is saved).
      </p>
      <FormError message={error} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Keep editing
        </Button>
        <Button onClick={onSave} disabled={pending}>
          {pending ? "Saving…" : `Save ${plural(changes.length, "edit")}`}
        </Button>
      </div>
    </div>
  );
}
