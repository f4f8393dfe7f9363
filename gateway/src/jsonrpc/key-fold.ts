// The form under which decoders that match object keys loosely see a key.
// Go's encoding/json matches a key to a struct field when the two are equal
// under Unicode simple case folding (bytes.EqualFold; `foldName` in
// encoding/json/fold.go folds every rune to the smallest of its SimpleFold
// orbit), so "Name", "NAME" and "ſ"-for-"s" or KELVIN SIGN-for-"k" spellings all
// reach the same field, and the last such key wins. The gateway refuses
// messages in which two keys of one object meet under this fold, or in which a
// key meets a member the gateway reads without being spelt exactly.
//
// The fold here is deliberately a little wider than Go's (it also maps compatibility
// forms and special casings, and repairs lone surrogates the way Go's decoder
// does, to U+FFFD): a wider fold refuses more, never less.

// eslint-disable-next-line no-control-regex -- the ASCII range starts at U+0000 on purpose
const ASCII = /^[\x00-\x7f]*$/;

function foldCodePoint(char: string): string {
  const candidates = [char, char.toLowerCase(), char.toUpperCase(), char.toUpperCase().toLowerCase(), char.toLowerCase().toUpperCase()];
  let smallest = char;
  for (const candidate of candidates) {
    // Multi-character casings (ß → SS) are not simple folds; their lower form still joins the orbit.
    if ([...candidate].length !== 1) continue;
    if (candidate.codePointAt(0)! < smallest.codePointAt(0)!) smallest = candidate;
  }
  return smallest.toLowerCase();
}

/** The key as a case-insensitive decoder matches it. ASCII keys (the usual case) take the fast path. */
export function foldKey(key: string): string {
  if (ASCII.test(key)) return key.toLowerCase();
  let out = "";
  for (const char of key.toWellFormed().normalize("NFKC")) out += foldCodePoint(char);
  return out;
}
