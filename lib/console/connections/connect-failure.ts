// Why a connect flow did not start or finish, as Connected accounts shows it.
// The connect link and the callback send the browser there with a code, never a sentence, and the
// page's words come from these tables: neither the upstream's free-text
// `error_description` (or an arbitrary `error`: whoever sends a victim a
// crafted callback chooses both) nor a crafted link to /connections can put
// text of their choosing on a console page. The upstream's `error` is one of
// RFC 6749 §4.1.2.1's codes, told in plain words; another code is shown only
// when it looks like one.

/** RFC 6749 §4.1.2.1: the error codes of an authorization response. */
export const UPSTREAM_ERROR_WORDS: Readonly<Record<string, string>> = {
  access_denied: "access was declined at the upstream",
  invalid_request: "the upstream found the authorization request malformed; ask an admin to check the server's upstream application",
  unauthorized_client: "the upstream does not let this application ask for access this way; ask an admin to check the server's upstream application",
  unsupported_response_type: "the upstream does not hand this application authorization codes; ask an admin to check the server's upstream application",
  invalid_scope: "the upstream refused the scopes the application asks for; ask an admin to check them",
  server_error: "the upstream failed on its side; try again later",
  temporarily_unavailable: "the upstream is busy or down for maintenance; try again later",
};

/** An error code as RFC 6749 would spell one; anything else from the upstream is not shown. */
const ERROR_CODE = /^[a-z0-9_]{1,64}$/;

/** The console's own reasons a callback failed. */
export const CONNECT_FAILURES = {
  /** The upstream refused at its consent: the words come from `upstream_error`. */
  upstream_refused: "The upstream did not connect your account.",
  no_state: "The upstream sent the browser back without the connection's state; start connecting again.",
  foreign_state: "This connection attempt is not one the console started.",
  expired_state: "This connection attempt expired; start it again.",
  other_user: "This connection attempt was started by another console user; start it again signed in as yourself.",
  not_connectable: "This server no longer connects through the upstream's sign-in.",
  no_such_server: "There is no MCP server by that name that takes each user's own account.",
  no_consumer: "Sign in from your MCP client first: connecting an account needs the consumer that sign-in makes for you.",
  sign_in_expired: "The sign-in this connection was part of has expired or is not yours; start again from your MCP client.",
  code_refused: "The upstream refused the connection's code; start connecting again.",
  upstream_unavailable: "Connecting failed: the upstream's token endpoint could not be reached or gave no usable token; try again later.",
  failed: "Connecting failed on the server; the error was logged.",
} as const;
export type ConnectFailure = keyof typeof CONNECT_FAILURES;

const isConnectFailure = (value: string): value is ConnectFailure => Object.hasOwn(CONNECT_FAILURES, value);

/** A callback that did not connect: where Connected accounts is told why. */
export class ConnectFailed extends Error {
  readonly upstreamError: string | undefined;

  constructor(
    readonly failure: ConnectFailure,
    /** The upstream's `error`, for `upstream_refused`; kept only when it looks like a code. */
    upstreamError?: string,
  ) {
    super(CONNECT_FAILURES[failure]);
    this.name = "ConnectFailed";
    this.upstreamError = upstreamError !== undefined && ERROR_CODE.test(upstreamError) ? upstreamError : undefined;
  }

  /** The query string of Connected accounts that shows this failure. */
  query(): string {
    const query = new URLSearchParams({ error: this.failure });
    if (this.upstreamError) query.set("upstream_error", this.upstreamError);
    return query.toString();
  }
}

/** The upstream's refusal in plain words: an RFC 6749 code's, another code as given, or nothing more. */
export function upstreamRefusalMessage(error: string | undefined): string {
  if (error !== undefined && Object.hasOwn(UPSTREAM_ERROR_WORDS, error)) return `The upstream did not connect your account: ${UPSTREAM_ERROR_WORDS[error]}.`;
  if (error !== undefined && ERROR_CODE.test(error)) return `The upstream did not connect your account (it answered "${error}").`;
  return CONNECT_FAILURES.upstream_refused;
}

/** What Connected accounts shows for its `error` and `upstream_error` parameters; a value of no table gets a generic line. */
export function connectFailureMessage(query: { error?: string; upstream_error?: string }): string {
  if (query.error === "upstream_refused") return upstreamRefusalMessage(query.upstream_error);
  if (query.error !== undefined && isConnectFailure(query.error)) return CONNECT_FAILURES[query.error];
  return "Connecting did not finish; start it again.";
}
