import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfirmationStates, CONNECTION_STATE, MAX_REMEMBERED_PER_CONSUMER } from "./confirmation-state";

const key = randomBytes(32);
const states = new ConfirmationStates(key);
const payload = { callHash: `sha256:${"a".repeat(64)}`, ruleHash: `sha256:${"b".repeat(64)}`, askedAt: 1_000, expiresAt: 901_000 };

describe("ConfirmationStates", () => {
  it("reads back what it issued, until it expires", () => {
    const state = states.issue(payload);
    expect(state).toMatch(/^pcc1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(states.check(state, 2_000)).toEqual({ kind: "ours", payload: { ...payload, upstreamState: undefined, upstreamResponses: undefined } });
    expect(states.check(state, 901_000)).toMatchObject({ kind: "expired" });
  });

  it("is accepted by any gateway with the same master key, and no other", () => {
    const state = states.issue(payload);
    expect(new ConfirmationStates(key).check(state, 2_000).kind).toBe("ours");
    expect(new ConfirmationStates(randomBytes(32)).check(state, 2_000).kind).toBe("invalid");
  });

  it("keeps a connect request's states apart from confirmations': neither is accepted for the other", () => {
    const connections = new ConfirmationStates(key, CONNECTION_STATE);
    const connectState = connections.issue(payload);
    expect(connectState).toMatch(/^pcu1\./);
    expect(connections.check(connectState, 2_000).kind).toBe("ours");
    expect(states.check(connectState, 2_000).kind).toBe("foreign");
    expect(connections.check(states.issue(payload), 2_000).kind).toBe("foreign");
    // The same payload under the other purpose's prefix fails its MAC: the keys differ too.
    expect(connections.check(`pcu1.${states.issue(payload).slice("pcc1.".length)}`, 2_000).kind).toBe("invalid");
  });

  it("carries the upstream's own requestState and answers", () => {
    const state = states.issue({ ...payload, upstreamState: "upstream.state", upstreamResponses: { pick: { action: "accept", content: { n: 1 } } } });
    expect(states.check(state, 2_000)).toMatchObject({ kind: "ours", payload: { upstreamState: "upstream.state", upstreamResponses: { pick: { action: "accept" } } } });
  });

  it.each([
    [
      "a payload altered to a later expiry",
      (s: string) =>
        s.replace(/^pcc1\.([^.]+)\./, (_, p: string) => `pcc1.${Buffer.from(Buffer.from(p, "base64url").toString().replace("901000", "999999999")).toString("base64url")}.`),
    ],
    ["a truncated MAC", (s: string) => s.slice(0, -1)],
    ["a flipped MAC character", (s: string) => s.slice(0, -1) + (s.endsWith("A") ? "B" : "A")],
    ["no MAC", (s: string) => s.slice(0, s.lastIndexOf("."))],
    ["only the prefix", () => "pcc1."],
  ])("refuses %s as invalid", (_, tamper) => {
    expect(states.check(tamper(states.issue(payload)), 2_000).kind).toBe("invalid");
  });

  it("treats an absent or upstream-issued state as foreign", () => {
    expect(states.check(undefined, 0).kind).toBe("foreign");
    expect(states.check("dXBzdHJlYW0.c2ln", 0).kind).toBe("foreign");
    expect(states.check(42, 0).kind).toBe("foreign");
  });
});

describe("ConfirmationStates.consume", () => {
  it("lets each state be used once", () => {
    const one = new ConfirmationStates(key);
    const state = one.issue(payload);
    expect(one.consume(state, payload.expiresAt, 2_000, "dev")).toBe(true);
    expect(one.consume(state, payload.expiresAt, 3_000, "dev")).toBe(false);
    expect(one.consume(one.issue({ ...payload, askedAt: 1_001 }), payload.expiresAt, 3_000, "dev")).toBe(true);
  });

  it("counts each consumer's states apart: one that fills its share is refused, and another is not", () => {
    const one = new ConfirmationStates(key);
    let accepted = 0;
    // More than the whole gateway remembers: before they were counted per consumer, this refused everyone's.
    for (let i = 0; i < 100_001; i++) if (one.consume(`pcc1.x.flood-${i}`, payload.expiresAt, 2_000, "flooder")) accepted += 1;
    expect(one.consume(one.issue(payload), payload.expiresAt, 2_000, "someone-else")).toBe(true);
    expect(accepted).toBe(MAX_REMEMBERED_PER_CONSUMER);
    // Once the flooder's states expire, it may confirm again.
    expect(one.consume(one.issue({ ...payload, askedAt: 1_002 }), payload.expiresAt + 1, payload.expiresAt, "flooder")).toBe(true);
  });
});
