// A data plane reports tool definitions it listed without an approved pin.
import { NextResponse } from "next/server";
import { recordSeen } from "@/lib/controlplane/data-plane-status";
import { storeDriftReports } from "@/lib/controlplane/drift-reports";
import { dataPlaneRoute } from "@/lib/controlplane/dp-route";
import { DRIFT_BODY_MAX_BYTES, driftBatchSchema } from "@/lib/core/controlplane/protocol";

const invalid = (message: string, problems: string[] = []) => NextResponse.json({ error: { code: "invalid", message, problems } }, { status: 400 });

export const POST = dataPlaneRoute(async (plane, request, trace) => {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const text = declared > DRIFT_BODY_MAX_BYTES ? undefined : await request.text();
  if (text === undefined || Buffer.byteLength(text) > DRIFT_BODY_MAX_BYTES) {
    return NextResponse.json({ error: { code: "too_large", message: `A drift batch is at most ${DRIFT_BODY_MAX_BYTES} bytes.` } }, { status: 413 });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return invalid("A drift batch is a JSON object.");
  }
  const parsed = driftBatchSchema.safeParse(body);
  if (!parsed.success)
    return invalid(
      "Malformed drift batch.",
      parsed.error.issues.slice(0, 20).map((i) => `${i.path.join(".")}: ${i.message}`),
    );
  const result = await trace.step("portcullis.drift.store", { "db.system.name": "postgresql", "portcullis.drift.reports": parsed.data.drifts.length }, () =>
    storeDriftReports(plane, parsed.data.drifts),
  );
  await recordSeen(plane.id);
  return NextResponse.json(result);
});
