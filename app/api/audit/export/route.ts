// The filtered audit events as CSV or JSON lines, streamed batch by batch; the
// same filters as the explorer, refused field by field when a value is wrong.
import { z } from "zod";
import { csvLine, EXPORT_COLUMNS, jsonLine } from "@/lib/analytics/audit-query";
import { auditExportBatches, auditFilterOrThrow, auditScopeFor } from "@/lib/console/audit-events";
import { route } from "@/lib/console/route";
import { parseOrThrow } from "@/lib/console/validation";

export const dynamic = "force-dynamic";

const formatSchema = z.object({ format: z.enum(["csv", "jsonl"], { error: "csv or jsonl" }).default("csv") });

export const GET = route({ roles: ["admin", "viewer"] }, async ({ request, user }) => {
  const params = request.nextUrl.searchParams;
  const { format } = parseOrThrow(formatSchema, { format: params.get("format") ?? undefined });
  const filter = auditFilterOrThrow(params);
  const csv = format === "csv";
  const encoder = new TextEncoder();
  const batches = auditExportBatches(filter, await auditScopeFor(user));
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
