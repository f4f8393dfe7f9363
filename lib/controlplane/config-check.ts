// A console write that would produce a configuration the gateways refuse is
// refused itself. After the write's statements, inside its transaction, the
// resulting state is compiled and validated the way a gateway validates it
// (lib/core/config/validate.ts) — the bundled gateway, which runs with the console's
// environment (PORTCULLIS_PUBLIC_URL); a problem throws, so the transaction
// rolls back and nothing is saved. Otherwise the write would
// commit, the compile would fail, and every later change — a new key, a
// revocation — would stop reaching the gateways.
import { compileConfig, ruleSettingIssues } from "../config/compile";
import { formatConfigPath, type GatewayConfigInput } from "../core/config/schema";
import { validateConfig, type ConfigIssue } from "../core/config/validate";
import { ConsoleError } from "../console/errors";
import { db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { loadConfigSnapshot } from "./snapshot";
import { PUBLISH_LOCK_ID } from "./versions";

type Tx = Prisma.TransactionClient;

export interface WriteSubject {
  /** The server a form edits (its name after the write): its problems become that form's field errors. */
  server?: string;
}

// Compiling reads the whole configuration; Prisma's 5 s default is short for large ones.
const CHECKED_TRANSACTION = { timeout: 60_000, maxWait: 30_000 };

/** `server "github"` for `["servers", 0]`, so a message names what the admin knows. */
function describeEntity(document: GatewayConfigInput, path: ConfigIssue["path"]): string | undefined {
  const [list, index] = path;
  if (typeof index !== "number") return undefined;
  if (list === "servers") return document.servers?.[index] && `server "${document.servers[index].name}"`;
  if (list === "consumers") return document.consumers?.[index] && `consumer "${document.consumers[index].username}"`;
  if (list === "consumer_groups") return document.consumer_groups?.[index] && `group "${document.consumer_groups[index].name}"`;
  return undefined;
}

export function refusalFor(document: GatewayConfigInput, issues: ConfigIssue[], subject: WriteSubject = {}): ConsoleError {
  const fields: Record<string, string> = {};
  const problems: string[] = [];
  for (const issue of issues) {
    const [list, index, ...rest] = issue.path;
    const ofSubject = list === "servers" && typeof index === "number" && subject.server !== undefined && document.servers?.[index]?.name === subject.server;
    if (ofSubject && rest.length > 0) {
      fields[rest.map(String).join(".")] ??= issue.message;
      continue;
    }
    const entity = describeEntity(document, issue.path);
    const where = entity ? (rest.length > 0 ? `${entity}, ${formatConfigPath(rest)}` : entity) : formatConfigPath(issue.path);
    problems.push(`${where}: ${issue.message}`);
  }
  if (problems.length === 0) return new ConsoleError("invalid", "Some fields need attention.", fields);
  const message = `The gateways would refuse the configuration this change produces, so nothing was saved. ${problems.join("; ")}`;
  return new ConsoleError("invalid", message, Object.keys(fields).length > 0 ? fields : undefined);
}

/** Throws (rolling the transaction back) when the state `tx` sees would not compile into a configuration the gateways accept. */
export async function assertConfigAccepted(tx: Tx, subject: WriteSubject = {}): Promise<void> {
  // Serialised with other checked writes, so two changes valid on their own cannot commit an invalid whole.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PUBLISH_LOCK_ID})`;
  const snapshot = await loadConfigSnapshot(tx);
  const document = compileConfig(snapshot);
  const result = validateConfig(document, { publicUrl: process.env.PORTCULLIS_PUBLIC_URL?.trim() || undefined });
  const issues = [...ruleSettingIssues(snapshot), ...(result.ok ? [] : result.issues)];
  if (issues.length > 0) throw refusalFor(document, issues, subject);
}

/** A console write that changes the compiled configuration: the write, then the check, in one transaction. */
export function configWrite<T>(write: (tx: Tx) => Promise<T>, subject: WriteSubject = {}): Promise<T> {
  return db().$transaction(async (tx) => {
    const result = await write(tx);
    await assertConfigAccepted(tx, subject);
    return result;
  }, CHECKED_TRANSACTION);
}
