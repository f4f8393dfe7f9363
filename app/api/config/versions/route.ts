import { db } from "@/lib/db/client";
import { route } from "@/lib/console/route";

export const GET = route({ roles: ["admin"] }, async ({ request }) => {
  const before = Number(request.nextUrl.searchParams.get("before")) || undefined;
  const versions = await db().configVersion.findMany({
    where: before ? { number: { lt: before } } : undefined,
    orderBy: { number: "desc" },
    take: 50,
    select: { number: true, hash: true, reason: true, createdAt: true, author: { select: { email: true } } },
  });
  return { versions: versions.map((v) => ({ ...v, author: v.author?.email ?? "system" })) };
});
