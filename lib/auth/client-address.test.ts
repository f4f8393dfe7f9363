import { describe, expect, it } from "vitest";
import { clientAddress, parseTrustedProxies, requestClientAddress } from "./client-address";

const none = parseTrustedProxies(undefined);
const proxies = parseTrustedProxies("10.0.0.0/8, 192.0.2.10, fd00::/8");

describe("client address", () => {
  it("is the socket's address, X-Forwarded-For ignored, without trusted proxies", () => {
    expect(clientAddress("203.0.113.5", { "x-forwarded-for": "198.51.100.1" }, none)).toBe("203.0.113.5");
    expect(clientAddress("::ffff:203.0.113.5", { "x-forwarded-for": "198.51.100.1" }, none)).toBe("203.0.113.5");
    expect(clientAddress(undefined, { "x-forwarded-for": "198.51.100.1" }, none)).toBe("unknown");
  });

  it("is the socket's address when the peer is not a trusted proxy", () => {
    expect(clientAddress("203.0.113.5", { "x-forwarded-for": "198.51.100.1" }, proxies)).toBe("203.0.113.5");
  });

  it.each([
    ["198.51.100.1", "198.51.100.1"],
    // A client's own claims come first; the proxy appends the address it saw.
    ["6.6.6.6, 198.51.100.1", "198.51.100.1"],
    // Through two trusted proxies.
    ["198.51.100.1, 10.1.2.3", "198.51.100.1"],
    ["6.6.6.6, 198.51.100.1, 192.0.2.10", "198.51.100.1"],
    ["2001:db8::1, fd12::3", "2001:db8::1"],
    // Nothing but trusted hops: the farthest.
    ["10.9.9.9", "10.9.9.9"],
  ])("from a trusted proxy, X-Forwarded-For %j → %s", (forwarded, address) => {
    expect(clientAddress("::ffff:10.0.0.2", { "x-forwarded-for": forwarded }, proxies)).toBe(address);
  });

  it("from a trusted proxy without X-Forwarded-For, the proxy's address", () => {
    expect(clientAddress("10.0.0.2", {}, proxies)).toBe("10.0.0.2");
  });

  it("refuses a malformed PORTCULLIS_TRUSTED_PROXIES", () => {
    for (const bad of ["proxy.internal", "10.0.0.0/33", "10.0.0.0/x", "1.2.3.4/8/1", "fd00::/129"]) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(/PORTCULLIS_TRUSTED_PROXIES/);
    }
    expect(parseTrustedProxies(" , ")("10.0.0.1")).toBe(false);
  });
});

describe("request client address", () => {
  it("says once, with the setting, when an untrusted peer forwards for other clients; stays quiet for a direct client", () => {
    const said: string[] = [];
    const log = (message: string) => said.push(message);
    expect(requestClientAddress("203.0.113.9", { "x-forwarded-for": "203.0.113.9" }, log)).toBe("203.0.113.9");
    expect(requestClientAddress("203.0.113.9", {}, log)).toBe("203.0.113.9");
    expect(requestClientAddress("203.0.113.9", { "x-forwarded-for": "unknown, <script>" }, log)).toBe("203.0.113.9");
    expect(said).toEqual([]);
    expect(requestClientAddress("::ffff:10.0.0.5", { "x-forwarded-for": "198.51.100.7" }, log)).toBe("10.0.0.5");
    expect(requestClientAddress("10.0.0.5", { "x-forwarded-for": "198.51.100.8" }, log)).toBe("10.0.0.5");
    expect(said).toHaveLength(1);
    expect(said[0]).toContain("10.0.0.5 is not in PORTCULLIS_TRUSTED_PROXIES");
    expect(said[0]).toContain("X-Forwarded-For (198.51.100.7)");
  });

  it("warns about at most 16 peers, so forged headers cannot grow the log or the memory", () => {
    const said: string[] = [];
    for (let i = 0; i < 40; i++) requestClientAddress(`192.0.2.${i}`, { "x-forwarded-for": "198.51.100.1" }, (m) => said.push(m));
    expect(said.length).toBeLessThanOrEqual(16);
    expect(said.length).toBeGreaterThan(0);
  });
});
