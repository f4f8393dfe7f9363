// Console areas and the roles that may use them. The navigation hides what a
// role may not open, and every page and endpoint checks again on the server.
export const ROLES = ["admin", "developer", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export interface Area {
  href: string;
  label: string;
  roles: readonly Role[];
}

const ADMIN: readonly Role[] = ["admin"];
const OBSERVERS: readonly Role[] = ["admin", "viewer"];
const EVERYONE: readonly Role[] = ROLES;
/** Who may create, roll and revoke the keys of consumers they own (My keys); viewers only look at theirs. */
export const SELF_SERVICE_ROLES: readonly Role[] = ["admin", "developer"];

export const AREAS: readonly Area[] = [
  { href: "/", label: "Dashboard", roles: EVERYONE },
  // Shown to admins, approvers and callers with a call waiting (lib/console/approvals.ts showsApprovalsInbox).
  { href: "/approvals", label: "Approvals", roles: EVERYONE },
  { href: "/servers", label: "MCP servers", roles: ADMIN },
  { href: "/access", label: "Tool access", roles: ADMIN },
  { href: "/consumers", label: "Consumers", roles: ADMIN },
  { href: "/groups", label: "Groups", roles: ADMIN },
  { href: "/mcp-clients", label: "MCP clients", roles: ADMIN },
  { href: "/keys", label: "My keys", roles: EVERYONE },
  { href: "/my-access", label: "My access", roles: EVERYONE },
  { href: "/connections", label: "Connected accounts", roles: EVERYONE },
  { href: "/vault", label: "Vault", roles: ADMIN },
  { href: "/data-planes", label: "Data planes", roles: ADMIN },
  { href: "/config", label: "Configuration", roles: ADMIN },
  { href: "/analytics", label: "Analytics", roles: OBSERVERS },
  { href: "/audit", label: "Audit", roles: OBSERVERS },
  { href: "/users", label: "Users", roles: ADMIN },
  { href: "/activity", label: "Activity log", roles: ADMIN },
  { href: "/settings", label: "Settings", roles: ADMIN },
];

export function areasFor(role: Role): Area[] {
  return AREAS.filter((area) => area.roles.includes(role));
}
