"use client";
// Fields whose values are secrets held in the vault: free text for any
// reference, and a picker that inserts a {vault://portcullis/…} one.
import { SELECT_CLASS } from "../ui/select";

const vaultReference = (name: string) => `{vault://portcullis/${name}}`;

/** A select that inserts a {vault://portcullis/…} reference; free text stays possible in the field beside it. */
export function VaultPicker({ secrets, label, onPick }: { secrets: string[]; label: string; onPick: (reference: string) => void }) {
  return (
    <select
      aria-label={label}
      value=""
      onChange={(e) => e.target.value && onPick(vaultReference(e.target.value))}
      className={`${SELECT_CLASS} w-44 shrink-0`}
      disabled={secrets.length === 0}
      title={secrets.length === 0 ? "The vault has no secrets yet" : undefined}
    >
      <option value="">{secrets.length === 0 ? "No vault secrets" : "Insert secret…"}</option>
      {secrets.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}

export function VaultSecretField({
  id,
  label,
  pickerLabel,
  value,
  onChange,
  error,
  secrets,
}: {
  id: string;
  label: string;
  /** The picker's accessible name, e.g. "Pick the client secret from the vault". */
  pickerLabel: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  secrets: string[];
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          placeholder="{vault://portcullis/idp-client-secret}"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-error`}
          className="block w-full rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid]:ring-red-500 dark:bg-zinc-900 dark:ring-zinc-700"
        />
        <VaultPicker secrets={secrets} label={pickerLabel} onPick={onChange} />
      </div>
      <p id={`${id}-error`} className={`text-xs ${error ? "text-red-600 dark:text-red-400" : "text-zinc-500"}`}>
        {error ?? "Resolved only in the gateway's memory; never stored or shown in plain text"}
      </p>
    </div>
  );
}
