// What the data planes page shows: each data plane's state against the latest config version.
import type { Db } from "../db/client";
import { COMPILE_ERROR_SETTING } from "./publish-after-write";

// A connected data plane refreshes lastSeenAt every 15 s (keepalive); past this it is presumed gone.
const STALE_AFTER_MS = 45_000;

export type SyncState = "in_sync" | "behind" | "failed" | "disconnected" | "never_connected" | "revoked";

export interface DataPlaneView {
  id: string;
  name: string;
  tokenPrefix: string;
  address: string;
  hostname: string;
  softwareVersion: string;
  state: SyncState;
  reason: string;
  appliedVersion: number | null;
  appliedHash: string | null;
  lastSeenAt: string | null;
  startedAt: string | null;
  droppedEvents: number;
}

export function syncState(
  plane: { revokedAt: Date | null; status: string; lastSeenAt: Date | null; appliedVersion: number | null },
  latest: number | undefined,
  now: number,
): SyncState {
  if (plane.revokedAt) return "revoked";
  if (plane.status === "never_connected") return "never_connected";
  if (plane.status === "failed") return "failed";
  if (plane.status !== "connected" || !plane.lastSeenAt || now - plane.lastSeenAt.getTime() > STALE_AFTER_MS) return "disconnected";
  return plane.appliedVersion !== null && latest !== undefined && plane.appliedVersion >= latest ? "in_sync" : "behind";
}

export async function dataPlanesOverview(db: Db, now = Date.now()) {
  const [planes, latest, compileError] = await Promise.all([
    db.dataPlane.findMany({ orderBy: [{ revokedAt: { sort: "asc", nulls: "first" } }, { name: "asc" }] }),
    db.configVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true, hash: true, createdAt: true } }),
    db.setting.findUnique({ where: { key: COMPILE_ERROR_SETTING } }),
  ]);
  const views: DataPlaneView[] = planes.map((p) => ({
    id: p.id,
    name: p.name,
    tokenPrefix: p.tokenPrefix,
    address: p.address,
    hostname: p.hostname,
    softwareVersion: p.softwareVersion,
    state: syncState(p, latest?.number, now),
    reason: p.statusReason,
    appliedVersion: p.appliedVersion,
    appliedHash: p.appliedHash,
    lastSeenAt: p.lastSeenAt?.toISOString() ?? null,
    startedAt: p.startedAt?.toISOString() ?? null,
    droppedEvents: Number(p.droppedEvents),
  }));
  return {
    planes: views,
    latest: latest ? { number: latest.number, hash: latest.hash, createdAt: latest.createdAt.toISOString() } : null,
    compileError: (compileError?.value ?? null) as { at: string; reason: string; problems: string[] } | null,
  };
}
