// The chain's canonical form is RFC 8785's: checked against `canonicalize`, the RFC authors' implementation.
import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalContent, type ChainedContent } from "./chain";

const text = fc.string({ unit: "binary", maxLength: 40 });
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const latency = fc.double({ min: 0, max: 1e9, noNaN: true });

const content: fc.Arbitrary<ChainedContent> = fc.record({
  id: fc.uuid(),
  time: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  requestId: text,
  chainKey: text,
  chainSeq: fc.integer({ min: 1, max: 2 ** 40 }),
  serverName: text,
  consumerName: nullable(text),
  groups: fc.array(text, { maxLength: 5 }),
  endUser: nullable(text),
  upstreamIdentity: nullable(text),
  method: nullable(text),
  toolName: nullable(text),
  decision: fc.constantFrom("allow", "deny", "error"),
  reason: text,
  httpStatus: fc.integer({ min: 100, max: 599 }),
  rpcErrorCode: nullable(fc.integer({ min: -33000, max: 0 })),
  upstreamLatencyMs: nullable(latency),
  totalLatencyMs: latency,
  bytesIn: fc.nat(),
  bytesOut: fc.nat(),
  tokenHash: nullable(text),
});

describe("the audit chain's canonical content", () => {
  it("is byte for byte what RFC 8785 canonicalisation gives, for every field", () => {
    fc.assert(
      fc.property(content, (c) => {
        expect(canonicalContent(c)).toBe(canonicalize(c));
      }),
      { numRuns: 2000 },
    );
  });
});
