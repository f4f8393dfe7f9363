// npm run test:e2e — prepares the browser first (unpacking the npm Chromium
// takes a few seconds once, and a missing override is a clear failure), says
// which binary the suite drives, then runs Playwright with
// e2e/playwright.config.ts.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { prepareChromium } from "./support/chromium";

let chromium;
try {
  chromium = await prepareChromium();
} catch (error) {
  console.error(`e2e: no Chromium: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`e2e: Chromium ${chromium.executablePath} (${chromium.source})`);
const root = path.resolve(import.meta.dirname, "..");
const cli = path.join(root, "node_modules/@playwright/test/cli.js");
const result = spawnSync(process.execPath, [cli, "test", "--config", path.join(root, "e2e/playwright.config.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: root,
});
process.exit(result.status ?? 1);
