// What the console records about a data plane as it talks to it (app/api/dp/v1):
// connected, with who it says it is; last seen; the version it applied or
// refused; disconnected. The data planes page (overview.ts) reads these rows.
import type { z } from "zod";
import { DP_HELLO_HEADERS, type ConfigMessage, type reportMessageSchema } from "../core/controlplane/protocol";
import { db } from "../db/client";
import { dataPlaneStillAuthorized } from "./data-planes";

/** Whether the token `plane` was authenticated with is still valid (not revoked, not replaced): one primary-key lookup. */
export function stillAuthorized(plane: { id: string; tokenHash: string }): Promise<boolean> {
  return dataPlaneStillAuthorized(db(), plane);
}

/** The latest config version as the stream sends it, or undefined before the first is published. */
export async function latestConfigMessage(): Promise<ConfigMessage | undefined> {
  const version = await db().configVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true, hash: true, document: true } });
  return version ? { version: version.number, hash: version.hash, document: version.document } : undefined;
}

/** The config stream opened: the data plane is connected, and says which host and software it runs. */
export async function recordConnected(planeId: string, hello: Headers, address: string): Promise<void> {
  await db().dataPlane.update({
    where: { id: planeId },
    data: {
      status: "connected",
      statusReason: "",
      lastSeenAt: new Date(),
      address,
      hostname: hello.get(DP_HELLO_HEADERS.hostname)?.slice(0, 255) ?? "",
      softwareVersion: hello.get(DP_HELLO_HEADERS.softwareVersion)?.slice(0, 64) ?? "",
      startedAt: new Date(Number(hello.get(DP_HELLO_HEADERS.startedAt)) || Date.now()),
    },
  });
}

export async function recordSeen(planeId: string): Promise<void> {
  await db().dataPlane.update({ where: { id: planeId }, data: { lastSeenAt: new Date() } });
}

/** The stream closed; a data plane already marked failed (or revoked) keeps that state. */
export async function recordDisconnected(planeId: string): Promise<void> {
  await db().dataPlane.updateMany({ where: { id: planeId, status: "connected" }, data: { status: "disconnected", lastSeenAt: new Date() } });
}

export async function recordReport(planeId: string, report: z.output<typeof reportMessageSchema>): Promise<void> {
  const { applied, rejected, dropped_events } = report;
  await db().dataPlane.update({
    where: { id: planeId },
    data: {
      lastSeenAt: new Date(),
      droppedEvents: BigInt(dropped_events),
      ...(applied ? { appliedVersion: applied.version, appliedHash: applied.hash } : {}),
      // A refusal outlasts the reports that follow it, until the data plane applies a newer version.
      ...(rejected
        ? { status: "failed", statusReason: `refused version ${rejected.version}: ${rejected.problems.slice(0, 5).join("; ")}`.slice(0, 2000) }
        : { status: "connected", statusReason: "" }),
    },
  });
}
