import type { Metadata } from "next";
import Link from "next/link";
import { ApiKeysPanel } from "@/components/consumers/api-keys-panel";
import { CreateOwnConsumer } from "@/components/keys/create-own-consumer";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES, SELF_SERVICE_ROLES } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listConsumerKeys } from "@/lib/console/api-keys";
import { listOwnedConsumers } from "@/lib/console/consumers";
import { keyConnectTargets } from "@/lib/console/key-connect";
import { apiKeyListQuerySchema } from "@/lib/console/schemas/api-key";
import { readSelfServiceSettings } from "@/lib/console/settings";

export const metadata: Metadata = { title: "My keys" };

const LINK = "text-indigo-700 hover:underline dark:text-indigo-300";

export default async function MyKeysPage() {
  const user = await requirePageRole(ROLES);
  const [consumers, settings] = await Promise.all([listOwnedConsumers(user.id), readSelfServiceSettings()]);
  const [keys, targets] = await Promise.all([
    Promise.all(consumers.map((c) => listConsumerKeys({ consumerId: c.id, ownerUserId: user.id }, apiKeyListQuerySchema.parse({})))),
    keyConnectTargets(consumers.map((c) => c.username)),
  ]);
  const readOnly = !SELF_SERVICE_ROLES.includes(user.role);
  return (
    <>
      <PageHeader
        title="My keys"
        description={
          <>
            A consumer is the identity your AI agent has at the gateway; its API keys prove it. Which tools it may call is on{" "}
            <Link className={LINK} href="/my-access">
              My access
            </Link>
            .
          </>
        }
      />
      {consumers.length === 0 ? (
        user.role === "developer" && settings.autoCreateConsumer ? (
          <CreateOwnConsumer />
        ) : (
          <EmptyState title="You have no consumer yet">Ask an admin to create a consumer for your agent and make you its owner; it then appears here with its keys.</EmptyState>
        )
      ) : (
        consumers.map((consumer, i) => (
          <div key={consumer.id} className="mb-10">
            <ApiKeysPanel
              keysUrl={`/api/me/consumers/${consumer.id}/keys`}
              consumerName={consumer.username}
              initial={keys[i]!}
              connectTargets={targets.get(consumer.username)}
              maxLifetimeDays={settings.maxKeyLifetimeDays}
              limit={{ active: consumer.activeKeys, max: settings.maxActiveKeysPerConsumer }}
              readOnly={readOnly || consumer.disabled}
              heading={
                <span className="flex flex-wrap items-center gap-2">
                  <span className="font-mono">{consumer.username}</span>
                  {consumer.groups.map((group) => (
                    <Badge key={group} tone="indigo">
                      {group}
                    </Badge>
                  ))}
                  {consumer.disabled ? <Badge tone="red">disabled by an admin: its keys do not work</Badge> : null}
                  <span className="text-sm font-normal">
                    <Link className={LINK} href={`/analytics/consumers/${encodeURIComponent(consumer.username)}`}>
                      Dashboard
                    </Link>
                    {" · "}
                    <Link className={LINK} href={`/my-access?consumer=${encodeURIComponent(consumer.username)}`}>
                      Access
                    </Link>
                  </span>
                </span>
              }
            />
          </div>
        ))
      )}
    </>
  );
}
