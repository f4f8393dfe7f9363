// The data plane's long-lived channel: Server-Sent Events carrying the current
// config version at connect and every new one as it is stored.
//
// The token is checked when the stream opens and again before every version
// sent and at every keep-alive: a version carries vault ciphertexts, key hashes
// and the rules, and a revoked data plane must get nothing stored after its
// revocation. The re-check reads the plane's row after the version (one
// primary-key lookup, beside the version's own read), so a version committed
// after the revocation always meets it. Revoking also NOTIFYs every console
// process (lib/controlplane/data-planes.ts), whose streams for that plane
// re-check at once and close; the keep-alive's check bounds the wait at 15 s
// should that notification be lost (a LISTEN connection down). The gateway
// sees the stream end, reconnects, and is refused with 401.
import { CONFIG_EVENT } from "@/lib/core/controlplane/protocol";
import { latestConfigMessage, recordConnected, recordDisconnected, recordSeen, stillAuthorized } from "@/lib/controlplane/data-plane-status";
import { clientAddress, dataPlaneRoute } from "@/lib/controlplane/dp-route";
import { subscribeToRevocations, subscribeToVersions } from "@/lib/controlplane/version-feed";

export const dynamic = "force-dynamic";

const KEEPALIVE_MS = 15_000;

export const GET = dataPlaneRoute(async (plane, request) => {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let lastSent = 0;
      let closed = false;
      const report = (error: unknown) => console.error("config stream:", error);
      /** False, and the stream closed, once the plane's token no longer opens it. */
      const authorized = async () => {
        if (!closed && !(await stillAuthorized(plane))) cleanup();
        return !closed;
      };
      const send = async () => {
        const message = await latestConfigMessage();
        // After the version's read: a version stored after the revocation is read after it too.
        if (!(await authorized()) || !message || message.version <= lastSent) return;
        lastSent = message.version;
        controller.enqueue(encoder.encode(`id: ${message.version}\nevent: ${CONFIG_EVENT}\ndata: ${JSON.stringify(message)}\n\n`));
      };
      await recordConnected(plane.id, request.headers, clientAddress(request));
      const unsubscribe = await subscribeToVersions(() => void send().catch(report));
      const unsubscribeRevocations = await subscribeToRevocations((planeId) => {
        if (planeId === plane.id) void authorized().catch(report);
      });
      const beat = () => {
        if (closed) return;
        controller.enqueue(encoder.encode(": keepalive\n\n"));
        void recordSeen(plane.id).catch(() => {});
      };
      // A database that does not answer keeps the stream up: a keep-alive carries nothing, and no version is stored meanwhile.
      const keepalive = setInterval(() => void authorized().then((ok) => ok && beat(), beat), KEEPALIVE_MS);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepalive);
        unsubscribe();
        unsubscribeRevocations();
        void recordDisconnected(plane.id).catch(() => {});
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      request.signal.addEventListener("abort", () => cleanup());
      await send();
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
