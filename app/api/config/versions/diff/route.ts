import { diffConfigVersions } from "@/lib/console/config-versions";
import { ConsoleError } from "@/lib/console/errors";
import { route } from "@/lib/console/route";

export const GET = route({ roles: ["admin"] }, async ({ request }) => {
  const from = Number(request.nextUrl.searchParams.get("from"));
  const to = Number(request.nextUrl.searchParams.get("to"));
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new ConsoleError("invalid", "Give two version numbers: ?from=…&to=…");
  return { from, to, diff: await diffConfigVersions(from, to) };
});
