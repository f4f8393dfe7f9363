// Data-plane endpoints authenticate with the data plane's bearer token, not a
// console session; one error shape, never a stack trace.
import { NextResponse, type NextRequest } from "next/server";
import { db } from "../db/client";
import type { DataPlane } from "../generated/prisma/client";
import { authenticateDataPlane } from "./data-planes";

export function dataPlaneRoute(handler: (plane: DataPlane, request: NextRequest) => Promise<Response>) {
  return async (request: NextRequest) => {
    try {
      const plane = await authenticateDataPlane(db(), request.headers.get("authorization"));
      if (!plane) {
        return NextResponse.json(
          { error: { code: "unauthenticated", message: "A valid data-plane token is required (Authorization: Bearer pcdp_…)." } },
          { status: 401, headers: { "www-authenticate": 'Bearer realm="portcullis-control-plane"' } },
        );
      }
      return await handler(plane, request);
    } catch (error) {
      console.error("data-plane API error:", error);
      return NextResponse.json({ error: { code: "internal", message: "The control plane failed to handle this request. The error was logged." } }, { status: 500 });
    }
  };
}

export function clientAddress(request: NextRequest): string {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "";
}
