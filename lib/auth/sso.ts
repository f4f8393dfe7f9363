// Optional single sign-on with the organisation's OpenID Connect IdP,
// configured from the environment and validated once. Group membership
// (a claim of the ID token or userinfo) maps to a console role when a user
// signs in for the first time; after that the console's Users page owns the role.
// A console user is bound to the IdP's (issuer, sub) at their first sign-in
// (lib/auth/sso-sign-in.ts).
import { z } from "zod";
import { UserFacingError } from "../core/errors";
import { ROLES, type Role } from "./roles";

export interface SsoSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the sign-in button says: "Sign in with <name>". */
  name: string;
  /** IdP group → console role. */
  roleMap: ReadonlyMap<string, Role>;
  /** Claim holding the groups; a dotted path reaches nested claims (e.g. realm_access.roles). */
  groupsClaim: string;
  /** Role of a first-time user whose groups map to none; null refuses them. */
  defaultRole: Role | null;
  scopes: string;
  /**
   * Whether the IdP's `email` claim is trusted when it sends no `email_verified` (PORTCULLIS_OIDC_TRUST_EMAIL):
   * only then may such a sign-in link an existing console user by email. Off by default: IdPs such as
   * multi-tenant Entra ID let users set their own email.
   */
  trustEmail: boolean;
}

// Most privileged first: a user in several mapped groups gets the highest role.
const PRIVILEGE: readonly Role[] = ["admin", "developer", "viewer"];

/** "admins=admin, devs=developer" → Map { admins → admin, devs → developer }. */
export function parseRoleMap(text: string): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const entry of text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const cut = entry.lastIndexOf("=");
    const group = entry.slice(0, cut).trim();
    const role = entry.slice(cut + 1).trim();
    if (cut <= 0 || !group) throw new Error(`"${entry}" is not group=role`);
    if (!(ROLES as readonly string[]).includes(role)) throw new Error(`"${role}" in "${entry}" is not a role (${ROLES.join(", ")})`);
    map.set(group, role as Role);
  }
  return map;
}

const envSchema = z.object({
  PORTCULLIS_OIDC_ISSUER: z.url({ protocol: /^https?$/, error: "must be the IdP's issuer URL" }),
  PORTCULLIS_OIDC_CLIENT_ID: z.string({ error: "is required when PORTCULLIS_OIDC_ISSUER is set" }).min(1),
  PORTCULLIS_OIDC_CLIENT_SECRET: z.string({ error: "is required when PORTCULLIS_OIDC_ISSUER is set" }).min(1),
  PORTCULLIS_OIDC_NAME: z.string().min(1).max(60).default("single sign-on"),
  PORTCULLIS_OIDC_ROLE_MAP: z
    .string()
    .default("")
    .transform((text, ctx) => {
      try {
        return parseRoleMap(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  PORTCULLIS_OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
  PORTCULLIS_OIDC_DEFAULT_ROLE: z.enum(["none", ...ROLES], { error: `must be none, ${ROLES.join(", ")}` }).default("none"),
  PORTCULLIS_OIDC_SCOPES: z.string().min(1).default("openid email profile"),
  PORTCULLIS_OIDC_TRUST_EMAIL: z.enum(["true", "false"], { error: "must be true or false" }).default("false"),
});

/** The SSO settings, or undefined when PORTCULLIS_OIDC_ISSUER is unset. Throws one readable line when they are wrong. */
export function readSsoSettings(env: Record<string, string | undefined>): SsoSettings | undefined {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith("PORTCULLIS_OIDC_") && value));
  if (!present.PORTCULLIS_OIDC_ISSUER) {
    const stray = Object.keys(present);
    if (stray.length) throw new UserFacingError(`Invalid environment: ${stray.join(", ")} set but PORTCULLIS_OIDC_ISSUER is not`, "ENV_INVALID");
    return undefined;
  }
  const result = envSchema.safeParse(present);
  if (!result.success) {
    throw new UserFacingError(`Invalid environment: ${result.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join("; ")}`, "ENV_INVALID");
  }
  const s = result.data;
  return {
    issuer: s.PORTCULLIS_OIDC_ISSUER.replace(/\/$/, ""),
    clientId: s.PORTCULLIS_OIDC_CLIENT_ID,
    clientSecret: s.PORTCULLIS_OIDC_CLIENT_SECRET,
    name: s.PORTCULLIS_OIDC_NAME,
    roleMap: s.PORTCULLIS_OIDC_ROLE_MAP,
    groupsClaim: s.PORTCULLIS_OIDC_GROUPS_CLAIM,
    defaultRole: s.PORTCULLIS_OIDC_DEFAULT_ROLE === "none" ? null : s.PORTCULLIS_OIDC_DEFAULT_ROLE,
    scopes: s.PORTCULLIS_OIDC_SCOPES,
    trustEmail: s.PORTCULLIS_OIDC_TRUST_EMAIL === "true",
  };
}

/** The groups in the claims: an array, or a space- or comma-separated string, at a possibly dotted path. */
export function groupsFromClaims(claims: Record<string, unknown>, claim: string): string[] {
  let value: unknown = claim in claims ? claims[claim] : claims;
  if (!(claim in claims)) {
    for (const part of claim.split(".")) value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The most privileged role any of the groups maps to, else the default (null: refuse). */
export function roleForGroups(groups: readonly string[], settings: Pick<SsoSettings, "roleMap" | "defaultRole">): Role | null {
  const mapped = new Set(groups.flatMap((g) => (settings.roleMap.has(g) ? [settings.roleMap.get(g)!] : [])));
  return PRIVILEGE.find((role) => mapped.has(role)) ?? settings.defaultRole;
}
