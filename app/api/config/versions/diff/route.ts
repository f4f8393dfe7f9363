import { diffLines } from "diff";
import { db } from "@/lib/db/client";
import { ConsoleError, notFound } from "@/lib/console/errors";
import { route } from "@/lib/console/route";
import { configToYaml } from "@/lib/controlplane/import";

export const GET = route({ roles: ["admin"] }, async ({ request }) => {
  const from = Number(request.nextUrl.searchParams.get("from"));
  const to = Number(request.nextUrl.searchParams.get("to"));
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new ConsoleError("invalid", "Give two version numbers: ?from=…&to=…");
  const versions = await db().configVersion.findMany({ where: { number: { in: [from, to] } }, select: { number: true, document: true } });
  const doc = (n: number) => {
    const v = versions.find((x) => x.number === n);
    if (!v) throw notFound(`Version ${n}`);
    return configToYaml(v.document);
  };
  return { from, to, diff: diffLines(doc(from), doc(to)) };
});
