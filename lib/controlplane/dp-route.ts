// Data-plane endpoints authenticate with the data plane's bearer token, not a
// console session; one error shape, never a stack trace; each request traced
// when OpenTelemetry is on (dp-trace.ts).
import { NextResponse, type NextRequest } from "next/server";
import { db } from "../db/client";
import type { DataPlane } from "../generated/prisma/client";
import { authenticateDataPlane } from "./data-planes";
import { consoleTracing, UNTRACED, type DataPlaneTrace } from "./dp-trace";

export function dataPlaneRoute(handler: (plane: DataPlane, request: NextRequest, trace: DataPlaneTrace) => Promise<Response>) {
  const handle = async (request: NextRequest, trace: DataPlaneTrace) => {
    try {
      const plane = await authenticateDataPlane(db(), request.headers.get("authorization"));
      if (!plane) {
        return NextResponse.json(
          { error: { code: "unauthenticated", message: "A valid data-plane token is required (Authorization: Bearer pcdp_…)." } },
          { status: 401, headers: { "www-authenticate": 'Bearer realm="portcullis-control-plane"' } },
        );
      }
      trace.identify(plane.name);
      return await handler(plane, request, trace);
    } catch (error) {
      console.error("data-plane API error:", error);
      return NextResponse.json({ error: { code: "internal", message: "The control plane failed to handle this request. The error was logged." } }, { status: 500 });
    }
  };
  return async (request: NextRequest) => {
    const tracing = await consoleTracing();
    return tracing ? tracing.serve(request, (trace) => handle(request, trace)) : handle(request, UNTRACED);
  };
}

export function clientAddress(request: NextRequest): string {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "";
}
