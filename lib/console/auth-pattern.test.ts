import { describe, expect, it } from "vitest";
import { authPatternSentence } from "./auth-pattern";
import { serverInputSchema, type ServerInput } from "./schemas/server";

const base = { name: "s", path: "/s", upstream: "https://upstream.example/mcp" };
const validate = { issuer: "https://login.example", audience: "https://upstream.example/mcp", jwks: { uri: "https://login.example/jwks" } };
const swap = { mode: "token_swap", issuer: "https://idp.example", jwks: { uri: "https://idp.example/certs" } } as const;
const exchange = { endpoint: "https://idp.example/token", client_id: "gw", client_secret: "{vault://portcullis/x}", resource: "https://upstream.example/mcp" };

describe("the server page's one-sentence pattern", () => {
  it.each<[string, Partial<ServerInput>, boolean, string]>([
    [
      "plain passthrough",
      { auth: { mode: "passthrough" } },
      false,
      "Passthrough: agents bring a token from the upstream's own OAuth, forwarded unexamined, and a Portcullis API key says who they are.",
    ],
    [
      "validated passthrough, identity from the key",
      { auth: { mode: "passthrough", validate } },
      false,
      "Validated passthrough: the gateway checks the upstream's token (JWKS, issuer https://login.example) and forwards it unchanged; a Portcullis API key says who the caller is.",
    ],
    [
      "identity from the token",
      { auth: { mode: "passthrough", validate, identity: "token", consumer_claim: "email" } },
      false,
      "Validated passthrough: the gateway checks the upstream's token (JWKS, issuer https://login.example) and forwards it unchanged; the token's email claim says who the caller is, with no API key.",
    ],
    [
      "identity from both",
      { auth: { mode: "passthrough", validate, identity: "both" } },
      false,
      "Validated passthrough: the gateway checks the upstream's token (JWKS, issuer https://login.example) and forwards it unchanged; a Portcullis API key says who the caller is, and the token's sub claim must name the same consumer.",
    ],
    [
      "sign in with Portcullis",
      { auth: { mode: "sign_in" }, upstream_headers: { Authorization: "Bearer {vault://portcullis/t}" } },
      false,
      "Sign in with Portcullis: agents need only the URL; they sign in to this console's authorization server and get a token for this route alone, checked by the gateway and never sent upstream.",
    ],
    [
      "token swap",
      { auth: swap, upstream_headers: { Authorization: "Bearer {vault://portcullis/t}" } },
      false,
      "Token swap: agents sign in with https://idp.example, the gateway validates their token and calls the upstream with the stored credential in its upstream headers.",
    ],
    [
      "token swap forwarding the user's token",
      { auth: swap },
      true,
      "Token swap, forwarding: agents sign in with https://idp.example, the gateway validates their token and forwards it to the upstream (passthrough_credentials).",
    ],
    [
      "token exchange",
      { auth: swap, upstream_credential: { token_exchange: exchange } },
      false,
      "Token exchange: agents sign in with https://idp.example, the gateway validates their token and exchanges it (RFC 8693) for a token issued to https://upstream.example/mcp, naming the same user.",
    ],
  ])("%s", (_what, server, forwards, sentence) => {
    expect(authPatternSentence(serverInputSchema.parse({ ...base, ...server }), forwards)).toBe(sentence);
  });
});
