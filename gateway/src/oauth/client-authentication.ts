// How the gateway authenticates itself to the IdP's endpoints (introspection,
// token exchange) with a client id and secret (RFC 6749 §2.3.1).
export type ClientAuthMethod = "client_secret_basic" | "client_secret_post";

export function addClientAuthentication(form: URLSearchParams, headers: Record<string, string>, clientId: string, secret: string, method: ClientAuthMethod) {
  if (method === "client_secret_post") {
    form.set("client_id", clientId);
    form.set("client_secret", secret);
    return;
  }
  // Form-encode each part before base64 (RFC 6749 §2.3.1).
  headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}
