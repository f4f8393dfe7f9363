"use client";
// The installation's secret_patterns: credential formats that result redaction
// masks besides the built-in ones, each as [redacted:<name>]. Saved as one
// list; each bad row comes back as its own field error.
import { useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import type { SecretPatternsInput } from "@/lib/console/schemas/rule-settings";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";

type Pattern = SecretPatternsInput["patterns"][number];

export function SecretPatternsForm({ initial }: { initial: Pattern[] }) {
  const [patterns, setPatterns] = useState<Pattern[]>(initial);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [pending, setPending] = useState(false);
  const update = (i: number, change: Partial<Pattern>) => setPatterns(patterns.map((p, j) => (j === i ? { ...p, ...change } : p)));
  const save = async () => {
    setPending(true);
    try {
      const saved = await api<SecretPatternsInput>("/api/settings/secret-patterns", { method: "PUT", body: { patterns } });
      setPatterns(saved.patterns);
      setFields({});
      setError(undefined);
      setNotice(`Saved ${saved.patterns.length} pattern(s).`);
    } catch (caught) {
      setFields(caught instanceof ApiError ? caught.fields : {});
      setError(caught instanceof ApiError ? caught.message : "Saving failed.");
      setNotice(undefined);
    } finally {
      setPending(false);
    }
  };
  return (
    <Card className="mt-6 p-5">
      <form
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h2 className="text-base font-semibold">Secret patterns</h2>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Servers with result redaction mask these formats in tool results too, as <code>[redacted:name]</code>. RE2 syntax; a pattern may not quantify a group (<code>(…)+</code>),
          which keeps masking linear.
        </p>
        {patterns.length === 0 ? <p className="text-sm text-zinc-500">No patterns of your own: only the built-in formats are masked.</p> : null}
        {patterns.map((pattern, i) => (
          <div key={i} className="grid grid-cols-[12rem_1fr_auto] items-start gap-2">
            <Field id={`pattern-${i}-name`} label="Name" value={pattern.name} error={fields[`patterns.${i}.name`]} onChange={(e) => update(i, { name: e.target.value })} />
            <Field
              id={`pattern-${i}-pattern`}
              label="Pattern"
              className="block w-full rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 aria-[invalid]:ring-red-500 dark:bg-zinc-900 dark:ring-zinc-700"
              value={pattern.pattern}
              error={fields[`patterns.${i}.pattern`]}
              onChange={(e) => update(i, { pattern: e.target.value })}
            />
            <Button
              type="button"
              variant="secondary"
              className="mt-6"
              onClick={() => setPatterns(patterns.filter((_, j) => j !== i))}
              aria-label={`Remove pattern ${pattern.name || i + 1}`}
            >
              Remove
            </Button>
          </div>
        ))}
        <FormError message={error} />
        {notice ? (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
            {notice}
          </p>
        ) : null}
        <div className="flex justify-between">
          <Button type="button" variant="secondary" onClick={() => setPatterns([...patterns, { name: "", pattern: "" }])}>
            Add a pattern
          </Button>
          <Button type="submit" disabled={pending}>
            Save patterns
          </Button>
        </div>
      </form>
    </Card>
  );
}
