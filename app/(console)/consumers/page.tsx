import type { Metadata } from "next";
import { ConsumersList } from "@/components/consumers/consumers-list";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { listConsumers, listGroupChoices, listOwnerChoices } from "@/lib/console/consumers";
import { consumerListQuerySchema } from "@/lib/console/schemas/consumer";

export const metadata: Metadata = { title: "Consumers" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ConsumersPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePageRole(["admin"]);
  const raw = await searchParams;
  const first = (key: string) => (typeof raw[key] === "string" ? raw[key] : undefined);
  // A hand-edited URL with a bad parameter shows the first page rather than an error.
  const parsed = consumerListQuerySchema.safeParse({ q: first("q"), group: first("group"), after: first("after"), before: first("before") });
  const query = parsed.success ? parsed.data : consumerListQuerySchema.parse({});
  const [page, groups, owners] = await Promise.all([listConsumers(query), listGroupChoices(), listOwnerChoices()]);
  return (
    <>
      <PageHeader
        title="Consumers"
        description="A consumer is an AI agent or person that calls MCP servers through the gateway, identified by an API key or, on token-swap routes, by the IdP's subject."
      />
      <ConsumersList page={page} choices={{ groups, owners }} />
    </>
  );
}
