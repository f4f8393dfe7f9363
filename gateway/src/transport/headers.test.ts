import { describe, expect, it } from "vitest";
import { clientResponseHeaders, upstreamRequestHeaders } from "./headers";

describe("headers across the gateway", () => {
  it("drops hop-by-hop headers, those named in Connection, cookies and the key header on the way up", () => {
    const up = upstreamRequestHeaders(
      {
        host: "gw",
        connection: "keep-alive, X-Secret-Hop",
        "x-secret-hop": "1",
        "keep-alive": "timeout=5",
        te: "trailers",
        "transfer-encoding": "chunked",
        "proxy-authorization": "Basic x",
        cookie: "s=1",
        origin: "https://app",
        "content-length": "10",
        "accept-encoding": "gzip",
        apikey: "k",
        authorization: "Bearer t",
        "mcp-session-id": "s",
        "mcp-protocol-version": "2025-06-18",
        "last-event-id": "e",
        "x-mcp-toolsets": "repos",
      },
      ["apikey"],
    );
    expect(up).toEqual({
      authorization: "Bearer t",
      "mcp-session-id": "s",
      "mcp-protocol-version": "2025-06-18",
      "last-event-id": "e",
      "x-mcp-toolsets": "repos",
      "accept-encoding": "identity",
    });
  });

  it("drops headers describing the client's bytes (the body is re-serialised) and client-address claims unless configured", () => {
    const incoming = {
      "content-encoding": "gzip",
      "content-md5": "x",
      digest: "sha-256=x",
      "content-digest": "sha-256=:x:",
      "x-real-ip": "10.0.0.1",
      "true-client-ip": "10.0.0.2",
      "cf-connecting-ip": "10.0.0.3",
      "x-forwarded-for": "10.0.0.4",
      "content-type": "application/json",
    };
    expect(upstreamRequestHeaders(incoming, [])).toEqual({ "content-type": "application/json", "accept-encoding": "identity" });
    expect(upstreamRequestHeaders(incoming, [], new Set(["x-real-ip"]))).toEqual({ "content-type": "application/json", "accept-encoding": "identity", "x-real-ip": "10.0.0.1" });
  });

  it("drops hop-by-hop headers, cookies and the upstream's CORS on the way down", () => {
    const down = clientResponseHeaders({
      connection: "x-up-hop",
      "x-up-hop": "1",
      "keep-alive": "timeout=5",
      "transfer-encoding": "chunked",
      "content-length": "5",
      "set-cookie": ["a=b"],
      "access-control-allow-origin": "*",
      "content-type": "text/event-stream",
      "mcp-session-id": "s",
      "cache-control": "no-cache",
    });
    expect(down).toEqual({ "content-type": "text/event-stream", "mcp-session-id": "s", "cache-control": "no-cache" });
  });
});
