import { setConsumerDisabled } from "@/lib/console/consumers";
import { route } from "@/lib/console/route";
import { consumerStatusSchema } from "@/lib/console/schemas/consumer";

export const PUT = route({ roles: ["admin"], body: consumerStatusSchema }, async ({ user, body, params }) => {
  await setConsumerDisabled(user, params.id!, body.disabled);
});
