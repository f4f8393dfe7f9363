// The form's draft, as the admin fills it in, judged by the schema the API
// uses: each new option either compiles into the config's shape or is refused
// at the field the form shows the problem under.
import { describe, expect, it } from "vitest";
import { fieldErrors } from "@/lib/console/validation";
import { serverInputSchema } from "@/lib/console/schemas/server";
import { draftOf, inputOf, type Draft } from "./server-draft";

const base: Partial<Draft> = { name: "docs", path: "/docs-mcp", upstream: "https://docs.example.com/mcp" };
const validated: Partial<Draft> = {
  ...base,
  validateTokens: true,
  issuer: "https://login.example.com",
  useIntrospection: false,
  useJwks: true,
  jwksUri: "https://login.example.com/jwks",
  audience: "https://docs.example.com/mcp",
};
const exchange: Partial<Draft> = {
  ...base,
  mode: "token_swap",
  issuer: "https://idp.example.com",
  useIntrospection: false,
  useJwks: true,
  jwksUri: "https://idp.example.com/certs",
  credential: "token_exchange",
  exchangeEndpoint: "https://idp.example.com/token",
  exchangeClientId: "gateway",
  exchangeClientSecret: "{vault://portcullis/exchange-secret}",
  exchangeResource: "https://docs.example.com/mcp",
};

const judge = (draft: Partial<Draft>) => serverInputSchema.safeParse(inputOf({ ...draftOf(), ...draft }));
const errorsOf = (draft: Partial<Draft>) => {
  const result = judge(draft);
  return result.success ? {} : fieldErrors(result.error);
};

describe("the server form's new options", () => {
  it.each<[string, Partial<Draft>, object]>([
    [
      "validated passthrough, identity from the key",
      validated,
      {
        auth: { mode: "passthrough", validate: { issuer: "https://login.example.com", audience: "https://docs.example.com/mcp", jwks: { uri: "https://login.example.com/jwks" } } },
      },
    ],
    [
      "identity from the token, with groups and a fallback consumer",
      { ...validated, identity: "token", groupsClaim: "groups", unknownConsumer: "guest", algorithms: "RS256 ES256" },
      { auth: { identity: "token", consumer_claim: "sub", consumer_groups_claim: "groups", unknown_consumer: "guest", validate: { algorithms: ["RS256", "ES256"] } } },
    ],
    ["identity from both, by custom id", { ...validated, identity: "both", consumerBy: "custom_id" }, { auth: { identity: "both", consumer_by: "custom_id" } }],
    [
      "token exchange",
      exchange,
      { upstream_credential: { token_exchange: { endpoint: "https://idp.example.com/token", auth_method: "client_secret_basic", resource: "https://docs.example.com/mcp" } } },
    ],
  ])("%s: accepted, and read back into the same draft", (_what, draft, expected) => {
    const result = judge(draft);
    if (!result.success) throw new Error(JSON.stringify(fieldErrors(result.error)));
    expect(result.data).toMatchObject(expected);
    expect(inputOf(draftOf(result.data))).toEqual(inputOf({ ...draftOf(), ...draft, headers: [] }));
  });

  it("sign in with Portcullis: the mode alone, whatever token fields the draft still holds, and back", () => {
    const result = judge({ ...validated, mode: "sign_in", scopesSupported: "openid" });
    if (!result.success) throw new Error(JSON.stringify(fieldErrors(result.error)));
    expect(result.data.auth).toEqual({ mode: "sign_in" });
    expect(draftOf(result.data).mode).toBe("sign_in");
  });

  it("leaves a passthrough route that does not validate exactly as before (no identity fields)", () => {
    const result = judge({ ...base, identity: "token", groupsClaim: "groups" });
    expect(result.success && result.data.auth).toEqual({ mode: "passthrough", key_header: "apikey", upstream_prm_ttl_seconds: 300 });
  });

  it.each<[string, Partial<Draft>, string, string]>([
    ["validation without an audience", { ...validated, audience: "" }, "auth.validate.audience", ""],
    ["validation with neither JWKS nor introspection", { ...validated, useJwks: false }, "auth.validate.jwks", "validate needs `jwks` or `introspection`"],
    ["an HMAC algorithm", { ...validated, algorithms: "HS256" }, "auth.validate.algorithms.0", ""],
    [
      "a plain introspection secret under validate",
      { ...validated, useIntrospection: true, introspectionEndpoint: "https://login.example.com/introspect", clientId: "gw", clientSecret: "s3cret" },
      "auth.validate.introspection.client_secret",
      "vault",
    ],
    ["a token exchange without audience or resource", { ...exchange, exchangeResource: "" }, "upstream_credential.token_exchange.audience", "needs `audience` or `resource`"],
    ["a plain exchange client secret", { ...exchange, exchangeClientSecret: "s3cret" }, "upstream_credential.token_exchange.client_secret", "vault"],
    [
      "a token exchange and a stored Authorization header",
      { ...exchange, headers: [{ key: 1, name: "Authorization", value: "Bearer {vault://portcullis/t}" }] },
      "upstream_headers",
      "the exchanged token is the route's Authorization",
    ],
  ])("refuses %s under %s", (_what, draft, field, message) => {
    const errors = errorsOf(draft);
    expect(Object.keys(errors)).toContain(field);
    expect(errors[field]).toContain(message);
  });
});
