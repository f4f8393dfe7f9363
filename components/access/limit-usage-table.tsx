// My access: the rate limits that apply to the developer's consumer on one
// server, read-only, with the calls it used of each budget (an approximation
// from the audit rollups; lib/console/limit-usage.ts says how).
import type { LimitWithUsage } from "@/lib/console/limit-usage";
import { Table, Td, Th } from "../ui/table";

const WINDOWS = [
  ["per_minute", "minute", "this minute"],
  ["per_hour", "hour", "last 60 min"],
  ["per_day", "day", "last 24 h"],
] as const;

export function LimitUsageTable({ server, limits }: { server: string; limits: LimitWithUsage[] }) {
  if (limits.length === 0) return null;
  return (
    <div className="space-y-2" data-testid={`limits-${server}`}>
      <Table label={`Rate limits on ${server}`}>
        <thead>
          <tr>
            <Th>Rate limit</Th>
            <Th>Applies through</Th>
            {WINDOWS.map(([key, , label]) => (
              <Th key={key}>Used {label}</Th>
            ))}
            <Th>At once</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {limits.map(({ rule, via, used }) => (
            <tr key={`${rule.subject}\u0000${rule.tool}`}>
              <Td className="font-mono text-xs">{rule.tool === "*" ? "every tool" : rule.tool}</Td>
              <Td>{via}</Td>
              {WINDOWS.map(([key, window]) => (
                <Td key={key}>
                  {rule[key] === undefined ? (
                    <span className="text-zinc-400">—</span>
                  ) : (
                    <span className={used[window] >= rule[key] ? "font-semibold text-red-700 dark:text-red-300" : undefined}>
                      {used[window].toLocaleString("en")} / {rule[key].toLocaleString("en")}
                    </span>
                  )}
                </Td>
              ))}
              <Td>{rule.concurrent === undefined ? <span className="text-zinc-400">—</span> : `${rule.concurrent.toLocaleString("en")} in flight`}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <p className="text-xs text-zinc-500">
        A call over a budget is refused with HTTP 429 and a Retry-After. Usage counts your admitted tool calls by whole minutes from the audit log, a second or so behind the
        gateway, whose budgets refill continuously: near a limit, trust the gateway&apos;s RateLimit headers.
      </p>
    </div>
  );
}
