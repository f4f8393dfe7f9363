// Browser side of the console API: JSON in, JSON out, errors as ApiError with
// the server's message and field errors (for forms).
import type { ConsoleErrorBody } from "../console/errors";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function api<T>(url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError("The console could not be reached. Check your connection and try again.", 0, "network");
  }
  const text = await response.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (data as Partial<ConsoleErrorBody> | undefined)?.error;
    throw new ApiError(error?.message ?? `Request failed (${response.status}).`, response.status, error?.code ?? "unknown", error?.fields);
  }
  return data as T;
}
