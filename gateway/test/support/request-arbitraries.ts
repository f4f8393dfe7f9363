// fast-check arbitraries for JSON-RPC request bodies written as raw text, so
// that what JSON.parse would smooth over stays in the bytes: keys in other
// cases, Unicode folds (ſ for s, KELVIN SIGN for k), \u escapes, duplicate and
// fold-duplicate members in any order, batches, deep nesting, missing ids.
import fc from "fast-check";

// Runes outside ASCII whose simple case folding orbit holds an ASCII letter (Go's foldName matches them).
const FOLD_ALTERNATES: Record<string, string> = { s: "\u017f", k: "\u212a" };

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** One character as written in a key or string: itself, upper case, a fold alternate, or a \u escape. */
function spellChar(c: string, choice: number): string {
  if (choice === 1) return c.toUpperCase();
  if (choice === 2) return FOLD_ALTERNATES[c] ?? c.toUpperCase();
  if (choice === 3) return escapeChar(c);
  return c;
}

/** The JSON text of a key respelt character by character (sometimes not at all). */
export function respeltKeyText(key: string): fc.Arbitrary<string> {
  return fc.array(fc.nat(3), { minLength: key.length, maxLength: key.length }).map((choices) => `"${[...key].map((c, i) => spellChar(c, choices[i]!)).join("")}"`);
}

/** The JSON text of a key the gateway reads: mostly exact, sometimes respelt. */
export function keyText(key: string): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(JSON.stringify(key)) }, { weight: 1, arbitrary: respeltKeyText(key) });
}

/** The JSON text of a string value, sometimes with one character written as a \u escape. */
export function stringText(value: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(JSON.stringify(value)) },
    {
      weight: 1,
      arbitrary: fc
        .nat(Math.max(0, value.length - 1))
        .map((i) => `"${JSON.stringify(value).slice(1, i + 1)}${escapeChar(value[i] ?? "x")}${JSON.stringify(value).slice(i + 2, -1)}"`),
    },
  );
}

export const TOOL_NAMES = ["search_repositories", "get_me", "push_files", "create_issue", "delete_repository", "PUSH_FILES", "push_files "];
const METHODS = ["tools/call", "tools/call", "tools/call", "tools/list", "ping", "initialize", "notifications/initialized", "tools//call", "Tools/Call"];

const toolName = fc.constantFrom(...TOOL_NAMES).chain(stringText);
const method = fc.constantFrom(...METHODS).chain(stringText);
const id = fc.oneof(
  fc.integer({ min: 0, max: 1000 }).map(String),
  fc.string({ maxLength: 4 }).map((s) => JSON.stringify(s)),
  fc.constant("null"),
);
const argumentsText = fc.oneof(
  { weight: 3, arbitrary: fc.constant("{}") },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => `{"q":${JSON.stringify(v)}}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map((n) => `{"a":${"[".repeat(n)}${"]".repeat(n)}}`) },
  // Past Go's 10,000 and near where a recursive serialiser gives out.
  { weight: 1, arbitrary: fc.constantFrom(9_999, 12_000, 30_000).map((n) => `{"a":${"[".repeat(n)}${"]".repeat(n)}}`) },
);

type Member = [key: string, value: string];
const member = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>) => fc.tuple(key, value);
const objectText = (members: Member[]) => `{${members.map(([k, v]) => `${k}:${v}`).join(",")}}`;

/** Shuffled members, some of them optional. */
function shuffledObject(required: fc.Arbitrary<Member>[], optional: fc.Arbitrary<Member>[], extras: fc.Arbitrary<Member>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.tuple(...required), fc.tuple(...optional.map((m) => fc.option(m, { nil: undefined, freq: 4 }))), fc.array(extras, { maxLength: 2 }))
    .chain(([req, opt, more]) => {
      const members = [...req, ...opt.filter((m): m is Member => m !== undefined), ...more];
      return fc.shuffledSubarray(members, { minLength: members.length, maxLength: members.length });
    })
    .map(objectText);
}

// Extra members are where the differentials live: a second spelling of a member the gateway reads.
const params = shuffledObject(
  [member(keyText("name"), toolName)],
  [member(keyText("arguments"), argumentsText)],
  fc.oneof(member(respeltKeyText("name"), toolName), member(respeltKeyText("arguments"), argumentsText)),
);

const message = shuffledObject(
  [member(keyText("jsonrpc"), fc.constant('"2.0"')), member(keyText("method"), method)],
  [member(keyText("id"), id), member(keyText("params"), params)],
  fc.oneof(
    member(respeltKeyText("method"), method),
    member(respeltKeyText("params"), params),
    member(respeltKeyText("id"), id),
    member(respeltKeyText("jsonrpc"), fc.constant('"1.0"')),
  ),
);

export interface GeneratedRequest {
  body: string;
  batch: boolean;
  caller: "developer" | "admin";
}

export const requestBody: fc.Arbitrary<GeneratedRequest> = fc
  .record({
    batch: fc.boolean(),
    messages: fc.array(message, { minLength: 1, maxLength: 3 }),
    caller: fc.constantFrom<"developer" | "admin">("developer", "developer", "admin"),
  })
  .map(({ batch, messages, caller }) => ({ body: batch ? `[${messages.join(",")}]` : messages[0]!, batch, caller }));
