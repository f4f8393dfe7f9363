import { describe, expect, it } from "vitest";
import { ConsoleError } from "./errors";
import { assertSameOrigin } from "./route";

const request = (headers: Record<string, string>) => new Request("http://console.example:3000/api/consumers", { method: "POST", headers });

describe("cross-site request protection (assertSameOrigin)", () => {
  it.each([
    ["same-origin fetch", { "sec-fetch-site": "same-origin", origin: "http://console.example:3000", host: "console.example:3000" }],
    ["typed into the address bar", { "sec-fetch-site": "none" }],
    ["a browser without Sec-Fetch-Site, same Origin", { origin: "http://console.example:3000", host: "console.example:3000" }],
    ["behind a proxy that sets X-Forwarded-Host", { origin: "https://portcullis.corp.example", host: "127.0.0.1:3000", "x-forwarded-host": "portcullis.corp.example" }],
    ["a non-browser client (no Origin, no cookies of a victim)", {}],
  ])("allows %s", (_, headers) => {
    expect(() => assertSameOrigin(request(headers))).not.toThrow();
  });

  it.each([
    ["a cross-site form or fetch", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }],
    ["a sibling subdomain (same-site is not same-origin)", { "sec-fetch-site": "same-site", origin: "http://evil.console.example:3000" }],
    ["an older browser posting from another origin", { origin: "https://evil.example", host: "console.example:3000" }],
    ["another port of the same host", { origin: "http://console.example:4000", host: "console.example:3000" }],
    ["an opaque Origin (sandboxed frame)", { origin: "null", host: "console.example:3000" }],
    ["Sec-Fetch-Site wins over a forged-looking Origin", { "sec-fetch-site": "cross-site", origin: "http://console.example:3000", host: "console.example:3000" }],
  ])("refuses %s", (_, headers) => {
    let error: unknown;
    try {
      assertSameOrigin(request(headers));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConsoleError);
    expect((error as ConsoleError).toBody()).toEqual({ error: { code: "cross_site", message: "Cross-site requests are refused." } });
    expect((error as ConsoleError).status).toBe(403);
  });
});
