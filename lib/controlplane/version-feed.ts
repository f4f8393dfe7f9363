// One LISTEN connection per console process fans new config version numbers
// out to the data-plane streams open in this process. NOTIFY is sent in the
// same transaction that stores a version (versions.ts), so every console
// process behind a load balancer hears about it.
import pg from "pg";
import { CONFIG_CHANNEL } from "./versions";

type Listener = (version: number) => void;

const RECONNECT_EVERY_MS = 1000;
const listeners = new Set<Listener>();
let connection: Promise<pg.Client> | undefined;

function connect(): Promise<pg.Client> {
  connection ??= (async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    client.on("notification", (message) => {
      const version = Number(message.payload);
      if (Number.isInteger(version)) for (const listener of listeners) listener(version);
    });
    client.on("error", (error) => {
      console.error("config feed: lost the database connection, reconnecting:", error.message);
      connection = undefined;
      reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${CONFIG_CHANNEL}`);
    return client;
  })();
  connection.catch(() => (connection = undefined));
  return connection;
}

/**
 * Tries again every second until the database answers (a restarting server takes a few seconds:
 * one attempt would leave the data planes deaf to new versions for good), then lets every stream
 * re-check the latest, since it may have missed one meanwhile.
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
