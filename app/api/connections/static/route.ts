// A user connects a server whose upstream takes a pasted secret (a personal access token), sealed at once.
import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";
import { saveStaticSecret } from "@/lib/console/connections/connect-flow";
import { route } from "@/lib/console/route";

const staticSecretSchema = z.strictObject({
  server: z.string().min(1).max(128),
  secret: z.string().trim().min(1, "paste the secret the upstream gave you").max(8192),
});

export const POST = route({ roles: ROLES, body: staticSecretSchema }, ({ user, body }) => saveStaticSecret(user, body.server, body.secret));
