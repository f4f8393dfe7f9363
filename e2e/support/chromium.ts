// Which Chromium the e2e suite drives: PLAYWRIGHT_CHROMIUM_PATH, else the
// system's /usr/bin/chromium, else one that `npx playwright install chromium`
// put in Playwright's cache. No browser is an error, never a silent skip.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

function fromPlaywrightCache(): string | undefined {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH ?? path.join(os.homedir(), ".cache", "ms-playwright");
  if (!fs.existsSync(cache)) return undefined;
  for (const dir of fs.readdirSync(cache).filter((d) => d.startsWith("chromium-")).sort().reverse()) {
    for (const candidate of ["chrome-linux64/chrome", "chrome-linux/chrome", "chrome-mac/Chromium.app/Contents/MacOS/Chromium"]) {
      const file = path.join(cache, dir, candidate);
      if (fs.existsSync(file)) return file;
    }
  }
  return undefined;
}

export function findChromium(): string | undefined {
  const configured = process.env.PLAYWRIGHT_CHROMIUM_PATH;
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  if (fs.existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return fromPlaywrightCache();
}

export const NO_CHROMIUM_MESSAGE = `No Chromium found for the end-to-end tests.
Install one of:
  - Debian/Ubuntu:  sudo apt-get install -y chromium        (gives /usr/bin/chromium)
  - any system:     npx playwright install chromium
or point PLAYWRIGHT_CHROMIUM_PATH at a Chromium or Chrome executable.`;

// Flags for a headless run as root in a sandbox without network access.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
