// What the launcher (`npm start`, `npm run demo`) knows about the processes it
// supervises — the embedded PostgreSQL, the console and the gateway: how often
// each was restarted and why it last died. The launcher rewrites the file in
// the data folder on every change; the gateway's /status and the console's
// data planes page read it. Absent when the processes run on their own.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const SUPERVISION_FILE = "supervision.json";

export const supervisedNames = ["database", "console", "gateway"] as const;
export type SupervisedName = (typeof supervisedNames)[number];

const exitSchema = z.object({
  at: z.iso.datetime(),
  code: z.number().int().nullable(),
  signal: z.string().max(16).nullable(),
});

const processStateSchema = z.object({
  name: z.enum(supervisedNames),
  state: z.enum(["running", "restarting", "stopped"]),
  pid: z.number().int().nullable(),
  started_at: z.iso.datetime().nullable(),
  restarts: z.number().int().min(0),
  last_exit: exitSchema.nullable(),
  next_restart_at: z.iso.datetime().nullable(),
  /** Set while restarts wait the longest backoff: the process keeps dying soon after it starts. */
  crash_loop: z.boolean(),
});

export const supervisionStateSchema = z.object({
  launcher_pid: z.number().int(),
  updated_at: z.iso.datetime(),
  processes: z.array(processStateSchema),
});

export type SupervisedProcessState = z.infer<typeof processStateSchema>;
export type SupervisionState = z.infer<typeof supervisionStateSchema>;
export type ExitCause = z.infer<typeof exitSchema>;

export function supervisionFile(dataDir: string): string {
  return path.join(/* turbopackIgnore: true */ dataDir, SUPERVISION_FILE);
}

/** The launcher's last report, or null without one (a gateway or console run on its own) or when it is unreadable. */
export async function readSupervisionState(dataDir: string): Promise<SupervisionState | null> {
  const text = await fs.readFile(supervisionFile(dataDir), "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const parsed = supervisionStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
