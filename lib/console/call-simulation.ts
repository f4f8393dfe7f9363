// The policy simulator's sample call: a tool, its arguments as JSON, and the
// simulated caller, judged by the gateway's own functions (lib/acl/simulate-call.ts)
// on the configuration the gateways run. Shows which rule decided and, where
// its condition judged the call, what the condition gave.
import { z } from "zod";
import { describeCondition } from "../acl/condition-words";
import { simulateCall, type SimulatedCall } from "../acl/simulate-call";
import { compileAcl, normaliseToolName, type Caller } from "../core/acl/decide";
import { TOOL_NAME_PATTERN, type ServerConfig } from "../core/config/schema";

/** A GET form carries the arguments: a URL-sized bound, far below the gateway's request limit. */
export const MAX_SAMPLE_ARGUMENTS_CHARS = 16_384;

const sampleCallSchema = z.object({
  tool: z.string().trim().regex(TOOL_NAME_PATTERN, "not a valid tool name"),
  args: z
    .string()
    .max(MAX_SAMPLE_ARGUMENTS_CHARS, `at most ${MAX_SAMPLE_ARGUMENTS_CHARS} characters`)
    .transform((text, ctx) => {
      if (text.trim() === "") return {};
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
        ctx.addIssue({ code: "custom", message: 'the arguments are a JSON object, like {"owner": "acme"}' });
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `not JSON: ${(error as Error).message}` });
      }
      return z.NEVER;
    }),
});

export type SampleCallResult = { ok: false; field: "tool" | "args"; problem: string } | { ok: true; tool: string; call: SimulatedCall; ownRule: boolean; words?: string };

export function simulateSampleCall(server: ServerConfig, caller: Caller, sample: { tool: string; args: string }, now = new Date()): SampleCallResult {
  const parsed = sampleCallSchema.safeParse(sample);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, field: issue.path[0] === "tool" ? "tool" : "args", problem: issue.message };
  }
  const { tool, args } = parsed.data;
  const call = simulateCall(compileAcl(server.acl), tool, { args, consumer: caller, claims: {}, server: server.name, now });
  const ownRule = server.acl.tools.some((rule) => normaliseToolName(rule.name) === normaliseToolName(tool));
  return { ok: true, tool, call, ownRule, ...(call.condition ? { words: describeCondition(call.condition.expression) } : {}) };
}
