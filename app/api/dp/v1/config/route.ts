// The data plane's long-lived channel: Server-Sent Events carrying the current
// config version at connect and every new one as it is stored.
import { db } from "@/lib/db/client";
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
        const version = await db().configVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true, hash: true, document: true } });
        if (closed || !version || version.number <= lastSent) return;
        lastSent = version.number;
        const data = JSON.stringify({ version: version.number, hash: version.hash, document: version.document });
        controller.enqueue(encoder.encode(`id: ${version.number}\nevent: config\ndata: ${data}\n\n`));
      };
      await db().dataPlane.update({
        where: { id: plane.id },
        data: {
          status: "connected",
          statusReason: "",
          lastSeenAt: new Date(),
          address: clientAddress(request),
          hostname: request.headers.get("x-portcullis-hostname")?.slice(0, 255) ?? "",
          softwareVersion: request.headers.get("x-portcullis-version")?.slice(0, 64) ?? "",
          startedAt: new Date(Number(request.headers.get("x-portcullis-started-at")) || Date.now()),
        },
      });
      const unsubscribe = await subscribeToVersions(() => void send().catch((error) => console.error("config stream:", error)));
      const keepalive = setInterval(() => {
        controller.enqueue(encoder.encode(": keepalive\n\n"));
        void db().dataPlane.update({ where: { id: plane.id }, data: { lastSeenAt: new Date() } }).catch(() => {});
      }, KEEPALIVE_MS);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepalive);
        unsubscribe();
        void db()
          .dataPlane.updateMany({ where: { id: plane.id, status: "connected" }, data: { status: "disconnected", lastSeenAt: new Date() } })
          .catch(() => {});
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
