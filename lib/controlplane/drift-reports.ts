// Drift reports from the data planes: tool definitions a gateway listed
// without an approved pin. Stored once per server, tool and pin (the first
// data plane and time win); they wait as the server's pending changes until
// an admin approves or rejects them. A report for a server the console does
// not know (removed or renamed since the gateway's configuration), for a
// definition already approved, or whose pin is not its definition's, is not
// stored.
import { toolPin } from "../core/tools/pin";
import { db as defaultDb, type Db } from "../db/client";
import type { DataPlane, Prisma } from "../generated/prisma/client";
import type { ToolDriftMessage } from "../core/controlplane/protocol";

export interface StoredDrifts {
  stored: number;
  ignored: number;
}

export async function storeDriftReports(plane: Pick<DataPlane, "id" | "name">, drifts: ToolDriftMessage[], db: Db = defaultDb()): Promise<StoredDrifts> {
  const names = [...new Set(drifts.map((d) => d.server))];
  const servers = await db.mcpServer.findMany({ where: { name: { in: names } }, select: { id: true, name: true, tools: { select: { name: true, pin: true } } } });
  const byName = new Map(servers.map((s) => [s.name, { id: s.id, pins: new Map(s.tools.map((t) => [t.name, t.pin])) }]));
  const rows: Prisma.ToolDriftReportCreateManyInput[] = [];
  for (const drift of drifts) {
    const server = byName.get(drift.server);
    if (!server || server.pins.get(drift.tool) === drift.pin || toolPin(drift.definition) !== drift.pin) continue;
    rows.push({
      serverId: server.id,
      toolName: drift.tool,
      pin: drift.pin,
      definition: drift.definition as Prisma.InputJsonValue,
      firstDataPlaneId: plane.id,
      firstDataPlaneName: plane.name,
      firstSeenAt: new Date(drift.seen_at),
    });
  }
  // Another data plane may have reported the same definition first: that report stands.
  const { count } = rows.length ? await db.toolDriftReport.createMany({ data: rows, skipDuplicates: true }) : { count: 0 };
  return { stored: count, ignored: drifts.length - count };
}
