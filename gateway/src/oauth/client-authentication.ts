// How the gateway calls the IdP's endpoints (introspection, token exchange):
// a form POST authenticated with a client id and secret (RFC 6749 §2.3.1),
// bounded by a timeout, through the shared dispatcher. A network failure
// rejects; the caller decides what it means for the request.
import type { Dispatcher } from "undici";

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post";

export interface IdpClient {
  id: string;
  secret: string;
  method: ClientAuthMethod;
}

/** The status and parsed JSON body (undefined when it is not JSON) of a client-authenticated form POST. */
export async function postClientForm(dispatcher: Dispatcher, url: string, form: URLSearchParams, client: IdpClient, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
  if (client.method === "client_secret_post") {
    form.set("client_id", client.id);
    form.set("client_secret", client.secret);
  } else {
    // Form-encode each part before base64 (RFC 6749 §2.3.1).
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString("base64")}`;
  }
  const endpoint = new URL(url);
  const answer = await dispatcher.request({
    origin: endpoint.origin,
    path: `${endpoint.pathname}${endpoint.search}`,
    method: "POST",
    headers,
    body: form.toString(),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body: unknown = await answer.body.json().catch(() => undefined);
  return { status: answer.statusCode, body };
}
