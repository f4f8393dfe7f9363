"use client";
// One rule's condition (and, for a tool, its redacted argument paths), edited
// in a dialog off the matrix row. As the admin types, the expression is sent
// to the condition check (debounced; a newer keystroke aborts the older
// request), which answers with the gateway's own compile and a type check
// against the tool's synced inputSchema. "Try it" evaluates it on sample
// arguments and a caller with the same engine. Save is a checked write: the
// console refuses what the gateways would.
import { useEffect, useState } from "react";
import { describeCondition } from "@/lib/acl/condition-words";
import { DEFAULT_ROW, type Effect } from "@/lib/acl/matrix";
import type { StoredCondition } from "@/lib/acl/rule-settings";
import { api, ApiError } from "@/lib/client/api";
import type { ConditionCheck } from "@/lib/console/condition-check";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { TextAreaField } from "../ui/textarea";

const CHECK_DELAY_MS = 300;

const TOOL_EXAMPLES = [
  'args.owner == "acme"',
  '!(args.branch in ["main", "master"])',
  'args.path.startsWith("docs/")',
  "args.per_page <= 100",
  'args.q.contains("password")',
  '"developer" in consumer.groups',
];
const DEFAULT_EXAMPLES = ['tool != "delete_repository"', '"developer" in consumer.groups', 'consumer.username == "ci-bot"'];

export interface RuleSettingsValue {
  condition?: StoredCondition;
  redactArgs: readonly string[];
}

type CheckState = { state: "idle" } | { state: "checking" } | { state: "checked"; result: ConditionCheck } | { state: "failed"; message: string };

function useConditionCheck(serverId: string, tool: string | undefined, expression: string): CheckState {
  const [check, setCheck] = useState<CheckState>({ state: "idle" });
  useEffect(() => {
    if (!expression.trim()) {
      setCheck({ state: "idle" });
      return;
    }
    const controller = new AbortController();
    setCheck({ state: "checking" });
    const timer = setTimeout(() => {
      fetch(`/api/servers/${serverId}/acl/condition-check`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ expression, ...(tool ? { tool } : {}) }),
        signal: controller.signal,
      })
        .then(async (response) => {
          const body = (await response.json()) as ConditionCheck & { error?: { message: string; fields?: Record<string, string> } };
          if (!response.ok) setCheck({ state: "failed", message: body.error?.fields?.expression ?? body.error?.message ?? "The check failed." });
          else setCheck({ state: "checked", result: body });
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) setCheck({ state: "failed", message: error instanceof Error ? error.message : "The check failed." });
        });
    }, CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [serverId, tool, expression]);
  return check;
}

function CheckLine({ check }: { check: CheckState }) {
  if (check.state === "idle") return <p className="text-xs text-zinc-500">No condition: the row&apos;s cells decide alone.</p>;
  if (check.state === "checking") return <p className="text-xs text-zinc-500">Checking…</p>;
  if (check.state === "failed") return <p className="text-xs text-red-600 dark:text-red-400">{check.message}</p>;
  const { result } = check;
  if (!result.ok) {
    return (
      <p role="alert" data-testid="condition-problem" className="text-xs text-red-600 dark:text-red-400">
        {result.problem.kind === "syntax" ? "Syntax error" : "Type error"}: {result.problem.message}
      </p>
    );
  }
  return (
    <p data-testid="condition-ok" className="text-xs text-emerald-700 dark:text-emerald-300">
      ✓ Compiles{result.typedBy === "inputSchema" ? ", and fits the tool's inputSchema" : " (no inputSchema to type it against: types are checked when a call is judged)"}.
    </p>
  );
}

interface TryState {
  args: string;
  username: string;
  groups: string;
  result?: { holds: boolean } | { error: string };
  problem?: string;
}

/** "try it": the sample call is evaluated by the condition check with the gateway's engine. */
function TryIt({ serverId, tool, expression, effect, groups }: { serverId: string; tool?: string; expression: string; effect: Effect; groups: string[] }) {
  const [state, setState] = useState<TryState>({ args: "{}", username: "sample-user", groups: groups[0] ?? "" });
  const [pending, setPending] = useState(false);
  const run = async () => {
    let args: unknown;
    try {
      args = JSON.parse(state.args || "{}");
    } catch (error) {
      return setState((s) => ({ ...s, result: undefined, problem: `The arguments are not JSON: ${(error as Error).message}` }));
    }
    if (typeof args !== "object" || args === null || Array.isArray(args)) return setState((s) => ({ ...s, result: undefined, problem: "The arguments are a JSON object." }));
    const consumer = {
      username: state.username.trim() || "sample-user",
      groups: state.groups
        .split(",")
        .map((g) => g.trim())
        .filter(Boolean),
    };
    setPending(true);
    try {
      const check = await api<ConditionCheck>(`/api/servers/${serverId}/acl/condition-check`, {
        method: "POST",
        body: { expression, ...(tool ? { tool } : {}), sample: { args, consumer } },
      });
      if (!check.ok) setState((s) => ({ ...s, result: undefined, problem: check.problem.message }));
      else if (check.tried) {
        const tried = check.tried;
        setState((s) => ({ ...s, problem: undefined, result: tried.ok ? { holds: tried.holds } : { error: tried.error } }));
      }
    } catch (error) {
      const fields = error instanceof ApiError ? Object.values(error.fields) : [];
      setState((s) => ({ ...s, result: undefined, problem: fields[0] ?? (error instanceof Error ? error.message : "Trying failed.") }));
    } finally {
      setPending(false);
    }
  };
  const result = state.result;
  const admitted = result && "holds" in result ? (effect === "allow" ? result.holds : !result.holds) : false;
  return (
    <fieldset className="space-y-2 rounded-md p-3 ring-1 ring-inset ring-zinc-200 dark:ring-zinc-800">
      <legend className="px-1 text-sm font-medium">Try it</legend>
      <TextAreaField id="try-args" label="Sample arguments (JSON)" rows={3} value={state.args} onChange={(e) => setState({ ...state, args: e.target.value })} />
      <div className="grid grid-cols-2 gap-2">
        <Field id="try-username" label="Consumer" value={state.username} onChange={(e) => setState({ ...state, username: e.target.value })} />
        <Field id="try-groups" label="Its groups (comma-separated)" value={state.groups} onChange={(e) => setState({ ...state, groups: e.target.value })} />
      </div>
      <div className="flex items-center gap-3">
        <Button type="button" variant="secondary" className="shrink-0" disabled={pending || !expression.trim()} onClick={() => void run()}>
          Try it
        </Button>
        <span data-testid="try-result" aria-live="polite" className="text-sm">
          {state.problem ? <span className="text-red-600 dark:text-red-400">{state.problem}</span> : null}
          {result && "holds" in result ? (
            <>
              <strong>{String(result.holds)}</strong>
              <span className="text-zinc-500">
                {" "}
                — a caller the row {effect === "allow" ? "admits" : "denies"} would be {admitted ? "admitted" : "refused"}
              </span>
            </>
          ) : null}
          {result && "error" in result ? (
            <>
              <strong className="text-red-700 dark:text-red-300">error</strong>
              <span className="text-zinc-500"> — {result.error}; the gateway refuses such a call (condition_failed)</span>
            </>
          ) : null}
        </span>
      </div>
    </fieldset>
  );
}

export function ConditionEditor({
  serverId,
  tool,
  groups,
  initial,
  onSaved,
  onCancel,
}: {
  serverId: string;
  tool: string;
  groups: string[];
  initial: RuleSettingsValue;
  onSaved: (value: RuleSettingsValue) => void;
  onCancel: () => void;
}) {
  const isDefault = tool === DEFAULT_ROW;
  const [effect, setEffect] = useState<Effect>(initial.condition?.effect ?? "allow");
  const [expression, setExpression] = useState(initial.condition?.expression ?? "");
  const [message, setMessage] = useState(initial.condition?.message ?? "");
  const [redactArgs, setRedactArgs] = useState(initial.redactArgs.join("\n"));
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const check = useConditionCheck(serverId, isDefault ? undefined : tool, expression);
  const words = expression.trim() ? describeCondition(expression) : undefined;

  const insert = (example: string) => setExpression((current) => (current.trim() ? `${current.trim()} && ${example}` : example));

  const save = async () => {
    const condition = expression.trim() ? { effect, expression: expression.trim(), ...(message.trim() ? { message: message.trim() } : {}) } : null;
    const paths = isDefault
      ? []
      : redactArgs
          .split("\n")
          .map((p) => p.trim())
          .filter(Boolean);
    setPending(true);
    try {
      await api(`/api/servers/${serverId}/acl/rule-settings`, { method: "PUT", body: { tool, condition, redactArgs: paths } });
      onSaved({ condition: condition ?? undefined, redactArgs: paths });
    } catch (caught) {
      setFields(caught instanceof ApiError ? caught.fields : {});
      setError(caught instanceof ApiError ? caught.message : "Saving failed.");
    } finally {
      setPending(false);
    }
  };

  const redactError = Object.entries(fields).find(([key]) => key.startsWith("redactArgs"))?.[1];
  return (
    <form
      className="space-y-4 text-sm"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <fieldset className="space-y-1">
        <legend className="font-medium">The condition</legend>
        <label className="flex items-start gap-2">
          <input type="radio" name="effect" value="allow" checked={effect === "allow"} onChange={() => setEffect("allow")} className="mt-0.5 accent-indigo-600" />
          <span>
            <strong>Allow only when</strong> it holds: the callers this row allows are admitted only when the condition is true.
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input type="radio" name="effect" value="deny" checked={effect === "deny"} onChange={() => setEffect("deny")} className="mt-0.5 accent-indigo-600" />
          <span>
            <strong>Deny only when</strong> it holds: the callers this row denies are refused only when the condition is true (the row&apos;s everyone else must be allowed).
          </span>
        </label>
      </fieldset>
      <div className="space-y-1">
        <TextAreaField
          id="condition-expression"
          label="CEL expression"
          rows={3}
          spellCheck={false}
          placeholder='args.owner == "acme"'
          value={expression}
          error={fields["condition.expression"]}
          onChange={(e) => setExpression(e.target.value)}
        />
        <CheckLine check={check} />
        {words ? <p className="text-xs text-zinc-600 dark:text-zinc-400">In words: {words}</p> : null}
        <div className="flex flex-wrap gap-1 pt-1" aria-label="Examples">
          {(isDefault ? DEFAULT_EXAMPLES : TOOL_EXAMPLES).map((example) => (
            <button
              key={example}
              type="button"
              onClick={() => insert(example)}
              className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700 hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-300"
              title="Insert (joined with && to what is there)"
            >
              {example}
            </button>
          ))}
        </div>
        <p className="text-xs text-zinc-500">
          Variables: <code>args</code>, <code>consumer</code> (username, custom_id, groups), <code>claims</code>, <code>server</code>, <code>tool</code>, <code>now</code>. Clear
          the expression to remove the condition.
        </p>
      </div>
      <Field
        id="condition-message"
        label="Message to a refused caller (optional)"
        maxLength={500}
        value={message}
        error={fields["condition.message"]}
        onChange={(e) => setMessage(e.target.value)}
      />
      <TryIt serverId={serverId} tool={isDefault ? undefined : tool} expression={expression} effect={effect} groups={groups} />
      {isDefault ? null : (
        <TextAreaField
          id="redact-args"
          label="Arguments to redact in audit events (one path a line)"
          hint="e.g. args.content or args.files[*].content: recorded as a hash, never as the value"
          rows={2}
          value={redactArgs}
          error={redactError}
          onChange={(e) => setRedactArgs(e.target.value)}
        />
      )}
      <FormError message={error && !fields["condition.expression"] ? error : undefined} />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          Save condition
        </Button>
      </div>
    </form>
  );
}
