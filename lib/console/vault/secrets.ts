// The built-in vault store: values are encrypted on the way in and never
// leave the server again — no read endpoint, no log line, no activity entry
// carries them. Rotation replaces the value and bumps the version.
import type { z } from "zod";
import type { CurrentUser } from "../../auth/session";
import { db } from "../../db/client";
import type { Prisma } from "../../generated/prisma/client";
import { encryptSecret } from "../../core/vault/secret-box";
import { recordActivity } from "../activity";
import { ConsoleError, notFound } from "../errors";
import type { secretCreateSchema, secretRotateSchema } from "../schemas/secret";
import { consoleMasterKey } from "./master-key";
import { collectReferenceUses, describeUse, usesOfSecret, type ReferenceInUse, type ReferenceUse } from "./reference-uses";

type Tx = Prisma.TransactionClient;

export interface SecretView {
  id: string;
  name: string;
  reference: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  usedBy: ReferenceUse[];
}

/** Every reference in use, from servers and vault backends. */
export async function listReferencesInUse(client: Tx = db()): Promise<ReferenceInUse[]> {
  const [servers, backends] = await Promise.all([
    client.mcpServer.findMany({ select: { id: true, name: true, upstreamHeaders: true, authSettings: true } }),
    client.vaultBackend.findMany({ select: { id: true, kind: true, settings: true } }),
  ]);
  return collectReferenceUses(servers, backends);
}

export const secretReference = (name: string) => `{vault://portcullis/${name}}`;

export async function listSecrets(references?: ReferenceInUse[]): Promise<SecretView[]> {
  const [secrets, uses] = await Promise.all([
    db().secret.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, version: true, createdAt: true, updatedAt: true } }),
    references ?? listReferencesInUse(),
  ]);
  return secrets.map((s) => ({
    id: s.id,
    name: s.name,
    reference: secretReference(s.name),
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    usedBy: usesOfSecret(uses, s.name),
  }));
}

const view = (s: { id: string; name: string; version: number }) => ({ id: s.id, name: s.name, version: s.version, reference: secretReference(s.name) });

export async function createSecret(actor: CurrentUser, input: z.infer<typeof secretCreateSchema>) {
  const ciphertext = encryptSecret(consoleMasterKey(), input.name, input.value);
  return db().$transaction(async (tx) => {
    if (await tx.secret.findUnique({ where: { name: input.name }, select: { id: true } })) {
      throw new ConsoleError("conflict", "Some fields need attention.", { name: "a secret with this name exists; rotate it to change its value" });
    }
    const secret = await tx.secret.create({ data: { name: input.name, ciphertext }, select: { id: true, name: true, version: true } });
    await recordActivity(tx, actor, { action: "secret.create", entityType: "secret", entityId: secret.id, entityName: secret.name, after: { name: secret.name, version: 1 } });
    return view(secret);
  });
}

export async function rotateSecret(actor: CurrentUser, id: string, input: z.infer<typeof secretRotateSchema>) {
  return db().$transaction(async (tx) => {
    const before = await tx.secret.findUnique({ where: { id }, select: { name: true, version: true } });
    if (!before) throw notFound("This secret");
    const secret = await tx.secret.update({
      where: { id },
      data: { ciphertext: encryptSecret(consoleMasterKey(), before.name, input.value), version: { increment: 1 } },
      select: { id: true, name: true, version: true },
    });
    await recordActivity(tx, actor, { action: "secret.rotate", entityType: "secret", entityId: id, entityName: secret.name, before, after: { name: secret.name, version: secret.version } });
    return view(secret);
  });
}

export async function deleteSecret(actor: CurrentUser, id: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const before = await tx.secret.findUnique({ where: { id }, select: { name: true, version: true } });
    if (!before) throw notFound("This secret");
    const uses = usesOfSecret(await listReferencesInUse(tx), before.name);
    if (uses.length) {
      throw new ConsoleError("conflict", `${secretReference(before.name)} is still used by ${uses.map(describeUse).join(", ")}. Remove those references first.`);
    }
    await tx.secret.delete({ where: { id } });
    await recordActivity(tx, actor, { action: "secret.delete", entityType: "secret", entityId: id, entityName: before.name, before });
  });
}
