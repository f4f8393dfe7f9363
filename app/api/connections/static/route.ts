// A user connects a server whose upstream takes a pasted secret (a personal access token), sealed at once.
import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";
import { UPSTREAM_HEADER_VALUE } from "@/lib/core/controlplane/protocol";
import { saveStaticSecret } from "@/lib/console/connections/connect-flow";
import { route } from "@/lib/console/route";

const staticSecretSchema = z.strictObject({
  server: z.string().min(1).max(128),
  // What the gateway can send as a header value (it refuses anything else): a secret it could never use is refused here.
  secret: z
    .string()
    .trim()
    .min(1, "paste the secret the upstream gave you")
    .max(8000, "a secret is at most 8000 characters")
    .regex(UPSTREAM_HEADER_VALUE, "a secret is printable ASCII without line breaks; check what you pasted"),
});

export const POST = route({ roles: ROLES, body: staticSecretSchema }, ({ user, body }) => saveStaticSecret(user, body.server, body.secret));
