"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Area } from "@/lib/auth/roles";

export function Nav({ areas }: { areas: Pick<Area, "href" | "label">[] }) {
  // Typed nullable because the project also has a Pages Router route (pages/api/oauth); never null in the App Router.
  const pathname = usePathname() ?? "/";
  return (
    <nav aria-label="Main" className="space-y-0.5">
      {areas.map((area) => {
        const active = area.href === "/" ? pathname === "/" : pathname.startsWith(area.href);
        return (
          <Link
            key={area.href}
            href={area.href}
            aria-current={active ? "page" : undefined}
            className={`block rounded-md px-2.5 py-1.5 text-sm ${
              active
                ? "bg-zinc-200/70 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-white"
                : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-900 dark:hover:text-white"
            }`}
          >
            {area.label}
          </Link>
        );
      })}
    </nav>
  );
}
