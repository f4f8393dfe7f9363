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
 * The Node flags every gateway runs with (`npm start`, `npm run gateway`, the bench). V8's memory
 * reducer, once a process has idled for 8 s, shrinks the heap's limits; a gateway relaying a large
 * answer then allocates little on the heap but ~64 KiB of socket buffer per read, and in that state
 * every young-generation GC the buffers cause came with a full Mark-Compact (38 in 150 events of
 * 8 MB, against none in a gateway that had not idled): 14–18 ms of CPU per event instead of 4–8.
 * Without the reducer the heap keeps the size the load gave it. Measured with `npm run bench`
 * (`BENCH_ONLY=big-event`); see docs/gateway.md, "Performance".
 */
export const GATEWAY_NODE_FLAGS = ["--enable-source-maps", "--no-memory-reducer"] as const;

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
