// Whether the gateways run the configuration the console shows, for the
// banner on every console page: a data plane that refused a published
// version (it keeps serving its last good one, so changes since — a new key,
// a revocation — do not reach it), or a compile that failed after a write.
import { db as defaultDb, type Db } from "../db/client";
import { COMPILE_ERROR_SETTING } from "./publish-after-write";

export interface ConfigRefusal {
  /** Data planes that refused with this same cause. */
  planes: string[];
  /** "refused version 7: servers[1].auth.audience: …", as the data plane reported it. */
  cause: string;
  /** The versions those data planes still run (null: none applied yet). */
  running: (number | null)[];
}

export interface ConfigHealth {
  refusals: ConfigRefusal[];
  compileError: { at: string; reason: string; problems: string[] } | null;
  /** The latest published version: what the gateways run when nothing is refused. */
  latestVersion: number | null;
}

export async function configHealth(db: Db = defaultDb()): Promise<ConfigHealth> {
  const [failed, compileError, latest] = await Promise.all([
    db.dataPlane.findMany({ where: { revokedAt: null, status: "failed" }, orderBy: { name: "asc" }, select: { name: true, statusReason: true, appliedVersion: true } }),
    db.setting.findUnique({ where: { key: COMPILE_ERROR_SETTING }, select: { value: true } }),
    db.configVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true } }),
  ]);
  const byCause = new Map<string, ConfigRefusal>();
  for (const plane of failed) {
    const refusal = byCause.get(plane.statusReason) ?? { planes: [], cause: plane.statusReason, running: [] };
    refusal.planes.push(plane.name);
    if (!refusal.running.includes(plane.appliedVersion)) refusal.running.push(plane.appliedVersion);
    byCause.set(plane.statusReason, refusal);
  }
  return {
    refusals: [...byCause.values()],
    compileError: (compileError?.value ?? null) as ConfigHealth["compileError"],
    latestVersion: latest?.number ?? null,
  };
}

export const configIsHealthy = (health: ConfigHealth) => health.refusals.length === 0 && health.compileError === null;
