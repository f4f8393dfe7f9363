import Link from "next/link";
import type { ChecklistStep } from "@/lib/console/dashboard";
import { Card } from "../ui/card";

/** First-run steps, each ticked from what exists; shown until every step is done. */
export function Checklist({ title, steps }: { title: string; steps: ChecklistStep[] }) {
  const done = steps.filter((s) => s.done).length;
  if (done === steps.length) return null;
  return (
    <Card className="mb-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold">{title}</h2>
        <p className="text-xs text-zinc-500">
          {done} of {steps.length} done
        </p>
      </div>
      <ol className="mt-3 space-y-1.5 text-sm" aria-label={title}>
        {steps.map((step) => (
          <li key={step.label} className="flex items-center gap-2" data-done={step.done}>
            <span
              aria-hidden
              className={`flex size-5 shrink-0 items-center justify-center rounded-full text-xs ${step.done ? "bg-emerald-600 text-white" : "ring-1 ring-inset ring-zinc-300 dark:ring-zinc-700"}`}
            >
              {step.done ? "✓" : ""}
            </span>
            <span className="sr-only">{step.done ? "Done:" : "To do:"}</span>
            {step.done ? (
              <span className="text-zinc-500 line-through">{step.label}</span>
            ) : (
              <Link className="text-indigo-700 hover:underline dark:text-indigo-300" href={step.href}>
                {step.label}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}
