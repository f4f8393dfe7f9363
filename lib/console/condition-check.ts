// The condition editor's check, as the admin types: does the expression
// compile (syntax, limits), does it fit the tool's stored inputSchema (types),
// and, with a sample call, what does it decide on it ("try it"). The same
// lib/core functions the gateway and the config schema use; stores nothing.
import { compileCondition, evaluateCondition } from "../core/acl/condition";
import { checkConditionTypes } from "../core/acl/condition-types";
import { db } from "../db/client";
import { notFound } from "./errors";
import type { ConditionCheckInput } from "./schemas/condition-check";

export type ConditionCheck =
  | { ok: false; problem: { kind: "syntax" | "type"; message: string } }
  | { ok: true; typedBy: "inputSchema" | null; tried?: { ok: true; holds: boolean } | { ok: false; error: string } };

export async function checkCondition(serverId: string, input: ConditionCheckInput, now = new Date()): Promise<ConditionCheck> {
  const server = await db().mcpServer.findUnique({ where: { id: serverId }, select: { name: true } });
  if (!server) throw notFound("This MCP server");
  const compiled = compileCondition(input.expression);
  if (!compiled.ok) return { ok: false, problem: { kind: "syntax", message: compiled.problem } };
  const tool = input.tool === undefined ? null : await db().tool.findUnique({ where: { serverId_name: { serverId, name: input.tool } }, select: { inputSchema: true } });
  const typeProblem = checkConditionTypes(input.expression, tool?.inputSchema);
  if (typeProblem !== undefined) return { ok: false, problem: { kind: "type", message: typeProblem } };
  const typedBy = tool ? "inputSchema" : null;
  if (!input.sample) return { ok: true, typedBy };
  const outcome = evaluateCondition(compiled.condition, { ...input.sample, server: server.name, tool: input.tool ?? "", now });
  return { ok: true, typedBy, tried: outcome.ok ? outcome : { ok: false, error: outcome.error } };
}
