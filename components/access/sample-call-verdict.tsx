import type { SampleCallResult } from "@/lib/console/call-simulation";
import type { CallVerdict } from "@/lib/acl/simulate-call";
import { Badge } from "../ui/badge";

const VERDICT: Record<CallVerdict, string> = {
  allowed: "allowed",
  denied: "refused by name (denied)",
  not_allowed: "refused by name (not allowed)",
  condition_denied: "refused by the condition (condition_denied)",
  condition_failed: "refused: the condition could not be evaluated (condition_failed)",
  condition_cost_exceeded: "refused: the arguments are too large for the condition (condition_cost_exceeded)",
};

/** Which rule decided the sample call, and what its condition gave on the arguments. */
export function SampleCallVerdict({ result }: { result: SampleCallResult }) {
  if (!result.ok) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
        Sample call {result.field === "tool" ? "tool" : "arguments"}: {result.problem}
      </p>
    );
  }
  const { call } = result;
  const outcome = call.condition?.outcome;
  return (
    <section aria-label="Sample call" className="space-y-1 rounded-lg bg-white p-3 text-sm ring-1 ring-inset ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <p>
        <span className="font-mono">{result.tool}</span> with these arguments: <Badge tone={call.allowed ? "green" : "red"}>{VERDICT[call.verdict]}</Badge>
      </p>
      <p>
        Decided by{" "}
        {call.rule === "default" ? (
          "the default rule"
        ) : (
          <>
            the rule for <span className="font-mono">{call.rule}</span>
          </>
        )}
        {call.subject ? <> (matched {call.subject === "*" ? "everyone" : call.subject})</> : null}.
      </p>
      {call.condition ? (
        <p>
          Its {call.condition.effect}-condition <code className="font-mono">{call.condition.expression}</code>
          {result.words ? <span className="text-zinc-500"> ({result.words})</span> : null} {outcome?.ok ? (outcome.holds ? "held" : "did not hold") : `failed: ${outcome?.error}`}.
          {call.condition.message && !call.allowed ? <span className="block text-zinc-500">The caller is told: “{call.condition.message}”</span> : null}
        </p>
      ) : (
        <p className="text-zinc-500">No condition judged this call.</p>
      )}
    </section>
  );
}
