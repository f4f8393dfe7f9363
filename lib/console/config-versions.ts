// The configuration page and its endpoints: the version history, the diff
// between two versions, the export, and import or rollback (preview first,
// then apply against the previewed hash; lib/controlplane/import.ts).
import { diffLines } from "diff";
import type { CurrentUser } from "../auth/session";
import { compileConfig } from "../config/compile";
import { describeConfigChanges } from "../config/describe-changes";
import { parseConfig, type GatewayConfig } from "../core/config/schema";
import { loadMasterKey } from "../core/vault/secret-box";
import { applyImport, configToYaml, parseConfigText, previewImport } from "../controlplane/import";
import { loadConfigSnapshot } from "../controlplane/snapshot";
import { db } from "../db/client";
import { ConsoleError, notFound } from "./errors";

export interface VersionSummary {
  number: number;
  hash: string;
  reason: string;
  createdAt: Date;
  author: string;
  /** What this version changed from the one before, in words (lib/config/describe-changes.ts); the first version says what it holds. */
  changes: string[];
}

const parsedDocument = (document: unknown): GatewayConfig | undefined => {
  const parsed = parseConfig(document);
  return parsed.ok ? parsed.config : undefined;
};

/** Newest first, `take` at most, older than version `before` when given. */
export async function listConfigVersions(options: { before?: number; take: number }): Promise<VersionSummary[]> {
  const versions = await db().configVersion.findMany({
    where: options.before ? { number: { lt: options.before } } : undefined,
    orderBy: { number: "desc" },
    take: options.take,
    select: { number: true, hash: true, reason: true, createdAt: true, document: true, author: { select: { email: true } } },
  });
  const oldest = versions[versions.length - 1];
  const previous = oldest ? await db().configVersion.findFirst({ where: { number: { lt: oldest.number } }, orderBy: { number: "desc" }, select: { document: true } }) : null;
  const documents = [...versions.map((v) => parsedDocument(v.document)), previous ? parsedDocument(previous.document) : parsedDocument({ version: 1 })];
  return versions.map(({ document: _document, ...v }, i) => {
    const [after, before] = [documents[i], documents[i + 1]];
    return { ...v, author: v.author?.email ?? "system", changes: after && before ? describeConfigChanges(before, after) : [] };
  });
}

/** The line diff between two versions' documents as YAML. */
export async function diffConfigVersions(from: number, to: number) {
  const versions = await db().configVersion.findMany({ where: { number: { in: [from, to] } }, select: { number: true, document: true } });
  const yamlOf = (n: number) => {
    const version = versions.find((x) => x.number === n);
    if (!version) throw notFound(`Version ${n}`);
    return configToYaml(version.document);
  };
  return diffLines(yamlOf(from), yamlOf(to));
}

/** The current configuration as the YAML file the gateway reads: secrets stay references or ciphertexts, keys stay hashes. */
export async function exportConfigYaml(): Promise<string> {
  return configToYaml(compileConfig(await loadConfigSnapshot(db())));
}

export interface ImportRequest {
  /** A YAML or JSON file's text, or… */
  text?: string;
  /** …a stored version to roll back to. */
  version?: number;
  mode: "preview" | "apply";
  expectedCurrentHash?: string;
}

export async function importConfiguration(actor: CurrentUser, request: ImportRequest) {
  let text = request.text;
  if (request.version !== undefined) {
    const version = await db().configVersion.findUnique({ where: { number: request.version }, select: { document: true } });
    if (!version) throw notFound(`Version ${request.version}`);
    text = JSON.stringify(version.document);
  }
  const config = parseConfigText(text!);
  const masterKey = loadMasterKey(process.env, process.env.PORTCULLIS_DATA_DIR ?? ".portcullis");
  if (request.mode === "preview") return previewImport(db(), config, masterKey);
  if (!request.expectedCurrentHash) throw new ConsoleError("invalid", "Preview the import first.");
  const action = request.version !== undefined ? "config.rollback" : "config.import";
  await applyImport(db(), actor, config, masterKey, request.expectedCurrentHash, action);
  return { ok: true };
}
