import type { Metadata } from "next";
import Link from "next/link";
import { ActivityList } from "@/components/activity/activity-list";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SELECT_CLASS } from "@/components/ui/select";
import { requirePageRole } from "@/lib/auth/session";
import { listActivity, listActivityEntityTypes } from "@/lib/console/activity-log";
import { activityFilterSchema } from "@/lib/console/schemas/activity";

export const metadata: Metadata = { title: "Activity log" };

const INPUT_CLASS =
  "rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-900 dark:ring-zinc-700";

export default async function ActivityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageRole(["admin"]);
  const parsed = activityFilterSchema.safeParse(await searchParams);
  const { type, actor, q } = parsed.success ? parsed.data : {};
  const filter = { type, actor, q };
  const [first, types] = await Promise.all([listActivity(filter), listActivityEntityTypes()]);
  const filtered = Boolean(type || actor || q);
  return (
    <>
      <PageHeader title="Activity log" description="Every change made in the console: who, what, when, with the before and after." />
      <form method="get" role="search" aria-label="Filter the activity log" className="mb-4 flex flex-wrap items-end gap-2">
        <label className="space-y-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
          <span className="block">Entity</span>
          <select name="type" defaultValue={type ?? ""} className={`${SELECT_CLASS} w-40`}>
            <option value="">All</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
          <span className="block">Actor</span>
          <input name="actor" defaultValue={actor} placeholder="email" className={`${INPUT_CLASS} w-52`} />
        </label>
        <label className="space-y-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
          <span className="block">Text</span>
          <input name="q" type="search" defaultValue={q} placeholder="name or action, e.g. acl.update" className={`${INPUT_CLASS} w-64`} />
        </label>
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
          Filter
        </button>
        {filtered ? (
          <Link href="/activity" className="px-2 py-1.5 text-sm text-zinc-600 hover:underline dark:text-zinc-400">
            Clear
          </Link>
        ) : null}
      </form>
      {first.entries.length === 0 ? (
        <EmptyState title={filtered ? "Nothing matches these filters" : "No changes yet"}>
          {filtered ? "Try a broader filter, or clear it." : "Changes to servers, tools, access rules, groups, consumers and keys appear here as admins make them."}
        </EmptyState>
      ) : (
        <ActivityList key={JSON.stringify(filter)} first={first} filter={filter} />
      )}
    </>
  );
}
