// The memory of users' credentials: one console request for concurrent misses, and a bound on how many are held.
import { afterEach, describe, expect, it, vi } from "vitest";
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
  afterEach(() => vi.useRealTimers());

  it("asks the console again after a minute: a revoked connection stops; a console that is down leaves the held value in use until its expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const answers: (UpstreamTokenAnswer | Error)[] = [
      { status: "connected", value: "Bearer first", header: "Authorization", expires_at: expiresAt },
      credentialUnavailable("gh", "console down"),
      { status: "broken", connect_url: "https://console.example/connections/gh/connect", message: "an admin revoked it" },
    ];
    let asked = 0;
    const source: UpstreamTokenSource = {
      lookUp: () => {
        asked++;
        const answer = answers.shift()!;
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    };
    const credentials = new UserCredentials(source, () => {});
    expect(await credentials.credentialFor(request("alice"))).toBe("Bearer first");
    vi.advanceTimersByTime(59_000);
    expect(await credentials.credentialFor(request("alice"))).toBe("Bearer first");
    expect(asked).toBe(1);
    vi.advanceTimersByTime(2_000);
    // The console is down: the held value, an hour from expiry, still serves.
    expect(await credentials.credentialFor(request("alice"))).toBe("Bearer first");
    expect(asked).toBe(2);
    // Tried again 5 s later, not on every call meanwhile (each try may wait for the console's timeout).
    expect(await credentials.credentialFor(request("alice"))).toBe("Bearer first");
    expect(asked).toBe(2);
    vi.advanceTimersByTime(5_000);
    // The console is back and says the connection was revoked: it stops at once.
    await expect(credentials.credentialFor(request("alice"))).rejects.toMatchObject({ name: "ConnectionRequired" });
    expect(asked).toBe(3);
  });

  it("asks the console once for concurrent misses of one user, and each waiting request gets the credential", async () => {
    const cp = heldConsole();
    const credentials = new UserCredentials(cp.source, () => {});
    const contexts = [1, 2, 3, 4, 5].map(() => request("alice"));
    const applied = Promise.all(contexts.map((ctx) => credentials.credentialFor(ctx)));
    const other = credentials.credentialFor(request("bob"));
    expect(cp.asked).toEqual([
      { server: "gh", consumer: "alice" },
      { server: "gh", consumer: "bob" },
    ]);
    cp.releaseAll();
    expect(await applied).toEqual(Array(5).fill("Bearer alice-1"));
    expect(await other).toBe("Bearer bob-2");
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
    expect(await credentials.credentialFor(request("alice"))).toBe("Bearer old");
    await expect(credentials.credentialFor(request("alice"), "Bearer old")).rejects.toMatchObject({ code: "credential_unavailable" });
    await expect(credentials.credentialFor(request("alice"))).rejects.toMatchObject({ code: "credential_unavailable" });
    expect(asked).toBe(3);
  });

  it("holds at most 10 000 users: the oldest is asked for again", async () => {
    const cp = heldConsole();
    const credentials = new UserCredentials(cp.source, () => {});
    for (let i = 0; i <= 10_000; i++) {
      const applying = credentials.credentialFor(request(`user-${i}`));
      cp.releaseAll();
      await applying;
    }
    const newest = credentials.credentialFor(request("user-10000"));
    expect(await newest).toBe("Bearer user-10000-10001");
    const oldest = credentials.credentialFor(request("user-0"));
    cp.releaseAll();
    expect(await oldest).toBe("Bearer user-0-10002");
    expect(cp.asked).toHaveLength(10_002);
  });
});
