// The HTTP webhook sink: each batch is one POST of JSON lines
// (application/x-ndjson), signed like Stripe's webhooks so a receiver can tell
// it came from this console and is fresh: `x-portcullis-signature` is
// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` where the timestamp
// is the `x-portcullis-timestamp` header (Unix seconds). No redirects are
// followed, and any answer but 2xx is a failed delivery, retried.
import { createHmac } from "node:crypto";
import type { ExportedEvent } from "./exported-event";
import type { DeliverBatch } from "./sink-queue";

const TIMEOUT_MS = 10_000;

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function ndjson(events: readonly ExportedEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join("");
}

export function webhookDelivery(url: string, secret: string): DeliverBatch {
  return async (events) => {
    const body = ndjson(events);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson", "x-portcullis-timestamp": timestamp, "x-portcullis-signature": webhookSignature(secret, timestamp, body) },
      body,
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch((error: Error) => {
      throw new Error(`webhook unreachable: ${(error.cause as Error | undefined)?.message ?? error.message}`);
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
  };
}
