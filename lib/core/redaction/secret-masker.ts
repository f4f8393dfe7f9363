// `result_redaction: secrets`: credentials in a tool's result are masked on
// the parsed value, string leaf by string leaf, before the agent sees them.
// Patterns are RE2 syntax (checked with @bufbuild/re2, so no backreferences or
// lookaround), compiled once per configuration. @bufbuild/re2 0.6.1 answers
// only "does it match", not where, so the masking itself runs on JavaScript
// RegExps: the built-in patterns are a literal prefix and one character class
// each (linear), and an admin's pattern may not quantify a group, the
// construct behind catastrophic backtracking.
import { RE2JS } from "@bufbuild/re2";

export interface SecretPattern {
  name: string;
  pattern: string;
}

/** Known credential formats: each vendor's documented token prefix and alphabet. */
export const BUILTIN_SECRET_PATTERNS: readonly SecretPattern[] = [
  { name: "github", pattern: "\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})" },
  { name: "gitlab", pattern: "\\bglpat-[A-Za-z0-9_-]{20,}" },
  { name: "slack", pattern: "\\bxox[abposr]-[A-Za-z0-9-]{10,}" },
  { name: "aws", pattern: "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b" },
  { name: "google", pattern: "\\bAIza[0-9A-Za-z_-]{35}" },
  { name: "stripe", pattern: "\\b(?:sk|rk)_live_[0-9A-Za-z]{24,}" },
  { name: "private_key", pattern: "-----BEGIN[A-Z ]{0,20} PRIVATE KEY-----[\\s\\S]*?-----END[A-Z ]{0,20} PRIVATE KEY-----" },
  { name: "jwt", pattern: "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}" },
  { name: "bearer", pattern: "\\b[Bb]earer [A-Za-z0-9._~+/=-]{8,}" },
];

/** A quantifier right after a group's close: `(ab)*`, `(a|b)+`, `(x){2,}`. */
const QUANTIFIED_GROUP = /\)[*+?{]/;

/** Why an admin's pattern cannot be used, or undefined when it can. */
export function checkSecretPattern(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
  } catch (error) {
    return `not an RE2 pattern: ${(error as Error).message}`;
  }
  if (QUANTIFIED_GROUP.test(pattern)) return "a pattern may not quantify a group (`(…)*`, `(…)+`, `(…){n,}`): masking runs on every tool result";
  try {
    new RegExp(pattern, "g");
  } catch (error) {
    return `not a pattern the gateway can run: ${(error as Error).message}`;
  }
  return undefined;
}

export interface SecretMasker {
  /** The text with each credential replaced by `[redacted:<name>]`, and how many were. */
  mask(text: string): { text: string; count: number };
  /**
   * False only when no string inside this JSON text can hold a credential: the text has no escape
   * (so every decoded string is a verbatim slice of it) and no pattern matches it anywhere.
   * Undefined when a pattern is anchored (`^`, `$`), which a slice and the whole text read differently.
   */
  mayMatchJson?: (json: string) => boolean;
}

/** `^` or `$` outside a character class, unescaped. */
function isAnchored(pattern: string): boolean {
  return /(^|[^\\])[\^$]/.test(pattern.replace(/\\./g, "").replace(/\[[^\]]*\]/g, ""));
}

/**
 * The pattern with every capturing group, named or not, made a plain group `(?:…)`, for the one
 * RegExp that joins all patterns: two patterns may name a group alike ("Duplicate capture group
 * name") and many patterns may hold more groups than one RegExp can ("Too many captures"). Without
 * backreferences (RE2 has none) capturing changes nothing about what matches.
 */
export function withoutCaptures(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      out += source.slice(i, i + 2);
      i++;
    } else if (inClass) {
      out += c;
      if (c === "]") inClass = false;
    } else if (c === "[") {
      out += c;
      inClass = true;
    } else if (c === "(" && source[i + 1] !== "?") {
      out += "(?:";
    } else if (source.startsWith("(?<", i) && source[i + 3] !== "=" && source[i + 3] !== "!" && source.includes(">", i)) {
      out += "(?:";
      i = source.indexOf(">", i);
    } else out += c;
  }
  return out;
}

export function compileSecretMasker(extra: readonly SecretPattern[]): SecretMasker {
  const patterns = [...BUILTIN_SECRET_PATTERNS, ...extra].map(({ name, pattern }) => ({ replacement: `[redacted:${name}]`, regex: new RegExp(pattern, "g") }));
  // One pass over the text in the common case, where nothing matches (captures dropped: see withoutCaptures).
  const any = new RegExp(patterns.map(({ regex }) => `(?:${withoutCaptures(regex.source)})`).join("|"));
  return {
    mask(text) {
      if (!any.test(text)) return { text, count: 0 };
      let count = 0;
      let masked = text;
      for (const { regex, replacement } of patterns) {
        masked = masked.replace(regex, () => {
          count += 1;
          return replacement;
        });
      }
      return { text: masked, count };
    },
    mayMatchJson: extra.some(({ pattern }) => isAnchored(pattern)) ? undefined : (json) => json.includes("\\") || any.test(json),
  };
}
