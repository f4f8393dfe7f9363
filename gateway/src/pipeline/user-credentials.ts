// sign_in routes with `upstream_credential.per_user`: each signed-in user's
// own upstream credential, which the console holds (issue 18; docs/gateway.md,
// "Per-user upstream credentials"). The gateway asks the console for it the
// first time a user calls the server and keeps it in memory, per server and
// user, asking again after a minute: a connection the user disconnects or an
// admin revokes stops within that minute on every gateway. When the console
// cannot be reached, a held credential keeps being used until 30 s before it
// expires (10 min when no expiry is known), so users it holds keep being
// served while the console is down. Concurrent misses for one user share one
// request; the memory is bounded.
//
// A user who has not connected the server, or whose connection broke, is
// never forwarded: the console's answer is thrown as ConnectionRequired, which
// pipeline/upstream-connection.ts answers in the request's MCP revision. An
// upstream that refuses the credential (401) makes the gateway tell the
// console once — which refreshes it or marks the connection broken — and send
// the request once more.
import { createHash } from "node:crypto";
import type { UpstreamTokenAnswer } from "../../../lib/core/controlplane/protocol";
import { credentialUnavailable, type UpstreamTokenSource } from "../control-plane/upstream-token-client";
import { GatewayError } from "../errors";
import type { RequestContext } from "./context";

/** A credential is not used in its last 30 s, so it cannot expire on its way upstream. */
const EXPIRY_MARGIN_MS = 30_000;
/** How long a credential with no known expiry is kept before the console is asked again. */
const UNKNOWN_EXPIRY_MS = 10 * 60_000;
/** How long a held credential is used before the console is asked whether it still stands (revoked, disconnected). */
const RECHECK_MS = 60_000;
/** While the console cannot be reached, how long a held credential is used before it is tried again (each try may wait its timeout). */
const RETRY_CONSOLE_MS = 5_000;
const MAX_HELD_CREDENTIALS = 10_000;

/** What a lookup ended in, for the metrics: a closed set. */
export type CredentialLookup = "held" | "fetched" | "refreshed" | "not_connected" | "broken" | "unavailable";

interface Held {
  value: string;
  /** Epoch ms from which the console is asked again. */
  checkAfter: number;
  /** Epoch ms until which the value may still be sent while the console cannot be reached. */
  usableUntil: number;
}

export type ConnectionRefusal = Extract<UpstreamTokenAnswer, { status: "not_connected" | "broken" }>;

/** The console says the user must connect (again) first: the answer depends on the request's revision. */
export class ConnectionRequired extends Error {
  constructor(
    readonly server: string,
    readonly refusal: ConnectionRefusal,
  ) {
    super(refusal.message);
    this.name = "ConnectionRequired";
  }
}

type Asked = { held: Held } | { refused: ConnectionRefusal } | { unavailable: string };

export class UserCredentials {
  #held = new Map<string, Held>();
  #asking = new Map<string, Promise<Asked>>();

  constructor(
    /** The console; undefined for a gateway configured from a file, which has no credentials to give. */
    private readonly source: UpstreamTokenSource | undefined,
    private readonly counted: (server: string, lookup: CredentialLookup) => void,
  ) {}

  /**
   * The caller's own credential for the route: the full header value. With `rejected` (the value the upstream
   * refused), a value other than that one, else the console is told. Throws ConnectionRequired.
   */
  async credentialFor(ctx: RequestContext, rejected?: string): Promise<string> {
    const route = ctx.route!;
    return this.#credential(route.name, route.perUserCredential!.header, ctx.caller!.username, rejected);
  }

  async #credential(server: string, header: string, consumer: string, rejected: string | undefined): Promise<string> {
    const key = `${server}\n${consumer}`;
    const held = this.#held.get(key);
    // A value the upstream refused is never sent again, whatever the console answers now.
    if (held && held.value === rejected) this.#held.delete(key);
    else if (held && held.checkAfter > Date.now()) {
      this.counted(server, "held");
      return held.value;
    }
    const askKey = rejected === undefined ? key : `${key}\nrejected`;
    let asking = this.#asking.get(askKey);
    if (!asking) {
      asking = this.#ask(server, header, consumer, rejected, key).finally(() => this.#asking.delete(askKey));
      this.#asking.set(askKey, asking);
    }
    // Each request gets its own error: a shared one would carry another request's id.
    const asked = await asking;
    if ("held" in asked) return asked.held.value;
    if ("refused" in asked) throw new ConnectionRequired(server, asked.refused);
    throw credentialUnavailable(server, asked.unavailable);
  }

  async #ask(server: string, header: string, consumer: string, rejected: string | undefined, key: string): Promise<Asked> {
    if (!this.source) {
      this.counted(server, "unavailable");
      return { unavailable: "per_user credentials are held by the console, and this gateway has none (a configuration file)" };
    }
    let answer: UpstreamTokenAnswer;
    try {
      const report = rejected === undefined ? {} : { rejected: true as const, rejected_sha256: createHash("sha256").update(rejected).digest("hex") };
      answer = await this.source.lookUp({ server, consumer, ...report });
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      // The console is down: a held value not yet expired (never a refused one: that was forgotten) still serves.
      const stale = this.#held.get(key);
      if (stale && stale.usableUntil > Date.now()) {
        stale.checkAfter = Math.min(stale.usableUntil, Date.now() + RETRY_CONSOLE_MS);
        this.counted(server, "held");
        return { held: stale };
      }
      this.counted(server, "unavailable");
      return { unavailable: error.detail ?? error.message };
    }
    if (answer.status !== "connected") {
      this.#held.delete(key);
      this.counted(server, answer.status);
      return { refused: answer };
    }
    if (answer.header.toLowerCase() !== header) {
      this.counted(server, "unavailable");
      return { unavailable: `the console's credential is for the header ${answer.header}, the route's is ${header}` };
    }
    const now = Date.now();
    const usableUntil = answer.expires_at === null ? now + UNKNOWN_EXPIRY_MS : Date.parse(answer.expires_at) - EXPIRY_MARGIN_MS;
    const held = { value: answer.value, usableUntil, checkAfter: Math.min(usableUntil, now + RECHECK_MS) };
    this.#held.delete(key);
    if (held.usableUntil > now) {
      if (this.#held.size >= MAX_HELD_CREDENTIALS) this.#held.delete(this.#held.keys().next().value!);
      this.#held.set(key, held);
    }
    this.counted(server, rejected === undefined ? "fetched" : "refreshed");
    return { held };
  }
}
