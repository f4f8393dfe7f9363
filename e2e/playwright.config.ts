import path from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, chosenChromium } from "./support/chromium";

const chromium = chosenChromium();

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  outputDir: path.resolve(import.meta.dirname, "../test-results"),
  globalSetup: "./support/global-setup.ts",
  fullyParallel: true,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  projects: [
    { name: "console", testIgnore: "**/volume.spec.ts" },
    // Timed page loads with 10,000 consumers: run alone, after the rest, so no other test competes for the two cores.
    { name: "volume", testMatch: "**/volume.spec.ts", dependencies: ["console"] },
  ],
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: chromium.executablePath, args: CHROMIUM_ARGS, env: { ...process.env, ...chromium.env } },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
