import { describe, expect, it } from "vitest";
import { readExchangeResponse } from "./token-exchange";

const NOW = 1_800_000_000_000;

describe("readExchangeResponse (RFC 8693 §2.2)", () => {
  it.each([
    ["a Bearer token with expires_in", 200, { access_token: "abc.def-ghi", token_type: "Bearer", expires_in: 3600 }, { token: "abc.def-ghi", usableUntil: NOW + 3_570_000 }],
    ["token_type in any case", 200, { access_token: "t0k3n", token_type: "bearer", expires_in: 60 }, { token: "t0k3n", usableUntil: NOW + 30_000 }],
    ["no expires_in: used once, never cached", 200, { access_token: "t0k3n", token_type: "Bearer" }, { token: "t0k3n", usableUntil: 0 }],
  ])("accepts %s", (_what, status, body, expected) => {
    expect(readExchangeResponse(status, body, NOW)).toEqual(expected);
  });

  it.each([
    ["an error answer", 400, { error: "invalid_grant", error_description: "subject token says <script>" }, "token exchange answered HTTP 400 invalid_grant"],
    ["a server error without a body", 500, undefined, "token exchange answered HTTP 500"],
    ["no access_token", 200, { token_type: "Bearer" }, "token exchange answer has no usable access_token"],
    ["an access_token that could split a header", 200, { access_token: "abc\r\nx-injected: 1", token_type: "Bearer" }, "token exchange answer has no usable access_token"],
    ["a token that is not a Bearer token", 200, { access_token: "abc", token_type: "N_A" }, "token exchange issued no Bearer token"],
    ["a DPoP-bound token", 200, { access_token: "abc", token_type: "DPoP" }, "token exchange issued no Bearer token"],
  ])("refuses %s with token_exchange_failed", (_what, status, body, detail) => {
    expect(() => readExchangeResponse(status, body, NOW)).toThrow(expect.objectContaining({ code: "token_exchange_failed", detail }));
  });
});
