// Headers typed as "Name: value" lines (one a line, blank lines skipped), the
// way curl -H and HTTP/1.1 write them; the value is everything after the first
// colon, so a URL or a vault reference in it stays whole. The server's schema
// judges names and values: a line without a colon becomes a name with an empty
// value, which it refuses with a message about that header.
export function headerLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const cut = line.indexOf(":");
    headers[(cut < 0 ? line : line.slice(0, cut)).trim()] = cut < 0 ? "" : line.slice(cut + 1).trim();
  }
  return headers;
}

/** The first error about one header (`headers.<name>`) or the headers as a whole, for the field that holds them all. */
export function headerLinesError(fields: Record<string, string>, field: string): string | undefined {
  if (fields[field]) return fields[field];
  const entry = Object.entries(fields).find(([key]) => key.startsWith(`${field}.`));
  return entry && `${entry[0].slice(field.length + 1)}: ${entry[1]}`;
}
