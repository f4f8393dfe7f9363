// The console's tool sync against real servers of both eras: a 2026-07-28
// server is read statelessly (server/discover, then every page), a server of
// an earlier revision through the SDK's handshake, and a refused credential is
// said as such whichever era the server is from.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SDK_TOOLS, startSdkUpstream, type SdkUpstream } from "../gateway/test/support/sdk-upstream";
import { STATELESS_TOOLS, startStatelessUpstream, type StatelessUpstream } from "../demo/mcp-2026/reference-server";
import { fetchUpstreamTools } from "../lib/console/upstream-tools";

let statelessJson: StatelessUpstream;
let statelessSse: StatelessUpstream;
let earlier: SdkUpstream;
let refusing: http.Server;
let refusingUrl: string;

beforeAll(async () => {
  [statelessJson, statelessSse, earlier] = await Promise.all([startStatelessUpstream(), startStatelessUpstream({ sse: true }), startSdkUpstream({ json: false })]);
  refusing = http.createServer((_req, res) => res.writeHead(401, { "www-authenticate": "Bearer" }).end());
  await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
  refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/mcp`;
});

afterAll(async () => {
  await Promise.all([statelessJson.close(), statelessSse.close(), earlier.close(), new Promise((resolve) => refusing.close(resolve))]);
});

const names = (tools: { name: string }[]) => tools.map((t) => t.name);

describe("fetchUpstreamTools", () => {
  it.each([
    ["JSON", () => statelessJson],
    ["SSE", () => statelessSse],
  ])("reads every page of a 2026-07-28 server answering in %s, with no handshake and no session", async (_, upstream) => {
    const tools = await fetchUpstreamTools(upstream().url, { authorization: "Bearer sync-token" }, 5_000);
    expect(names(tools)).toEqual(STATELESS_TOOLS.map((t) => t.name));
    const methods = upstream().requests.map((r) => r.body.method);
    expect(methods).toEqual(["server/discover", "tools/list", "tools/list", "tools/list"]);
    expect(methods).not.toContain("initialize");
    for (const request of upstream().requests) {
      expect(request.headers["mcp-protocol-version"]).toBe("2026-07-28");
      expect(request.headers["mcp-method"]).toBe(request.body.method);
      expect(request.headers["mcp-session-id"]).toBeUndefined();
      expect(request.headers.authorization).toBe("Bearer sync-token");
    }
  });

  it("falls back to the SDK's handshake for a server of an earlier revision", async () => {
    expect(names(await fetchUpstreamTools(earlier.url, {}, 5_000))).toEqual(SDK_TOOLS.map((t) => t.name));
  });

  it("says a refused credential is refused, without trying another revision's handshake on it", async () => {
    await expect(fetchUpstreamTools(refusingUrl, { authorization: "Bearer wrong" }, 5_000)).rejects.toThrow(/refused the credential \(HTTP 401\)/);
  });
});
