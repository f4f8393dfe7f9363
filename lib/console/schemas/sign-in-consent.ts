import { z } from "zod";

/** The user's answer to an MCP client's sign-in request (app/oauth/sign-in/[uid]). */
export const signInConsentSchema = z.strictObject({ decision: z.enum(["allow", "deny"]) });
