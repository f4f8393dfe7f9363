// Every console API route handler goes through `route()`: it signs the
// caller in (401), checks the role on the server (403), refuses cross-site
// writes (403), parses and validates the JSON body with the shared zod schema
// (400 with field errors), turns errors into one JSON shape — never a stack
// trace — and after a successful write publishes the recompiled gateway
// configuration (a new version only if it changed).
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { currentUser, type CurrentUser } from "../auth/session";
import { publishAfterWrite } from "../controlplane/publish-after-write";
import { duplicateConflict } from "./duplicate-field";
import type { Role } from "../auth/roles";
import { ConsoleError } from "./errors";
import { parseOrThrow } from "./validation";

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface RouteContext<Body> {
  user: CurrentUser;
  body: Body;
  params: Record<string, string>;
  request: NextRequest;
}

type Handler<Body> = (context: RouteContext<Body>) => Promise<unknown>;

/**
 * Cross-site request protection for state-changing requests: the browser's
 * Sec-Fetch-Site (or, failing that, Origin) must say the request comes from the
 * console itself. Requests without either header come from non-browser clients,
 * which carry no ambient cookies of a victim.
 */
export function assertSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site) {
    if (site === "same-origin" || site === "none") return;
    throw new ConsoleError("cross_site", "Cross-site requests are refused.");
  }
  const origin = request.headers.get("origin");
  if (!origin) return;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  // URL.canParse: an opaque origin ("null", from sandboxed frames) is no origin of ours.
  if (host && URL.canParse(origin) && new URL(origin).host === host) return;
  throw new ConsoleError("cross_site", "Cross-site requests are refused.");
}

async function readJson(request: NextRequest): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) throw new ConsoleError("unsupported_media_type", "Send the body as application/json.");
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new ConsoleError("too_large", "The request body is too large.");
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new ConsoleError("invalid", "The request body is not valid JSON.");
  }
}

// Prisma's codes for the database refusals a user can cause.
const PRISMA_ERRORS: Record<string, (error: unknown) => ConsoleError> = {
  P2002: duplicateConflict,
  P2025: () => new ConsoleError("not_found", "That record does not exist (it may have been deleted)."),
};

export function errorResponse(error: unknown): NextResponse {
  const known = error instanceof ConsoleError ? error : PRISMA_ERRORS[(error as { code?: string })?.code ?? ""]?.(error);
  if (known) return NextResponse.json(known.toBody(), { status: known.status });
  console.error("console API error:", error);
  return NextResponse.json({ error: { code: "internal", message: "Something went wrong on the server. The error was logged." } }, { status: 500 });
}

export function route<S extends z.ZodType | undefined = undefined>(options: { roles: readonly Role[]; body?: S }, handler: Handler<S extends z.ZodType ? z.infer<S> : undefined>) {
  return async (request: NextRequest, context: { params: Promise<Record<string, string>> }) => {
    try {
      const user = await currentUser();
      if (!user) throw new ConsoleError("unauthenticated", "Sign in first.");
      if (!options.roles.includes(user.role)) throw new ConsoleError("forbidden", "Your role may not do this.");
      if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
      const body = options.body ? parseOrThrow(options.body, await readJson(request)) : undefined;
      const result = await handler({ user, body: body as never, params: await context.params, request });
      if (!SAFE_METHODS.has(request.method)) await publishAfterWrite(user.id, `${request.method} ${request.nextUrl.pathname}`);
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
