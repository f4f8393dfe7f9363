// Admin settings for developer self-service, one row per setting in the
// Setting table. A missing row (or a value that no longer validates) means the
// default, so a fresh install behaves as documented without any rows.
import type { CurrentUser } from "../auth/session";
import { db, type Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { recordActivity } from "./activity";
import { ConsoleError } from "./errors";
import { DEFAULT_SELF_SERVICE_SETTINGS, selfServiceSettingsSchema, type SelfServiceSettings } from "./schemas/settings";

type Tx = Db | Prisma.TransactionClient;

const SETTING_KEYS: Record<keyof SelfServiceSettings, string> = {
  autoCreateConsumer: "consumers.auto_create",
  defaultGroupId: "consumers.default_group_id",
  maxKeyLifetimeDays: "keys.max_lifetime_days",
  maxActiveKeysPerConsumer: "keys.max_active_per_consumer",
};

const FIELDS = Object.keys(SETTING_KEYS) as (keyof SelfServiceSettings)[];

export async function readSelfServiceSettings(tx: Tx = db()): Promise<SelfServiceSettings> {
  const rows = await tx.setting.findMany({ where: { key: { in: Object.values(SETTING_KEYS) } }, select: { key: true, value: true } });
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  const settings = { ...DEFAULT_SELF_SERVICE_SETTINGS };
  for (const field of FIELDS) {
    const parsed = selfServiceSettingsSchema.shape[field].safeParse(stored.get(SETTING_KEYS[field]));
    if (parsed.success && stored.has(SETTING_KEYS[field])) Object.assign(settings, { [field]: parsed.data });
  }
  return settings;
}

/** What the activity log shows: the group's name, not its id. */
async function describe(tx: Tx, settings: SelfServiceSettings) {
  const group = settings.defaultGroupId ? await tx.consumerGroup.findUnique({ where: { id: settings.defaultGroupId }, select: { name: true } }) : null;
  return {
    autoCreateConsumer: settings.autoCreateConsumer,
    defaultGroup: settings.defaultGroupId ? (group?.name ?? "(deleted group)") : null,
    maxKeyLifetimeDays: settings.maxKeyLifetimeDays,
    maxActiveKeysPerConsumer: settings.maxActiveKeysPerConsumer,
  };
}

export async function updateSelfServiceSettings(actor: CurrentUser, input: SelfServiceSettings): Promise<SelfServiceSettings> {
  return db().$transaction(async (tx) => {
    if (input.defaultGroupId && !(await tx.consumerGroup.findUnique({ where: { id: input.defaultGroupId }, select: { id: true } }))) {
      throw new ConsoleError("invalid", "Some fields need attention.", { defaultGroupId: "this group no longer exists; reload the page" });
    }
    const before = await readSelfServiceSettings(tx);
    for (const field of FIELDS) {
      const key = SETTING_KEYS[field];
      const value = input[field];
      if (value === null) await tx.setting.deleteMany({ where: { key } });
      else await tx.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
    }
    await recordActivity(tx, actor, {
      action: "settings.update",
      entityType: "settings",
      entityName: "Developer self-service",
      before: await describe(tx, before),
      after: await describe(tx, input),
    });
    return input;
  });
}
