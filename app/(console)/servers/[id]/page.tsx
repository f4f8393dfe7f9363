import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { ConnectionPanel } from "@/components/servers/connection-panel";
import { LimitsPanel } from "@/components/limits/limits-panel";
import { DeleteServer } from "@/components/servers/delete-server";
import { ServerHeader } from "@/components/servers/server-header";
import { Card } from "@/components/ui/card";
import { requirePageRole } from "@/lib/auth/session";
import { authPatternSentence } from "@/lib/console/auth-pattern";
import { connectionSnippets } from "@/lib/console/connection-snippets";
import { listServerLimits, serverLimitSubjects } from "@/lib/console/limits";
import { findServer } from "@/lib/console/servers";
import { ConnectionTable } from "@/components/connections/connection-table";
import { RevokeAll } from "@/components/connections/revoke-all";
import { UpstreamAccountForm } from "@/components/connections/upstream-account-form";
import { CALLBACK_PATH } from "@/lib/console/connections/connect-flow";
import { listServerConnections, readUpstreamAccountView } from "@/lib/console/connections/manage";

export const metadata: Metadata = { title: "MCP server" };

const LINK_BUTTON =
  "inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-zinc-900 shadow-sm ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-800 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-700";

function Setting({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-2 text-sm sm:grid-cols-[11rem_minmax(0,1fr)] sm:gap-3">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

const Mono = ({ children }: { children: ReactNode }) => <span className="font-mono text-xs">{children}</span>;
const none = <span className="text-zinc-400">—</span>;

export default async function ServerPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageRole(["admin"]);
  const server = await findServer((await params).id);
  if (!server) notFound();
  const { settings } = server;
  const limits = await listServerLimits(server.id);
  const subjects = await serverLimitSubjects(limits);
  const auth = settings.auth;
  const headers = Object.entries(settings.upstream_headers);
  const exchange = settings.upstream_credential?.token_exchange;
  return (
    <>
      <ServerHeader
        server={server}
        tab="overview"
        actions={
          <Link href={`/servers/${server.id}/edit`} className={LINK_BUTTON}>
            Edit settings
          </Link>
        }
      />
      {server.tools === 0 ? (
        <Card className="mb-5 border-indigo-200 bg-indigo-50/50 dark:border-indigo-900 dark:bg-indigo-950/30">
          <h2 className="text-sm font-semibold">Next: import the server&apos;s tools</h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            Sync them from the upstream or import a <code className="font-mono text-xs">tools/list</code> result, then decide who may call each one.
          </p>
          <Link href={`/servers/${server.id}/tools`} className={`${LINK_BUTTON} mt-3`}>
            Go to tools
          </Link>
        </Card>
      ) : null}
      {settings.tool_changes === "allow" && settings.new_tools === "allow" ? (
        <Card className="mb-5 border-amber-200 bg-amber-50/50 dark:border-amber-900 dark:bg-amber-950/30">
          <h2 className="text-sm font-semibold">Hold tool changes until you approve them</h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            The gateway serves whatever this upstream lists, including a tool whose description changed since you synced it. Switch both catalogue policies to hold, and changed or
            new tools wait for your review.
          </p>
          <Link href={`/servers/${server.id}/edit`} className={`${LINK_BUTTON} mt-3`}>
            Review the policies
          </Link>
        </Card>
      ) : null}
      <div className="grid grid-cols-1 gap-5 xl:grid-cols-2">
        <ConnectionPanel
          url={server.url}
          snippets={connectionSnippets(settings, server.url)}
          keyHeader={auth.mode === "passthrough" && auth.identity !== "token" ? auth.key_header : undefined}
        />
        <Card className="p-5">
          <h2 className="text-sm font-semibold">Settings</h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400" data-testid="auth-pattern">
            {authPatternSentence(settings, server.forwardsCallerToken)}
          </p>
          <dl className="mt-2 divide-y divide-zinc-100 dark:divide-zinc-800">
            <Setting label="Upstream">
              <Mono>{settings.upstream}</Mono>
            </Setting>
            {auth.mode === "passthrough" ? (
              <>
                <Setting label="API key header">
                  <Mono>{auth.key_header}</Mono>
                </Setting>
                <Setting label="Upstream metadata">{auth.upstream_prm ? <Mono>{auth.upstream_prm}</Mono> : none}</Setting>
                <Setting label="Token validation">
                  {auth.validate ? (
                    <>
                      {[
                        auth.validate.introspection ? `introspection at ${auth.validate.introspection.endpoint}` : undefined,
                        auth.validate.jwks ? `JWKS at ${auth.validate.jwks.uri}` : undefined,
                      ]
                        .filter(Boolean)
                        .join("; ")}
                      <span className="text-zinc-500">
                        {" "}
                        (issuer <Mono>{auth.validate.issuer}</Mono>, audience <Mono>{auth.validate.audience}</Mono>)
                      </span>
                    </>
                  ) : (
                    <span className="text-zinc-500">none: the token is forwarded unexamined</span>
                  )}
                </Setting>
                {auth.identity === "token" || auth.identity === "both" ? (
                  <Setting label="Consumer">
                    {auth.identity === "both" ? "the API key, and " : null}claim <Mono>{auth.consumer_claim ?? "sub"}</Mono>{" "}
                    {auth.identity === "both" ? "must match" : "matched to"} {auth.consumer_by === "custom_id" ? "custom id" : "username"}
                    {auth.consumer_groups_claim ? (
                      <>
                        , groups from <Mono>{auth.consumer_groups_claim}</Mono>
                      </>
                    ) : null}
                  </Setting>
                ) : null}
              </>
            ) : auth.mode === "sign_in" ? (
              <>
                <Setting label="Authorization server">this console (single sign-on); tokens are issued for the route URL alone</Setting>
              </>
            ) : (
              <>
                <Setting label="Issuer">
                  <Mono>{auth.issuer}</Mono>
                </Setting>
                <Setting label="Token validation">
                  {[
                    auth.introspection ? `introspection at ${auth.introspection.endpoint} (client ${auth.introspection.client_id})` : undefined,
                    auth.jwks ? `JWKS at ${auth.jwks.uri}` : undefined,
                  ]
                    .filter(Boolean)
                    .join("; ")}
                </Setting>
                <Setting label="Audience">{auth.audience ? <Mono>{auth.audience}</Mono> : <span className="text-zinc-500">the route URL</span>}</Setting>
                <Setting label="Scopes">
                  {auth.scopes_supported.join(" ") || none}
                  {auth.required_scopes.length ? <span className="text-zinc-500"> (required: {auth.required_scopes.join(" ")})</span> : null}
                </Setting>
                <Setting label="Consumer">
                  claim <Mono>{auth.consumer_claim}</Mono> matched to {auth.consumer_by === "username" ? "username" : "custom id"}
                  {auth.consumer_groups_claim ? (
                    <>
                      , groups from <Mono>{auth.consumer_groups_claim}</Mono>
                    </>
                  ) : null}
                </Setting>
                <Setting label="Unknown consumers">{auth.unknown_consumer === "reject" ? "rejected" : <>act as {auth.unknown_consumer}</>}</Setting>
                {server.forwardsCallerToken ? (
                  <Setting label="Caller's token">
                    <span className="text-amber-700 dark:text-amber-300">forwarded to the upstream (passthrough_credentials, set by a configuration import)</span>
                  </Setting>
                ) : null}
              </>
            )}
            {exchange ? (
              <Setting label="Upstream credential">
                token exchange at <Mono>{exchange.endpoint}</Mono> (client {exchange.client_id}) for <Mono>{exchange.resource ?? exchange.audience}</Mono>
                {exchange.scope ? <span className="text-zinc-500"> (scope {exchange.scope})</span> : null}
              </Setting>
            ) : null}
            <Setting label="Upstream headers">
              {headers.length === 0
                ? none
                : headers.map(([name, value]) => (
                    <div key={name}>
                      <Mono>
                        {name}: {value}
                      </Mono>
                    </div>
                  ))}
            </Setting>
            <Setting label="Timeout">{(settings.timeout_ms / 1000).toLocaleString("en")} s</Setting>
            <Setting label="CORS origins">{settings.cors.origins.length ? <Mono>{settings.cors.origins.join(", ")}</Mono> : none}</Setting>
            <Setting label="Changed tools">{settings.tool_changes === "hold" ? "held until an admin approves the change" : "allowed"}</Setting>
            <Setting label="New tools">{settings.new_tools === "hold" ? "held until an admin approves them" : "allowed"}</Setting>
          </dl>
        </Card>
      </div>
      {auth.mode === "sign_in" ? <UpstreamAccounts serverId={server.id} /> : null}
      <LimitsPanel limits={limits} choices={{ subjects, servers: [] }} scope={{ serverId: server.id }} />
      <Card className="mt-5 flex flex-wrap items-center justify-between gap-4 border-red-200 p-5 dark:border-red-900">
        <div>
          <h2 className="text-sm font-semibold">Delete this server</h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Removes the route, its tools and its access rules.</p>
        </div>
        <DeleteServer id={server.id} name={settings.name} url={server.url} tools={server.tools} />
      </Card>
    </>
  );
}

/** sign_in servers: the upstream account setting, and who connected their own account (revoke one or all). */
async function UpstreamAccounts({ serverId }: { serverId: string }) {
  const view = await readUpstreamAccountView(serverId);
  const connections = view.account ? await listServerConnections(serverId) : [];
  return (
    <Card className="mt-5 p-5">
      <h2 className="text-sm font-semibold">Users&apos; own upstream accounts</h2>
      <p className="mt-1 mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        The gateway sends each signed-in user&apos;s own credential upstream instead of a shared one; users connect their account once.
      </p>
      <UpstreamAccountForm serverId={serverId} view={view} redirectUri={`${process.env.NEXTAUTH_URL ?? ""}${CALLBACK_PATH}`} />
      {view.account ? (
        <div className="mt-5 space-y-2">
          <div className="flex items-center justify-between">
            <h3 className="text-sm font-semibold">Connected users ({connections.length})</h3>
            {connections.length > 0 ? <RevokeAll serverId={serverId} /> : null}
          </div>
          {connections.length === 0 ? (
            <p className="text-sm text-zinc-500">Nobody has connected an account yet.</p>
          ) : (
            <ConnectionTable
              label="Connected users"
              nameHeader="Consumer"
              removeLabel="Revoke"
              removeBase={`/api/servers/${serverId}/connections`}
              rows={connections.map((connection) => ({ name: connection.consumer, connection }))}
            />
          )}
        </div>
      ) : null}
    </Card>
  );
}
