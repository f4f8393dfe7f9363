// The docs stay true: the recipe's configuration file passes the gateway's own
// schema, links between the docs land on headings that exist, every source
// path they name exists, and every shell
// command in a fenced block names the test (or script) that runs it — a new
// command needs an entry here, and so a test.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseConfig } from "../lib/core/config/schema";

const ROOT = path.resolve(import.meta.dirname, "..");
const DOCS = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** Where each documented command runs, and a string in that file showing it does. */
const EXERCISED: Record<string, { file: string; marker: string }> = {
  "npm install && npm start": { file: "e2e/support/global-setup.ts", marker: '"launcher/start.ts"' },
  "npm test": { file: "package.json", marker: '"test": "npm run typecheck && npm run lint && npm run format:check && npm run test:unit && npm run test:e2e"' },
  "npm run test:cluster": { file: "package.json", marker: '"test:cluster": "vitest run --config .config/vitest.cluster.ts"' },
  "npm run test:faults": { file: "package.json", marker: '"test:faults": "vitest run --config .config/vitest.faults.ts"' },
  "npm run soak": { file: "package.json", marker: '"soak": "tsx bench/soak.ts"' },
  "npm run demo": { file: "test/demo.test.ts", marker: 'npmRun("demo")' },
  "npm run demo:verify": { file: "test/demo.test.ts", marker: 'npmRun("demo:verify")' },
  "npm run gateway -- --config gateway.yaml": { file: "gateway/test/gateway-process.test.ts", marker: 'launch(["--config", file]' },
  "PORTCULLIS_DP_TOKEN=pcdp_… npm run gateway -- --cp-url https://console.example.com": { file: "test/support/product-processes.ts", marker: '"--cp-url", options.cpUrl' },
};

function fencedBlocks(markdown: string): { lang: string; body: string }[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const outsideCode = markdown.replace(/^```[\s\S]*?^```$/gm, "");
  const headings = [...outsideCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!);
  return new Set(
    headings.map((h) =>
      h
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-"),
    ),
  );
}

describe("docs", () => {
  it("the recipe's configuration file is valid for the gateway", () => {
    const files = fencedBlocks(read("docs/recipe.md")).filter((b) => b.lang === "yaml");
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const result = parseConfig(parseYaml(file.body));
      expect(result.ok ? [] : result.problems).toEqual([]);
    }
  });

  it("links to other docs and their headings resolve", () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      const text = read(file).replace(/^```[\s\S]*?^```$/gm, "");
      for (const [, target, anchor] of text.matchAll(/\]\(((?:[^)#\s]*\.md)|)(?:#([^)\s]+))?\)/g)) {
        const linked = target ? path.join(path.dirname(file), target) : file;
        if (!fs.existsSync(path.join(ROOT, linked))) broken.push(`${file}: ${target} does not exist`);
        else if (anchor && !anchorsOf(read(linked)).has(anchor)) broken.push(`${file}: no heading #${anchor} in ${linked}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("every source path the docs name exists (so a moved file moves its docs too)", () => {
    // Patterns and placeholders (`app/api/**/route.ts`, `<name>`) and files a run writes (bench/results/, the gateway bundle) are not paths to check.
    const isPath = (name: string) => !/[*<]/.test(name) && !name.startsWith("bench/results/") && !name.startsWith("gateway/dist/");
    const missing: string[] = [];
    for (const file of DOCS) {
      for (const [, name] of read(file).matchAll(/`((?:app|bench|components|demo|e2e|gateway|launcher|lib|prisma|test)\/[^`\s]+)`/g)) {
        if (isPath(name!) && !fs.existsSync(path.join(ROOT, name!))) missing.push(`${file}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every shell command in the docs names the test that runs it", () => {
    const commands = new Set(
      DOCS.flatMap((file) =>
        fencedBlocks(read(file))
          .filter((b) => b.lang === "sh")
          .flatMap((b) =>
            b.body
              .split("\n")
              .map((line) => line.trim())
              .filter(Boolean),
          ),
      ),
    );
    expect([...commands].sort()).toEqual(Object.keys(EXERCISED).sort());
    for (const [command, { file, marker }] of Object.entries(EXERCISED)) {
      expect(read(file), `${command} → ${file}`).toContain(marker);
    }
  });
});
