// npm run test:e2e — checks for a browser first so a missing one is a clear
// failure, then runs Playwright with e2e/playwright.config.ts.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { findChromium, NO_CHROMIUM_MESSAGE } from "./support/chromium";

if (!findChromium()) {
  console.error(NO_CHROMIUM_MESSAGE);
  process.exit(1);
}
const root = path.resolve(import.meta.dirname, "..");
const cli = path.join(root, "node_modules/@playwright/test/cli.js");
const result = spawnSync(process.execPath, [cli, "test", "--config", path.join(root, "e2e/playwright.config.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: root,
});
process.exit(result.status ?? 1);
