import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import type { AuditEvent } from "../../../lib/core/audit/event";
import { JsonLinesAuditSink } from "./audit-sink";

const event = (i: number) => ({ id: `e${i}`, status: 200 }) as unknown as AuditEvent;

describe("JsonLinesAuditSink", () => {
  it("appends one JSON line per event, without waiting in emit", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-")), "logs", "audit.jsonl");
    const sink = new JsonLinesAuditSink(file);
    for (let i = 0; i < 5; i++) sink.emit(event(i));
    expect(sink.stats()).toEqual({ emitted: 5, dropped: 0, buffered: 5 });
    await sink.close();
    const lines = fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["e0", "e1", "e2", "e3", "e4"]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("drops and counts events beyond its buffer rather than growing", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-")), "audit.jsonl");
    const sink = new JsonLinesAuditSink(file, 3);
    for (let i = 0; i < 10; i++) sink.emit(event(i));
    expect(sink.stats()).toEqual({ emitted: 3, dropped: 7, buffered: 3 });
    await sink.close();
    expect(fs.readFileSync(file, "utf8").trim().split("\n")).toHaveLength(3);
  });

  it("gathers the events of many event-loop turns into one file write", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-")), "audit.jsonl");
    const sink = new JsonLinesAuditSink(file);
    const writes = vi.spyOn(fs.WriteStream.prototype, "write");
    try {
      // Twenty requests finishing a millisecond apart, inside one write window.
      for (let i = 0; i < 20; i++) {
        sink.emit(event(i));
        await sleep(1);
      }
      await sink.close();
      expect(fs.readFileSync(file, "utf8").trim().split("\n")).toHaveLength(20);
      // One write per 50 ms window (a busy machine may stretch the loop over a few windows);
      // writing as events arrive would take about twenty.
      expect(writes.mock.calls.length).toBeLessThanOrEqual(5);
    } finally {
      writes.mockRestore();
    }
  });
});
