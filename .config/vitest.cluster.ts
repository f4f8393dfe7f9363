// `npm run test:cluster`: several gateway processes behind a real nginx, with a
// real redis-server (Debian: apt-get install -y redis-server nginx-light), and a
// console on PostgreSQL for the control-plane topology. Kept
// apart from `npm test`, which needs neither.
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");

export default defineConfig({
  root,
  resolve: { alias: { "@": root } },
  test: {
    include: ["test/cluster/**/*.test.ts"],
    // PostgreSQL for the console of the control-plane topology (embedded, or DATABASE_URL).
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
