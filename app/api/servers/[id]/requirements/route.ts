import { notFound } from "@/lib/console/errors";
import { route } from "@/lib/console/route";
import { requirementWriteSchema } from "@/lib/console/schemas/tool-requirement";
import { loadRequirements, setRequirement } from "@/lib/console/tool-requirements";

export const GET = route({ roles: ["admin"] }, async ({ params }) => {
  const requirements = await loadRequirements(params.id!);
  if (!requirements) throw notFound("That server");
  return requirements;
});

export const PUT = route({ roles: ["admin"], body: requirementWriteSchema }, async ({ user, params, body }) => {
  await setRequirement(user, params.id!, body.tool, body.requirement);
});
