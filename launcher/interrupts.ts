// Ctrl-C for the long-running commands: the first stops cleanly, a second
// forces. One Ctrl-C can arrive twice — from the terminal to the whole process
// group, and relayed again by a parent such as npm — so a repeat within a
// second counts as the same press.
const SAME_PRESS_MS = 1000;

export function onInterrupt(handler: (force: boolean, exitCode: number) => void): void {
  let presses = 0;
  let firstAt = 0;
  const receive = (exitCode: number) => {
    if (presses === 1 && Date.now() - firstAt < SAME_PRESS_MS) return;
    if (presses === 0) firstAt = Date.now();
    presses += 1;
    handler(presses > 1, exitCode);
  };
  process.on("SIGINT", () => receive(130));
  process.on("SIGTERM", () => receive(143));
}
