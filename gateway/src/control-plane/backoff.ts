// Reconnect delays: exponential with full jitter (AWS architecture blog,
// "Exponential Backoff and Jitter"), so many data planes losing the control
// plane at once do not come back in lockstep.
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 30_000, random = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16)));
}
