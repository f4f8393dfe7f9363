/** A labelled set of checkboxes (a multi-select that shows every choice), submitted as repeated `name` values. */
export function CheckboxList({
  legend,
  name,
  options,
  defaultChecked,
  error,
  hint,
  empty,
}: {
  legend: string;
  name: string;
  options: { value: string; label: string; description?: string }[];
  defaultChecked: readonly string[];
  error?: string;
  hint?: string;
  empty: string;
}) {
  const id = `${name}-list`;
  return (
    <fieldset className="space-y-1" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="block text-sm font-medium">{legend}</legend>
      {options.length === 0 ? (
        <p className="text-sm text-zinc-500">{empty}</p>
      ) : (
        <div className={`max-h-44 space-y-0.5 overflow-y-auto rounded-md p-1.5 ring-1 ring-inset ${error ? "ring-red-500" : "ring-zinc-300 dark:ring-zinc-700"}`}>
          {options.map((option) => (
            <label key={option.value} className="flex cursor-pointer items-start gap-2 rounded px-1.5 py-1 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800">
              <input type="checkbox" name={name} value={option.value} defaultChecked={defaultChecked.includes(option.value)} className="mt-0.5 accent-indigo-600" />
              <span>
                {option.label}
                {option.description ? <span className="block text-xs text-zinc-500">{option.description}</span> : null}
              </span>
            </label>
          ))}
        </div>
      )}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : hint ? (
        <p className="text-xs text-zinc-500">{hint}</p>
      ) : null}
    </fieldset>
  );
}
