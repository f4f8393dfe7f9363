// The launcher's supervision report (lib/core/supervision/state.ts), kept
// fresh for /status: read once a second in the background, so answering
// /status never touches the disk.
import { readSupervisionState, type SupervisionState } from "../../../lib/core/supervision/state";

const READ_EVERY_MS = 1000;

export function watchSupervision(dataDir: string): { current(): SupervisionState | null; stop(): void } {
  let current: SupervisionState | null = null;
  const read = () => void readSupervisionState(dataDir).then((state) => (current = state));
  read();
  const timer = setInterval(read, READ_EVERY_MS);
  timer.unref();
  return { current: () => current, stop: () => clearInterval(timer) };
}
