import Link from "next/link";

/** Tabs that are links: each tab is a page of its own, so the URL says where you are. */
export function LinkTabs({ tabs, current, label }: { tabs: { href: string; label: string }[]; current: string; label: string }) {
  return (
    <nav aria-label={label} className="mb-6 flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((tab) => {
        const active = tab.href === current;
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${
              active
                ? "border-indigo-600 font-medium text-zinc-900 dark:text-white"
                : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white"
            }`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
