// Which Chromium the e2e suite drives: PLAYWRIGHT_CHROMIUM_PATH when set, else
// the headless Chromium shipped inside the @sparticuz/chromium npm package, so
// `npm install && npm test` needs no system browser.
//
// The package unpacks its binary (and the shared libraries and fonts beside it)
// into os.tmpdir() on first use. Unpacked in place, a second run starting while
// the first is still writing would launch a half-written binary, so each run
// unpacks into a private folder and renames it into a folder named for the
// package version (and the user: the folder is theirs alone): the rename is
// atomic, and the loser of a race uses the winner's copy.
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);
const packageDir = path.resolve(path.dirname(require.resolve("@sparticuz/chromium")), "..");
const { version: packageVersion } = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };

const NPM_CHROMIUM_DIR = path.join(os.tmpdir(), `portcullis-chromium-${packageVersion}-${os.userInfo().uid}`);
const npmChromiumBinary = path.join(NPM_CHROMIUM_DIR, "chromium");
// The package's own fonts.conf names /tmp/fonts; ours names where the fonts
// really are, and keeps the system's fonts when there are any.
const npmFontsConfig = path.join(NPM_CHROMIUM_DIR, "portcullis-fonts.conf");

export type ChromiumChoice = { executablePath: string; source: string; env: Record<string, string> };

// For the Playwright config, which must be synchronous: the choice e2e/run.ts
// prepared (the npm copy is unpacked by then).
export function chosenChromium(): ChromiumChoice {
  const configured = process.env.PLAYWRIGHT_CHROMIUM_PATH;
  if (configured) return { executablePath: configured, source: "PLAYWRIGHT_CHROMIUM_PATH", env: {} };
  return { executablePath: npmChromiumBinary, source: `@sparticuz/chromium ${packageVersion}`, env: { FONTCONFIG_FILE: npmFontsConfig } };
}

export async function prepareChromium(): Promise<ChromiumChoice> {
  const choice = chosenChromium();
  if (process.env.PLAYWRIGHT_CHROMIUM_PATH) {
    if (!fs.existsSync(choice.executablePath)) throw new Error(`PLAYWRIGHT_CHROMIUM_PATH names ${choice.executablePath}, which does not exist.`);
    return choice;
  }
  if (!fs.existsSync(npmFontsConfig)) await unpackNpmChromium();
  return choice;
}

async function unpackNpmChromium(): Promise<void> {
  const staging = fs.mkdtempSync(`${NPM_CHROMIUM_DIR}.partial-`);
  // The package unpacks into os.tmpdir(), which reads TMPDIR on every call.
  const previousTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    const { default: chromium } = await import("@sparticuz/chromium");
    await chromium.executablePath(path.join(packageDir, "bin"));
  } finally {
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }
  fs.writeFileSync(
    path.join(staging, "portcullis-fonts.conf"),
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${path.join(NPM_CHROMIUM_DIR, "fonts")}</dir>
  <cachedir>${path.join(NPM_CHROMIUM_DIR, "fonts-cache")}</cachedir>
</fontconfig>
`,
  );
  try {
    fs.renameSync(staging, NPM_CHROMIUM_DIR);
  } catch (error) {
    // Another run unpacked the same version first: use that copy.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(npmFontsConfig)) throw error;
  }
}

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
