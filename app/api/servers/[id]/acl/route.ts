import { loadAccessMatrix, saveAccessMatrix } from "@/lib/console/access-matrix";
import { notFound } from "@/lib/console/errors";
import { route } from "@/lib/console/route";
import { saveMatrixSchema } from "@/lib/console/schemas/access-matrix";

export const GET = route({ roles: ["admin"] }, async ({ params }) => {
  const data = await loadAccessMatrix(params.id!);
  if (!data) throw notFound("This MCP server");
  return data;
});

/** Saves every staged edit at once, if the matrix is still at the version the editor started from (else 409). */
export const PUT = route({ roles: ["admin"], body: saveMatrixSchema }, async ({ user, body, params }) => saveAccessMatrix(user, params.id!, body));
