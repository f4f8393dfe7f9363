// The filtered audit events as CSV or JSON lines, streamed batch by batch.
import { csvLine, EXPORT_COLUMNS, jsonLine, parseAuditFilter } from "@/lib/analytics/audit-query";
import { auditExportBatches } from "@/lib/console/audit-events";
import { route } from "@/lib/console/route";

export const dynamic = "force-dynamic";

export const GET = route({ roles: ["admin", "viewer"] }, async ({ request }) => {
  const params = Object.fromEntries(request.nextUrl.searchParams);
  const filter = parseAuditFilter(params);
  const csv = params.format !== "jsonl";
  const encoder = new TextEncoder();
  const batches = auditExportBatches(filter);
  let headerSent = !csv;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(EXPORT_COLUMNS.join(",") + "\n"));
        return;
      }
      const next = await batches.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map(csv ? csvLine : jsonLine).join("")));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const name = `portcullis-audit-${new Date().toISOString().slice(0, 19).replaceAll(":", "")}.${csv ? "csv" : "jsonl"}`;
  return new Response(stream, {
    headers: {
      "content-type": csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
});
