// `npm start` runs the gateway from one esbuild bundle rather than through
// tsx: the same code without a TypeScript loader in the process, which saves
// about 35 MB of resident memory (measured with `npm run bench`). Rebuilt only
// when the gateway's sources change.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT_DIR = path.join(ROOT, "gateway", "dist");
export const GATEWAY_BUNDLE = path.join(OUT_DIR, "main.mjs");
const FINGERPRINT_FILE = path.join(OUT_DIR, "fingerprint");
// Everything the bundle is built from: the boundary test (test/architecture.test.ts)
// keeps the gateway's imports inside these folders and installed packages.
export const GATEWAY_SOURCES = ["gateway/src", "lib/core"] as const;

/**
 * V8's heap settings for every gateway (`npm start`, `npm run gateway`, the bench), each measured by
 * A/B with `wrk` and the bench's 8 MB event (docs/gateway.md, "Running it"):
 * - `--no-memory-reducer`: once a process has idled for 8 s the reducer shrinks the heap's limits,
 *   and a gateway relaying a large answer then ran a full Mark-Compact after nearly every young GC its
 *   socket buffers caused: 10–17 ms of CPU per 8 MB event instead of 3–9.
 * - `--max-semi-space-size=8` (MB; V8's default grows to 16): 1,000 idle streams opened at once took
 *   the RSS to 152 MB, 138 with the cap, and `tools/call` / `tools/list` used less CPU per request,
 *   not more (122 against 140 µs and 113 against 132, four alternated rounds each).
 */
export const GATEWAY_V8_FLAGS = ["--no-memory-reducer", "--max-semi-space-size=8"] as const;

/** The Node flags a gateway is started with: source maps for its stack traces, and GATEWAY_V8_FLAGS. */
export const GATEWAY_NODE_FLAGS = ["--enable-source-maps", ...GATEWAY_V8_FLAGS] as const;

function fingerprint(): string {
  const hash = createHash("sha256");
  const walk = (entry: string) => {
    const stat = fs.statSync(entry, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(entry).sort()) walk(path.join(entry, child));
    } else if (entry.endsWith(".ts") && !entry.endsWith(".test.ts")) hash.update(path.relative(ROOT, entry)).update(fs.readFileSync(entry));
  };
  for (const dir of GATEWAY_SOURCES) walk(path.join(ROOT, dir));
  hash.update(fs.readFileSync(path.join(ROOT, "package-lock.json")));
  return hash.digest("hex");
}

/** Returns the bundle's path, building it first when the sources changed. */
export async function buildGatewayIfNeeded(): Promise<string> {
  const current = fingerprint();
  if (fs.existsSync(GATEWAY_BUNDLE) && fs.existsSync(FINGERPRINT_FILE) && fs.readFileSync(FINGERPRINT_FILE, "utf8") === current) return GATEWAY_BUNDLE;
  await build({
    entryPoints: [path.join(ROOT, "gateway/src/main.ts")],
    outdir: OUT_DIR,
    entryNames: "[name]",
    outExtension: { ".js": ".mjs" },
    // The OpenTelemetry SDK is imported dynamically when an endpoint is set: splitting keeps it
    // (and its package imports) in a chunk of its own, so a gateway without telemetry never loads it.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Dependencies stay in node_modules, loaded by Node as usual.
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
  });
  fs.writeFileSync(FINGERPRINT_FILE, current);
  return GATEWAY_BUNDLE;
}
