// The rooms keep to their doors (docs/architecture.md): the gateway reaches
// only its own sources, the shared core and an allow-list of packages; the
// core reaches only itself, zod (canonicalize, @bufbuild/cel) and Node's built-ins; pages and route handlers
// reach the database only through lib/'s domain functions. The gateway
// bundle's fingerprint covers every file the gateway's imports can reach.
import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { GATEWAY_SOURCES } from "../launcher/gateway-build";

const ROOT = path.resolve(import.meta.dirname, "..");
const NODE_BUILTINS = new Set(builtinModules);
// Packages the gateway process runs on; a new one is a decision to make here, on purpose.
const GATEWAY_PACKAGES = new Set(["@opentelemetry/api", "ioredis", "jose", "pino", "selfsigned", "undici", "yaml", "zod"]);
// The core decides with zod, pins tools with the RFC 8785 authors' canonicalize (lib/core/tools/pin.ts),
// and evaluates rule conditions with @bufbuild/cel (lib/core/acl/condition.ts; protobuf for `now`, re2 for `matches`).
const CORE_PACKAGES = new Set([
  "@bufbuild/cel",
  "@bufbuild/protobuf",
  "@bufbuild/re2",
  "canonicalize",
  "zod",
  // lib/core/telemetry/sdk.ts, loaded only by dynamic import when an OTLP endpoint is set
  "@opentelemetry/api",
  "@opentelemetry/core",
  "@opentelemetry/exporter-metrics-otlp-http",
  "@opentelemetry/exporter-metrics-otlp-proto",
  "@opentelemetry/exporter-trace-otlp-http",
  "@opentelemetry/exporter-trace-otlp-proto",
  "@opentelemetry/resources",
  "@opentelemetry/sdk-metrics",
  "@opentelemetry/sdk-trace",
  "@opentelemetry/semantic-conventions",
]);
// Tests may use the test runner and property-based generators, and the core's schema tests read YAML fixtures as users write them.
const TEST_PACKAGES = new Set(["vitest", "fast-check", "yaml"]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

/** Every module specifier a file names: static and dynamic imports, re-exports, require. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), "utf8"), true, true);
  return info.importedFiles.map((imported) => imported.fileName);
}

type Target = { kind: "builtin" | "package"; name: string } | { kind: "file"; path: string };

function resolveTarget(from: string, specifier: string): Target {
  if (specifier.startsWith("node:")) return { kind: "builtin", name: specifier };
  if (specifier.startsWith("@/")) return { kind: "file", path: specifier.slice(2) };
  if (specifier.startsWith(".")) return { kind: "file", path: path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)) };
  const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
  return NODE_BUILTINS.has(name) ? { kind: "builtin", name } : { kind: "package", name };
}

const within = (file: string, folders: readonly string[]) => folders.some((folder) => file === folder || file.startsWith(`${folder}/`));

/** The imports of `files` that break the rule, as "file → specifier" lines. */
function crossings(files: string[], rule: { folders: readonly string[]; packages: Set<string> }): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((specifier) => {
        const target = resolveTarget(file, specifier);
        if (target.kind === "builtin") return false;
        if (target.kind === "file") return !within(target.path, rule.folders);
        return !(rule.packages.has(target.name) || (/\.test\.ts$/.test(file) && TEST_PACKAGES.has(target.name)));
      })
      .map((specifier) => `${file} → ${specifier}`),
  );
}

/** Local files reachable from `entry` through its imports (what a bundler would include). */
function reachableFiles(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of importsOf(file)) {
      const target = resolveTarget(file, specifier);
      if (target.kind !== "file") continue;
      const candidates = [target.path, `${target.path}.ts`, `${target.path}.tsx`, `${target.path}/index.ts`];
      const found = candidates.find((candidate) => fs.statSync(path.join(ROOT, candidate), { throwIfNoEntry: false })?.isFile());
      if (found) visit(found);
    }
  };
  visit(entry);
  return seen;
}

describe("architecture", () => {
  const gatewayFiles = sourceFiles("gateway/src");
  const coreFiles = sourceFiles("lib/core");

  it("finds the files it checks", () => {
    expect(gatewayFiles).toContain("gateway/src/main.ts");
    expect(coreFiles).toContain("lib/core/config/schema.ts");
    expect(importsOf("gateway/src/config/config-store.ts")).toContain("../../../lib/core/config/validate");
  });

  it("the gateway imports only its own sources, lib/core, Node's built-ins and its allowed packages", () => {
    expect(crossings(gatewayFiles, { folders: ["gateway/src", "lib/core"], packages: GATEWAY_PACKAGES })).toEqual([]);
  });

  it("lib/core imports only itself, zod, canonicalize and Node's built-ins", () => {
    expect(crossings(coreFiles, { folders: ["lib/core"], packages: CORE_PACKAGES })).toEqual([]);
  });

  it("pages, route handlers and components reach the database only through lib/'s domain functions", () => {
    const touchesDatabase = (file: string) =>
      importsOf(file).filter((specifier) => {
        const target = resolveTarget(file, specifier);
        return target.kind === "file" ? within(target.path, ["lib/db", "lib/generated"]) : target.name.startsWith("@prisma/") || target.name === "pg";
      });
    const ui = [...sourceFiles("app"), ...sourceFiles("components")];
    expect(ui.length).toBeGreaterThan(50);
    expect(ui.flatMap((file) => touchesDatabase(file).map((specifier) => `${file} → ${specifier}`))).toEqual([]);
    expect(touchesDatabase("lib/console/dashboard.ts")).toEqual(["../db/client"]);
  });

  it("reports a crossing (shown on a console file, which reaches the database and Prisma)", () => {
    const found = crossings(["lib/console/tools.ts"], { folders: ["lib/core"], packages: CORE_PACKAGES });
    expect(found).toEqual(expect.arrayContaining(["lib/console/tools.ts → ../db/client", "lib/console/tools.ts → ../generated/prisma/client"]));
  });

  it("the gateway bundle's fingerprint covers exactly gateway/src and lib/core, and every file the gateway reaches", () => {
    expect([...GATEWAY_SOURCES]).toEqual(["gateway/src", "lib/core"]);
    const outside = [...reachableFiles("gateway/src/main.ts")].filter((file) => !within(file, GATEWAY_SOURCES));
    expect(outside).toEqual([]);
  });
});
