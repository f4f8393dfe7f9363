"use client";
// A small action menu on the browser's Popover API: it renders in the top
// layer, so tables with overflow scrolling do not clip it, and Escape or a
// click outside closes it natively. Items render only while it is open.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export interface MenuItem {
  label: string;
  onSelect: () => void;
}

const MENU_WIDTH = 240;

export function Menu({ label, items, children, className = "" }: { label: string; items: MenuItem[]; children: ReactNode; className?: string }) {
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const menu = popover.current;
    const anchor = button.current?.getBoundingClientRect();
    if (!open || !menu || !anchor) return;
    menu.style.top = `${Math.min(anchor.bottom + 4, window.innerHeight - menu.offsetHeight - 8)}px`;
    menu.style.left = `${Math.max(8, Math.min(anchor.left, window.innerWidth - MENU_WIDTH - 8))}px`;
    menu.showPopover();
    menu.querySelector<HTMLButtonElement>("[role=menuitem]")?.focus();
  }, [open]);

  const close = () => {
    popover.current?.hidePopover();
    button.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(popover.current?.querySelectorAll<HTMLButtonElement>("[role=menuitem]") ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    const step = event.key === "ArrowDown" ? 1 : event.key === "ArrowUp" ? -1 : 0;
    if (step !== 0) {
      event.preventDefault();
      entries[(at + step + entries.length) % entries.length]?.focus();
    }
    if (event.key === "Tab") close();
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen(true)}
        className={`inline-flex items-center justify-center rounded px-1 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-700 dark:hover:text-white ${className}`}
      >
        {children}
      </button>
      {open ? (
        <div
          ref={popover}
          id={id}
          popover="auto"
          role="menu"
          aria-label={label}
          onToggle={(event) => (event as unknown as { newState: string }).newState === "closed" && setOpen(false)}
          onKeyDown={onKeyDown}
          style={{ width: MENU_WIDTH }}
          className="fixed inset-auto m-0 rounded-md border border-zinc-200 bg-white p-1 text-sm text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              onClick={() => {
                item.onSelect();
                close();
              }}
              className="block w-full rounded px-2.5 py-1.5 text-left hover:bg-zinc-100 focus:bg-zinc-100 focus:outline-none dark:hover:bg-zinc-800 dark:focus:bg-zinc-800"
            >
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </>
  );
}
