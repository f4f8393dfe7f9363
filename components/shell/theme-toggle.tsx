"use client";
import { useEffect, useState } from "react";
import { isDark, storedTheme, THEME_STORAGE_KEY, THEMES, type Theme } from "@/lib/client/theme";

const LABELS: Record<Theme, string> = { light: "Light", dark: "Dark", system: "System" };

function apply(theme: Theme) {
  const dark = isDark(theme, window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.style.colorScheme = dark ? "dark" : "light";
}

/** Light, dark or the system's; the choice is kept in this browser. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>("system");
  useEffect(() => setTheme(storedTheme(localStorage.getItem(THEME_STORAGE_KEY))), []);
  useEffect(() => {
    if (theme !== "system") return;
    const query = window.matchMedia("(prefers-color-scheme: dark)");
    const follow = () => apply("system");
    query.addEventListener("change", follow);
    return () => query.removeEventListener("change", follow);
  }, [theme]);
  const choose = (next: Theme) => {
    localStorage.setItem(THEME_STORAGE_KEY, next);
    setTheme(next);
    apply(next);
  };
  return (
    <div role="radiogroup" aria-label="Theme" className="inline-flex rounded-md bg-zinc-100 p-0.5 text-xs dark:bg-zinc-800">
      {THEMES.map((option) => (
        <button
          key={option}
          type="button"
          role="radio"
          aria-checked={theme === option}
          onClick={() => choose(option)}
          className={`rounded px-2 py-0.5 ${theme === option ? "bg-white font-medium text-zinc-900 shadow-sm dark:bg-zinc-950 dark:text-white" : "text-zinc-500 hover:text-zinc-900 dark:hover:text-white"}`}
        >
          {LABELS[option]}
        </button>
      ))}
    </div>
  );
}
