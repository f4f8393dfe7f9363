// next-auth configuration: email + password (scrypt) and, when configured,
// single sign-on with the organisation's OIDC IdP (lib/auth/sso.ts). JWT
// sessions in an httpOnly, SameSite=Lax cookie (Secure when the console URL is https).
// next-auth re-issues the cookie with a fresh expiry whenever the session is
// read, so the token also carries its sign-in time (authTime, set once here and
// never refreshed): lib/auth/session.ts refuses a session older than
// SESSION_MAX_AGE_S or signed in before the user's sessionsValidAfter.
import type { NextAuthOptions } from "next-auth";
import type { TokenSet } from "openid-client";
import type { OAuthConfig } from "next-auth/providers/oauth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db/client";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { createRateLimiter } from "./rate-limit";
import { readSsoSettings, type SsoSettings } from "./sso";
import { signInWithSso } from "./sso-sign-in";

/**
 * Failures allowed per window: for one account from one address (a guesser at
 * one address stops here, without locking the account for anyone else), for
 * one account from all addresses together (slows guessing spread over many
 * addresses; reaching it takes several addresses, and it then refuses even the
 * right password until the window passes), and for one address across accounts.
 */
export const SIGN_IN_LIMITS = { perAccountAndAddress: 5, perAccount: 20, perAddress: 30, windowMs: 15 * 60_000 } as const;

const byAccountAndAddress = createRateLimiter(SIGN_IN_LIMITS.perAccountAndAddress, SIGN_IN_LIMITS.windowMs);
const byAccount = createRateLimiter(SIGN_IN_LIMITS.perAccount, SIGN_IN_LIMITS.windowMs);
const byAddress = createRateLimiter(SIGN_IN_LIMITS.perAddress, SIGN_IN_LIMITS.windowMs);

const credentialsSchema = z.object({ email: z.string().trim().toLowerCase().pipe(z.email()), password: z.string().min(1).max(1024) });

export const SSO_PROVIDER_ID = "oidc";

/**
 * The address pages/api/auth/[...nextauth].ts found for the request (lib/auth/client-address.ts).
 * Without it (next-auth reached some other way) every attempt shares the one "unknown" address:
 * throttled together rather than not at all.
 */
function signInAddress(headers: Record<string, unknown> | undefined): string {
  const address = headers?.[CLIENT_ADDRESS_HEADER];
  return typeof address === "string" && address ? address : "unknown";
}

function ssoProvider(settings: SsoSettings): OAuthConfig<Record<string, unknown>> {
  return {
    id: SSO_PROVIDER_ID,
    name: settings.name,
    type: "oauth",
    wellKnown: `${settings.issuer}/.well-known/openid-configuration`,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    authorization: { params: { scope: settings.scopes } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    // Groups may be in the ID token or only at the userinfo endpoint, depending on the IdP: read both.
    userinfo: {
      async request({ client, tokens }) {
        // next-auth passes openid-client's TokenSet (its types say less).
        const tokenSet = tokens as TokenSet;
        const claims = tokenSet.claims() as Record<string, unknown>;
        const userinfo = client.issuer.metadata.userinfo_endpoint ? await client.userinfo(tokenSet) : {};
        return { ...claims, ...userinfo };
      },
    },
    profile: (claims) => ({ id: String(claims.sub), email: typeof claims.email === "string" ? claims.email : null, name: typeof claims.name === "string" ? claims.name : null }),
  };
}

const sso = readSsoSettings(process.env);

/** For the sign-in page: the SSO button's label, when SSO is configured. */
export const ssoButton = sso ? { id: SSO_PROVIDER_ID, name: sso.name } : undefined;

/** A session's lifetime, both idle (the cookie) and absolute (since sign-in), in seconds. */
export const SESSION_MAX_AGE_S = 12 * 60 * 60;

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  // next-auth's JWT expiry defaults to 30 days whatever the session's maxAge (only the cookie gets 12 h): the token gets 12 h too.
  jwt: { maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const address = signInAddress(req?.headers);
        const pair = `${email} ${address}`;
        if (byAccountAndAddress.retryAfter(pair) > 0 || byAccount.retryAfter(email) > 0 || byAddress.retryAfter(address) > 0) throw new Error("RateLimited");
        // Counted before the slow part, so parallel guesses see each other.
        byAccountAndAddress.fail(pair);
        const accountAttempt = byAccount.fail(email);
        const attempt = byAddress.fail(address);
        const user = await db().user.findUnique({ where: { email } });
        // Verify against a dummy hash for unknown emails so timing does not reveal which accounts exist.
        const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
        if (!user || !ok || user.disabledAt) return null;
        // The account's failures from this address are cleared; elsewhere, only this attempt is taken back.
        byAccountAndAddress.reset(pair);
        byAccount.forgive(email, accountAttempt);
        byAddress.forgive(address, attempt);
        await db().user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
    ...(sso ? [ssoProvider(sso)] : []),
  ],
  callbacks: {
    async signIn({ user, account, profile }) {
      if (account?.provider !== SSO_PROVIDER_ID || !sso) return true;
      const outcome = await signInWithSso((profile ?? {}) as Record<string, unknown>, sso);
      if (!outcome.ok) return `/signin?error=${outcome.reason}`;
      // Without an adapter, next-auth v4 hands this same object to the jwt callback: carry the console user's id, not the IdP's sub.
      user.id = outcome.userId;
      return true;
    },
    jwt({ token, user }) {
      // `user` is present only at sign-in (either provider): the sign-in time is set then and kept through every refresh.
      if (user) {
        token.sub = user.id;
        token.authTime = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
      if (typeof token.authTime === "number") (session as { authTime?: number }).authTime = token.authTime;
      return session;
    },
  },
};
