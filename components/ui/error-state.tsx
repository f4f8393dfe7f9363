"use client";
import { Button } from "./button";

/** The body of a route's error.tsx: a readable message and a retry, never a stack trace. */
export function ErrorState({ title, error, retry }: { title: string; error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-6 py-8 text-center dark:border-red-900 dark:bg-red-950">
      <h2 className="text-sm font-semibold text-red-800 dark:text-red-200">{title}</h2>
      <p className="mx-auto mt-1 max-w-md text-sm text-red-700 dark:text-red-300">
        The server could not load this page. Try again; if it keeps failing, the console&apos;s log has the cause
        {digest ? ` (reference ${digest})` : ""}.
      </p>
      <Button variant="secondary" className="mt-4" onClick={retry}>
        Try again
      </Button>
    </div>
  );
}
