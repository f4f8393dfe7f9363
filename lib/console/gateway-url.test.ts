import { describe, expect, it } from "vitest";
import { resolvePublicUrl } from "./gateway-url";

describe("the gateway URL the console shows", () => {
  it.each([
    [
      "PORTCULLIS_PUBLIC_URL first, without a trailing slash",
      { PORTCULLIS_PUBLIC_URL: "https://mcp.example.com/", PORTCULLIS_HTTP_PORT: "9000" },
      "https://imported.example.com",
      "https://mcp.example.com",
    ],
    ["then an imported configuration's public_url", { PORTCULLIS_HTTP_PORT: "9000" }, "https://imported.example.com", "https://imported.example.com"],
    ["then the local HTTP listener", { PORTCULLIS_HTTP_PORT: "9000" }, undefined, "http://localhost:9000"],
    ["on port 8000 by default", {}, undefined, "http://localhost:8000"],
  ])("%s", (_, env, configured, expected) => {
    expect(resolvePublicUrl(env as NodeJS.ProcessEnv, configured)).toBe(expected);
  });
});
