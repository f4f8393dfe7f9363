// The programs (launcher/: `npm start`, the embedded PostgreSQL, the migrate
// command; demo/: `npm run demo` and its stand-ins) use the shared code, never
// the other way round: the console and the gateway must build and run without
// them, and their fingerprints do not cover them.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const PROGRAMS = ["launcher", "demo"].map((dir) => path.join(ROOT, dir) + path.sep);
const IMPORTERS = ["lib", "app", "components", "gateway/src"];
// Every static and dynamic import and re-export: `from "x"`, `import "x"`, `import("x")`.
const SPECIFIER = /(?:from\s+|import\s*\(?\s*)["']([^"']+)["']/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(full);
    return /\.(ts|tsx|mjs)$/.test(entry.name) ? [full] : [];
  });
}

function resolveSpecifier(file: string, specifier: string): string | undefined {
  if (specifier.startsWith("@/")) return path.join(ROOT, specifier.slice(2));
  if (specifier.startsWith(".")) return path.resolve(path.dirname(file), specifier);
  return undefined;
}

describe("programs stay outside the shared code", () => {
  it("nothing in lib/, app/, components/ or gateway/src/ imports launcher/ or demo/", () => {
    const files = IMPORTERS.flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(100);
    const crossings = files.flatMap((file) =>
      [...fs.readFileSync(file, "utf8").matchAll(SPECIFIER)]
        .map((match) => match[1]!)
        .filter((specifier) => {
          const target = resolveSpecifier(file, specifier);
          return target !== undefined && PROGRAMS.some((program) => (target + path.sep).startsWith(program));
        })
        .map((specifier) => `${path.relative(ROOT, file)} imports ${specifier}`),
    );
    expect(crossings).toEqual([]);
  });
});
