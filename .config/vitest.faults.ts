// `npm run test:faults`: the product as `npm start` runs it, its parts killed,
// restarted and their network broken one at a time under MCP load
// (test/faults/). Kept apart from `npm test`: it takes a few minutes.
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");

export default defineConfig({
  root,
  resolve: { alias: { "@": root } },
  test: {
    include: ["test/faults/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
  },
});
