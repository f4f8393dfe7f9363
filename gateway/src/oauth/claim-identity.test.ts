import { describe, expect, it } from "vitest";
import type { CompiledClaimMapping, CompiledConfig, CompiledConsumer } from "../config/compile";
import { consumerFromClaims } from "./claim-identity";

const guest = { username: "guest", groups: [] } as unknown as CompiledConsumer;
const alice = { username: "alice", groups: [] } as unknown as CompiledConsumer;
const config = { consumersByUsername: new Map([["alice", alice]]), consumersByCustomId: new Map() } as unknown as CompiledConfig;
const mapping = { consumerClaim: "email", consumerBy: "username", anonymous: guest } as unknown as CompiledClaimMapping;

describe("the user a token names", () => {
  it("on the anonymous consumer, is named with its source, so one user's sub never passes for another's claim", () => {
    expect(consumerFromClaims(config, mapping, { email: "x@example.com", sub: "s1" }).endUser).toBe("claim:x@example.com");
    expect(consumerFromClaims(config, mapping, { sub: "x@example.com" }).endUser).toBe("sub:x@example.com");
    expect(consumerFromClaims(config, mapping, { client_id: "x@example.com" }).endUser).toBe("client:x@example.com");
    expect(consumerFromClaims(config, mapping, { email: "alice", sub: "s1" })).toMatchObject({ consumer: alice, endUser: "alice" });
  });

  it("is refused when the token names no user or client at all", () => {
    expect(() => consumerFromClaims(config, mapping, { scope: "mcp" })).toThrow(/names no user or client/);
    expect(() => consumerFromClaims(config, mapping, { scope: "mcp" })).toThrow(expect.objectContaining({ code: "consumer_unknown" }));
  });
});
