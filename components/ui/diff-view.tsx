// A line diff (from the `diff` package's diffLines) as unified text with +/- gutters.
export interface DiffPart {
  added: boolean;
  removed: boolean;
  value: string;
}

const CONTEXT_LINES = 3;

export function DiffView({ parts, label }: { parts: DiffPart[]; label: string }) {
  if (!parts.some((p) => p.added || p.removed)) return <p className="text-sm text-zinc-500">No differences.</p>;
  return (
    <pre
      aria-label={label}
      className="max-h-[28rem] overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs leading-5 dark:border-zinc-800 dark:bg-zinc-950"
    >
      {parts.map((part, i) => {
        const lines = part.value.replace(/\n$/, "").split("\n");
        if (part.added || part.removed) {
          return lines.map((line, j) => (
            <div
              key={`${i}-${j}`}
              className={
                part.added ? "bg-emerald-100/70 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200" : "bg-red-100/70 text-red-900 dark:bg-red-950 dark:text-red-200"
              }
            >
              {part.added ? "+ " : "- "}
              {line}
            </div>
          ));
        }
        // Unchanged runs: keep a few lines of context around changes.
        const shown = lines.length > 2 * CONTEXT_LINES + 1 ? [...lines.slice(0, i === 0 ? 0 : CONTEXT_LINES), "…", ...lines.slice(-CONTEXT_LINES)] : lines;
        return shown.map((line, j) => (
          <div key={`${i}-${j}`} className="text-zinc-500">
            {"  "}
            {line}
          </div>
        ));
      })}
    </pre>
  );
}
