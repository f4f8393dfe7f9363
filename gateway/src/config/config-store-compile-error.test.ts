// A document the schema accepts but compileConfig throws on (a bug, or a limit the schema does not
// know) is refused like a document with problems: apply never throws, the current configuration
// keeps serving, and the refusal is what the control-plane client reports as rejected.
import { describe, expect, it, vi } from "vitest";
import { ConfigStore } from "./config-store";

vi.mock("./compile", async (importOriginal) => {
  const original = await importOriginal<typeof import("./compile")>();
  return {
    ...original,
    compileConfig: (...args: Parameters<typeof original.compileConfig>) => {
      if (args[0].servers.some((s) => s.name === "uncompilable")) throw new SyntaxError("Invalid regular expression: Duplicate capture group name");
      return original.compileConfig(...args);
    },
  };
});

const doc = (server: string) => ({
  version: 1,
  servers: [{ name: server, path: "/one", upstream: "http://127.0.0.1:1/mcp", auth: { mode: "passthrough" } }],
});

describe("ConfigStore.apply when compiling throws", () => {
  it("returns the problem, keeps the current config and records the rejection", () => {
    const applied: unknown[] = [];
    const store = new ConfigStore({}, (config) => applied.push(config));
    expect(store.apply(doc("good"), "a")).toMatchObject({ ok: true, version: 1 });
    const before = store.current;
    const result = store.apply(doc("uncompilable"), "b", 7);
    expect(result).toEqual({ ok: false, problems: ["the configuration cannot be compiled: Invalid regular expression: Duplicate capture group name"] });
    expect(store.current).toBe(before);
    expect(store.state?.version).toBe(1);
    expect(store.lastRejected).toMatchObject({ source: "b", problems: result.ok ? [] : result.problems });
    expect(applied).toHaveLength(1);
    // The next good document applies as usual and clears the rejection.
    expect(store.apply(doc("good"), "c")).toMatchObject({ ok: true, version: 2 });
    expect(store.lastRejected).toBeUndefined();
  });
});
