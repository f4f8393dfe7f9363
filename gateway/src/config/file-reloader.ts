// SIGHUP: re-read the configuration file and apply it. Reloads run one at a
// time, in the order of the signals, and a reload whose signal has been
// followed by another is skipped (or its read discarded): a slow read of an
// older, larger file can never finish after a newer one and put the older
// configuration back. The last signal's reload always runs, reading the file
// as it is then.
import type { ApplyResult } from "./config-store";
import type { ReadResult } from "./read-config-file";

export interface FileReloaderOptions {
  file: string;
  read: (file: string) => Promise<ReadResult>;
  apply: (document: unknown, source: string) => ApplyResult;
  log: {
    info(fields: Record<string, unknown>, message: string): void;
    error(fields: Record<string, unknown>, message: string): void;
  };
}

/** The reload to call on each SIGHUP; it never rejects, and resolves once this signal's turn is done. */
export function createFileReloader({ file, read, apply, log }: FileReloaderOptions): () => Promise<void> {
  let requested = 0;
  let queue: Promise<void> = Promise.resolve();

  const reloadOnce = async (signal: number) => {
    // A newer signal is queued behind this one: it reads the file afresh.
    if (signal !== requested) return;
    const result = await read(file);
    if (signal !== requested) {
      log.info({ file }, "configuration read superseded by a newer SIGHUP; reading the file again");
      return;
    }
    const applied = result.ok ? apply(result.document, file) : result;
    if (applied.ok) log.info({ version: applied.version, hash: applied.hash, file }, "configuration reloaded");
    else log.error({ file, problems: applied.problems }, "configuration rejected; still serving the previous one");
  };

  return () => {
    const signal = ++requested;
    queue = queue
      .then(() => reloadOnce(signal))
      .catch((error: unknown) => log.error({ file, error: String(error) }, "configuration reload failed; still serving the previous one"));
    return queue;
  };
}
