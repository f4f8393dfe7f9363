// WWW-Authenticate challenges (RFC 6750 §3, RFC 9728 §5.1). The gateway's own
// challenges point at its PRM; an upstream's challenge is passed back with
// resource_metadata replaced by the gateway's PRM URL (an MCP client checks
// that the metadata belongs to the URL it called) and everything else kept.

const AUTH_PARAM = /([A-Za-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,"]+)/g;

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

export function bearerChallenge(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${quote(v)}`]));
  return parts.length ? `Bearer ${parts.join(", ")}` : "Bearer";
}

/** The upstream's Bearer challenge with resource_metadata pointing at the gateway. */
export function rewriteUpstreamChallenge(header: string, metadataUrl: string): string {
  const bearer = /(?:^|,)\s*Bearer(?:\s+|$)/i.exec(header);
  const params: Record<string, string> = {};
  if (bearer) {
    // The Bearer challenge's parameters run until the next scheme name (a token followed by a space and a token=).
    const rest = header.slice(bearer.index + bearer[0].length);
    const nextScheme = /,\s*[A-Za-z][A-Za-z0-9_-]*\s+[A-Za-z0-9_.-]+\s*=/.exec(rest);
    for (const match of (nextScheme ? rest.slice(0, nextScheme.index) : rest).matchAll(AUTH_PARAM)) {
      const raw = match[2]!;
      params[match[1]!.toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
    }
  }
  delete params.resource_metadata;
  return bearerChallenge({ ...params, resource_metadata: metadataUrl });
}
