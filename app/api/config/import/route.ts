// Import a YAML/JSON configuration, or roll back to a stored version: first
// `mode: "preview"` (a diff, nothing changes), then `mode: "apply"` with the
// hash the preview was made against.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { ConsoleError, notFound } from "@/lib/console/errors";
import { route } from "@/lib/console/route";
import { applyImport, parseConfigText, previewImport } from "@/lib/controlplane/import";
import { loadMasterKey } from "@/lib/core/vault/secret-box";

const importSchema = z
  .object({
    text: z.string().max(5_000_000).optional(),
    version: z.number().int().positive().optional(),
    mode: z.enum(["preview", "apply"]),
    expectedCurrentHash: z.string().optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.version === undefined), "send either the file's text or a version number");

export const POST = route({ roles: ["admin"], body: importSchema }, async ({ user, body }) => {
  let text = body.text;
  if (body.version !== undefined) {
    const version = await db().configVersion.findUnique({ where: { number: body.version }, select: { document: true } });
    if (!version) throw notFound(`Version ${body.version}`);
    text = JSON.stringify(version.document);
  }
  const config = parseConfigText(text!);
  const masterKey = loadMasterKey(process.env, process.env.PORTCULLIS_DATA_DIR ?? ".portcullis");
  if (body.mode === "preview") return previewImport(db(), config, masterKey);
  if (!body.expectedCurrentHash) throw new ConsoleError("invalid", "Preview the import first.");
  const action = body.version !== undefined ? "config.rollback" : "config.import";
  await applyImport(db(), user, config, masterKey, body.expectedCurrentHash, action);
  return { ok: true };
});
