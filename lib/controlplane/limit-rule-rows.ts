// A LimitRule row ↔ the config's limit rule (lib/core/config/schema.ts): the
// subject is the group's name, the consumer's username, or "*" for a row that
// names neither; a budget the row leaves null is absent from the rule.
import type { LimitRuleConfig } from "../core/config/schema";

export const limitRuleSelect = {
  toolName: true,
  perMinute: true,
  perHour: true,
  perDay: true,
  concurrent: true,
  group: { select: { name: true } },
  consumer: { select: { username: true } },
} as const;

export interface LimitRuleRow {
  toolName: string;
  perMinute: number | null;
  perHour: number | null;
  perDay: number | null;
  concurrent: number | null;
  group: { name: string } | null;
  consumer: { username: string } | null;
}

export function limitRuleConfig(row: LimitRuleRow): LimitRuleConfig {
  return {
    subject: row.group?.name ?? row.consumer?.username ?? "*",
    tool: row.toolName,
    ...(row.perMinute === null ? {} : { per_minute: row.perMinute }),
    ...(row.perHour === null ? {} : { per_hour: row.perHour }),
    ...(row.perDay === null ? {} : { per_day: row.perDay }),
    ...(row.concurrent === null ? {} : { concurrent: row.concurrent }),
  };
}

/** The row's budget columns for a config rule (absent budgets stored as null). */
export function limitRuleColumns(rule: Pick<LimitRuleConfig, "tool" | "per_minute" | "per_hour" | "per_day" | "concurrent">) {
  return { toolName: rule.tool, perMinute: rule.per_minute ?? null, perHour: rule.per_hour ?? null, perDay: rule.per_day ?? null, concurrent: rule.concurrent ?? null };
}
