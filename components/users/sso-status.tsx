import type { Role } from "@/lib/auth/roles";
import { Card } from "../ui/card";

export interface SsoSummary {
  name: string;
  issuer: string;
  groupsClaim: string;
  roleMap: [string, Role][];
  defaultRole: Role | null;
  trustEmail: boolean;
}

/** What single sign-on does for new users — configured from the environment, so shown, not edited. */
export function SsoStatus({ sso }: { sso?: SsoSummary }) {
  return (
    <Card className="mb-6">
      <h2 className="text-sm font-semibold">Single sign-on</h2>
      {sso ? (
        <div className="mt-1 space-y-1 text-sm text-zinc-600 dark:text-zinc-400">
          <p>
            On, with <strong>{sso.name}</strong> (<code className="font-mono text-xs">{sso.issuer}</code>). Someone signing in for the first time gets the role of their{" "}
            <code className="font-mono text-xs">{sso.groupsClaim}</code> claim:{" "}
            {sso.roleMap.length ? sso.roleMap.map(([group, role]) => `${group} → ${role}`).join(", ") : "no groups are mapped"}
            {"; "}
            {sso.defaultRole ? `anyone else becomes ${sso.defaultRole}.` : "anyone else is refused."} After that, their role is set here.
          </p>
          <p>
            Each user is linked to their account at the identity provider when they first sign in with it, and found by that account afterwards. An existing user is linked by email
            only when the identity provider says it verified the address
            {sso.trustEmail ? (
              <>
                {" "}
                or sends no such claim (<code className="font-mono text-xs">PORTCULLIS_OIDC_TRUST_EMAIL=true</code>: its email addresses are trusted).
              </>
            ) : (
              "."
            )}
          </p>
        </div>
      ) : (
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Off. Set <code className="font-mono text-xs">PORTCULLIS_OIDC_ISSUER</code>, <code className="font-mono text-xs">PORTCULLIS_OIDC_CLIENT_ID</code> and{" "}
          <code className="font-mono text-xs">PORTCULLIS_OIDC_CLIENT_SECRET</code> to let people sign in with your organisation&apos;s identity provider (see docs/console.md).
        </p>
      )}
    </Card>
  );
}
