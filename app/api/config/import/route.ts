// Import a YAML/JSON configuration, or roll back to a stored version: first
// `mode: "preview"` (a diff, nothing changes), then `mode: "apply"` with the
// hash the preview was made against.
import { z } from "zod";
import { importConfiguration } from "@/lib/console/config-versions";
import { route } from "@/lib/console/route";

const importSchema = z
  .object({
    text: z.string().max(5_000_000).optional(),
    version: z.number().int().positive().optional(),
    mode: z.enum(["preview", "apply"]),
    expectedCurrentHash: z.string().optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.version === undefined), "send either the file's text or a version number");

export const POST = route({ roles: ["admin"], body: importSchema }, async ({ user, body }) => importConfiguration(user, body));
