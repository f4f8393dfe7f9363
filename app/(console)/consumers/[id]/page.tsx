import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConsumerDetailView } from "@/components/consumers/consumer-detail";
import { requirePageRole } from "@/lib/auth/session";
import { listConsumerKeys } from "@/lib/console/api-keys";
import { getConsumer, listGroupChoices, listOwnerChoices } from "@/lib/console/consumers";
import { keyConnectTargets } from "@/lib/console/key-connect";
import { apiKeyListQuerySchema } from "@/lib/console/schemas/api-key";

export const metadata: Metadata = { title: "Consumer" };

export default async function ConsumerPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageRole(["admin"]);
  const { id } = await params;
  const [consumer, keys, groups, owners] = await Promise.all([
    getConsumer(id),
    listConsumerKeys({ consumerId: id }, apiKeyListQuerySchema.parse({})),
    listGroupChoices(),
    listOwnerChoices(),
  ]);
  if (!consumer) notFound();
  const targets = await keyConnectTargets([consumer.username]);
  return <ConsumerDetailView consumer={consumer} keys={keys} choices={{ groups, owners }} connectTargets={targets.get(consumer.username) ?? []} />;
}
