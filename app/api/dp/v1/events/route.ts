// Audit events from a data plane, in batches; idempotent by event id. Each event is validated on
// its own: the valid ones are stored, the invalid ones reported by index (`invalid`), so that one
// event the console refuses never holds back the rest. Only a body that is not a batch at all is
// refused as a whole (400).
import { NextResponse } from "next/server";
import { parseEventBatch, type EventBatchResult } from "@/lib/core/audit/event";
import { dataPlaneRoute } from "@/lib/controlplane/dp-route";
import { ingestBatch } from "@/lib/controlplane/ingestion";

export const POST = dataPlaneRoute(async (plane, request, trace) => {
  const parsed = parseEventBatch(await request.json().catch(() => undefined));
  if (!parsed.ok) {
    return NextResponse.json({ error: { code: "invalid", message: "Malformed event batch.", problems: parsed.problems } }, { status: 400 });
  }
  const stored = await ingestBatch(plane.id, parsed.events, trace);
  if (parsed.invalid.length > 0) {
    console.warn(
      `audit events from data plane ${plane.name}: ${parsed.invalid.length} of ${parsed.invalid.length + parsed.events.length} refused (${parsed.invalid[0]!.problems.join("; ")})`,
    );
  }
  return NextResponse.json({ ...stored, invalid: parsed.invalid } satisfies EventBatchResult);
});
