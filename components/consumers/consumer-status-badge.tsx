import type { ConsumerRow } from "@/lib/console/consumers";
import { Badge } from "../ui/badge";

/** Why the gateways refuse a consumer, when they do (lib/controlplane/snapshot.ts). */
export function ConsumerStatusBadge({ consumer }: { consumer: Pick<ConsumerRow, "disabled" | "userDisabled"> }) {
  if (consumer.disabled) return <Badge tone="red">disabled: keys and sign-ins refused</Badge>;
  if (consumer.userDisabled) return <Badge tone="amber">its console user is disabled: keys and sign-ins refused</Badge>;
  return null;
}
