// Where the sign-in page sends a user afterwards: only a path on this console.
// A prefix test is not enough: browsers read `/\evil.com` (and `/<tab>/evil.com`,
// the tab dropped) as `//evil.com`, another host. So the value is resolved the
// way a browser would against a placeholder origin and kept only if it stays there.
const PLACEHOLDER = "http://placeholder.invalid";

export function safeCallback(value: string | string[] | undefined): string {
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER);
  } catch {
    return "/";
  }
  if (url.origin !== PLACEHOLDER) return "/";
  const path = url.pathname + url.search + url.hash;
  // The path itself could still begin `//` (e.g. `/.//evil.com` normalises to it), which a redirect would read as a host.
  return path.startsWith("//") ? "/" : path;
}
