// Audit events from a data plane, in batches; idempotent by event id.
import { NextResponse } from "next/server";
import { eventBatchSchema } from "@/lib/core/audit/event";
import { dataPlaneRoute } from "@/lib/controlplane/dp-route";
import { ingestBatch } from "@/lib/controlplane/ingestion";

export const POST = dataPlaneRoute(async (plane, request, trace) => {
  const parsed = eventBatchSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 20).map((i) => `${i.path.join(".")}: ${i.message}`);
    return NextResponse.json({ error: { code: "invalid", message: "Malformed event batch.", problems } }, { status: 400 });
  }
  return NextResponse.json(await ingestBatch(plane.id, parsed.data.events, trace));
});
