import { plural } from "@/lib/client/plural";
import type { ConditionView, ServerAccess } from "@/lib/console/effective-access";
import { Badge } from "../ui/badge";
import { Table, Td, Th } from "../ui/table";

/**
 * One server's tools for one caller: may call or not, and the rule behind it
 * (the gateway's own decision, lib/console/effective-access.ts). Tools the
 * caller may call come first. `shown` narrows the rows (My access's filters); the summary counts them all.
 */
export function ToolAccessTable({ access, caller, shown = access.tools }: { access: ServerAccess; caller: string; shown?: ServerAccess["tools"] }) {
  const tools = [...shown].sort((a, b) => Number(b.decision.allowed) - Number(a.decision.allowed));
  const allowed = access.tools.filter((t) => t.decision.allowed).length;
  return (
    <div className="space-y-2">
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid={`access-summary-${access.name}`}>
        {access.tools.length === 0
          ? "The console knows no tools of this server yet (an admin syncs or imports them)."
          : `${allowed} of ${plural(access.tools.length, "tool")} open to ${caller}${tools.length < access.tools.length ? ` (${tools.length} shown)` : ""}.`}{" "}
        Tools not listed here (such as ones the upstream adds later) are{" "}
        <strong className={access.otherTools.decision.allowed ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}>
          {access.otherTools.decision.allowed ? "allowed" : "denied"}
        </strong>
        . {access.otherTools.reason}
        {access.otherTools.condition ? <ConditionLine condition={access.otherTools.condition} /> : null}
      </p>
      {tools.length > 0 ? (
        <Table label={`Tools of ${access.name} for ${caller}`}>
          <thead>
            <tr>
              <Th>Tool</Th>
              <Th>Access</Th>
              <Th>Why</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {tools.map((tool) => (
              <tr key={tool.tool}>
                <Td className="font-mono text-xs">
                  {tool.tool}
                  {tool.discovered ? null : (
                    <span className="ml-2 font-sans text-zinc-500" title="Named in a rule, but not listed by the upstream at the last sync">
                      (rule only)
                    </span>
                  )}
                </Td>
                <Td className="whitespace-nowrap">{tool.decision.allowed ? <Badge tone="green">may call</Badge> : <Badge tone="red">may not call</Badge>}</Td>
                <Td className="text-zinc-700 dark:text-zinc-300">
                  {tool.reason}
                  {tool.condition ? <ConditionLine condition={tool.condition} /> : null}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
    </div>
  );
}

/** "Only when: argument owner is "acme"" beside the expression itself, which is what the gateway runs. */
export function ConditionLine({ condition }: { condition: ConditionView }) {
  return (
    <span className="mt-1 block text-xs" data-testid="condition-line">
      <span className="font-medium">{condition.effect === "allow" ? "Only when" : "Refused when"}:</span>{" "}
      {condition.words ?? <code className="font-mono">{condition.expression}</code>}
      {condition.words ? <code className="ml-2 font-mono text-zinc-500">{condition.expression}</code> : null}
      {condition.message ? <span className="block text-zinc-500">Refused calls are told: “{condition.message}”</span> : null}
    </span>
  );
}
