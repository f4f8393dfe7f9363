import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import type { AuditEvent } from "../../../lib/core/audit/event";
import { createGateway } from "../gateway";
import { JsonLinesAuditSink } from "./audit-sink";

const event = (i: number) => ({ id: `e${i}`, status: 200 }) as unknown as AuditEvent;

describe("JsonLinesAuditSink", () => {
  it("appends one JSON line per event, without waiting in emit", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-")), "logs", "audit.jsonl");
    const sink = new JsonLinesAuditSink(file);
    for (let i = 0; i < 5; i++) sink.emit(event(i));
    expect(sink.stats()).toEqual({ emitted: 5, dropped: 0, buffered: 5, write_error: null });
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
    expect(sink.stats()).toEqual({ emitted: 3, dropped: 7, buffered: 3, write_error: null });
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

  it("counts a failed write as dropped, logs the outage once, retries, and writes again once it can", async () => {
    // The audit log is a link: to /dev/full (every write fails with ENOSPC), then to a real file.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-"));
    const file = path.join(dir, "audit.jsonl");
    const target = path.join(dir, "real.jsonl");
    fs.symlinkSync("/dev/full", file);
    const log = { error: vi.fn(), warn: vi.fn() };
    const sink = new JsonLinesAuditSink(file, 10_000, log, { baseMs: 20, maxMs: 40 });
    const gateway = createGateway({ audit: sink, masterKey: () => Buffer.alloc(32), env: {}, log: { info() {}, ...log } });
    try {
      for (let i = 0; i < 5; i++) sink.emit(event(i));
      await vi.waitFor(() => expect(sink.stats().dropped).toBe(5), { timeout: 5_000 });
      expect(sink.stats()).toMatchObject({ emitted: 5, buffered: 0, write_error: { error: "ENOSPC", since: expect.any(String) } });
      expect(gateway.status().audit).toMatchObject({ dropped: 5, write_error: { error: "ENOSPC" } });
      expect(gateway.metrics()).toMatch(/^portcullis_audit_events_dropped_total 5$/m);
      expect(log.error).toHaveBeenCalledTimes(1);
      expect(log.error.mock.calls[0]![0]).toMatchObject({ file, error: expect.stringContaining("ENOSPC"), dropped: 5 });
      expect(JSON.stringify(log.error.mock.calls)).not.toContain('"e0"');

      // Still failing: later events are retried and dropped too, counted, without another error line.
      for (let i = 5; i < 10; i++) sink.emit(event(i));
      await vi.waitFor(() => expect(sink.stats().dropped).toBe(10), { timeout: 5_000 });
      expect(log.error).toHaveBeenCalledTimes(1);

      // Space again: the next attempt reopens the file and writes.
      fs.writeFileSync(target, "");
      fs.rmSync(file);
      fs.symlinkSync(target, file);
      for (let i = 10; i < 13; i++) sink.emit(event(i));
      await vi.waitFor(() => expect(sink.stats().write_error).toBeNull(), { timeout: 5_000 });
      expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ file, dropped: 10 }), expect.stringContaining("writable again"));
      sink.emit(event(13));
      await sink.close();
      const ids = fs
        .readFileSync(target, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id);
      expect(ids).toEqual(["e10", "e11", "e12", "e13"]);
      expect(sink.stats()).toEqual({ emitted: 14, dropped: 10, buffered: 0, write_error: null });
    } finally {
      await gateway.close();
    }
  });

  it("on close during an outage, tries once more and drops what it cannot write", async () => {
    const sink = new JsonLinesAuditSink("/dev/full", 10_000, { error() {}, warn() {} }, { baseMs: 60_000, maxMs: 60_000 });
    sink.emit(event(0));
    await vi.waitFor(() => expect(sink.stats().dropped).toBe(1), { timeout: 5_000 });
    sink.emit(event(1));
    const closed = Date.now();
    await sink.close();
    expect(Date.now() - closed).toBeLessThan(5_000);
    expect(sink.stats()).toMatchObject({ emitted: 2, dropped: 2, buffered: 0 });
  });
});
