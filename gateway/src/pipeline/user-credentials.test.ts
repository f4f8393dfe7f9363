// The memory of users' credentials: one console request for concurrent misses, and a bound on how many are held.
import { describe, expect, it } from "vitest";
import type { UpstreamTokenAnswer, UpstreamTokenRequest } from "../../../lib/core/controlplane/protocol";
import { credentialUnavailable, type UpstreamTokenSource } from "../control-plane/upstream-token-client";
import type { RequestContext } from "./context";
import { UserCredentials } from "./user-credentials";

/** A console whose answers the test releases. */
function heldConsole() {
  const asked: UpstreamTokenRequest[] = [];
  const pending: (() => void)[] = [];
  const source: UpstreamTokenSource = {
    lookUp(request) {
      asked.push(request);
      const answer: UpstreamTokenAnswer = { status: "connected", value: `Bearer ${request.consumer}-${asked.length}`, header: "Authorization", expires_at: null };
      return new Promise((resolve) => pending.push(() => resolve(answer)));
    },
  };
  return { source, asked, releaseAll: () => pending.splice(0).forEach((release) => release()) };
}

const request = (consumer: string) =>
  ({ route: { name: "gh", perUserCredential: { header: "authorization" } }, caller: { username: consumer, groups: [] } }) as unknown as RequestContext;

describe("UserCredentials", () => {
  it("asks the console once for concurrent misses of one user, and each waiting request gets the credential", async () => {
    const cp = heldConsole();
    const credentials = new UserCredentials(cp.source, () => {});
    const contexts = [1, 2, 3, 4, 5].map(() => request("alice"));
    const applied = Promise.all(contexts.map((ctx) => credentials.apply(ctx)));
    const other = credentials.apply(request("bob"));
    expect(cp.asked).toEqual([
      { server: "gh", consumer: "alice" },
      { server: "gh", consumer: "bob" },
    ]);
    cp.releaseAll();
    expect(await applied).toEqual(Array(5).fill("Bearer alice-1"));
    expect(await other).toBe("Bearer bob-2");
    expect(contexts.map((ctx) => ctx.upstreamHeaders)).toEqual(Array(5).fill({ authorization: "Bearer alice-1" }));
  });

  it("forgets a value the upstream refused even when the console cannot be asked for another", async () => {
    const answers: (UpstreamTokenAnswer | Error)[] = [{ status: "connected", value: "Bearer old", header: "Authorization", expires_at: null }];
    let asked = 0;
    const source: UpstreamTokenSource = {
      lookUp: () => {
        asked++;
        const answer = answers.shift() ?? credentialUnavailable("gh", "console down");
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    };
    const credentials = new UserCredentials(source, () => {});
    expect(await credentials.apply(request("alice"))).toBe("Bearer old");
    await expect(credentials.apply(request("alice"), "Bearer old")).rejects.toMatchObject({ code: "credential_unavailable" });
    await expect(credentials.apply(request("alice"))).rejects.toMatchObject({ code: "credential_unavailable" });
    expect(asked).toBe(3);
  });

  it("holds at most 10 000 users: the oldest is asked for again", async () => {
    const cp = heldConsole();
    const credentials = new UserCredentials(cp.source, () => {});
    for (let i = 0; i <= 10_000; i++) {
      const applying = credentials.apply(request(`user-${i}`));
      cp.releaseAll();
      await applying;
    }
    const newest = credentials.apply(request("user-10000"));
    expect(await newest).toBe("Bearer user-10000-10001");
    const oldest = credentials.apply(request("user-0"));
    cp.releaseAll();
    expect(await oldest).toBe("Bearer user-0-10002");
    expect(cp.asked).toHaveLength(10_002);
  });
});
