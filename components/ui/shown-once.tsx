"use client";
import { CopyButton } from "./copy-button";

/** A secret the server will never show again (a new API key, a generated password): copy it now. */
export function ShownOnce({ label, value, children }: { label: string; value: string; children: React.ReactNode }) {
  return (
    <div className="space-y-3">
      <div
        role="status"
        className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-900"
      >
        {children}
      </div>
      <div className="space-y-1">
        <label htmlFor="shown-once-value" className="block text-sm font-medium">
          {label}
        </label>
        <div className="flex gap-2">
          <input
            id="shown-once-value"
            readOnly
            value={value}
            onFocus={(event) => event.currentTarget.select()}
            className="block w-full rounded-md border-0 bg-zinc-50 px-2.5 py-1.5 font-mono text-sm ring-1 ring-inset ring-zinc-300 dark:bg-zinc-950 dark:ring-zinc-700"
          />
          <CopyButton value={value} />
        </div>
      </div>
    </div>
  );
}
