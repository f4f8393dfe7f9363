// What commonly hides instructions in a tool definition ("tool poisoning"),
// flagged in the review of a pending change so the admin reads it twice:
// characters a reader cannot see (zero-width, bidi controls, Unicode tag
// characters — U+E0000–E007F spell ASCII invisibly, so the hidden text is
// decoded and shown), a name that imitates another tool's (mixed scripts,
// confusable letters), very long descriptions, and phrases addressed to the
// model rather than the user. Every string of the definition is scanned, by
// path (schemas' property descriptions carry instructions too). Pure; a
// flagged tool is approved one by one, never in bulk.

export type FlagKind = "tag_characters" | "invisible_characters" | "bidi_controls" | "homoglyph_name" | "long_description" | "instruction_phrase";

export interface SuspiciousFlag {
  kind: FlagKind;
  /** Where in the definition, e.g. `description` or `inputSchema.properties.q.description`. */
  path: string;
  message: string;
}

export const LONG_DESCRIPTION_CHARS = 2_000;
const MAX_STRINGS = 2_000;

const TAGS = /[\u{E0000}-\u{E007F}]/gu;
const INVISIBLE = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/gu;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
const INSTRUCTIONS: [RegExp, string][] = [
  [/\bignore\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier)\b/i, "ignore previous …"],
  [/<\s*\/?\s*(?:important|system|instructions?|secret)\s*>/i, "a pseudo-tag such as <IMPORTANT>"],
  [/\bdo\s+not\s+(?:tell|inform|mention|reveal|show)\b[^.\n]{0,40}\buser\b/i, "do not tell the user"],
  [/\bwithout\s+(?:telling|informing|notifying)\s+the\s+user\b/i, "without telling the user"],
  [/\b(?:system\s+prompt|developer\s+message)\b/i, "mentions the system prompt"],
  [/\byou\s+(?:must|should)\s+(?:always|first|now)\b/i, "orders the model (you must always / first …)"],
  [/(?:~\/\.ssh|id_rsa|\.aws\/credentials|\.env\b|mcp\.json)/i, "names a credential file"],
];

// Letters that read as Latin ones (Cyrillic, Greek) and ASCII look-alikes, folded for comparing names.
const CONFUSABLE: Record<string, string> = {
  а: "a",
  е: "e",
  о: "o",
  р: "p",
  с: "c",
  у: "y",
  х: "x",
  і: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ο: "o",
  α: "a",
  ε: "e",
  ι: "i",
  κ: "k",
  ν: "v",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  "0": "o",
  "1": "l",
  i: "l",
  "|": "l",
};

/** A name's skeleton (after UTS #39's idea): names with the same skeleton look alike. */
export function nameSkeleton(name: string): string {
  const folded = [...name.normalize("NFKC").toLowerCase()].map((c) => CONFUSABLE[c] ?? c).join("");
  return folded.replace(/rn/g, "m").replace(/vv/g, "w").replace(/[-_.]/g, "");
}

function scripts(name: string): Set<string> {
  const found = new Set<string>();
  for (const c of name) {
    if (/\p{Script=Latin}/u.test(c)) found.add("Latin");
    else if (/\p{Script=Cyrillic}/u.test(c)) found.add("Cyrillic");
    else if (/\p{Script=Greek}/u.test(c)) found.add("Greek");
    else if (/\p{L}/u.test(c)) found.add("other");
  }
  return found;
}

function strings(value: unknown, path: string, out: [string, string][]) {
  if (out.length >= MAX_STRINGS) return;
  if (typeof value === "string") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) strings(v, path ? `${path}.${k}` : k, out);
}

const codepoints = (chars: string[]) => [...new Set(chars)].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`).join(", ");

/** The flags of one tool definition; `otherNames` are the server's other tools, which a name must not imitate. */
export function flagSuspiciousTool(definition: Record<string, unknown>, otherNames: readonly string[] = []): SuspiciousFlag[] {
  const flags: SuspiciousFlag[] = [];
  const found: [string, string][] = [];
  strings(definition, "", found);
  for (const [path, text] of found) {
    const tags = text.match(TAGS);
    if (tags) {
      const hidden = tags.map((c) => String.fromCharCode(c.codePointAt(0)! - 0xe0000)).join("");
      flags.push({ kind: "tag_characters", path, message: `${tags.length} invisible tag characters spelling: ${JSON.stringify(hidden.slice(0, 300))}` });
    }
    const invisible = text.match(INVISIBLE);
    if (invisible) flags.push({ kind: "invisible_characters", path, message: `${invisible.length} invisible characters (${codepoints(invisible)})` });
    const bidi = text.match(BIDI);
    if (bidi)
      flags.push({
        kind: "bidi_controls",
        path,
        message: `${bidi.length} bidirectional control characters (${codepoints(bidi)}): the text may read differently from how it is stored`,
      });
    for (const [pattern, label] of INSTRUCTIONS) {
      const match = pattern.exec(text.replace(TAGS, "").replace(INVISIBLE, ""));
      if (match) flags.push({ kind: "instruction_phrase", path, message: `instruction-like text (${label}): "${match[0]}"` });
    }
  }
  const description = typeof definition.description === "string" ? definition.description : "";
  if ([...description].length > LONG_DESCRIPTION_CHARS)
    flags.push({
      kind: "long_description",
      path: "description",
      message: `${[...description].length.toLocaleString("en")} characters, more than ${LONG_DESCRIPTION_CHARS.toLocaleString("en")}`,
    });

  const name = typeof definition.name === "string" ? definition.name : "";
  const nameScripts = scripts(name);
  if (nameScripts.size > 1 || [...nameScripts].some((s) => s !== "Latin"))
    flags.push({ kind: "homoglyph_name", path: "name", message: `the name mixes scripts (${[...nameScripts].join(", ")})` });
  const skeleton = nameSkeleton(name);
  const twin = otherNames.find((other) => other !== name && nameSkeleton(other) === skeleton);
  if (twin) flags.push({ kind: "homoglyph_name", path: "name", message: `the name looks like another tool's: "${twin}"` });
  return flags;
}
