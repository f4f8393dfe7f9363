import type { Metadata } from "next";
import Link from "next/link";
import { ToolAccessTable } from "@/components/access/tool-access-table";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SELECT_CLASS } from "@/components/ui/select";
import type { Caller } from "@/lib/core/acl/decide";
import { requirePageRole } from "@/lib/auth/session";
import { consumerStatus } from "@/lib/console/consumers";
import { simulateSampleCall, MAX_SAMPLE_ARGUMENTS_CHARS } from "@/lib/console/call-simulation";
import { publishedPolicy, serverAccess, serverToolNames } from "@/lib/console/effective-access";
import { SampleCallVerdict } from "@/components/access/sample-call-verdict";
import { listGroupNames } from "@/lib/console/groups";

export const metadata: Metadata = { title: "Policy simulator" };

interface Query {
  server?: string;
  caller?: string;
  consumer?: string;
  groups?: string | string[];
  /** A sample call: a tool and its arguments as JSON. */
  tool?: string;
  args?: string;
}

const INPUT =
  "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-900 dark:ring-zinc-700";

/** Who the simulated caller is, or why there is none to simulate. */
async function resolveCaller(query: Query, callers: Map<string, Caller>): Promise<{ caller?: Caller; label: string; problem?: string }> {
  if (query.caller !== "consumer") {
    const groups = [query.groups ?? []].flat();
    return { caller: { username: "", groups }, label: groups.length ? `a caller in ${groups.join(" + ")}` : "a caller in no group" };
  }
  const username = query.consumer?.trim() ?? "";
  if (!username) return { label: "", problem: "Enter a consumer's username." };
  const caller = callers.get(username);
  if (caller) return { caller, label: username };
  const status = await consumerStatus(username);
  if (status === undefined) return { label: username, problem: `No consumer is named ${username}.` };
  const problems = {
    disabled: `${username} is disabled: the gateway refuses its keys before deciding on any tool.`,
    user_disabled: `The console user ${username} belongs to is disabled: the gateway refuses its keys and sign-ins before deciding on any tool.`,
    enabled: `${username} is not in the configuration the gateways run yet. Reload in a moment.`,
  };
  return { label: username, problem: problems[status] };
}

export default async function PolicySimulatorPage({ searchParams }: { searchParams: Promise<Query> }) {
  await requirePageRole(["admin"]);
  const query = await searchParams;
  const consumerName = query.caller === "consumer" ? query.consumer?.trim() : undefined;
  const [policy, groups] = await Promise.all([publishedPolicy(consumerName ? [consumerName] : []), listGroupNames()]);
  const server = policy.servers.find((s) => s.name === query.server) ?? policy.servers[0];
  const selectedGroups = [query.groups ?? []].flat();
  const simulated = server && query.caller ? await resolveCaller(query, policy.callers) : undefined;
  const access = server && simulated?.caller ? serverAccess(server, (await serverToolNames([server.name])).get(server.name) ?? [], simulated.caller) : undefined;
  const sample = server && simulated?.caller && query.tool?.trim() ? simulateSampleCall(server, simulated.caller, { tool: query.tool, args: query.args ?? "" }) : undefined;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-500">
        <Link href="/access" className="hover:underline">
          Tool access
        </Link>{" "}
        / <span className="text-zinc-700 dark:text-zinc-300">Policy simulator</span>
      </nav>
      <PageHeader
        title="Policy simulator"
        description="Pick a consumer, or a set of groups, and a server: the tools that caller may call and why, decided by the gateway's own ACL function on the configuration the gateways run. Developers see the same view for their own consumers under My access."
      />
      {policy.servers.length === 0 ? (
        <EmptyState title="No MCP servers yet">Add a server first; its access rules are what the simulator reads.</EmptyState>
      ) : (
        <>
          <Card className="mb-6">
            {/* A plain GET form: the result is a URL an admin can share. The button pressed says which caller to simulate. */}
            <form method="get" className="space-y-4">
              <div className="max-w-xs space-y-1">
                <label htmlFor="sim-server" className="block text-sm font-medium">
                  Server
                </label>
                <select id="sim-server" name="server" defaultValue={server!.name} className={`${SELECT_CLASS} w-full`}>
                  {policy.servers.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </div>
              <div className="grid gap-4 md:grid-cols-2">
                <fieldset className="space-y-2 rounded-md p-3 ring-1 ring-inset ring-zinc-200 dark:ring-zinc-800">
                  <legend className="px-1 text-sm font-medium">A consumer</legend>
                  <div className="flex gap-2">
                    <input name="consumer" aria-label="Consumer username" placeholder="username" defaultValue={query.consumer ?? ""} className={INPUT} />
                    <Button type="submit" name="caller" value="consumer" variant="secondary" className="shrink-0">
                      Simulate consumer
                    </Button>
                  </div>
                  <p className="text-xs text-zinc-500">With the groups the gateways&apos; configuration gives it.</p>
                </fieldset>
                <fieldset className="space-y-2 rounded-md p-3 ring-1 ring-inset ring-zinc-200 dark:ring-zinc-800">
                  <legend className="px-1 text-sm font-medium">A set of groups</legend>
                  <div className="flex flex-wrap items-center gap-x-4 gap-y-1.5">
                    {groups.length === 0 ? <span className="text-sm text-zinc-500">There are no groups.</span> : null}
                    {groups.map((group) => (
                      <label key={group} className="flex items-center gap-1.5 text-sm">
                        <input type="checkbox" name="groups" value={group} defaultChecked={selectedGroups.includes(group)} className="accent-indigo-600" />
                        {group}
                      </label>
                    ))}
                  </div>
                  <Button type="submit" name="caller" value="groups" variant="secondary">
                    Simulate groups
                  </Button>
                  <p className="text-xs text-zinc-500">None checked: a caller in no group (the matrix&apos;s everyone else).</p>
                </fieldset>
              </div>
              <fieldset className="space-y-2 rounded-md p-3 ring-1 ring-inset ring-zinc-200 dark:ring-zinc-800">
                <legend className="px-1 text-sm font-medium">A sample call (optional)</legend>
                <div className="grid gap-3 md:grid-cols-[16rem_1fr]">
                  <div className="space-y-1">
                    <label htmlFor="sim-tool" className="block text-sm">
                      Tool
                    </label>
                    <input id="sim-tool" name="tool" placeholder="push_files" defaultValue={query.tool ?? ""} className={`${INPUT} font-mono`} />
                  </div>
                  <div className="space-y-1">
                    <label htmlFor="sim-args" className="block text-sm">
                      Arguments (JSON)
                    </label>
                    <textarea
                      id="sim-args"
                      name="args"
                      rows={3}
                      maxLength={MAX_SAMPLE_ARGUMENTS_CHARS}
                      placeholder='{"owner": "acme", "branch": "feature/x"}'
                      defaultValue={query.args ?? ""}
                      className={`${INPUT} font-mono`}
                    />
                  </div>
                </div>
                <p className="text-xs text-zinc-500">
                  With a tool, the simulator judges one tools/call as the gateway does: the rule that decides by name, then its condition on these arguments (claims are empty).
                </p>
              </fieldset>
            </form>
          </Card>
          {simulated?.problem ? (
            <p
              role="alert"
              className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-900"
            >
              {simulated.problem}
            </p>
          ) : null}
          {access && simulated ? (
            <section aria-labelledby="sim-result" className="space-y-2">
              <h2 id="sim-result" className="text-base font-semibold">
                {server!.name}, for {simulated.label}
                {query.caller === "consumer" && simulated.caller ? (
                  <span className="ml-2 text-sm font-normal text-zinc-500">{simulated.caller.groups.length ? `groups ${simulated.caller.groups.join(", ")}` : "in no group"}</span>
                ) : null}
              </h2>
              <p className="text-xs text-zinc-500">Configuration version {policy.version ?? "not yet published"}.</p>
              {sample ? <SampleCallVerdict result={sample} /> : null}
              <ToolAccessTable access={access} caller={simulated.label} />
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
