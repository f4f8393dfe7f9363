// The flags of `npm run audit:verify` and the lines it prints, kept apart from
// the process so both are tested without a database.
import { parseArgs } from "node:util";
import { z } from "zod";
import type { NamedVerdict } from "./chain-state";

export const VERIFY_USAGE = "usage: npm run audit:verify -- --from <ISO time> --to <ISO time> [--data-plane <name>]";

const argsSchema = z
  .object({
    from: z.iso.datetime({ offset: true, error: "--from must be an ISO 8601 time with a zone, e.g. 2026-12-01T00:00:00Z" }),
    to: z.iso.datetime({ offset: true, error: "--to must be an ISO 8601 time with a zone, e.g. 2026-12-02T00:00:00Z" }),
    "data-plane": z.string().trim().min(1, "--data-plane needs a data plane's name").max(255).optional(),
  })
  .refine((a) => new Date(a.from) < new Date(a.to), "--from must be before --to");

export interface VerifyArgs {
  from: Date;
  to: Date;
  dataPlaneName?: string;
}

/** The parsed flags, or the one message saying what is wrong with them. */
export function parseVerifyArgs(argv: string[]): { ok: true; args: VerifyArgs } | { ok: false; message: string } {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { from: { type: "string" }, to: { type: "string" }, "data-plane": { type: "string" } },
    }).values;
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (values.from === undefined || values.to === undefined) return { ok: false, message: `${values.from === undefined ? "--from" : "--to"} is required` };
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
  return { ok: true, args: { from: new Date(parsed.data.from), to: new Date(parsed.data.to), dataPlaneName: parsed.data["data-plane"] } };
}

/** What an intact walk verified: its events, and the chains it verified events of (a chain checked only at the range's edges is not counted). */
export function verifiedCounts(verdicts: readonly NamedVerdict[]): { events: number; chains: number } {
  return { events: verdicts.reduce((sum, v) => sum + v.verdict.range.events, 0), chains: verdicts.filter((v) => v.verdict.range.events > 0).length };
}

/** One line: the first broken link, or what was verified. */
export function describeVerdicts(verdicts: NamedVerdict[], args: VerifyArgs): { intact: boolean; line: string } {
  const broken = verdicts.find((v) => !v.verdict.ok);
  if (broken && !broken.verdict.ok) {
    const b = broken.verdict.broken;
    return { intact: false, line: `audit:verify: broken at event ${b.eventId} (data plane ${broken.name}, position ${b.seq}): ${b.reason}` };
  }
  const { events, chains } = verifiedCounts(verdicts);
  const unanchored = verdicts.filter((v) => !v.verdict.range.anchored).map((v) => v.name);
  const note = unanchored.length > 0 ? `; earlier events pruned, so the walk starts at the first stored event for ${unanchored.join(", ")}` : "";
  return {
    intact: true,
    line: `audit:verify: intact: ${events} chained event(s) in ${chains} chain(s) from ${args.from.toISOString()} to ${args.to.toISOString()}${note}`,
  };
}
