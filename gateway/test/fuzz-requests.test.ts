// Property: whatever request text a client sends, what the gateway forwards
// means the same to every emulated decoder as it did to the gateway (method,
// id, tool, arguments — the audit event says what the gateway decided), a
// developer's denied tool reaches no decoder and is not run by a Go upstream,
// and the gateway always answers, never with a 500. Budget: FUZZ_SECONDS.
import { afterAll, beforeAll, expect, it } from "vitest";
import fc from "fast-check";
import { ADMIN, DEV, differentialsConfig, expectForwardedUnambiguous, sendThrough } from "./support/differential-harness";
import { startDecodingUpstream, type DecodingUpstream } from "./support/decoding-upstream";
import { checkWithinBudget, FUZZ_SECONDS, FUZZ_TEST_TIMEOUT_MS } from "./support/fuzz-budget";
import { goEncodingJson } from "./support/json-decoders";
import { requestBody } from "./support/request-arbitraries";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

let go: DecodingUpstream;
let gw: TestGateway;

beforeAll(async () => {
  go = await startDecodingUpstream(goEncodingJson);
  gw = await startTestGateway(differentialsConfig([{ name: "go", path: "/go", upstream: go.url }]));
});
afterAll(async () => {
  await gw?.close();
  await go?.close();
});

it(
  `forwards only what every decoder reads as the gateway did, for ${FUZZ_SECONDS} s of generated requests`,
  async () => {
    const property = fc.asyncProperty(requestBody, async ({ body, batch, caller }) => {
      const headers = { ...(caller === "developer" ? DEV : ADMIN), "mcp-protocol-version": batch ? "2025-03-26" : "2025-06-18" };
      const outcome = await sendThrough(gw, go, "/go", body, headers);
      expect(outcome.status).toBeLessThan(500);
      expectForwardedUnambiguous(outcome, caller === "developer");
    });
    await checkWithinBudget(property, 10);
    // Still serving after everything it was sent.
    const ping = await sendThrough(gw, go, "/go", '{"jsonrpc":"2.0","id":1,"method":"ping"}', DEV);
    expect(ping.status).toBe(200);
  },
  FUZZ_TEST_TIMEOUT_MS,
);
