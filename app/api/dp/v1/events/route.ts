// Audit events from a data plane, in batches; idempotent by event id.
import { NextResponse } from "next/server";
import { db, pool } from "@/lib/db/client";
import { ingestAuditEvents } from "@/lib/analytics/ingest";
import { eventBatchSchema } from "@/lib/core/audit/event";
import { dataPlaneRoute } from "@/lib/controlplane/dp-route";
import { rollupWriter } from "@/lib/controlplane/ingestion";

export const POST = dataPlaneRoute(async (plane, request) => {
  const parsed = eventBatchSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 20).map((i) => `${i.path.join(".")}: ${i.message}`);
    return NextResponse.json({ error: { code: "invalid", message: "Malformed event batch.", problems } }, { status: 400 });
  }
  const result = await ingestAuditEvents(pool(), rollupWriter(), parsed.data.events, plane.id);
  await db().dataPlane.update({ where: { id: plane.id }, data: { lastSeenAt: new Date() } });
  return NextResponse.json(result);
});
