// Approvals are bound to the rule that asked for them (its name and require
// block, lib/core/approvals/call-hash.ts `ruleHash`). Publishing a
// configuration without that rule on that server voids the approvals still
// waiting — pending, or approved and not yet used — so a deleted or changed
// rule never lets a held call through.
import { DEFAULT_RULE_NAME, ruleHash } from "../core/approvals/call-hash";
import type { GatewayConfig } from "../core/config/schema";
import type { Prisma } from "../generated/prisma/client";

/** server name → the rule hashes of its rules with a `require` block. */
export function requiringRuleHashes(config: GatewayConfig): Map<string, Set<string>> {
  const hashes = new Map<string, Set<string>>();
  for (const server of config.servers) {
    const own = new Set<string>();
    if (server.acl.default.require) own.add(ruleHash(DEFAULT_RULE_NAME, server.acl.default.require));
    for (const rule of server.acl.tools) if (rule.require) own.add(ruleHash(rule.name, rule.require));
    hashes.set(server.name, own);
  }
  return hashes;
}

/** Marks void the waiting approvals whose rule `config` no longer has; returns how many. */
export async function voidApprovalsWithoutRule(tx: Prisma.TransactionClient, config: GatewayConfig): Promise<number> {
  const hashes = requiringRuleHashes(config);
  const waiting = await tx.toolCallApproval.findMany({ where: { status: { in: ["pending", "approved"] } }, select: { id: true, server: true, ruleHash: true } });
  const orphaned = waiting.filter((a) => !hashes.get(a.server)?.has(a.ruleHash)).map((a) => a.id);
  if (orphaned.length === 0) return 0;
  const { count } = await tx.toolCallApproval.updateMany({ where: { id: { in: orphaned }, status: { in: ["pending", "approved"] } }, data: { status: "void" } });
  return count;
}

/**
 * Marks void the waiting approvals — pending, or approved and not yet used — of consumers deleted or renamed:
 * approvals name the consumer by its username, so a later consumer of that name (a recycled email) would
 * otherwise confirm the old one's calls, or have its identical call forwarded on the old one's approval.
 */
export async function voidApprovalsOfConsumers(tx: Prisma.TransactionClient, usernames: readonly string[]): Promise<number> {
  if (usernames.length === 0) return 0;
  const { count } = await tx.toolCallApproval.updateMany({ where: { consumer: { in: [...usernames] }, status: { in: ["pending", "approved"] } }, data: { status: "void" } });
  return count;
}
