// The sign-in endpoint as next-auth serves it (its core handler with our
// options, a real database, real scrypt): session cookie attributes, the
// sessions' sign-in time and its limits, and the throttles.
import { randomBytes } from "node:crypto";
// next-auth v4 does not export its core handler; the test drives it directly to see the cookies it sets.
import { AuthHandler } from "../../node_modules/next-auth/core/index.js";
import { decode, encode } from "next-auth/jwt";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useConsoleDatabase } from "../../test/support/console";
import { resetPassword, signOutEverywhere } from "../console/users";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { authOptions, SESSION_MAX_AGE_S, SIGN_IN_LIMITS } from "./options";
import { hashPassword } from "./password";
import { sessionUser } from "./session";

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
async function signIn(origin: string, email: string, password: string, address = "192.0.2.1") {
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
        // As pages/api/auth/[...nextauth].ts sets it from the socket.
        [CLIENT_ADDRESS_HEADER]: address,
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
  it(`refuses an account from one address after ${SIGN_IN_LIMITS.perAccountAndAddress} failures there, even with the right password, but not from elsewhere`, async () => {
    const email = await account();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccountAndAddress; i++) {
      expect((await signIn("http://localhost:3000", email, "wrong password", "198.51.100.1")).error).toBe("CredentialsSignin");
    }
    expect((await signIn("http://localhost:3000", email, PASSWORD, "198.51.100.1")).error).toBe("RateLimited");
    // The guesser's address does not lock the account's owner out.
    expect((await signIn("http://localhost:3000", email, PASSWORD, "198.51.100.2")).error).toBeNull();
  });

  it(`refuses an account after ${SIGN_IN_LIMITS.perAccount} failures across addresses, even with the right password`, async () => {
    const email = await account();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
      expect((await signIn("http://localhost:3000", email, "wrong password", `198.51.101.${i}`)).error).toBe("CredentialsSignin");
    }
    expect((await signIn("http://localhost:3000", email, PASSWORD, "198.51.101.250")).error).toBe("RateLimited");
    // Other accounts are not affected.
    expect((await signIn("http://localhost:3000", await account(), PASSWORD, "198.51.101.251")).error).toBeNull();
  });

  it("a success clears the account's failures from its address", async () => {
    const email = await account();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccountAndAddress - 1; i++) await signIn("http://localhost:3000", email, "wrong", "203.0.113.50");
    expect((await signIn("http://localhost:3000", email, PASSWORD, "203.0.113.50")).error).toBeNull();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccountAndAddress - 1; i++) await signIn("http://localhost:3000", email, "wrong", "203.0.113.50");
    expect((await signIn("http://localhost:3000", email, PASSWORD, "203.0.113.50")).error).toBeNull();
  });

  it(`refuses an address after ${SIGN_IN_LIMITS.perAddress} failures across accounts, while other addresses go on`, async () => {
    const address = "203.0.113.7";
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++) {
      expect((await signIn("http://localhost:3000", `nobody-${i}@example.com`, "guess", address)).error).toBe("CredentialsSignin");
    }
    const email = await account();
    expect((await signIn("http://localhost:3000", email, PASSWORD, address)).error).toBe("RateLimited");
    expect((await signIn("http://localhost:3000", email, PASSWORD, "203.0.113.8")).error).toBeNull();
  });

  it("parallel guesses cannot slip past the limit before the first is judged", async () => {
    const email = await account();
    const results = await Promise.all(Array.from({ length: 12 }, () => signIn("http://localhost:3000", email, "wrong", "192.0.2.100")));
    const errors = results.map((r) => r.error);
    expect(errors.filter((e) => e === "CredentialsSignin")).toHaveLength(SIGN_IN_LIMITS.perAccountAndAddress);
    expect(errors.filter((e) => e === "RateLimited")).toHaveLength(12 - SIGN_IN_LIMITS.perAccountAndAddress);
  });
});

/** next-auth's session endpoint with this cookie: the session it hands getServerSession, and the re-issued cookie. */
async function readSession(origin: string, cookie: Cookie) {
  const options = { ...authOptions, secret: process.env.NEXTAUTH_SECRET };
  const response = await AuthHandler({ req: new Request(`${origin}/api/auth/session`, { headers: { cookie: `${cookie.name}=${cookie.value}` } }), options });
  const reissued = ((response.cookies ?? []) as Cookie[]).find((c) => c.name.includes("session-token"));
  return { session: response.body as Parameters<typeof sessionUser>[0], reissued };
}

async function sessionCookie(email: string, address = "192.0.2.60") {
  const { error, cookies } = await signIn("http://localhost:3000", email, PASSWORD, address);
  expect(error).toBeNull();
  return cookies.find((c) => c.name.includes("session-token"))!;
}

describe("session revocation and lifetime", () => {
  it("carries the sign-in time, unchanged when the session endpoint re-issues the cookie with a fresh expiry", async () => {
    const email = await account();
    const before = Date.now();
    const cookie = await sessionCookie(email);
    const first = await decode({ token: cookie.value, secret: process.env.NEXTAUTH_SECRET! });
    expect(first?.authTime).toBeGreaterThanOrEqual(before);
    // The token itself expires with the session (next-auth would give it 30 days).
    expect(first!.exp as number).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + SESSION_MAX_AGE_S);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { session, reissued } = await readSession("http://localhost:3000", cookie);
    const second = await decode({ token: reissued!.value, secret: process.env.NEXTAUTH_SECRET! });
    expect(second?.authTime).toBe(first?.authTime);
    expect(second!.exp as number).toBeGreaterThan(first!.exp as number);
    expect((await sessionUser(session))?.email).toBe(email);
  });

  it("a password reset refuses the sessions signed in before it; a sign-in with the new password works", async () => {
    const email = await account();
    const user = (await ctx.db.user.findUniqueOrThrow({ where: { email } })) as { id: string };
    const old = await sessionCookie(email);
    expect(await sessionUser((await readSession("http://localhost:3000", old)).session)).toBeDefined();
    const admin = await ctx.user("admin");
    await resetPassword(admin, user.id, { passwordMode: "set", password: PASSWORD });
    expect(await sessionUser((await readSession("http://localhost:3000", old)).session)).toBeUndefined();
    const fresh = await sessionCookie(email, "192.0.2.61");
    expect((await sessionUser((await readSession("http://localhost:3000", fresh)).session))?.id).toBe(user.id);
  });

  it("sign out everywhere ends every session of the user, not other users'", async () => {
    const email = await account();
    const other = await account();
    const user = (await ctx.db.user.findUniqueOrThrow({ where: { email } })) as { id: string; email: string; name: string; role: "developer" };
    const laptop = await sessionCookie(email, "192.0.2.62");
    const phone = await sessionCookie(email, "192.0.2.63");
    const theirs = await sessionCookie(other, "192.0.2.64");
    await signOutEverywhere(user, user.id);
    for (const cookie of [laptop, phone]) expect(await sessionUser((await readSession("http://localhost:3000", cookie)).session)).toBeUndefined();
    expect((await sessionUser((await readSession("http://localhost:3000", theirs)).session))?.email).toBe(other);
    const activity = await ctx.db.activityLog.findFirst({ where: { action: "user.sign_out_everywhere", entityId: user.id } });
    expect(activity?.actorId).toBe(user.id);
  });

  it(`refuses a session signed in more than ${SESSION_MAX_AGE_S / 3600} h ago although its cookie is fresh, and a token without a sign-in time`, async () => {
    const email = await account();
    const user = await ctx.db.user.findUniqueOrThrow({ where: { email } });
    const secret = process.env.NEXTAUTH_SECRET!;
    const cookieOf = async (token: Record<string, unknown>): Promise<Cookie> => ({ name: "next-auth.session-token", value: await encode({ token, secret }), options: {} });
    const stale = await cookieOf({ sub: user.id, email, authTime: Date.now() - SESSION_MAX_AGE_S * 1000 - 60_000 });
    const { session } = await readSession("http://localhost:3000", stale);
    // next-auth itself accepts it (its exp is fresh)...
    expect((session as { user?: { id?: string } }).user?.id).toBe(user.id);
    // ...the console does not.
    expect(await sessionUser(session)).toBeUndefined();
    expect(await sessionUser((await readSession("http://localhost:3000", await cookieOf({ sub: user.id, email }))).session)).toBeUndefined();
    const recent = await cookieOf({ sub: user.id, email, authTime: Date.now() - 60_000 });
    expect((await sessionUser((await readSession("http://localhost:3000", recent)).session))?.id).toBe(user.id);
  });
});
