"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { ApiKeyPage } from "@/lib/console/api-keys";
import type { ConsumerDetail } from "@/lib/console/consumers";
import type { KeyConnectTarget } from "@/lib/console/key-connect";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { FormActions } from "../ui/form-actions";
import { PageHeader } from "../ui/page-header";
import { LocalTime } from "../ui/local-time";
import { ApiKeysPanel } from "./api-keys-panel";
import { ConsumerForm, type ConsumerFormChoices } from "./consumer-form";
import { ConsumerStatusBadge } from "./consumer-status-badge";
import { plural } from "@/lib/client/plural";

function DeleteConsumer({ consumer, onCancel }: { consumer: ConsumerDetail; onCancel: () => void }) {
  const router = useRouter();
  const form = useFormMutation({
    send: () => api(`/api/consumers/${consumer.id}`, { method: "DELETE" }),
    onDone: () => router.push("/consumers"),
  });
  return (
    <div className="space-y-4">
      <p className="text-sm">
        Delete <strong>{consumer.username}</strong>? Its {plural(consumer.keyCounts.total, "API key")} {consumer.keyCounts.total === 1 ? "is" : "are"} deleted with it and stop
        working at once; its group memberships and access rules naming it are removed. Past audit events keep its name.
      </p>
      <FormActions message={form.message} onCancel={onCancel} label="Delete consumer" disabled={form.pending} danger onSubmit={() => form.submit({})} />
    </div>
  );
}

function DisableConsumer({ consumer, onCancel }: { consumer: ConsumerDetail; onCancel: () => void }) {
  const form = useFormMutation({
    send: () => api(`/api/consumers/${consumer.id}/status`, { method: "PUT", body: { disabled: !consumer.disabled } }),
    onDone: onCancel,
  });
  return (
    <div className="space-y-4">
      <p className="text-sm">
        {consumer.disabled ? (
          <>
            Enable <strong>{consumer.username}</strong>? Its active keys and its sign-ins with Portcullis work again at every gateway within seconds.
          </>
        ) : (
          <>
            Disable <strong>{consumer.username}</strong>? Every gateway refuses its keys and its sign-ins&apos; access tokens within seconds, and it cannot sign in. Nothing is
            deleted: enable it again to restore all of it.
          </>
        )}
      </p>
      <FormActions
        message={form.message}
        onCancel={onCancel}
        label={consumer.disabled ? "Enable consumer" : "Disable consumer"}
        disabled={form.pending}
        danger={!consumer.disabled}
        onSubmit={() => form.submit({})}
      />
    </div>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-1 text-sm">{children}</dd>
    </div>
  );
}

export function ConsumerDetailView({
  consumer,
  keys,
  choices,
  connectTargets,
}: {
  consumer: ConsumerDetail;
  keys: ApiKeyPage;
  choices: ConsumerFormChoices;
  connectTargets: KeyConnectTarget[];
}) {
  const [dialog, setDialog] = useState<"edit" | "status" | "delete">();
  const close = () => setDialog(undefined);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-500">
        <Link href="/consumers" className="hover:underline">
          Consumers
        </Link>{" "}
        / <span className="text-zinc-700 dark:text-zinc-300">{consumer.username}</span>
      </nav>
      <PageHeader
        title={consumer.username}
        description={`${consumer.keyCounts.active} active of ${plural(consumer.keyCounts.total, "API key")}`}
        actions={
          <>
            <Button variant="secondary" onClick={() => setDialog("edit")}>
              Edit
            </Button>
            <Button variant="secondary" onClick={() => setDialog("status")}>
              {consumer.disabled ? "Enable" : "Disable"}
            </Button>
            <Button variant="danger" onClick={() => setDialog("delete")}>
              Delete
            </Button>
          </>
        }
      />
      <p className="mb-2" data-testid="consumer-status">
        <ConsumerStatusBadge consumer={consumer} />
      </p>
      <p className="mb-4 flex flex-wrap gap-4 text-sm" data-testid="consumer-links">
        <Link className="text-indigo-700 hover:underline dark:text-indigo-300" href={`/analytics/consumers/${encodeURIComponent(consumer.username)}`}>
          Traffic dashboard
        </Link>
        <Link className="text-indigo-700 hover:underline dark:text-indigo-300" href={`/access/simulate?caller=consumer&consumer=${encodeURIComponent(consumer.username)}`}>
          Effective access
        </Link>
      </p>
      <Card>
        <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Detail label="Groups">
            {consumer.groups.length ? (
              <span className="flex flex-wrap gap-1">
                {consumer.groups.map((group) => (
                  <Badge key={group.id} tone="indigo">
                    {group.name}
                  </Badge>
                ))}
              </span>
            ) : (
              <span className="text-zinc-500">None — only the matrix&apos;s default column applies</span>
            )}
          </Detail>
          <Detail label="Custom id">{consumer.customId ? <code className="font-mono text-xs">{consumer.customId}</code> : <span className="text-zinc-500">—</span>}</Detail>
          <Detail label="Owner">{consumer.owner ? consumer.owner.email : <span className="text-zinc-500">—</span>}</Detail>
          <Detail label="Created">
            <LocalTime iso={consumer.createdAt} />
          </Detail>
        </dl>
      </Card>

      <ApiKeysPanel keysUrl={`/api/consumers/${consumer.id}/keys`} consumerName={consumer.username} initial={keys} connectTargets={connectTargets} />

      <Dialog open={dialog === "edit"} onClose={close} title={`Edit ${consumer.username}`}>
        {dialog === "edit" ? <ConsumerForm consumer={consumer} choices={choices} onCancel={close} onDone={close} /> : null}
      </Dialog>
      <Dialog open={dialog === "status"} onClose={close} title={consumer.disabled ? "Enable consumer" : "Disable consumer"}>
        {dialog === "status" ? <DisableConsumer consumer={consumer} onCancel={close} /> : null}
      </Dialog>
      <Dialog open={dialog === "delete"} onClose={close} title="Delete consumer">
        {dialog === "delete" ? <DeleteConsumer consumer={consumer} onCancel={close} /> : null}
      </Dialog>
    </>
  );
}
