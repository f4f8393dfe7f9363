// A data plane reports the version it applied, or the version it refused and why.
import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { dataPlaneRoute } from "@/lib/controlplane/dp-route";
import { reportMessageSchema } from "@/lib/core/controlplane/protocol";

export const POST = dataPlaneRoute(async (plane, request) => {
  const parsed = reportMessageSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) {
    return NextResponse.json({ error: { code: "invalid", message: "Malformed report.", problems: parsed.error.issues.map((i) => i.message) } }, { status: 400 });
  }
  const { applied, rejected, dropped_events } = parsed.data;
  await db().dataPlane.update({
    where: { id: plane.id },
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
  return NextResponse.json({ ok: true });
});
