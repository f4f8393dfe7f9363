"use client";
import { Button } from "./button";

/** What a page shows when loading it failed on the server: no stack trace, a way to try again. */
export function ErrorPanel({ title, retry, digest }: { title: string; retry?: () => void; digest?: string }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-6 py-8 text-center dark:border-red-900 dark:bg-red-950/40">
      <h2 className="text-sm font-semibold text-red-800 dark:text-red-200">{title}</h2>
      <p className="mx-auto mt-1 max-w-md text-sm text-red-700 dark:text-red-300">
        The server could not load this page. The error was logged{digest ? ` (reference ${digest})` : ""}.
      </p>
      {retry ? (
        <Button variant="secondary" className="mt-4" onClick={retry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}
