import { describe, expect, it } from "vitest";
import { bearerChallenge, rewriteUpstreamChallenge } from "./challenge";

const ours = "https://gw.example/.well-known/oauth-protected-resource/github-mcp";

describe("WWW-Authenticate", () => {
  it("builds the gateway's challenge", () => {
    expect(bearerChallenge({ resource_metadata: ours })).toBe(`Bearer resource_metadata="${ours}"`);
    expect(bearerChallenge({ error: "invalid_token", resource_metadata: ours })).toBe(`Bearer error="invalid_token", resource_metadata="${ours}"`);
  });

  it.each([
    [
      'Bearer error="insufficient_scope", scope="repo read:org", resource_metadata="https://api.githubcopilot.com/.well-known/oauth-protected-resource/mcp/"',
      `Bearer error="insufficient_scope", scope="repo read:org", resource_metadata="${ours}"`,
    ],
    ['Bearer resource_metadata="https://up/.well-known/x", scope=repo', `Bearer scope="repo", resource_metadata="${ours}"`],
    ['Bearer realm="GitHub", error_description="say \\"hi\\""', `Bearer realm="GitHub", error_description="say \\"hi\\"", resource_metadata="${ours}"`],
    ["Bearer", `Bearer resource_metadata="${ours}"`],
    ['Basic realm="x", Bearer scope="a"', `Bearer scope="a", resource_metadata="${ours}"`],
  ])("rewrites %s", (upstream, expected) => {
    expect(rewriteUpstreamChallenge(upstream, ours)).toBe(expected);
  });
});
