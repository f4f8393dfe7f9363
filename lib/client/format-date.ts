// The console's one way of writing an instant: "2 Dec 2026, 18:30" (the order
// and month names follow the viewer's locale), in the viewer's time zone. Until
// the browser takes over, pages render the instant in UTC, marked as such, so
// server and client markup agree.
export type DateMode = "datetime" | "date" | "time";

const OPTIONS: Record<DateMode, Intl.DateTimeFormatOptions> = {
  datetime: { dateStyle: "medium", timeStyle: "short" },
  date: { dateStyle: "medium" },
  time: { timeStyle: "short" },
};

/** In the given (default: the runtime's) locale and time zone. */
export function formatInstant(iso: string, mode: DateMode = "datetime", locale?: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { ...OPTIONS[mode], timeZone }).format(new Date(iso));
}

/** What the server renders before hydration: the same format in UTC, with the zone named. */
export function formatInstantUtc(iso: string, mode: DateMode = "datetime"): string {
  return `${formatInstant(iso, mode, "en-GB", "UTC")} UTC`;
}
