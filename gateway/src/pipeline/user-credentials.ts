// sign_in routes with `upstream_credential.per_user`: each signed-in user's
// own upstream credential, which the console holds (issue 18; docs/gateway.md,
// "Per-user upstream credentials"). The gateway asks the console for it the
// first time a user calls the server and keeps it in memory, per server and
// user, until 30 s before it expires (10 min when no expiry is known), so
// users it holds keep being served while the console is down. Concurrent
// misses for one user share one request; the memory is bounded.
//
// A user who has not connected the server, or whose connection broke, is
// answered with MCP's URLElicitationRequiredError (-32042, 2025-11-25
// client/elicitation) naming the console page that connects it; its message
// names the URL too, for clients without URL elicitation. An upstream that
// refuses the credential (401) makes the gateway tell the console once — which
// refreshes it or marks the connection broken — and send the request once more.
import { randomUUID } from "node:crypto";
import type { UpstreamTokenAnswer } from "../../../lib/core/controlplane/protocol";
import { credentialUnavailable, type UpstreamTokenSource } from "../control-plane/upstream-token-client";
import { GatewayError } from "../errors";
import type { RequestContext } from "./context";
import { forwardToUpstream, type ForwardDeps } from "./forward";

/** A credential is not used in its last 30 s, so it cannot expire on its way upstream. */
const EXPIRY_MARGIN_MS = 30_000;
/** How long a credential with no known expiry is kept before the console is asked again. */
const UNKNOWN_EXPIRY_MS = 10 * 60_000;
const MAX_HELD_CREDENTIALS = 10_000;

/** What a lookup ended in, for the metrics: a closed set. */
export type CredentialLookup = "held" | "fetched" | "refreshed" | "not_connected" | "broken" | "unavailable";

interface Held {
  value: string;
  /** Epoch ms from which the console is asked again. */
  usableUntil: number;
}

type Asked = { held: Held } | { refused: Extract<UpstreamTokenAnswer, { status: "not_connected" | "broken" }> } | { unavailable: string };

export class UserCredentials {
  #held = new Map<string, Held>();
  #asking = new Map<string, Promise<Asked>>();

  constructor(
    /** The console; undefined for a gateway configured from a file, which has no credentials to give. */
    private readonly source: UpstreamTokenSource | undefined,
    private readonly counted: (server: string, lookup: CredentialLookup) => void,
  ) {}

  /**
   * Sets the route's per-user header to the caller's own credential; returns the value sent. With `rejected`
   * (the value the upstream refused), a value other than that one is used, else the console is told.
   */
  async apply(ctx: RequestContext, rejected?: string): Promise<string> {
    const route = ctx.route!;
    const value = await this.#credential(route.name, route.perUserCredential!.header, ctx.caller!.username, rejected);
    ctx.upstreamHeaders = { ...ctx.upstreamHeaders, [route.perUserCredential!.header]: value };
    return value;
  }

  async #credential(server: string, header: string, consumer: string, rejected: string | undefined): Promise<string> {
    const key = `${server}\n${consumer}`;
    const held = this.#held.get(key);
    // A value the upstream refused is never sent again, whatever the console answers now.
    if (held && held.value === rejected) this.#held.delete(key);
    else if (held && held.usableUntil > Date.now()) {
      this.counted(server, "held");
      return held.value;
    }
    const askKey = rejected === undefined ? key : `${key}\nrejected`;
    let asking = this.#asking.get(askKey);
    if (!asking) {
      asking = this.#ask(server, header, consumer, rejected !== undefined, key).finally(() => this.#asking.delete(askKey));
      this.#asking.set(askKey, asking);
    }
    // Each request gets its own error: a shared one would carry another request's id.
    const asked = await asking;
    if ("held" in asked) return asked.held.value;
    if ("refused" in asked) throw connectionRequired(server, asked.refused);
    throw credentialUnavailable(server, asked.unavailable);
  }

  async #ask(server: string, header: string, consumer: string, rejected: boolean, key: string): Promise<Asked> {
    if (!this.source) {
      this.counted(server, "unavailable");
      return { unavailable: "per_user credentials are held by the console, and this gateway has none (a configuration file)" };
    }
    let answer: UpstreamTokenAnswer;
    try {
      answer = await this.source.lookUp({ server, consumer, ...(rejected ? { rejected: true as const } : {}) });
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
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
    const held = { value: answer.value, usableUntil: answer.expires_at === null ? now + UNKNOWN_EXPIRY_MS : Date.parse(answer.expires_at) - EXPIRY_MARGIN_MS };
    this.#held.delete(key);
    if (held.usableUntil > now) {
      if (this.#held.size >= MAX_HELD_CREDENTIALS) this.#held.delete(this.#held.keys().next().value!);
      this.#held.set(key, held);
    }
    this.counted(server, rejected ? "refreshed" : "fetched");
    return { held };
  }
}

/** -32042 with one URL elicitation: the console page where the user connects the server. */
function connectionRequired(server: string, refusal: Extract<UpstreamTokenAnswer, { status: "not_connected" | "broken" }>): GatewayError {
  const code = refusal.status === "broken" ? "upstream_connection_broken" : "upstream_not_connected";
  const message = `${refusal.message} Connect your account for server '${server}' at ${refusal.connect_url} and try again.`;
  return new GatewayError(code, message, refusal.status).withData({
    elicitations: [{ mode: "url", elicitationId: randomUUID(), url: refusal.connect_url, message: refusal.message }],
  });
}

/**
 * Forwards with the caller's own credential; an upstream 401 to it is reported to the console once and the
 * request (its body already buffered, nothing sent to the client yet) is sent once more with the new credential.
 */
export async function forwardWithUserCredential(ctx: RequestContext, deps: ForwardDeps & { userCredentials: UserCredentials }, corsHeaders: Record<string, string>) {
  const sent = await deps.userCredentials.apply(ctx);
  try {
    await forwardToUpstream(ctx, deps, corsHeaders);
  } catch (error) {
    if (!(error instanceof GatewayError) || error.code !== "upstream_credential_rejected") throw error;
    await deps.userCredentials.apply(ctx, sent);
    await forwardToUpstream(ctx, deps, corsHeaders);
  }
}
