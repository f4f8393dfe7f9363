// The SDK client's own OAuth support, driven without a browser: the provider
// records the authorization URL, the test follows the IdP's redirects (with
// its cookies) to the redirect URI, and hands the code to transport.finishAuth.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { PUBLIC_CLIENT_ID, REDIRECT_URI } from "./identity-provider";

export class HeadlessOAuthProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = "";

  get redirectUrl() {
    return REDIRECT_URI;
  }

  get clientMetadata(): OAuthClientMetadata {
    return { redirect_uris: [REDIRECT_URI], client_name: "portcullis test agent", token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] };
  }

  clientInformation() {
    return { client_id: PUBLIC_CLIENT_ID };
  }

  tokens() {
    return this.#tokens;
  }

  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }

  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }

  codeVerifier() {
    return this.#verifier;
  }
}

/** Follows the IdP's redirects as a browser would (cookies included) until it lands on the redirect URI; returns the code. */
export async function followAuthorization(start: URL): Promise<string> {
  const cookies = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 20; hop++) {
    if (url.href.startsWith(REDIRECT_URI)) {
      const code = url.searchParams.get("code");
      if (!code) throw new Error(`no code in ${url.href}`);
      return code;
    }
    const response = await fetch(url, { redirect: "manual", headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const cut = pair!.indexOf("=");
      cookies.set(pair!.slice(0, cut), pair!.slice(cut + 1));
    }
    const location = response.headers.get("location");
    if (!location) throw new Error(`authorization stopped at ${url.href} with HTTP ${response.status}: ${await response.text()}`);
    url = new URL(location, url);
  }
  throw new Error("too many redirects");
}

/** Connects the SDK client through the full flow: 401 → PRM → AS metadata → PKCE → code → token → connect. */
export async function connectWithOAuth(serverUrl: string): Promise<{ client: Client; provider: HeadlessOAuthProvider; accessToken: string }> {
  const provider = new HeadlessOAuthProvider();
  const first = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider });
  try {
    await new Client({ name: "portcullis-test", version: "1.0.0" }).connect(first);
    throw new Error("expected the first connection to need authorization");
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  const code = await followAuthorization(provider.authorizationUrl!);
  await first.finishAuth(code);
  const client = new Client({ name: "portcullis-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider }));
  return { client, provider, accessToken: provider.tokens()!.access_token };
}
