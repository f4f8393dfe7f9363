// Settings of the HashiCorp Vault backend ({vault://hcv/<path>[/<field>]}),
// kept in the shape of the gateway config's `vault.hcv` so compiling them is a copy.
import type { z } from "zod";
import type { CurrentUser } from "../../auth/session";
import { db } from "../../db/client";
import type { Prisma } from "../../generated/prisma/client";
import { recordActivity } from "../activity";
import { ConsoleError, notFound } from "../errors";
import type { hcvBackendInputSchema } from "../schemas/vault-backend";
import { describeUse } from "./reference-uses";
import { listReferencesInUse } from "./secrets";

type HcvInput = z.infer<typeof hcvBackendInputSchema>;

/** As in lib/core/config/schema.ts (`vault.hcv`): snake_case, credentials as references. */
export interface HcvSettings {
  address: string;
  mount: string;
  namespace?: string;
  token?: string;
  approle?: { role_id: string; secret_id: string; mount: string };
  cache_ttl_seconds: number;
}

export function toHcvSettings(input: HcvInput): HcvSettings {
  return {
    address: input.address,
    mount: input.mount,
    ...(input.namespace ? { namespace: input.namespace } : {}),
    ...(input.auth.method === "token"
      ? { token: input.auth.token }
      : { approle: { role_id: input.auth.roleId, secret_id: input.auth.secretId, mount: input.auth.mount } }),
    cache_ttl_seconds: input.cacheTtlSeconds,
  };
}

export async function getHcvBackend(): Promise<HcvSettings | undefined> {
  const backend = await db().vaultBackend.findUnique({ where: { kind: "hcv" }, select: { settings: true } });
  return backend ? (backend.settings as unknown as HcvSettings) : undefined;
}

export async function saveHcvBackend(actor: CurrentUser, input: HcvInput): Promise<HcvSettings> {
  const settings = toHcvSettings(input);
  return db().$transaction(async (tx) => {
    const before = await tx.vaultBackend.findUnique({ where: { kind: "hcv" }, select: { settings: true } });
    const saved = await tx.vaultBackend.upsert({
      where: { kind: "hcv" },
      create: { kind: "hcv", settings: settings as unknown as Prisma.InputJsonValue },
      update: { settings: settings as unknown as Prisma.InputJsonValue },
      select: { id: true },
    });
    await recordActivity(tx, actor, {
      action: before ? "vault_backend.update" : "vault_backend.create",
      entityType: "vault_backend",
      entityId: saved.id,
      entityName: "HashiCorp Vault",
      before: before?.settings,
      after: settings,
    });
    return settings;
  });
}

export async function deleteHcvBackend(actor: CurrentUser): Promise<void> {
  await db().$transaction(async (tx) => {
    const before = await tx.vaultBackend.findUnique({ where: { kind: "hcv" }, select: { id: true, settings: true } });
    if (!before) throw notFound("The HashiCorp Vault backend");
    const uses = (await listReferencesInUse(tx)).filter((r) => r.backend === "hcv").flatMap((r) => r.uses);
    if (uses.length) {
      throw new ConsoleError("conflict", `HashiCorp Vault references are still used by ${uses.map(describeUse).join(", ")}. Remove those references first.`);
    }
    await tx.vaultBackend.delete({ where: { kind: "hcv" } });
    await recordActivity(tx, actor, { action: "vault_backend.delete", entityType: "vault_backend", entityId: before.id, entityName: "HashiCorp Vault", before: before.settings });
  });
}
