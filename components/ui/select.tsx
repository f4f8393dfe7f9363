import type { SelectHTMLAttributes } from "react";
import { describedBy, FieldFrame } from "./field-frame";

/** A select's look, without its width: callers add w-full or a fixed width. */
export const SELECT_CLASS =
  "block rounded-md border-0 bg-white py-1.5 pl-2.5 pr-8 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid]:ring-red-500 dark:bg-zinc-900 dark:ring-zinc-700";

export function SelectField({
  label,
  error,
  hint,
  id,
  children,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string; hint?: string; id: string }) {
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} className={`${SELECT_CLASS} w-full`} {...select}>
        {children}
      </select>
    </FieldFrame>
  );
}
