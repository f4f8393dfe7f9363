// What changed between two compiled configurations, in words a person reads
// in the version history: "developer gains create_issue on github", "key
// laptop revoked for dev-user". Access is compared by decision, not by rule
// text: each group, each consumer a rule names, and "everyone else" is asked
// of every tool the server knows with the one function the gateway decides
// with (lib/core/acl/decide.ts), so a rewrite that changes nothing for anyone
// says nothing, and a one-word edit that opens a tool to all says so.
import { compileAcl, decideToolAccess, type Caller, type CompiledAcl } from "../core/acl/decide";
import type { AclConfig, ConsumerConfig, GatewayConfig, ServerConfig } from "../core/config/schema";

// A username no consumer can have (entity names start with a letter or digit): asks what a group grants by itself.
const PROBE = "\u0000probe";
const EVERYONE_ELSE = "everyone else";

function names<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function keyLabel(key: ConsumerConfig["keys"][number]): string {
  return key.name || key.id || ("hash" in key ? key.hash.slice(7, 15) : "unnamed");
}

function keyIdentity(key: ConsumerConfig["keys"][number]): string {
  return key.id ?? ("hash" in key ? key.hash : key.key);
}

function describeConsumers(before: GatewayConfig, after: GatewayConfig): string[] {
  const lines: string[] = [];
  const old = names(before.consumers, (c) => c.username);
  const now = names(after.consumers, (c) => c.username);
  for (const [username, consumer] of now) {
    const previous = old.get(username);
    if (!previous) {
      lines.push(consumer.groups.length > 0 ? `consumer ${username} added to ${listed(consumer.groups)}` : `consumer ${username} added`);
      continue;
    }
    const joined = consumer.groups.filter((g) => !previous.groups.includes(g));
    const left = previous.groups.filter((g) => !consumer.groups.includes(g));
    if (joined.length > 0) lines.push(`${username} joins ${listed(joined)}`);
    if (left.length > 0) lines.push(`${username} leaves ${listed(left)}`);
    const oldKeys = names(previous.keys, keyIdentity);
    const newKeys = names(consumer.keys, keyIdentity);
    for (const [identity, key] of newKeys) {
      const was = oldKeys.get(identity);
      if (!was) lines.push(`key ${keyLabel(key)} issued for ${username}`);
      else if (key.expires_at !== was.expires_at && key.expires_at)
        lines.push(`key ${keyLabel(key)} of ${username} now expires ${key.expires_at.slice(0, 16).replace("T", " ")} UTC`);
    }
    for (const [identity, key] of oldKeys) if (!newKeys.has(identity)) lines.push(`key ${keyLabel(key)} revoked for ${username}`);
  }
  for (const username of old.keys()) if (!now.has(username)) lines.push(`consumer ${username} removed`);
  return lines;
}

function describeGroups(before: GatewayConfig, after: GatewayConfig): string[] {
  const old = new Set(before.consumer_groups.map((g) => g.name));
  const now = new Set(after.consumer_groups.map((g) => g.name));
  return [...[...now].filter((g) => !old.has(g)).map((g) => `group ${g} created`), ...[...old].filter((g) => !now.has(g)).map((g) => `group ${g} deleted`)];
}

function namedConsumers(acl: AclConfig): string[] {
  return [acl.default, ...acl.tools].flatMap((rule) => [...(rule.allow ?? []), ...(rule.deny ?? [])]);
}

function ruleFor(acl: AclConfig, tool: string) {
  return acl.tools.find((rule) => rule.name === tool) ?? acl.default;
}

interface AccessSide {
  acl: CompiledAcl;
  config: GatewayConfig;
  server: ServerConfig;
}

function callerFor(side: AccessSide, subject: { group?: string; consumer?: string }): Caller {
  if (subject.group) return { username: PROBE, groups: [subject.group] };
  if (subject.consumer) return { username: subject.consumer, groups: side.config.consumers.find((c) => c.username === subject.consumer)?.groups ?? [] };
  return { username: PROBE, groups: [] };
}

/** "developer gains create_issue and list_issues on github": one line per subject and direction. */
function describeAccess(server: string, before: AccessSide, after: AccessSide): string[] {
  const groups = new Set([...before.config.consumer_groups, ...after.config.consumer_groups].map((g) => g.name));
  const consumers = new Set([...before.config.consumers, ...after.config.consumers].map((c) => c.username));
  const named = [...namedConsumers(before.server.acl), ...namedConsumers(after.server.acl)].filter((n) => consumers.has(n) && !groups.has(n));
  const subjects: { label: string; group?: string; consumer?: string }[] = [
    ...[...groups].sort().map((group) => ({ label: group, group })),
    ...[...new Set(named)].sort().map((consumer) => ({ label: consumer, consumer })),
    { label: EVERYONE_ELSE },
  ];
  // A group or consumer created (or deleted) in this change is reported as such, not as gaining (or losing) what it never had.
  const existsIn = (config: GatewayConfig, subject: { group?: string; consumer?: string }) =>
    subject.group ? config.consumer_groups.some((g) => g.name === subject.group) : subject.consumer ? config.consumers.some((c) => c.username === subject.consumer) : true;
  const tools = [...new Set([...before.server.tools, ...after.server.tools, ...before.server.acl.tools, ...after.server.acl.tools].map((t) => t.name))].sort();
  const lines: string[] = [];
  for (const subject of subjects) {
    const gains: string[] = [];
    const losses: string[] = [];
    for (const tool of tools) {
      const was = decideToolAccess(before.acl, tool, callerFor(before, subject)).allowed;
      const is = decideToolAccess(after.acl, tool, callerFor(after, subject)).allowed;
      if (!was && is) gains.push(tool);
      if (was && !is) losses.push(tool);
    }
    if (gains.length > 0 && existsIn(before.config, subject)) lines.push(`${subject.label} gains ${listed(gains)} on ${server}`);
    if (losses.length > 0 && existsIn(after.config, subject)) lines.push(`${subject.label} loses ${listed(losses)} on ${server}`);
  }
  for (const tool of tools) {
    const was = ruleFor(before.server.acl, tool).when;
    const is = ruleFor(after.server.acl, tool).when;
    if (was !== is) lines.push(is ? `${tool} on ${server} is allowed only when ${is}` : `${tool} on ${server} no longer has a condition`);
  }
  return lines;
}

function describeCatalogue(server: string, before: ServerConfig, after: ServerConfig): string[] {
  const old = names(before.tools, (t) => t.name);
  const now = names(after.tools, (t) => t.name);
  const approved = [...now.keys()].filter((t) => !old.has(t));
  const repinned = [...now.entries()].filter(([t, pin]) => old.has(t) && old.get(t)!.pin !== pin.pin).map(([t]) => t);
  const dropped = [...old.keys()].filter((t) => !now.has(t));
  return [
    ...(approved.length > 0 ? [`${listed(approved)} approved on ${server}`] : []),
    ...(repinned.length > 0 ? [`new definition of ${listed(repinned)} approved on ${server}`] : []),
    ...(dropped.length > 0 ? [`${listed(dropped)} removed from ${server}`] : []),
  ];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function describeServers(before: GatewayConfig, after: GatewayConfig): string[] {
  const lines: string[] = [];
  const old = names(before.servers, (s) => s.name);
  const now = names(after.servers, (s) => s.name);
  const beforeSide = (server: ServerConfig): AccessSide => ({ acl: compileAcl(server.acl), config: before, server });
  const afterSide = (server: ServerConfig): AccessSide => ({ acl: compileAcl(server.acl), config: after, server });
  for (const [name, server] of now) {
    const previous = old.get(name);
    if (!previous) {
      lines.push(`server ${name} added at ${server.path}`);
      continue;
    }
    if (previous.path !== server.path) lines.push(`${name} moves from ${previous.path} to ${server.path}`);
    if (previous.upstream !== server.upstream) lines.push(`${name} now forwards to ${server.upstream}`);
    if (previous.auth.mode !== server.auth.mode) lines.push(`${name} switches to ${AUTH_MODE_NAMES[server.auth.mode]} authentication`);
    else if (!same(previous.auth, server.auth)) lines.push(`authentication settings of ${name} changed`);
    if (!same(previous.upstream_headers, server.upstream_headers) || !same(previous.upstream_credential, server.upstream_credential))
      lines.push(`upstream credentials of ${name} changed`);
    if (!same(previous.limits, server.limits)) lines.push(`rate limits of ${name} changed`);
    if (previous.timeout_ms !== server.timeout_ms || !same(previous.cors, server.cors)) lines.push(`connection settings of ${name} changed`);
    if (previous.tool_changes !== server.tool_changes || previous.new_tools !== server.new_tools) lines.push(`tool approval policy of ${name} changed`);
    lines.push(...describeCatalogue(name, previous, server), ...describeAccess(name, beforeSide(previous), afterSide(server)));
  }
  for (const name of old.keys()) if (!now.has(name)) lines.push(`server ${name} removed`);
  return lines;
}

function describeSettings(before: GatewayConfig, after: GatewayConfig): string[] {
  const added = Object.keys(after.vault.portcullis).filter((k) => !(k in before.vault.portcullis));
  const removed = Object.keys(before.vault.portcullis).filter((k) => !(k in after.vault.portcullis));
  const changed = Object.keys(after.vault.portcullis).filter((k) => k in before.vault.portcullis && before.vault.portcullis[k] !== after.vault.portcullis[k]);
  return [
    ...(same(before.gateway, after.gateway) ? [] : ["gateway settings changed"]),
    ...added.map((k) => `secret ${k} stored`),
    ...changed.map((k) => `secret ${k} replaced`),
    ...removed.map((k) => `secret ${k} deleted`),
    ...(same(before.vault.hcv, after.vault.hcv) && before.vault.cache_ttl_seconds === after.vault.cache_ttl_seconds ? [] : ["vault settings changed"]),
    ...(same(before.redis, after.redis) ? [] : ["shared rate-limit store changed"]),
  ];
}

/** Each change from `before` to `after`, in words; empty when both decide every call alike. */
const AUTH_MODE_NAMES = { passthrough: "passthrough", token_swap: "token swap", sign_in: "sign-in with Portcullis" } as const;

export function describeConfigChanges(before: GatewayConfig, after: GatewayConfig): string[] {
  return [...describeServers(before, after), ...describeGroups(before, after), ...describeConsumers(before, after), ...describeSettings(before, after)];
}
