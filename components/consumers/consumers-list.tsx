"use client";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import type { ConsumerPage } from "@/lib/console/consumers";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { EmptyState } from "../ui/empty-state";
import { Table, Td, Th } from "../ui/table";
import { LocalTime } from "../ui/local-time";
import { ConsumerForm, type ConsumerFormChoices } from "./consumer-form";
import { ConsumerStatusBadge } from "./consumer-status-badge";

const MAX_GROUP_BADGES = 3;
const numbers = new Intl.NumberFormat("en");

function useListQuery() {
  const router = useRouter();
  // Typed nullable because the project also has a Pages Router route (pages/api/oauth); never null in the App Router.
  const pathname = usePathname() ?? "/consumers";
  const params = useSearchParams() ?? new URLSearchParams();
  const [pending, startTransition] = useTransition();
  const go = (changes: Record<string, string | undefined>, resetCursor = true) => {
    const next = new URLSearchParams(params);
    if (resetCursor) {
      next.delete("after");
      next.delete("before");
    }
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const query = next.toString();
    startTransition(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  };
  return { params, go, pending };
}

/** Searches as the admin types, once they pause. */
function SearchBox({ value, setValue, onSearch }: { value: string; setValue: (q: string) => void; onSearch: (q: string | undefined) => void }) {
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <input
      type="search"
      aria-label="Search consumers"
      placeholder="Search username or custom id"
      value={value}
      onChange={(event) => {
        const q = event.target.value;
        setValue(q);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => onSearch(q.trim() || undefined), 250);
      }}
      className="block w-72 rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 placeholder:text-zinc-400 focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-900 dark:ring-zinc-700"
    />
  );
}

export function ConsumersList({ page, choices }: { page: ConsumerPage; choices: ConsumerFormChoices }) {
  const router = useRouter();
  const { params, go, pending } = useListQuery();
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState(params.get("q") ?? "");
  const filtered = Boolean(params.get("q") || params.get("group"));
  const groupName = choices.groups.find((g) => g.id === params.get("group"))?.name;

  return (
    <>
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <SearchBox value={search} setValue={setSearch} onSearch={(q) => go({ q })} />
        <select
          aria-label="Filter by group"
          value={params.get("group") ?? ""}
          onChange={(event) => go({ group: event.target.value || undefined })}
          className="rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 dark:bg-zinc-900 dark:ring-zinc-700"
        >
          <option value="">All groups</option>
          {choices.groups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </select>
        <p className="text-sm text-zinc-500 tabular-nums" aria-live="polite" data-testid="consumer-total">
          {numbers.format(page.total)} {filtered ? (page.total === 1 ? "match" : "matches") : page.total === 1 ? "consumer" : "consumers"}
        </p>
        <div className="ml-auto">
          <Button onClick={() => setCreating(true)}>New consumer</Button>
        </div>
      </div>

      {page.rows.length === 0 ? (
        filtered ? (
          <EmptyState
            title="No consumers match"
            action={
              <Button
                variant="secondary"
                onClick={() => {
                  setSearch("");
                  go({ q: undefined, group: undefined });
                }}
              >
                Clear search and filter
              </Button>
            }
          >
            Nothing matches {params.get("q") ? <>“{params.get("q")}”</> : null}
            {groupName ? <> in group {groupName}</> : null}. Search looks at usernames and custom ids.
          </EmptyState>
        ) : (
          <EmptyState title="No consumers yet" action={<Button onClick={() => setCreating(true)}>Create the first consumer</Button>}>
            A consumer is an AI agent (or a person) that calls MCP servers through the gateway. Create one, put it in groups, then issue it an API key.
          </EmptyState>
        )
      ) : (
        <div className={pending ? "opacity-60 transition-opacity" : undefined} aria-busy={pending}>
          <Table label="Consumers">
            <thead>
              <tr>
                <Th>Username</Th>
                <Th>Custom id</Th>
                <Th>Groups</Th>
                <Th>Owner</Th>
                <Th className="text-right">Active keys</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {page.rows.map((consumer) => (
                <tr key={consumer.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                  <Td className="font-medium">
                    <Link href={`/consumers/${consumer.id}`} className="text-indigo-700 hover:underline dark:text-indigo-400">
                      {consumer.username}
                    </Link>{" "}
                    <ConsumerStatusBadge consumer={consumer} />
                  </Td>
                  <Td className="max-w-48 truncate font-mono text-xs text-zinc-600 dark:text-zinc-400" title={consumer.customId ?? undefined}>
                    {consumer.customId ?? <span className="text-zinc-400">—</span>}
                  </Td>
                  <Td>
                    <div className="flex flex-wrap gap-1">
                      {consumer.groups.slice(0, MAX_GROUP_BADGES).map((group) => (
                        <Badge key={group.id}>{group.name}</Badge>
                      ))}
                      {consumer.groups.length > MAX_GROUP_BADGES ? (
                        <Badge title={consumer.groups.map((g) => g.name).join(", ")}>+{consumer.groups.length - MAX_GROUP_BADGES}</Badge>
                      ) : null}
                      {consumer.groups.length === 0 ? <span className="text-xs text-zinc-400">none</span> : null}
                    </div>
                  </Td>
                  <Td className="text-zinc-600 dark:text-zinc-400">{consumer.owner?.email ?? <span className="text-zinc-400">—</span>}</Td>
                  <Td className="text-right tabular-nums">{consumer.activeKeys}</Td>
                  <Td className="text-zinc-600 dark:text-zinc-400">
                    <LocalTime iso={consumer.createdAt} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <nav aria-label="Pages" className="mt-3 flex items-center justify-end gap-2">
            <Button variant="secondary" disabled={!page.before || pending} onClick={() => go({ before: page.before, after: undefined }, false)}>
              ← Previous
            </Button>
            <Button variant="secondary" disabled={!page.after || pending} onClick={() => go({ after: page.after, before: undefined }, false)}>
              Next →
            </Button>
          </nav>
        </div>
      )}

      <Dialog open={creating} onClose={() => setCreating(false)} title="New consumer">
        {creating ? (
          <ConsumerForm
            choices={choices}
            onCancel={() => setCreating(false)}
            onDone={({ consumer }) => {
              setCreating(false);
              router.push(`/consumers/${consumer.id}`);
            }}
          />
        ) : null}
      </Dialog>
    </>
  );
}
