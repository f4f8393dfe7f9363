import { route } from "@/lib/console/route";
import { serverInputSchema } from "@/lib/console/schemas/server";
import { deleteServer, getServer, updateServer } from "@/lib/console/servers";

export const GET = route({ roles: ["admin"] }, async ({ params }) => ({ server: await getServer(params.id!) }));

export const PATCH = route({ roles: ["admin"], body: serverInputSchema }, async ({ user, body, params }) => ({
  server: await updateServer(user, params.id!, body),
}));

export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  await deleteServer(user, params.id!);
});
