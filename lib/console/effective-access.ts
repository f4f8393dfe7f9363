// "My access" and the admins' policy simulator: which tools a caller may
// call on a server, and why. The decision is the gateway's own
// (lib/core/acl/decide.ts: compileAcl + decideToolAccess), taken over the
// configuration the gateways run — the latest published version — so what
// this shows is what the gateway will do; nothing here decides by itself.
import { z } from "zod";
import { describeCondition } from "../acl/condition-words";
import { compileAcl, decideToolAccess, EVERYONE, normaliseToolName, type AclDecision, type Caller } from "../core/acl/decide";
import { compileConfig } from "../config/compile";
import { consumerSchema, serverSchema, type ServerConfig } from "../core/config/schema";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { db as consoleDb, type Db } from "../db/client";

export interface PublishedPolicy {
  /** The config version the gateways run; null before the first publish (then: the database state, compiled). */
  version: number | null;
  servers: ServerConfig[];
  /** The requested consumers as the configuration knows them; a disabled consumer is not in it. */
  callers: Map<string, Caller>;
}

const serversSchema = z.array(serverSchema);

/**
 * The servers (with their ACLs) and the given consumers out of the latest
 * config version, without loading the rest of the document (thousands of
 * consumers and keys) into the console process.
 */
export async function loadPublishedPolicy(db: Db, usernames: readonly string[] = []): Promise<PublishedPolicy> {
  const [latest] = await db.$queryRaw<{ number: number; servers: unknown; consumers: unknown }[]>`
    SELECT v.number, v.document->'servers' AS servers,
      (SELECT coalesce(jsonb_agg(c), '[]'::jsonb) FROM jsonb_array_elements(coalesce(v.document->'consumers', '[]'::jsonb)) AS c
        WHERE c->>'username' = ANY(${[...usernames]}::text[])) AS consumers
    FROM "ConfigVersion" v ORDER BY v.number DESC LIMIT 1`;
  const source = latest ?? (await compiledDatabaseState(db, usernames));
  const consumers = z.array(consumerSchema).parse(source.consumers ?? []);
  return {
    version: latest?.number ?? null,
    servers: serversSchema.parse(source.servers ?? []),
    callers: new Map(consumers.map((c) => [c.username, { username: c.username, groups: c.groups }])),
  };
}

async function compiledDatabaseState(db: Db, usernames: readonly string[]) {
  const document = compileConfig(await loadConfigSnapshot(db));
  return { servers: document.servers, consumers: document.consumers?.filter((c) => usernames.includes(c.username)) };
}

export interface ToolAccess {
  tool: string;
  /** Listed by the upstream at the last sync; false for a tool only named in a rule. */
  discovered: boolean;
  /** The gateway's decision, without its compiled condition and requirement (functions: they stay on the server). */
  decision: PlainDecision;
  /** The tool's own rule decided (else the server's default rule). */
  ownRule: boolean;
  /** One sentence: which rule decided, and for which group or consumer. */
  reason: string;
  /** The deciding rule's condition, when it judges this caller's calls (admitted by name, the call still judged on its arguments). */
  condition?: ConditionView;
}

export interface ConditionView {
  /** allow: a call is admitted only when it holds; deny: a call is refused when it holds. */
  effect: "allow" | "deny";
  expression: string;
  /** The expression in plain words (lib/acl/condition-words.ts); undefined for forms it does not put in words. */
  words?: string;
  message?: string;
}

export type PlainDecision = DistributiveOmit<AclDecision, "condition" | "requirement">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a page may hand a client component: the decision's outcome, not the compiled programs behind it. */
function plainDecision(decision: AclDecision): PlainDecision {
  const { condition: _condition, requirement: _requirement, ...plain } = decision as AclDecision & { condition?: unknown; requirement?: unknown };
  return plain;
}

function conditionView(decision: AclDecision): ConditionView | undefined {
  if (!decision.allowed || decision.condition === undefined) return undefined;
  const { effect, condition, message } = decision.condition;
  return { effect, expression: condition.expression, words: describeCondition(condition.expression), ...(message ? { message } : {}) };
}

export interface ServerAccess {
  name: string;
  path: string;
  mode: ServerConfig["auth"]["mode"];
  tools: ToolAccess[];
  /** What the default rule decides for tools the console does not know yet. */
  otherTools: ToolAccess;
  /** The server's default rule in words, for everyone (not only this caller). */
  defaultRule: string;
  /** At least one tool (known, or yet unknown) is open to the caller. */
  usable: boolean;
}

function describeSubject(subject: string, caller: Caller): string {
  if (subject === EVERYONE) return "everyone";
  return caller.groups.includes(subject) ? `group ${subject}` : `consumer ${subject}`;
}

const list = (subjects: readonly string[]) => subjects.map((s) => (s === EVERYONE ? "everyone" : s)).join(", ");

/** Reads the rule that decided only to name it; the decision itself is decideToolAccess's. */
export function explainDecision(decision: AclDecision, rule: { allow?: readonly string[]; deny?: readonly string[] }, ownRule: boolean, caller: Caller): string {
  const which = ownRule ? "Its own rule" : "The default rule";
  if (!decision.allowed && decision.reason === "denied") return `${which} denies ${describeSubject(decision.subject!, caller)}.`;
  if (!decision.allowed) {
    const only = `${which} allows only ${list(rule.allow ?? [])}`;
    if (caller.groups.length === 0) return `${only}; this caller is in no group.`;
    return `${only}, not ${caller.groups.length === 1 ? "group" : "groups"} ${caller.groups.join(", ")}.`;
  }
  if (decision.subject !== undefined) return `${which} allows ${describeSubject(decision.subject, caller)}.`;
  return rule.deny?.length ? `${which} allows every caller it does not deny (it denies ${list(rule.deny)}).` : `${which} allows every caller.`;
}

/** At most three names, then how many more: a matrix with many groups compiles to long deny lists. */
function shortList(subjects: readonly string[]): string {
  const names = subjects.map((s) => (s === EVERYONE ? "everyone" : s));
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

/** "closed to everyone", "open only to admin, developer" — what `acl.default` says, whoever asks. */
export function describeDefaultRule(rule: { allow?: readonly string[]; deny?: readonly string[] }): string {
  const allow = rule.allow ?? [];
  const deny = rule.deny ?? [];
  if (deny.includes(EVERYONE)) return "closed to everyone";
  if (allow.length === 0 || allow.includes(EVERYONE)) return deny.length ? `open to every caller except ${shortList(deny)}` : "open to every caller";
  // A caller in an allowed and a denied group is denied: say which groups that is.
  return deny.length ? `open only to ${shortList(allow)} (deny wins for ${shortList(deny)})` : `open only to ${shortList(allow)}`;
}

/**
 * Every tool of `server` the console knows of — the upstream's, from the last
 * sync, and any named in a rule — with the gateway's decision for `caller`.
 */
export function serverAccess(server: ServerConfig, discoveredTools: readonly string[], caller: Caller): ServerAccess {
  const acl = compileAcl(server.acl);
  const rules = new Map(server.acl.tools.map((rule) => [normaliseToolName(rule.name), rule]));
  const discovered = new Set(discoveredTools.map(normaliseToolName));
  const names = [...discoveredTools, ...server.acl.tools.map((rule) => rule.name).filter((name) => !discovered.has(normaliseToolName(name)))];

  const access = (tool: string, isDiscovered: boolean): ToolAccess => {
    const decision = decideToolAccess(acl, tool, caller);
    const own = rules.get(normaliseToolName(tool));
    return {
      tool,
      discovered: isDiscovered,
      decision: plainDecision(decision),
      ownRule: own !== undefined,
      reason: explainDecision(decision, own ?? server.acl.default, own !== undefined, caller),
      condition: conditionView(decision),
    };
  };
  const tools = names.map((name) => access(name, discovered.has(normaliseToolName(name)))).sort((a, b) => (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0));
  // No rule of its own: the default rule decides, as for a tool the upstream adds tomorrow.
  const otherDecision = decideToolAccess({ ...acl, tools: new Map() }, "", caller);
  const otherTools: ToolAccess = {
    tool: "",
    discovered: false,
    decision: plainDecision(otherDecision),
    ownRule: false,
    reason: explainDecision(otherDecision, server.acl.default, false, caller),
    condition: conditionView(otherDecision),
  };
  return {
    name: server.name,
    path: server.path,
    mode: server.auth.mode,
    tools,
    otherTools,
    defaultRule: describeDefaultRule(server.acl.default),
    usable: otherDecision.allowed || tools.some((t) => t.decision.allowed),
  };
}

/** Discovered (not gone) tool names per server name, for the servers given. */
export async function discoveredToolNames(db: Db, serverNames: readonly string[]): Promise<Map<string, string[]>> {
  const tools = await db.tool.findMany({
    where: { goneAt: null, server: { name: { in: [...serverNames] } } },
    orderBy: { name: "asc" },
    select: { name: true, server: { select: { name: true } } },
  });
  const byServer = new Map<string, string[]>();
  for (const tool of tools) byServer.set(tool.server.name, [...(byServer.get(tool.server.name) ?? []), tool.name]);
  return byServer;
}

/** The pages' reads, on this console's database: the published policy for these consumers… */
export function publishedPolicy(usernames: readonly string[] = []): Promise<PublishedPolicy> {
  return loadPublishedPolicy(consoleDb(), usernames);
}

/** …and the tools each of these servers has in the console. */
export function serverToolNames(serverNames: readonly string[]): Promise<Map<string, string[]>> {
  return discoveredToolNames(consoleDb(), serverNames);
}
