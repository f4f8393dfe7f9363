// Which of the recipe's authentication patterns a server's route uses, in one
// sentence for its page: passthrough (validated or not, identity from the key,
// the token or both), token swap with a stored credential or the user's own
// token, or token swap with RFC 8693 token exchange.
import type { ServerSettings } from "./schemas/server";

export function authPatternSentence(settings: Pick<ServerSettings, "auth" | "upstream_credential">, forwardsCallerToken: boolean): string {
  const auth = settings.auth;
  if (auth.mode === "passthrough") {
    if (!auth.validate) return "Passthrough: agents bring a token from the upstream's own OAuth, forwarded unexamined, and a Portcullis API key says who they are.";
    const checked = `Validated passthrough: the gateway checks the upstream's token (${auth.validate.jwks ? "JWKS" : "introspection"}, issuer ${auth.validate.issuer}) and forwards it unchanged`;
    const claim = auth.consumer_claim ?? "sub";
    if (auth.identity === "token") return `${checked}; the token's ${claim} claim says who the caller is, with no API key.`;
    if (auth.identity === "both") return `${checked}; a Portcullis API key says who the caller is, and the token's ${claim} claim must name the same consumer.`;
    return `${checked}; a Portcullis API key says who the caller is.`;
  }
  if (auth.mode === "sign_in")
    return "Sign in with Portcullis: agents need only the URL; they sign in to this console's authorization server and get a token for this route alone, checked by the gateway and never sent upstream.";
  const signIn = `agents sign in with ${auth.issuer}, the gateway validates their token`;
  const exchange = settings.upstream_credential?.token_exchange;
  if (exchange) return `Token exchange: ${signIn} and exchanges it (RFC 8693) for a token issued to ${exchange.resource ?? exchange.audience}, naming the same user.`;
  if (forwardsCallerToken) return `Token swap, forwarding: ${signIn} and forwards it to the upstream (passthrough_credentials).`;
  return `Token swap: ${signIn} and calls the upstream with the stored credential in its upstream headers.`;
}
