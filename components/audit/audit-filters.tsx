"use client";
// The audit explorer's filters. The URL holds them (so links, paging and
// exports carry them); the server parses and validates each field and hands
// back its message, shown under that field while every other filter applies.
// From and To are typed in the browser's time zone and sent as UTC instants.
import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore, type FormEvent } from "react";
import { api } from "@/lib/client/api";
import type { AuditFilterErrors, AuditFilterField, SuggestionField, TimePreset } from "@/lib/analytics/audit-query";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { SelectField } from "../ui/select";

export type AuditFilterValues = Partial<Record<AuditFilterField, string>>;

const PRESETS: [TimePreset, string][] = [
  ["15m", "15 min"],
  ["1h", "1 h"],
  ["24h", "24 h"],
  ["7d", "7 d"],
];

// Methods an MCP client sends most; any other name can be typed.
const COMMON_METHODS = ["tools/call", "tools/list", "initialize", "notifications/initialized", "resources/list", "resources/read", "prompts/list", "prompts/get", "ping"];

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO instant as a datetime-local value in the browser's zone ("" when it does not parse). */
function toLocalInput(iso: string | undefined): string {
  const date = iso ? new Date(iso) : undefined;
  if (!date || Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value (the browser's zone) as a UTC instant; anything else is sent as typed, for the server to refuse. */
function toInstant(local: string): string {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}

const subscribe = () => () => {};

export function AuditFilters({ values, errors }: { values: AuditFilterValues; errors: AuditFilterErrors }) {
  // The server cannot know the browser's zone: the form is drawn again once hydrated, with From and To in local time.
  const hydrated = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  return <FilterForm key={`${hydrated}${JSON.stringify(values)}`} values={values} errors={errors} localTimes={hydrated} />;
}

function useSuggestions(field: SuggestionField, q: string, window: AuditFilterValues): string[] {
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const { range, from, to } = window;
  useEffect(() => {
    if (!q.trim()) return;
    const params = new URLSearchParams({ field, q });
    for (const [name, value] of Object.entries({ range, from, to })) if (value) params.set(name, value);
    const timer = setTimeout(() => {
      api<{ suggestions: string[] }>(`/api/audit/suggestions?${params}`).then(
        (r) => setSuggestions(r.suggestions),
        () => setSuggestions([]),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [field, q, range, from, to]);
  return q.trim() ? suggestions : [];
}

function FilterForm({ values, errors: serverErrors, localTimes }: { values: AuditFilterValues; errors: AuditFilterErrors; localTimes: boolean }) {
  const router = useRouter();
  const [draft, setDraft] = useState<AuditFilterValues>(() => ({
    ...values,
    from: localTimes ? toLocalInput(values.from) : "",
    to: localTimes ? toLocalInput(values.to) : "",
  }));
  const [errors, setErrors] = useState(serverErrors);
  // Suggestions come from the time range applied: the refused parts of it are left out, as on the server.
  const appliedWindow = Object.fromEntries((["range", "from", "to"] as const).filter((f) => !serverErrors[f]).map((f) => [f, values[f]]));
  const toolSuggestions = useSuggestions("tool", draft.tool ?? "", appliedWindow);
  const consumerSuggestions = useSuggestions("consumer", draft.consumer ?? "", appliedWindow);
  const toolCallsOnly = (draft.calls ?? "tools") !== "all";

  const set = (name: AuditFilterField, value: string) => {
    setDraft((d) => ({ ...d, [name]: value }));
    // A field's error is about the value that was sent; editing it clears the message.
    setErrors((e) => ({ ...e, [name]: undefined }));
  };

  const go = (next: AuditFilterValues) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(next)) if (value && name !== "cursor") params.set(name, value);
    router.push(`/audit${params.size > 0 ? `?${params}` : ""}`);
  };

  // From and To replace a preset; both are sent as UTC instants.
  const apply = (d: AuditFilterValues) =>
    go({ ...d, from: d.from ? toInstant(d.from) : undefined, to: d.to ? toInstant(d.to) : undefined, range: d.from || d.to ? undefined : d.range });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };

  const text = (name: "server" | "consumer" | "tool" | "method" | "status", label: string, extra: Record<string, string> = {}) => (
    <Field id={`audit-${name}`} label={label} error={errors[name]} value={draft[name] ?? ""} onChange={(e) => set(name, e.target.value)} autoComplete="off" {...extra} />
  );

  return (
    <form onSubmit={submit} aria-label="Filters" className="mb-4 space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-xs text-zinc-500" id="audit-range-label">
          Time
        </span>
        <div role="group" aria-labelledby="audit-range-label" className="flex flex-wrap gap-1">
          {PRESETS.map(([preset, label]) => (
            <Button
              key={preset}
              type="button"
              size="sm"
              variant={draft.range === preset && !draft.from && !draft.to ? "primary" : "secondary"}
              aria-pressed={draft.range === preset && !draft.from && !draft.to}
              onClick={() => go({ ...draft, range: preset, from: undefined, to: undefined })}
            >
              Last {label}
            </Button>
          ))}
        </div>
        {errors.range ? <span className="text-xs text-red-600 dark:text-red-400">Time preset: {errors.range}</span> : null}
      </div>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4 xl:grid-cols-5">
        <div className="col-span-2 sm:col-span-1">
          <Field
            id="audit-from"
            label="From (your time zone)"
            type="datetime-local"
            error={errors.from}
            value={draft.from ?? ""}
            onChange={(e) => {
              set("from", e.target.value);
              set("range", "");
            }}
          />
        </div>
        <div className="col-span-2 sm:col-span-1">
          <Field
            id="audit-to"
            label="To (your time zone)"
            type="datetime-local"
            error={errors.to}
            value={draft.to ?? ""}
            onChange={(e) => {
              set("to", e.target.value);
              set("range", "");
            }}
          />
        </div>
        {text("server", "Server")}
        {text("consumer", "Consumer", { list: "audit-consumer-suggestions", hint: "part of a name" })}
        {text("tool", "Tool", { list: "audit-tool-suggestions", hint: "part of a name" })}
        {text("method", "Method", { list: "audit-method-suggestions", placeholder: "tools/call" })}
        <SelectField id="audit-decision" label="Decision" error={errors.decision} value={draft.decision ?? ""} onChange={(e) => set("decision", e.target.value)}>
          <option value="">any</option>
          <option value="allow">allow</option>
          <option value="deny">deny</option>
          <option value="error">error</option>
        </SelectField>
        <SelectField id="audit-approval" label="Approval" error={errors.approval} value={draft.approval ?? ""} onChange={(e) => set("approval", e.target.value)}>
          <option value="">any or none</option>
          <option value="any">confirmed or approved</option>
          <option value="confirm">confirmed by the caller</option>
          <option value="approve">approved by an approver</option>
        </SelectField>
        {text("status", "HTTP status", { inputMode: "numeric" })}
      </div>
      <datalist id="audit-consumer-suggestions">
        {consumerSuggestions.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <datalist id="audit-tool-suggestions">
        {toolSuggestions.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <datalist id="audit-method-suggestions">
        {COMMON_METHODS.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2 text-sm" title="Hides initialize, notifications and HTTP 405 answers">
          <input
            type="checkbox"
            checked={toolCallsOnly}
            onChange={(e) => {
              const next = { ...draft, calls: e.target.checked ? undefined : "all" };
              setDraft(next);
              apply(next);
            }}
          />
          Tool calls only
          <span className="text-xs text-zinc-500">(hides initialize, notifications, 405s)</span>
        </label>
        {errors.calls ? <span className="text-xs text-red-600 dark:text-red-400">{errors.calls}</span> : null}
        {errors.cursor ? <span className="text-xs text-red-600 dark:text-red-400">Page: {errors.cursor}</span> : null}
        <div className="ml-auto flex gap-2">
          <Button type="submit">Filter</Button>
          <Button type="button" variant="ghost" onClick={() => go({})}>
            Clear
          </Button>
        </div>
      </div>
    </form>
  );
}
