import { describe, expect, it, vi } from "vitest";
import type { ApplyResult } from "./config-store";
import { createFileReloader } from "./file-reloader";
import type { ReadResult } from "./read-config-file";

/** A file whose reads can be held: each read returns what the file held when it began (like a read of a replaced inode). */
function heldFile(initial: string) {
  let content = initial;
  const held: { content: string; release: () => void }[] = [];
  let holdNext = false;
  return {
    write(next: string) {
      content = next;
    },
    holdNextRead() {
      holdNext = true;
    },
    releaseAll() {
      for (const h of held.splice(0)) h.release();
    },
    read: vi.fn(async (): Promise<ReadResult> => {
      const seen = content;
      if (holdNext) {
        holdNext = false;
        await new Promise<void>((release) => held.push({ content: seen, release }));
      }
      return { ok: true, document: { name: seen } };
    }),
  };
}

function reloaderFor(file: ReturnType<typeof heldFile>) {
  const applied: string[] = [];
  const log = { info: vi.fn(), error: vi.fn() };
  const apply = (document: unknown): ApplyResult => {
    applied.push((document as { name: string }).name);
    return { ok: true, version: applied.length, hash: "sha256:x" };
  };
  return { applied, log, reload: createFileReloader({ file: "gateway.yaml", read: file.read, apply, log }) };
}

describe("createFileReloader (SIGHUP)", () => {
  it("never lets a slow read of an older file finish after a newer one and put it back", async () => {
    const file = heldFile("old-big");
    const { applied, reload } = reloaderFor(file);
    file.holdNextRead();
    const first = reload(); // SIGHUP 1: a slow read of the old, big file
    await vi.waitFor(() => expect(file.read).toHaveBeenCalledTimes(1));
    file.write("new-revocation"); // the editor saves; SIGHUP 2
    const second = reload();
    await new Promise((resolve) => setTimeout(resolve, 20));
    file.releaseAll();
    await Promise.all([first, second]);
    expect(applied.at(-1)).toBe("new-revocation");
    // The superseded read is not applied at all, not even for a moment.
    expect(applied).toEqual(["new-revocation"]);
  });

  it("collapses a burst of signals into the running reload and one more", async () => {
    const file = heldFile("v1");
    const { applied, reload } = reloaderFor(file);
    file.holdNextRead();
    const running = reload();
    await vi.waitFor(() => expect(file.read).toHaveBeenCalledTimes(1));
    file.write("v2");
    const burst = [reload(), reload(), reload()];
    file.releaseAll();
    await Promise.all([running, ...burst]);
    expect(file.read).toHaveBeenCalledTimes(2);
    expect(applied).toEqual(["v2"]);
  });

  it("logs a file with problems and keeps going; a throwing apply does not stop later reloads", async () => {
    const log = { info: vi.fn(), error: vi.fn() };
    let calls = 0;
    const reload = createFileReloader({
      file: "gateway.yaml",
      read: async () => (++calls === 1 ? { ok: false, problems: ["gateway.yaml is not valid YAML or JSON: x"] } : { ok: true, document: {} }),
      apply: () => {
        if (calls === 2) throw new Error("boom");
        return { ok: true, version: 1, hash: "sha256:x" };
      },
      log,
    });
    await reload();
    await reload();
    await reload();
    expect(log.error.mock.calls.map(([, message]) => message)).toEqual([
      "configuration rejected; still serving the previous one",
      "configuration reload failed; still serving the previous one",
    ]);
    expect(log.info).toHaveBeenCalledWith(expect.objectContaining({ version: 1, file: "gateway.yaml" }), "configuration reloaded");
  });
});
