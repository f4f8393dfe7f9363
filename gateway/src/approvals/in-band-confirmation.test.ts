import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfirmationStates } from "./confirmation-state";
import { canConfirmInBand, CONFIRM_INPUT_KEY, describeCall, judgeConfirmationRetry } from "./in-band-confirmation";

const CAPS = "io.modelcontextprotocol/clientCapabilities";

describe("canConfirmInBand", () => {
  it.each([
    ["2026-07-28 with form elicitation", "2026-07-28", { elicitation: { form: {} } }, true],
    ["2026-07-28 with an empty elicitation object (form)", "2026-07-28", { elicitation: {} }, true],
    ["2026-07-28 with URL elicitation only", "2026-07-28", { elicitation: { url: {} } }, false],
    ["2026-07-28 without elicitation", "2026-07-28", {}, false],
    ["2025-11-25, even with elicitation", "2025-11-25", { elicitation: { form: {} } }, false],
  ])("%s → %s", (_, version, capabilities, expected) => {
    expect(canConfirmInBand(version, { _meta: { [CAPS]: capabilities } })).toBe(expected);
  });
});

describe("describeCall", () => {
  it("names the tool, the server and each argument, cutting long values and long lists", () => {
    expect(describeCall("github", "merge_pull_request", {})).toBe('Run the tool "merge_pull_request" on the server "github" with no arguments?');
    const many = Object.fromEntries(Array.from({ length: 22 }, (_, i) => [`a${i}`, i]));
    const text = describeCall("github", "t", { ...many, long: "x".repeat(500) });
    expect(text.split("\n")).toHaveLength(22);
    expect(text.endsWith("  … and 3 more")).toBe(true);
    expect(describeCall("s", "t", { body: "y".repeat(300) })).toContain(`  body: "${"y".repeat(199)}…`);
  });
});

describe("judgeConfirmationRetry", () => {
  const states = new ConfirmationStates(randomBytes(32));
  const callHash = `sha256:${"1".repeat(64)}`;
  const ruleHash = `sha256:${"2".repeat(64)}`;
  const issue = (extra = {}) => states.issue({ callHash, ruleHash, askedAt: 1_000, expiresAt: 100_000, ...extra });
  const judge = (params: Record<string, unknown>, call = { callHash, ruleHash }) => judgeConfirmationRetry({ tool: "t", params, consumer: "c", ...call }, states, 2_000);
  const accept = { [CONFIRM_INPUT_KEY]: { action: "accept", content: { confirm: true } } };

  it("asks when there is no state of the gateway's, keeping the upstream's state and answers", () => {
    expect(judge({ name: "t" })).toEqual({ kind: "ask", upstreamState: undefined, upstreamResponses: undefined });
    expect(judge({ name: "t", requestState: "theirs", inputResponses: { pick: { action: "accept" } } })).toEqual({
      kind: "ask",
      upstreamState: "theirs",
      upstreamResponses: { pick: { action: "accept" } },
    });
  });

  it("asks again when the gateway's state comes back without an answer", () => {
    expect(judge({ name: "t", requestState: issue({ upstreamState: "theirs" }) })).toEqual({ kind: "ask", upstreamState: "theirs", upstreamResponses: undefined });
  });

  it("forwards an accepted answer without what the gateway added, with the upstream's put back", () => {
    const plain = judge({ name: "t", arguments: { a: 1 }, requestState: issue(), inputResponses: accept });
    expect(plain).toMatchObject({ kind: "confirmed", params: { name: "t", arguments: { a: 1 } } });
    expect(Object.keys(plain.kind === "confirmed" ? plain.params : {})).toEqual(["name", "arguments"]);
    const carried = judge({ name: "t", requestState: issue({ upstreamState: "theirs", upstreamResponses: { pick: 1 } }), inputResponses: accept });
    expect(carried).toMatchObject({ kind: "confirmed", params: { name: "t", requestState: "theirs", inputResponses: { pick: 1 } } });
  });

  it.each([
    ["another call's hash", { callHash: `sha256:${"3".repeat(64)}`, ruleHash }, "confirmation_mismatch"],
    ["a changed rule", { callHash, ruleHash: `sha256:${"4".repeat(64)}` }, "confirmation_mismatch"],
  ])("refuses %s", (_, call, code) => {
    expect(() => judge({ name: "t", requestState: issue(), inputResponses: accept }, call)).toThrow(expect.objectContaining({ code }));
  });

  it("refuses a state used once already", () => {
    const state = issue({ askedAt: 1_500 });
    expect(judge({ name: "t", requestState: state, inputResponses: accept }).kind).toBe("confirmed");
    expect(() => judge({ name: "t", requestState: state, inputResponses: accept })).toThrow(expect.objectContaining({ code: "confirmation_used" }));
  });
});
