"use client";
// A small action menu on the browser's Popover API: it renders in the top
// layer, so tables with overflow scrolling do not clip it, and Escape or a
// click outside closes it natively. `MenuPopover` is the list alone, for a
// parent that owns many anchors (one popover for a whole table's rows).
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export interface MenuItem {
  label: string;
  onSelect: () => void;
}

const MENU_WIDTH = 240;

/** The open menu, placed under `anchor`; focus goes back to the anchor when it closes. */
export function MenuPopover({ id, anchor, label, items, onClose }: { id?: string; anchor: HTMLElement; label: string; items: MenuItem[]; onClose: () => void }) {
  const popover = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const menu = popover.current;
    if (!menu) return;
    const rect = anchor.getBoundingClientRect();
    menu.showPopover();
    menu.style.top = `${Math.min(rect.bottom + 4, window.innerHeight - menu.offsetHeight - 8)}px`;
    menu.style.left = `${Math.max(8, Math.min(rect.right - MENU_WIDTH, window.innerWidth - MENU_WIDTH - 8))}px`;
    menu.querySelector<HTMLButtonElement>("[role=menuitem]")?.focus();
  }, [anchor]);

  const close = () => {
    popover.current?.hidePopover();
    anchor.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    event.stopPropagation();
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
    <div
      ref={popover}
      id={id}
      popover="auto"
      role="menu"
      aria-label={label}
      onToggle={(event) => (event as unknown as { newState: string }).newState === "closed" && onClose()}
      onKeyDown={onKeyDown}
      onClick={(event) => event.stopPropagation()}
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
  );
}

export const MENU_BUTTON_CLASS =
  "inline-flex shrink-0 items-center justify-center rounded px-1 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-700 dark:hover:text-white";

/** A button that opens its own menu. */
export function Menu({ label, items, children }: { label: string; items: MenuItem[]; children: ReactNode }) {
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
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
        className={MENU_BUTTON_CLASS}
      >
        {children}
      </button>
      {open && button.current ? <MenuPopover id={id} anchor={button.current} label={label} items={items} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
