// The console API's one error type and the one table from its codes to HTTP
// statuses. Route handlers throw ConsoleError; anything else becomes a
// generic 500 whose cause is logged on the server, never sent to the browser.
export const CONSOLE_ERROR_STATUS = {
  unauthenticated: 401,
  forbidden: 403,
  cross_site: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  /** An upstream MCP server the console called on the admin's behalf failed or refused. */
  upstream: 502,
} as const;

export type ConsoleErrorCode = keyof typeof CONSOLE_ERROR_STATUS;

export interface ConsoleErrorBody {
  error: { code: ConsoleErrorCode; message: string; fields?: Record<string, string> };
}

export class ConsoleError extends Error {
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
    /** Field path → message, for forms. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "ConsoleError";
  }

  get status(): number {
    return CONSOLE_ERROR_STATUS[this.code];
  }

  toBody(): ConsoleErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) } };
  }
}

export const notFound = (what: string) => new ConsoleError("not_found", `${what} does not exist (it may have been deleted).`);
