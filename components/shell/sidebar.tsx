"use client";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";

/**
 * The console's navigation column: beside the page from 1024 px up, and below
 * that a bar with a Menu button that opens it over the page. The column scrolls
 * on its own, so any number of entries fits at any height.
 */
export function Sidebar({ brand, children }: { brand: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const close = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", close);
    return () => window.removeEventListener("keydown", close);
  }, [open]);
  return (
    <>
      <header className="sticky top-0 z-30 flex items-center justify-between border-b border-zinc-200 bg-white px-4 py-2 lg:hidden dark:border-zinc-800 dark:bg-zinc-950">
        {brand}
        <button
          type="button"
          aria-expanded={open}
          aria-controls="console-sidebar"
          onClick={() => setOpen(!open)}
          className="rounded-md px-2.5 py-1.5 text-sm font-medium ring-1 ring-inset ring-zinc-300 dark:ring-zinc-700"
        >
          {open ? "Close" : "Menu"}
        </button>
      </header>
      {open ? <div aria-hidden className="fixed inset-0 z-30 bg-zinc-950/40 lg:hidden" onClick={() => setOpen(false)} /> : null}
      <aside
        id="console-sidebar"
        className={`${open ? "fixed inset-y-0 left-0 z-40 flex shadow-xl" : "hidden"} h-dvh w-64 shrink-0 flex-col overflow-y-auto border-r border-zinc-200 bg-white px-3 py-4 lg:sticky lg:top-0 lg:flex lg:w-56 lg:shadow-none dark:border-zinc-800 dark:bg-zinc-950`}
      >
        <div className="mb-6 hidden px-2 lg:block">{brand}</div>
        {children}
      </aside>
    </>
  );
}
