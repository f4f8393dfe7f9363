import { listConfigVersions } from "@/lib/console/config-versions";
import { route } from "@/lib/console/route";

export const GET = route({ roles: ["admin"] }, async ({ request }) => {
  const before = Number(request.nextUrl.searchParams.get("before")) || undefined;
  return { versions: await listConfigVersions({ before, take: 50 }) };
});
