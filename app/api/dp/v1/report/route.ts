// A data plane reports the version it applied, or the version it refused and why.
import { NextResponse } from "next/server";
import { recordReport } from "@/lib/controlplane/data-plane-status";
import { dataPlaneRoute } from "@/lib/controlplane/dp-route";
import { reportMessageSchema } from "@/lib/core/controlplane/protocol";

export const POST = dataPlaneRoute(async (plane, request, trace) => {
  const parsed = reportMessageSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) {
    return NextResponse.json({ error: { code: "invalid", message: "Malformed report.", problems: parsed.error.issues.map((i) => i.message) } }, { status: 400 });
  }
  await trace.step(
    "portcullis.data_plane.report",
    { "db.system.name": "postgresql", ...(parsed.data.applied && { "portcullis.config.version": parsed.data.applied.version }) },
    () => recordReport(plane.id, parsed.data),
  );
  return NextResponse.json({ ok: true });
});
