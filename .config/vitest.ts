import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");

export default defineConfig({
  root,
  resolve: { alias: { "@": root } },
  test: {
    include: ["{lib,gateway,app,components,prisma,test,bench,launcher,demo}/**/*.test.ts"],
    // The cluster suite needs redis-server and nginx: `npm run test:cluster` (.config/vitest.cluster.ts).
    exclude: [...configDefaults.exclude, "test/cluster/**", "test/faults/**"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes; two cores are shared with them.
    maxWorkers: 2,
  },
});
