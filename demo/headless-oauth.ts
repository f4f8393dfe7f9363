// The MCP SDK client's own OAuth support (`authProvider`), driven without a
// browser: the provider records the authorization URL; followAuthorization
// plays the browser — follows redirects with cookies, fills in a login form
// when the authorization server shows one — until it lands on the redirect
// URI, and the code goes to transport.finishAuth. Used by the demo's verify
// steps and by the gateway's token_swap tests.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";

/**
 * A pre-registered client — public (no secret, PKCE only) or confidential (id
 * and secret, like a GitHub OAuth app) — or, without a client id, one that
 * registers itself (RFC 7591) as clients like VS Code do.
 */
export interface OAuthClientSettings {
  clientId?: string;
  clientSecret?: string;
  redirectUri: string;
}

export interface SignInCredentials {
  username: string;
  password: string;
}

export class HeadlessOAuthProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = "";
  #registered: OAuthClientInformationMixed | undefined;

  constructor(private readonly client: OAuthClientSettings) {
    if (client.clientId) this.#registered = { client_id: client.clientId, ...(client.clientSecret ? { client_secret: client.clientSecret } : {}) };
  }

  get redirectUrl() {
    return this.client.redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      redirect_uris: [this.client.redirectUri],
      client_name: "portcullis headless agent",
      token_endpoint_auth_method: this.client.clientSecret ? "client_secret_basic" : "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#registered;
  }

  saveClientInformation(information: OAuthClientInformationMixed) {
    this.#registered = information;
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

const attribute = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`, "i").exec(tag)?.[1];
const unescapeHtml = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replaceAll("&amp;", "&");

/** The first POST form of a page that asks for a password: its action and the fields to send. */
function loginForm(html: string): { action: string; fields: URLSearchParams } | undefined {
  const form = /<form\b[^>]*>[\s\S]*?<\/form>/i.exec(html)?.[0];
  if (!form || !/type="password"/i.test(form)) return undefined;
  const action = attribute(/<form\b[^>]*>/i.exec(form)![0], "action");
  if (!action) return undefined;
  const fields = new URLSearchParams();
  for (const input of form.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attribute(input, "name");
    if (name && attribute(input, "type") === "hidden") fields.set(name, unescapeHtml(attribute(input, "value") ?? ""));
  }
  return { action: unescapeHtml(action), fields };
}

/**
 * Plays the browser from the authorization URL to the redirect URI (cookies
 * kept, a login form filled in with `credentials`); returns the code. An error
 * sent back to the redirect URI is thrown with its description.
 */
export async function followAuthorization(start: URL, options: { redirectUri: string; credentials?: SignInCredentials }): Promise<string> {
  const { redirectUri } = options;
  const cookies = new Map<string, string>();
  let request: { url: URL; form?: URLSearchParams } = { url: start };
  for (let hop = 0; hop < 20; hop++) {
    const { url, form } = request;
    if (url.href.startsWith(redirectUri)) {
      const error = url.searchParams.get("error");
      if (error) throw new Error(`authorization refused: ${error}${url.searchParams.has("error_description") ? ` (${url.searchParams.get("error_description")})` : ""}`);
      const code = url.searchParams.get("code");
      if (!code) throw new Error(`no code in ${url.href}`);
      return code;
    }
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: form,
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const cut = pair!.indexOf("=");
      cookies.set(pair!.slice(0, cut), pair!.slice(cut + 1));
    }
    const location = response.headers.get("location");
    if (location) {
      request = { url: new URL(location, url) };
      continue;
    }
    const body = await response.text();
    const login = response.status === 200 && !form ? loginForm(body) : undefined;
    if (login && options.credentials) {
      login.fields.set("username", options.credentials.username);
      login.fields.set("password", options.credentials.password);
      request = { url: new URL(login.action, url), form: login.fields };
      continue;
    }
    throw new Error(
      `authorization stopped at ${url.href} with HTTP ${response.status}${login ? " (a login page, and no credentials to sign in with)" : `: ${body.slice(0, 300)}`}`,
    );
  }
  throw new Error("too many redirects during authorization");
}

/**
 * The SDK's OAuth flow up to the tokens: a first connection is refused (401) →
 * discovery (PRM → authorization server metadata) → PKCE → the authorization
 * step → code → token. Returns the provider, which now holds the tokens.
 */
export async function authorizeWithOAuth(
  serverUrl: string,
  options: {
    client: OAuthClientSettings;
    credentials?: SignInCredentials;
    headers?: Record<string, string>;
    /** Plays the browser from the authorization URL to the code; followAuthorization with `credentials` unless given. */
    browse?: (start: URL, redirectUri: string) => Promise<string>;
  },
): Promise<HeadlessOAuthProvider> {
  const provider = new HeadlessOAuthProvider(options.client);
  const first = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider, requestInit: { headers: options.headers } });
  try {
    await new Client({ name: "portcullis-headless", version: "1.0.0" }).connect(first);
    throw new Error("expected the first connection to need authorization");
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  const browse = options.browse ?? ((start, redirectUri) => followAuthorization(start, { redirectUri, credentials: options.credentials }));
  const code = await browse(provider.authorizationUrl!, provider.redirectUrl);
  await first.finishAuth(code);
  return provider;
}

/** Connects the SDK client through the full flow: 401 → PRM → AS metadata → PKCE → code → token → connect. */
export async function connectWithOAuth(
  serverUrl: string,
  options: { client: OAuthClientSettings; credentials?: SignInCredentials },
): Promise<{ client: Client; provider: HeadlessOAuthProvider; accessToken: string }> {
  const provider = await authorizeWithOAuth(serverUrl, options);
  const client = new Client({ name: "portcullis-headless", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider }));
  return { client, provider, accessToken: provider.tokens()!.access_token };
}
