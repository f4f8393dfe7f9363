// The cluster suite runs the system's own redis-server and nginx. A missing
// binary fails the suite with the command that installs it: never a skip.
import fs from "node:fs";
import path from "node:path";

export const INSTALL_COMMAND = "apt-get update && apt-get install -y redis-server nginx-light";

/** The binary's path, looked up in PATH and the sbin folders Debian puts daemons in. */
export function requireBinary(name: string): string {
  const folders = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const folder of folders) {
    const candidate = path.join(folder, name);
    if (folder && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed; the cluster suite needs it. Install with: ${INSTALL_COMMAND}`);
}
