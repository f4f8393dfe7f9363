// A signed-in user's own upstream credential, asked of the console
// (DP_API.upstreamTokens) on a per_user route when the gateway holds none for
// them. Anything short of a well-formed 200 within 2 s is
// `credential_unavailable`: the call is refused, never forwarded without it.
import { DP_API, upstreamTokenAnswerSchema, type UpstreamTokenAnswer, type UpstreamTokenRequest } from "../../../lib/core/controlplane/protocol";
import { GatewayError } from "../errors";
import { ConsoleRequestFailed, postToConsole, type ConsoleEndpoint } from "./console-request";

export const UPSTREAM_TOKEN_TIMEOUT_MS = 2_000;

export interface UpstreamTokenSource {
  lookUp(request: UpstreamTokenRequest): Promise<UpstreamTokenAnswer>;
}

export function credentialUnavailable(server: string, detail: string): GatewayError {
  return new GatewayError("credential_unavailable", `Your credential for server '${server}' could not be obtained from the console: try again shortly`, detail);
}

export class ConsoleUpstreamTokenClient implements UpstreamTokenSource {
  constructor(private readonly options: ConsoleEndpoint & { timeoutMs?: number }) {}

  async lookUp(request: UpstreamTokenRequest): Promise<UpstreamTokenAnswer> {
    try {
      return await postToConsole(this.options, DP_API.upstreamTokens, JSON.stringify(request), {
        schema: upstreamTokenAnswerSchema,
        statuses: [200],
        timeoutMs: this.options.timeoutMs ?? UPSTREAM_TOKEN_TIMEOUT_MS,
      });
    } catch (error) {
      if (!(error instanceof ConsoleRequestFailed)) throw error;
      throw credentialUnavailable(request.server, error.message);
    }
  }
}
