// JWT validation against a JWKS endpoint: keys are fetched once and cached; a
// token signed with a key the cache does not know makes the gateway refetch —
// at most once per cooldown, so unknown kids cannot make it hammer the IdP.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startRecordingUpstream, type RecordingUpstream } from "./support/recording-upstream";
import { startTestGateway, type TestGateway } from "./support/test-gateway";

const ISSUER = "https://idp.rotation.test";
const keys: JWK[] = [];
let fetches = 0;
let jwks: http.Server;
let upstream: RecordingUpstream;
let gw: TestGateway;

async function newKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

beforeAll(async () => {
  jwks = http.createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  upstream = await startRecordingUpstream();
  gw = await startTestGateway({
    version: 1,
    consumers: [{ username: "alice" }],
    servers: [
      {
        name: "api",
        path: "/api",
        upstream: upstream.url,
        auth: { mode: "token_swap", issuer: ISSUER, jwks: { uri: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks` }, audience: "urn:portcullis:api" },
      },
    ],
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  jwks?.closeAllConnections();
  await new Promise((resolve) => jwks?.close(resolve));
});
afterEach(() => vi.useRealTimers());

async function call(key: Awaited<ReturnType<typeof newKey>>) {
  const token = await new SignJWT({ sub: "alice" })
    .setProtectedHeader({ alg: "ES256", kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience("urn:portcullis:api")
    .setExpirationTime("10m")
    .sign(key.privateKey);
  const response = await fetch(`${gw.url}/api`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
  });
  await response.arrayBuffer();
  return response.status;
}

describe("JWKS", () => {
  it("caches the key set, and refetches it for an unknown kid once the cooldown has passed", async () => {
    const first = await newKey("k1");
    keys.push(first.publicJwk);
    expect(await call(first)).toBe(200);
    expect(await call(first)).toBe(200);
    expect(fetches).toBe(1);

    const rotated = await newKey("k2");
    keys.push(rotated.publicJwk);
    // Within the cooldown the new kid is unknown: refused without another fetch.
    expect(await call(rotated)).toBe(401);
    expect(fetches).toBe(1);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await call(rotated)).toBe(200);
    expect(fetches).toBe(2);
  });
});
