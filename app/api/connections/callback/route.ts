// The redirect URI of every upstream OAuth application (exactly this path on
// the console's public URL): the upstream sends the browser back here with the
// code. A failure goes to Connected accounts as a code the page words
// (lib/console/connections/connect-failure.ts), never as text, nor a stack trace.
import { consolePublicUrl } from "@/lib/console/public-url";
import { NextResponse, type NextRequest } from "next/server";
import { currentUser } from "@/lib/auth/session";
import { ConnectFailed } from "@/lib/console/connections/connect-failure";
import { CONNECTED_ACCOUNTS_PATH, finishConnect } from "@/lib/console/connections/connect-flow";

export async function GET(request: NextRequest) {
  const base = consolePublicUrl(request.nextUrl.origin);
  const user = await currentUser();
  if (!user) return NextResponse.redirect(`${base}/signin?callbackUrl=${encodeURIComponent(`${request.nextUrl.pathname}${request.nextUrl.search}`)}`);
  const query = Object.fromEntries(["state", "code", "error"].map((key) => [key, request.nextUrl.searchParams.get(key) ?? undefined]));
  try {
    const next = await finishConnect(user, query, request.nextUrl.origin);
    return NextResponse.redirect(new URL(next, `${base}/`));
  } catch (error) {
    if (!(error instanceof ConnectFailed)) console.error("upstream connection callback failed:", error);
    const failed = error instanceof ConnectFailed ? error : new ConnectFailed("failed");
    return NextResponse.redirect(`${base}${CONNECTED_ACCOUNTS_PATH}?${failed.query()}`);
  }
}
