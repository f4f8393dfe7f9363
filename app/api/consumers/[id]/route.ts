import { deleteConsumer, getConsumer, updateConsumer } from "@/lib/console/consumers";
import { notFound } from "@/lib/console/errors";
import { route } from "@/lib/console/route";
import { consumerInputSchema } from "@/lib/console/schemas/consumer";

export const GET = route({ roles: ["admin"] }, async ({ params }) => {
  const consumer = await getConsumer(params.id!);
  if (!consumer) throw notFound("This consumer");
  return { consumer };
});

export const PATCH = route({ roles: ["admin"], body: consumerInputSchema }, async ({ user, body, params }) => ({
  consumer: await updateConsumer(user, params.id!, body),
}));

export const DELETE = route({ roles: ["admin"] }, async ({ user, params }) => {
  await deleteConsumer(user, params.id!);
});
