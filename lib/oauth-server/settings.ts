// How the console's authorization server behaves, from the environment (zod,
// one readable error): dynamic client registration open, subject to an
// admin's approval (lib/oauth-server/clients.ts), or off; whether a
// Client ID Metadata Document may be fetched from a private or loopback
// address (tests and the demo only: in production that is an SSRF hole);
// which consumer a signed-in user acts as; and how many clients one address
// may register per hour (registration needs no credentials).
import { z } from "zod";
import { UserFacingError } from "../core/errors";

const settingsSchema = z.object({
  PORTCULLIS_OAUTH_REGISTRATION: z.enum(["open", "approval", "off"], { error: "must be open, approval or off" }).default("open"),
  PORTCULLIS_OAUTH_CIMD_PRIVATE_ADDRESSES: z.enum(["refuse", "allow"], { error: "must be refuse or allow" }).default("refuse"),
  PORTCULLIS_SIGN_IN_CONSUMERS: z.enum(["create", "existing"], { error: "must be create or existing" }).default("create"),
  PORTCULLIS_OAUTH_REGISTRATIONS_PER_HOUR: z.coerce
    .number({ error: "must be a whole number from 1 to 100000" })
    .int("must be a whole number from 1 to 100000")
    .min(1, "must be a whole number from 1 to 100000")
    .max(100_000, "must be a whole number from 1 to 100000")
    .default(60),
});

export interface AuthorizationServerSettings {
  /** `approval`: a registered client is pending until an admin approves it on the MCP clients page. */
  registration: "open" | "approval" | "off";
  cimdPrivateAddresses: boolean;
  /** `create`: a signed-in user without a consumer gets one named by their email; `existing`: only a consumer an admin made. */
  consumers: "create" | "existing";
  /** Dynamic registrations (RFC 7591) one client address may make per hour; past it, 429. */
  registrationsPerHour: number;
}

export function readAuthorizationServerSettings(env: NodeJS.ProcessEnv): AuthorizationServerSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
    throw new UserFacingError(`Invalid environment: ${problems.join("; ")}`, "ENV_INVALID");
  }
  const s = parsed.data;
  return {
    registration: s.PORTCULLIS_OAUTH_REGISTRATION,
    cimdPrivateAddresses: s.PORTCULLIS_OAUTH_CIMD_PRIVATE_ADDRESSES === "allow",
    consumers: s.PORTCULLIS_SIGN_IN_CONSUMERS,
    registrationsPerHour: s.PORTCULLIS_OAUTH_REGISTRATIONS_PER_HOUR,
  };
}

/** The issuer: the console's public URL (NEXTAUTH_URL) and the path the provider is served under. */
export function authorizationServerIssuer(env: NodeJS.ProcessEnv): string {
  const base = env.NEXTAUTH_URL?.trim();
  if (!base) throw new UserFacingError("Invalid environment: NEXTAUTH_URL (the console's public URL) is needed by the authorization server", "ENV_INVALID");
  return `${base.replace(/\/+$/, "")}${OAUTH_PATH}`;
}

export const OAUTH_PATH = "/api/oauth";
