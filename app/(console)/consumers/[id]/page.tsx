import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConsumerDetailView } from "@/components/consumers/consumer-detail";
import { LimitsPanel } from "@/components/limits/limits-panel";
import { requirePageRole } from "@/lib/auth/session";
import { listConsumerKeys } from "@/lib/console/api-keys";
import { getConsumer, listGroupChoices, listOwnerChoices } from "@/lib/console/consumers";
import { keyConnectTargets } from "@/lib/console/key-connect";
import { limitServerChoices, listConsumerLimits } from "@/lib/console/limits";
import { apiKeyListQuerySchema } from "@/lib/console/schemas/api-key";

export const metadata: Metadata = { title: "Consumer" };

export default async function ConsumerPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageRole(["admin"]);
  const { id } = await params;
  const [consumer, keys, groups, owners, limits, servers] = await Promise.all([
    getConsumer(id),
    listConsumerKeys({ consumerId: id }, apiKeyListQuerySchema.parse({})),
    listGroupChoices(),
    listOwnerChoices(),
    listConsumerLimits(id),
    limitServerChoices(),
  ]);
  if (!consumer) notFound();
  const targets = await keyConnectTargets([consumer.username]);
  return (
    <>
      <ConsumerDetailView consumer={consumer} keys={keys} choices={{ groups, owners }} connectTargets={targets.get(consumer.username) ?? []} />
      <LimitsPanel limits={limits} choices={{ subjects: [], servers }} scope={{ subject: `consumer:${consumer.username}` }} />
    </>
  );
}
