import { describe, expect, it } from "vitest";
import { redirectSite } from "./client-status";

describe("where the consent page says the code goes", () => {
  it.each([
    ["https://evil.example/cb?x=1", { site: "https://evil.example", local: false }],
    ["https://Claude.AI:8443/api/mcp/auth_callback", { site: "https://claude.ai:8443", local: false }],
    ["http://127.0.0.1:53682/callback", { site: "http://127.0.0.1:53682", local: true }],
    ["http://localhost/cb", { site: "http://localhost", local: true }],
    ["http://[::1]:9000/cb", { site: "http://[::1]:9000", local: true }],
    ["cursor://anysphere.cursor-retrieval/oauth/callback", { site: "cursor://anysphere.cursor-retrieval", local: false }],
    ["com.example.app:/oauth2redirect", { site: "com.example.app:", local: false }],
  ])("%s → %o", (uri, expected) => {
    expect(redirectSite(uri)).toEqual(expected);
  });
});
