// One LISTEN connection per console process fans new config version numbers,
// and data-plane revocations, out to the data-plane streams open in this
// process. NOTIFY is sent in the same transaction that stores a version
// (versions.ts) or revokes a data plane (data-planes.ts), so every console
// process behind a load balancer hears about it.
import pg from "pg";
import { DATA_PLANE_REVOKED_CHANNEL } from "./data-planes";
import { CONFIG_CHANNEL } from "./versions";

type Listener = (version: number) => void;
type RevocationListener = (planeId: string) => void;

const RECONNECT_EVERY_MS = 1000;
const listeners = new Set<Listener>();
const revocationListeners = new Set<RevocationListener>();
let connection: Promise<pg.Client> | undefined;

function connect(): Promise<pg.Client> {
  connection ??= (async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    client.on("notification", (message) => {
      if (message.channel === DATA_PLANE_REVOKED_CHANNEL) {
        if (message.payload) for (const listener of revocationListeners) listener(message.payload);
        return;
      }
      const version = Number(message.payload);
      if (Number.isInteger(version)) for (const listener of listeners) listener(version);
    });
    client.on("error", (error) => {
      console.error("config feed: lost the database connection, reconnecting:", error.message);
      connection = undefined;
      reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${CONFIG_CHANNEL}; LISTEN ${DATA_PLANE_REVOKED_CHANNEL}`);
    return client;
  })();
  connection.catch(() => (connection = undefined));
  return connection;
}

/**
 * Tries again every second until the database answers (a restarting server takes a few seconds:
 * one attempt would leave the data planes deaf to new versions for good), then lets every stream
 * re-check the latest, since it may have missed one meanwhile (and a revocation: each check re-reads
 * its data plane's row).
 */
function reconnect() {
  setTimeout(
    () =>
      void connect().then(
        () => listeners.forEach((listener) => listener(0)),
        () => reconnect(),
      ),
    RECONNECT_EVERY_MS,
  );
}

/** Calls `listener` with each new version number (0 means "re-check the latest"); returns the unsubscribe function. */
export async function subscribeToVersions(listener: Listener): Promise<() => void> {
  await connect();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Calls `listener` with the id of each data plane revoked (or re-issued a token); returns the unsubscribe function. */
export async function subscribeToRevocations(listener: RevocationListener): Promise<() => void> {
  await connect();
  revocationListeners.add(listener);
  return () => revocationListeners.delete(listener);
}
