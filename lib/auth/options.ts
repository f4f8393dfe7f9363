// next-auth configuration: email + password (scrypt), JWT sessions in an
// httpOnly, SameSite=Lax cookie (Secure when the console URL is https).
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db/client";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password";
import { createRateLimiter } from "./rate-limit";

const byAccount = createRateLimiter(5, 15 * 60_000);
const byAddress = createRateLimiter(30, 15 * 60_000);

const credentialsSchema = z.object({ email: z.string().trim().toLowerCase().pipe(z.email()), password: z.string().min(1).max(1024) });

export const SIGN_IN_ERRORS = {
  CredentialsSignin: "Wrong email or password.",
  RateLimited: "Too many failed attempts. Wait a few minutes, then try again.",
} as const;

function clientAddress(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  return typeof forwarded === "string" ? forwarded.split(",")[0]!.trim() : "unknown";
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const address = clientAddress(req?.headers);
        if (byAccount.retryAfter(email) > 0 || byAddress.retryAfter(address) > 0) throw new Error("RateLimited");
        const user = await db().user.findUnique({ where: { email } });
        // Verify against a dummy hash for unknown emails so timing does not reveal which accounts exist.
        const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
        if (!user || !ok || user.disabledAt) {
          byAccount.fail(email);
          byAddress.fail(address);
          return null;
        }
        byAccount.reset(email);
        await db().user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
      return session;
    },
  },
};
