// The sign-in endpoint as next-auth serves it (its core handler with our
// options, a real database, real scrypt): session cookie attributes, and the
// per-account and per-address throttles.
import { randomBytes } from "node:crypto";
// next-auth v4 does not export its core handler; the test drives it directly to see the cookies it sets.
import { AuthHandler } from "../../node_modules/next-auth/core/index.js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { authOptions, clientAddress, SIGN_IN_LIMITS } from "./options";
import { hashPassword } from "./password";

const ctx = useConsoleDatabase();
const PASSWORD = "correct horse battery staple";

interface Cookie {
  name: string;
  value: string;
  options: { httpOnly?: boolean; sameSite?: string; secure?: boolean; path?: string };
}

beforeAll(() => {
  process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
});
afterEach(() => {
  delete process.env.NEXTAUTH_URL;
});

/** GET csrf, then POST the credentials like the sign-in form does; returns the error code (or none) and the cookies set. */
async function signIn(origin: string, email: string, password: string, forwardedFor = "192.0.2.1") {
  process.env.NEXTAUTH_URL = origin;
  // As next-auth's Next.js handler does before calling the core.
  const options = { ...authOptions, secret: process.env.NEXTAUTH_SECRET };
  const csrf = await AuthHandler({ req: new Request(`${origin}/api/auth/csrf`), options });
  const csrfCookie = (csrf.cookies as Cookie[]).find((c) => c.name.endsWith("next-auth.csrf-token"))!;
  const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
  const response = await AuthHandler({
    req: new Request(`${origin}/api/auth/callback/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: `${csrfCookie.name}=${csrfCookie.value}`,
        "x-forwarded-for": forwardedFor,
      },
      body: JSON.stringify({ csrfToken, email, password, json: "true" }),
    }),
    options,
  });
  const redirect = response.redirect ?? (response.body as { url?: string } | undefined)?.url ?? "";
  return { error: new URL(redirect, origin).searchParams.get("error"), cookies: (response.cookies ?? []) as Cookie[] };
}

async function account(): Promise<string> {
  const email = `user-${randomBytes(4).toString("hex")}@example.com`;
  await ctx.db.user.create({ data: { email, role: "developer", passwordHash: await hashPassword(PASSWORD) } });
  return email;
}

describe("session cookie", () => {
  it("is httpOnly, SameSite=Lax and Secure (with the __Secure- prefix) behind HTTPS", async () => {
    const { error, cookies } = await signIn("https://console.example.test", await account(), PASSWORD);
    expect(error).toBeNull();
    const session = cookies.find((c) => c.name.includes("session-token"))!;
    expect(session.name).toBe("__Secure-next-auth.session-token");
    expect(session.options).toMatchObject({ httpOnly: true, sameSite: "lax", secure: true, path: "/" });
  });

  it("is httpOnly and SameSite=Lax, without Secure over plain http (where a browser would drop a Secure cookie)", async () => {
    const { cookies } = await signIn("http://localhost:3000", await account(), PASSWORD, "192.0.2.2");
    const session = cookies.find((c) => c.name.includes("session-token"))!;
    expect(session.name).toBe("next-auth.session-token");
    expect(session.options).toMatchObject({ httpOnly: true, sameSite: "lax", secure: false });
  });
});

describe("sign-in throttling", () => {
  it(`refuses the ${SIGN_IN_LIMITS.perAccount + 1}th attempt for an account after ${SIGN_IN_LIMITS.perAccount} failures, even with the right password`, async () => {
    const email = await account();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
      expect((await signIn("http://localhost:3000", email, "wrong password", `198.51.100.${i}`)).error).toBe("CredentialsSignin");
    }
    expect((await signIn("http://localhost:3000", email, PASSWORD, "198.51.100.99")).error).toBe("RateLimited");
    // Other accounts are not affected.
    expect((await signIn("http://localhost:3000", await account(), PASSWORD, "198.51.100.98")).error).toBeNull();
  });

  it("a success clears the account's failures", async () => {
    const email = await account();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount - 1; i++) await signIn("http://localhost:3000", email, "wrong", "203.0.113.50");
    expect((await signIn("http://localhost:3000", email, PASSWORD, "203.0.113.50")).error).toBeNull();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount - 1; i++) await signIn("http://localhost:3000", email, "wrong", "203.0.113.50");
    expect((await signIn("http://localhost:3000", email, PASSWORD, "203.0.113.50")).error).toBeNull();
  });

  it(`refuses an address after ${SIGN_IN_LIMITS.perAddress} failures across accounts, while other addresses go on`, async () => {
    const address = "203.0.113.7";
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++) {
      expect((await signIn("http://localhost:3000", `nobody-${i}@example.com`, "guess", address)).error).toBe("CredentialsSignin");
    }
    const email = await account();
    expect((await signIn("http://localhost:3000", email, PASSWORD, address)).error).toBe("RateLimited");
    // The address is the last X-Forwarded-For hop: a client prepending other addresses does not escape the limit.
    expect((await signIn("http://localhost:3000", email, PASSWORD, `10.9.8.7, ${address}`)).error).toBe("RateLimited");
    expect((await signIn("http://localhost:3000", email, PASSWORD, "203.0.113.8")).error).toBeNull();
  });

  it("parallel guesses cannot slip past the limit before the first is judged", async () => {
    const email = await account();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn("http://localhost:3000", email, "wrong", `192.0.2.${100 + i}`)));
    const errors = results.map((r) => r.error);
    expect(errors.filter((e) => e === "CredentialsSignin")).toHaveLength(SIGN_IN_LIMITS.perAccount);
    expect(errors.filter((e) => e === "RateLimited")).toHaveLength(12 - SIGN_IN_LIMITS.perAccount);
  });
});

describe("client address", () => {
  it.each([
    [{ "x-forwarded-for": "127.0.0.1" }, "127.0.0.1"],
    [{ "x-forwarded-for": "1.2.3.4, 10.0.0.1" }, "10.0.0.1"],
    [{ "x-forwarded-for": "" }, "unknown"],
    [{}, "unknown"],
    [undefined, "unknown"],
  ])("%o → %s", (headers, address) => {
    expect(clientAddress(headers)).toBe(address);
  });
});
