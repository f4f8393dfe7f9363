"use client";
import { Card } from "../ui/card";

/**
 * Pick the groups of an imaginary caller; the matrix gains a column with the
 * gateway's own decision for it (lib/core/acl/decide.ts on the compiled edits),
 * which shows deny-wins: one denied group is enough.
 */
export function CallerSimulator({ groups, selected, onChange }: { groups: string[]; selected: string[]; onChange: (groups: string[]) => void }) {
  const toggle = (group: string) => onChange(selected.includes(group) ? selected.filter((g) => g !== group) : [...selected, group]);
  return (
    <Card className="border-indigo-200 bg-indigo-50/40 p-3 dark:border-indigo-900 dark:bg-indigo-950/20">
      <fieldset>
        <legend className="text-sm font-medium">Simulated caller&apos;s groups</legend>
        <div className="mt-2 flex flex-wrap gap-x-4 gap-y-1.5">
          {groups.length === 0 ? <span className="text-sm text-zinc-500">There are no groups: the caller falls under everyone else.</span> : null}
          {groups.map((group) => (
            <label key={group} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" className="accent-indigo-600" checked={selected.includes(group)} onChange={() => toggle(group)} />
              {group}
            </label>
          ))}
        </div>
        <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
          {selected.length === 0
            ? "A caller in no group gets each row's everyone else decision."
            : `The gateway's decision for a caller in ${selected.join(" + ")}, with your staged edits. If any of its groups is denied, it is denied.`}
        </p>
      </fieldset>
    </Card>
  );
}
