// Every way the product starts a gateway gives Node the same flags, and this Node accepts them.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GATEWAY_NODE_FLAGS } from "./gateway-build";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("the gateway's Node flags", () => {
  it("are the ones `npm run gateway` starts the bundle with", () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.gateway).toContain(`&& node ${GATEWAY_NODE_FLAGS.join(" ")} gateway/dist/main.mjs`);
  });

  it("are accepted by the Node that runs the product, which refuses a V8 flag it does not know", () => {
    const bogus = spawnSync(process.execPath, ["--no-memory-reducer-that-does-not-exist", "-e", "0"], { encoding: "utf8" });
    expect(bogus.status).not.toBe(0);
    const run = spawnSync(process.execPath, [...GATEWAY_NODE_FLAGS, "-e", "process.stdout.write('started')"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("started");
    expect(run.status).toBe(0);
    expect(GATEWAY_NODE_FLAGS).toEqual(expect.arrayContaining(["--no-memory-reducer", "--max-semi-space-size=8"]));
  });
});
