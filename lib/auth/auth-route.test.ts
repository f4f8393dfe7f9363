// pages/api/auth/[...nextauth].ts hands next-auth the socket's address in its own header, over whatever the client sent.
import type { NextApiRequest, NextApiResponse } from "next";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "./client-address";

const seen: Record<string, unknown>[] = [];
vi.mock("next-auth", () => ({ default: (req: NextApiRequest) => void seen.push({ ...req.headers }) }));
const { default: auth } = await import("../../pages/api/auth/[...nextauth]");

const request = (peer: string, headers: Record<string, string>) => ({ socket: { remoteAddress: peer }, headers }) as unknown as NextApiRequest;

afterEach(() => {
  delete process.env.PORTCULLIS_TRUSTED_PROXIES;
  seen.length = 0;
});

describe("the auth endpoint's client address", () => {
  it("is the socket's: a client's X-Forwarded-For and own address header are ignored", async () => {
    await auth(request("203.0.113.9", { "x-forwarded-for": "198.51.100.1", [CLIENT_ADDRESS_HEADER]: "198.51.100.2" }), {} as NextApiResponse);
    expect(seen[0]![CLIENT_ADDRESS_HEADER]).toBe("203.0.113.9");
  });

  it("honours X-Forwarded-For from a trusted proxy", async () => {
    process.env.PORTCULLIS_TRUSTED_PROXIES = "10.0.0.0/8";
    await auth(request("10.0.0.5", { "x-forwarded-for": "6.6.6.6, 198.51.100.1" }), {} as NextApiResponse);
    expect(seen[0]![CLIENT_ADDRESS_HEADER]).toBe("198.51.100.1");
  });
});
