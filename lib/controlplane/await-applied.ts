// Waits, briefly, until every connected data plane reports having applied a
// configuration version — so that a consumer created by a sign-in is known to
// the gateways before the client, a moment later, calls one of them. A plane
// that is slow or gone does not hold the caller past the timeout.
import { db } from "../db/client";

const POLL_MS = 100;

export async function awaitDataPlanesApplied(version: number, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Reports land in the DataPlane rows from another request (/api/dp/v1/report): nothing to await but the row.
    const behind = await db().dataPlane.count({ where: { revokedAt: null, status: "connected", OR: [{ appliedVersion: null }, { appliedVersion: { lt: version } }] } });
    if (behind === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
