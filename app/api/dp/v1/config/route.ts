// The data plane's long-lived channel: Server-Sent Events carrying the current
// config version at connect and every new one as it is stored.
import { CONFIG_EVENT } from "@/lib/core/controlplane/protocol";
import { latestConfigMessage, recordConnected, recordDisconnected, recordSeen } from "@/lib/controlplane/data-plane-status";
import { clientAddress, dataPlaneRoute } from "@/lib/controlplane/dp-route";
import { subscribeToVersions } from "@/lib/controlplane/version-feed";

export const dynamic = "force-dynamic";

const KEEPALIVE_MS = 15_000;

export const GET = dataPlaneRoute(async (plane, request) => {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let lastSent = 0;
      let closed = false;
      const send = async () => {
        const message = await latestConfigMessage();
        if (closed || !message || message.version <= lastSent) return;
        lastSent = message.version;
        controller.enqueue(encoder.encode(`id: ${message.version}\nevent: ${CONFIG_EVENT}\ndata: ${JSON.stringify(message)}\n\n`));
      };
      await recordConnected(plane.id, request.headers, clientAddress(request));
      const unsubscribe = await subscribeToVersions(() => void send().catch((error) => console.error("config stream:", error)));
      const keepalive = setInterval(() => {
        controller.enqueue(encoder.encode(": keepalive\n\n"));
        void recordSeen(plane.id).catch(() => {});
      }, KEEPALIVE_MS);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepalive);
        unsubscribe();
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
