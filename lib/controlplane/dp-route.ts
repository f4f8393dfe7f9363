// Data-plane endpoints authenticate with the data plane's bearer token, not a
// console session; one error shape, never a stack trace; each request traced
// when OpenTelemetry is on (dp-trace.ts).
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { db } from "../db/client";
import type { DataPlane } from "../generated/prisma/client";
import { authenticateDataPlane } from "./data-planes";
import { consoleTracing, UNTRACED, type DataPlaneTrace } from "./dp-trace";

/** The answer to a request whose data-plane token is unknown, malformed or revoked. */
export function unauthenticated(): Response {
  return NextResponse.json(
    { error: { code: "unauthenticated", message: "A valid data-plane token is required (Authorization: Bearer pcdp_…)." } },
    { status: 401, headers: { "www-authenticate": 'Bearer realm="portcullis-control-plane"' } },
  );
}

export function dataPlaneRoute(handler: (plane: DataPlane, request: NextRequest, trace: DataPlaneTrace) => Promise<Response>) {
  const handle = async (request: NextRequest, trace: DataPlaneTrace) => {
    try {
      const plane = await authenticateDataPlane(db(), request.headers.get("authorization"));
      if (!plane) return unauthenticated();
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

/**
 * A data-plane request's JSON body, bounded before it is read and validated with `schema`;
 * or the 413/400 answer to send instead.
 */
export async function readDataPlaneBody<S extends z.ZodType>(
  request: NextRequest,
  schema: S,
  limits: { maxBytes: number; what: string },
): Promise<{ body: z.infer<S> } | { refusal: Response }> {
  const invalid = (message: string, problems: string[] = []) => ({ refusal: NextResponse.json({ error: { code: "invalid", message, problems } }, { status: 400 }) });
  const declared = Number(request.headers.get("content-length") ?? "0");
  const text = declared > limits.maxBytes ? undefined : await request.text();
  if (text === undefined || Buffer.byteLength(text) > limits.maxBytes) {
    return { refusal: NextResponse.json({ error: { code: "too_large", message: `An ${limits.what} is at most ${limits.maxBytes} bytes.` } }, { status: 413 }) };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return invalid(`An ${limits.what} is a JSON object.`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    return invalid(
      `Malformed ${limits.what}.`,
      parsed.error.issues.slice(0, 20).map((i) => `${i.path.join(".")}: ${i.message}`),
    );
  return { body: parsed.data };
}
