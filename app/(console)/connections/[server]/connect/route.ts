// Where the gateway's "connect your account" errors and Connected accounts link to. A route handler, not a
// page, so the redirect to the upstream's consent is an HTTP redirect (a page under /connections streams
// after its loading skeleton). An upstream that takes a pasted secret goes to its form; a refusal to
// Connected accounts as a code it words (lib/console/connections/connect-failure.ts).
import { consolePublicUrl } from "@/lib/console/public-url";
import { NextResponse, type NextRequest } from "next/server";
import { currentUser } from "@/lib/auth/session";
import { CONNECTED_ACCOUNTS_PATH, startConnect } from "@/lib/console/connections/connect-flow";
import { ConnectFailed } from "@/lib/console/connections/connect-failure";

export async function GET(request: NextRequest, { params }: { params: Promise<{ server: string }> }) {
  const base = consolePublicUrl(request.nextUrl.origin);
  const server = decodeURIComponent((await params).server);
  const user = await currentUser();
  if (!user) return NextResponse.redirect(`${base}/signin?callbackUrl=${encodeURIComponent(`${request.nextUrl.pathname}${request.nextUrl.search}`)}`);
  try {
    const authorization = await startConnect(user, server, { origin: request.nextUrl.origin, interaction: request.nextUrl.searchParams.get("interaction") ?? undefined });
    return NextResponse.redirect(authorization ?? `${base}/connections/${encodeURIComponent(server)}/secret`);
  } catch (error) {
    if (!(error instanceof ConnectFailed)) throw error;
    return NextResponse.redirect(`${base}${CONNECTED_ACCOUNTS_PATH}?${error.query()}`);
  }
}
