import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CONNECT_STATE_TTL_MS, openConnectState, sealConnectState } from "./connect-state";

const key = randomBytes(32);
const state = { user: "user-1", server: "github", verifier: "v".repeat(43), interaction: "uid-1" };

describe("the connect flow's state", () => {
  it("opens for the user who started it, with the verifier hidden from whoever carries it", () => {
    const sealed = sealConnectState(key, state, 1_000);
    expect(sealed).not.toContain(state.verifier);
    expect(openConnectState(key, sealed, "user-1", 2_000)).toEqual({ ...state, expires: 1_000 + CONNECT_STATE_TTL_MS });
  });

  it.each([
    ["another console user", (sealed: string) => openConnectState(key, sealed, "user-2", 2_000), "other_user"],
    ["after it expired", (sealed: string) => openConnectState(key, sealed, "user-1", 1_001 + CONNECT_STATE_TTL_MS), "expired_state"],
    ["under another master key", (sealed: string) => openConnectState(randomBytes(32), sealed, "user-1", 2_000), "foreign_state"],
    ["changed in transit", (sealed: string) => openConnectState(key, `${sealed.slice(0, -2)}AA`, "user-1", 2_000), "foreign_state"],
    ["not a state at all", () => openConnectState(key, "hello", "user-1", 2_000), "foreign_state"],
  ])("is refused %s", (_what, open, reason) => {
    const result = open(sealConnectState(key, state, 1_000));
    expect(result).toEqual({ refused: reason });
  });
});
