// The redirect URI of every upstream OAuth application (exactly this path on
// the console's public URL): the upstream sends the browser back here with the
// code. A refusal goes to Connected accounts with its message, never a stack trace.
import { consolePublicUrl } from "@/lib/console/public-url";
import { NextResponse, type NextRequest } from "next/server";
import { currentUser } from "@/lib/auth/session";
import { CONNECTED_ACCOUNTS_PATH, finishConnect } from "@/lib/console/connections/connect-flow";
import { ConsoleError } from "@/lib/console/errors";

export async function GET(request: NextRequest) {
  const base = consolePublicUrl(request.nextUrl.origin);
  const user = await currentUser();
  if (!user) return NextResponse.redirect(`${base}/signin?callbackUrl=${encodeURIComponent(`${request.nextUrl.pathname}${request.nextUrl.search}`)}`);
  const query = Object.fromEntries(["state", "code", "error", "error_description"].map((key) => [key, request.nextUrl.searchParams.get(key) ?? undefined]));
  try {
    const next = await finishConnect(user, query, request.nextUrl.origin);
    return NextResponse.redirect(new URL(next, `${base}/`));
  } catch (error) {
    if (!(error instanceof ConsoleError)) {
      console.error("upstream connection callback failed:", error);
      return NextResponse.redirect(`${base}${CONNECTED_ACCOUNTS_PATH}?error=${encodeURIComponent("Connecting failed on the server; the error was logged.")}`);
    }
    return NextResponse.redirect(`${base}${CONNECTED_ACCOUNTS_PATH}?error=${encodeURIComponent(error.message)}`);
  }
}
