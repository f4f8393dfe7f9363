// `npm start` builds the console only when its sources changed since the last build.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { runToCompletion } from "./processes";

const ROOT = path.resolve(import.meta.dirname, "..");
const INPUTS = ["app", "components", "lib", "pages", "next.config.ts", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
const SKIP = new Set(["node_modules", ".next", "generated"]);
const FINGERPRINT_FILE = path.join(ROOT, ".next", "portcullis-fingerprint");
// Outside .next, which `next build` empties.
const LOCK_DIR = path.join(ROOT, "node_modules", ".cache", "portcullis", "console-build.lock");

function walk(entry: string, hash: ReturnType<typeof createHash>) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const child of fs.readdirSync(entry).sort()) {
      if (!SKIP.has(child) && !child.endsWith(".test.ts")) walk(path.join(entry, child), hash);
    }
    return;
  }
  hash.update(path.relative(ROOT, entry)).update(fs.readFileSync(entry));
}

/** SHA-256 over every file the console build reads. */
export function consoleFingerprint(): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) walk(path.join(ROOT, input), hash);
  // The generated Prisma client follows the schema.
  walk(path.join(ROOT, "prisma", "schema.prisma"), hash);
  return hash.digest("hex");
}

export function consoleBuildIsCurrent(fingerprint: string): boolean {
  return fs.existsSync(path.join(ROOT, ".next", "BUILD_ID")) && fs.existsSync(FINGERPRINT_FILE) && fs.readFileSync(FINGERPRINT_FILE, "utf8") === fingerprint;
}

export function recordConsoleBuild(fingerprint: string): void {
  fs.writeFileSync(FINGERPRINT_FILE, fingerprint);
}

export { ROOT as PROJECT_ROOT };

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * One build at a time across processes (tests run in parallel; a demo may start
 * beside them): a lock directory holding the builder's pid, taken over when
 * that process is gone.
 */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  const owner = path.join(LOCK_DIR, "pid");
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let pid = 0;
      try {
        pid = Number(fs.readFileSync(owner, "utf8"));
      } catch {
        // Released, or not written yet: look again.
      }
      // No pid yet means the owner is between mkdir and write: wait like for a live one.
      if (pid && !isAlive(pid)) fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      // Another process is building (a minute or two); nothing announces the end to this one.
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Builds the console with `next build` when its sources changed since the last build. */
export async function buildConsoleIfNeeded(env: NodeJS.ProcessEnv, onStart: () => void = () => {}): Promise<void> {
  const fingerprint = consoleFingerprint();
  if (consoleBuildIsCurrent(fingerprint)) return;
  await withBuildLock(async () => {
    // Another process may have built it while this one waited.
    if (consoleBuildIsCurrent(fingerprint)) return;
    onStart();
    await runToCompletion(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
      env: { ...env, NEXT_TELEMETRY_DISABLED: "1" },
      cwd: ROOT,
      prefix: "build",
    });
    recordConsoleBuild(fingerprint);
  });
}
