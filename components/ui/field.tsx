import type { InputHTMLAttributes } from "react";
import { describedBy, FieldFrame } from "./field-frame";

export function Field({ label, error, hint, id, ...input }: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string; hint?: string; id: string }) {
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className="block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 placeholder:text-zinc-400 focus:ring-2 focus:ring-indigo-600 aria-[invalid]:ring-red-500 dark:bg-zinc-900 dark:ring-zinc-700"
        {...input}
      />
    </FieldFrame>
  );
}
