// The last configuration a data plane applied from the control plane, kept on
// disk so it can serve when the control plane is unreachable at boot. The
// document holds no plaintext secret (vault references and ciphertexts only);
// it is written to a temporary file and renamed, so a crash never leaves half a file.
import fs from "node:fs";
import path from "node:path";
import { configHash } from "../../../lib/core/config/canonical";
import { configMessageSchema, type ConfigMessage } from "../../../lib/core/controlplane/protocol";

export function lastKnownGoodFile(dataDir: string): string {
  return path.join(dataDir, "config", "last-known-good.json");
}

export function writeLastKnownGood(file: string, message: ConfigMessage): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(message), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** The cached message, or undefined when there is none or it does not check out (then it is ignored, not trusted). */
export function readLastKnownGood(file: string): { message?: ConfigMessage; problem?: string } {
  if (!fs.existsSync(file)) return {};
  try {
    const parsed = configMessageSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    if (!parsed.success) return { problem: `${file} is not a configuration message` };
    if (configHash(parsed.data.document) !== parsed.data.hash) return { problem: `${file} does not match its hash` };
    return { message: parsed.data };
  } catch (error) {
    return { problem: `${file} cannot be read: ${(error as Error).message}` };
  }
}
