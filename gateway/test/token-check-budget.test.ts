// The budget of IdP calls that new tokens spend (burst 20, then 5 a second) is
// kept per client address: the peer's, or — where a trusted proxy in front
// reports the client (`gateway.forward_client_ip_headers`) — the address it
// reports, so clients behind one load balancer do not share one budget, and a
// header no proxy was trusted with moves nothing. A real IdP (oidc-provider)
// introspects every token the budget lets through.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GATEWAY_CLIENT, startIdentityProvider, type IdentityProvider } from "../../demo/identity-provider";
import { fakeMcpServer } from "./support/fake-mcp-server";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

let idp: IdentityProvider;
let upstream: RecordingUpstream;
const gateways: Record<"trusting" | "plain", TestGateway> = {} as never;

const config = (trusted: string[]) => (url: string) => ({
  version: 1,
  gateway: { public_url: url, forward_client_ip_headers: trusted },
  consumers: [{ username: "alice" }],
  servers: [
    {
      name: "konnect",
      path: "/konnect",
      upstream: upstream.url,
      auth: {
        mode: "token_swap",
        issuer: idp.issuer,
        consumer_claim: "sub",
        introspection: { endpoint: idp.introspectionEndpoint, client_id: GATEWAY_CLIENT.id, client_secret: "{vault://env/OAUTH_CLIENT_SECRET}" },
      },
    },
  ],
});

beforeAll(async () => {
  idp = await startIdentityProvider();
  upstream = await startRecordingUpstream(fakeMcpServer);
  const env = { OAUTH_CLIENT_SECRET: GATEWAY_CLIENT.secret };
  gateways.trusting = await startTestGateway(config(["X-Real-IP"]), { env });
  gateways.plain = await startTestGateway(config([]), { env });
});
afterAll(async () => {
  for (const gw of Object.values(gateways)) await gw?.close();
  await upstream?.close();
  await idp?.close();
});

/** A tools/list with a token the IdP never issued, from the client `address` as the header says. */
async function unknownToken(gw: TestGateway, address: string): Promise<{ status: number; reason?: string }> {
  const response = await fetch(`${gw.url}/konnect`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${randomBytes(16).toString("hex")}`,
      "x-real-ip": address,
    },
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  });
  const body = (await response.json()) as { error?: { data?: { reason?: string } } };
  return { status: response.status, reason: body.error?.data?.reason };
}

/**
 * Unknown tokens from `address(i)` until one is refused: how many the IdP was asked about first. The budget refills
 * at 5 a second meanwhile, so the count is 20 plus what the time taken refilled.
 */
async function spendBudget(gw: TestGateway, address: (i: number) => string) {
  const started = performance.now();
  for (let i = 0; i < 100; i++) {
    const answer = await unknownToken(gw, address(i));
    if (answer.status === 429) {
      expect(answer.reason).toBe("token_checks_limited");
      return { admitted: i, refilled: Math.ceil(((performance.now() - started) / 1000) * 5) };
    }
    expect(answer).toMatchObject({ status: 401, reason: "token_invalid" });
  }
  throw new Error("no token check was refused");
}

describe("the budget of new tokens per client address", () => {
  it("behind a trusted proxy, is the reported client's: one client spends its own, another still has all of its", async () => {
    const gw = gateways.trusting;
    const { admitted, refilled } = await spendBudget(gw, () => "198.51.100.7");
    expect(admitted).toBeGreaterThanOrEqual(20);
    expect(admitted).toBeLessThanOrEqual(20 + refilled);
    expect(await unknownToken(gw, "198.51.100.8")).toMatchObject({ status: 401, reason: "token_invalid" });
  });

  it("without a trusted proxy, is the peer's: a client-address header it sends changes nothing", async () => {
    const { admitted, refilled } = await spendBudget(gateways.plain, (i) => `198.51.100.${i}`);
    expect(admitted).toBeGreaterThanOrEqual(20);
    expect(admitted).toBeLessThanOrEqual(20 + refilled);
  });
});
