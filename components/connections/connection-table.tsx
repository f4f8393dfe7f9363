"use client";
// One table of upstream connections, for both Connected accounts (the user's own, "Disconnect")
// and a server's page (everyone's, "Revoke"): status, scopes, expiry, last use.
import { api } from "@/lib/client/api";
import { useFormMutation } from "@/lib/client/use-form-mutation";
import type { ConnectionView } from "@/lib/console/connections/manage";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { FormError } from "../ui/form-error";
import { LocalTime } from "../ui/local-time";
import { Table, Td, Th } from "../ui/table";

export interface ConnectionRow {
  /** The server (Connected accounts) or the consumer (a server's page). */
  name: string;
  connection: ConnectionView | null;
  /** Shown when there is no connection, or it is broken. */
  connectHref?: string;
  scopes?: string[];
}

export function ConnectionStatus({ connection }: { connection: ConnectionView | null }) {
  if (!connection) return <Badge>not connected</Badge>;
  if (connection.status === "broken")
    return (
      <Badge tone="red" title={connection.brokenReason ?? undefined}>
        broken
      </Badge>
    );
  return <Badge tone="green">connected</Badge>;
}

export function ConnectionTable({
  label,
  nameHeader,
  rows,
  removeLabel,
  removeBase,
}: {
  label: string;
  nameHeader: string;
  rows: ConnectionRow[];
  removeLabel: string;
  /** DELETE <removeBase>/<connection id> */ removeBase: string;
}) {
  const remove = useFormMutation({ send: (connection: ConnectionView) => api(`${removeBase}/${connection.id}`, { method: "DELETE" }) });
  return (
    <>
      <FormError message={remove.message} />
      <Table label={label}>
        <thead>
          <tr>
            <Th>{nameHeader}</Th>
            <Th>Status</Th>
            <Th>Scopes</Th>
            <Th>Expires</Th>
            <Th>Last used</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map(({ name, connection, connectHref, scopes }) => (
            <tr key={name}>
              <Td className="font-medium">{name}</Td>
              <Td>
                <ConnectionStatus connection={connection} />
                {connection?.status === "broken" ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{connection.brokenReason}</p> : null}
              </Td>
              <Td className="font-mono text-xs">{(connection?.scopes ?? scopes ?? []).join(" ") || "—"}</Td>
              <Td>
                <LocalTime iso={connection?.expiresAt} fallback={connection ? "no expiry" : "—"} />
              </Td>
              <Td>
                <LocalTime iso={connection?.lastUsedAt} fallback={connection ? "never" : "—"} />
              </Td>
              <Td className="space-x-2 text-right whitespace-nowrap">
                {connectHref && connection?.status !== "connected" ? (
                  <a className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300" href={connectHref}>
                    {connection ? "Reconnect" : "Connect"}
                  </a>
                ) : null}
                {connection ? (
                  <Button size="sm" variant="secondary" disabled={remove.pending} onClick={() => remove.submit(connection)} aria-label={`${removeLabel} ${name}`}>
                    {removeLabel}
                  </Button>
                ) : null}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}
