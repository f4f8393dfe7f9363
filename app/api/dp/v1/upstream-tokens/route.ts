// A gateway asks for one user's own upstream credential (lib/console/connections/upstream-token-answer.ts).
import { NextResponse } from "next/server";
import { consolePublicUrl } from "@/lib/console/public-url";
import { answerUpstreamToken } from "@/lib/console/connections/upstream-token-answer";
import { recordSeen, stillAuthorized } from "@/lib/controlplane/data-plane-status";
import { dataPlaneRoute, readDataPlaneBody, unauthenticated } from "@/lib/controlplane/dp-route";
import { UPSTREAM_TOKEN_REQUEST_MAX_BYTES, upstreamTokenRequestSchema } from "@/lib/core/controlplane/protocol";

export const POST = dataPlaneRoute(async (plane, request) => {
  const read = await readDataPlaneBody(request, upstreamTokenRequestSchema, { maxBytes: UPSTREAM_TOKEN_REQUEST_MAX_BYTES, what: "upstream token request" });
  if ("refusal" in read) return read.refusal;
  const answer = await answerUpstreamToken(read.body, consolePublicUrl(request.nextUrl.origin));
  // The answer may have waited seconds for another request's refresh (and the upstream): a data plane
  // revoked meanwhile is not handed a user's credential. One primary-key lookup.
  if (!(await stillAuthorized(plane))) return unauthenticated();
  await recordSeen(plane.id);
  return NextResponse.json(answer.body, { status: answer.status });
});
