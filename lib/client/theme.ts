// The console's colour theme: light, dark, or the system's, remembered per
// browser in localStorage. The choice is applied by a script in <head> before
// the first paint (THEME_SCRIPT), so a dark page never flashes white; the
// Tailwind `dark:` variant follows the `dark` class on <html> (app/globals.css).
export const THEMES = ["light", "dark", "system"] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_STORAGE_KEY = "portcullis-theme";

export function storedTheme(value: string | null): Theme {
  return THEMES.includes(value as Theme) ? (value as Theme) : "system";
}

export function isDark(theme: Theme, systemPrefersDark: boolean): boolean {
  return theme === "dark" || (theme === "system" && systemPrefersDark);
}

/** Runs inline in <head>, before anything is drawn; kept free of imports so it can be serialised. */
export const THEME_SCRIPT = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});var d=t==="dark"||((t!=="light")&&window.matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d);document.documentElement.style.colorScheme=d?"dark":"light";}catch(e){}})();`;
