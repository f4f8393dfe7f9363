// The client address the console's throttles count by (sign-in, client
// registration). It is the TCP peer's address, unless that peer is one of the
// reverse proxies named in PORTCULLIS_TRUSTED_PROXIES: then X-Forwarded-For is
// read from the right, skipping the trusted proxies' own entries, and the first
// other address is the client. Without trusted proxies the header is ignored —
// Next.js adds X-Forwarded-For only when a request has none, so a client that
// reaches the console directly would otherwise choose its own address.
import { BlockList, isIP } from "node:net";

/** Set by the auth endpoint (pages/api/auth/[...nextauth].ts) from the socket, over anything the client sent. */
export const CLIENT_ADDRESS_HEADER = "x-portcullis-client-address";

export type TrustedProxies = (address: string) => boolean;

/** An IPv4-mapped IPv6 peer (`::ffff:192.0.2.1`, as a dual-stack socket reports IPv4 clients) as its IPv4 address. */
function normalise(address: string): string {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped ? mapped[1]! : trimmed;
}

/** Parses PORTCULLIS_TRUSTED_PROXIES: comma-separated addresses and CIDR ranges, IPv4 or IPv6. Throws on a malformed entry. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const list = new BlockList();
  let any = false;
  for (const raw of (value ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address = "", prefix, extra] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (!family || extra !== undefined || (bits !== undefined && (!/^\d+$/.test(prefix!) || bits > (family === 4 ? 32 : 128)))) {
      throw new Error(`PORTCULLIS_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
    any = true;
  }
  if (!any) return () => false;
  return (candidate) => {
    const address = normalise(candidate);
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
  };
}

let fromEnv: { value: string | undefined; trusted: TrustedProxies } | undefined;

function envProxies(): TrustedProxies {
  const value = process.env.PORTCULLIS_TRUSTED_PROXIES;
  if (!fromEnv || fromEnv.value !== value) fromEnv = { value, trusted: parseTrustedProxies(value) };
  return fromEnv.trusted;
}

/** The X-Forwarded-For entries, nearest hop last. */
function forwardedHops(headers: Record<string, unknown> | undefined): string[] {
  const forwarded = headers?.["x-forwarded-for"];
  return (Array.isArray(forwarded) ? forwarded.join(",") : typeof forwarded === "string" ? forwarded : "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
}

const MAX_WARNED_PEERS = 16;
const warnedPeers = new Set<string>();

/**
 * The client address of a request to the console (PORTCULLIS_TRUSTED_PROXIES from the environment).
 * A peer that is not trusted yet forwards for another address is most likely a reverse proxy nobody
 * named, behind which every client counts as the proxy and one client's failed sign-ins throttle
 * everyone: said once per peer (at most 16) in the log, with the setting that fixes it.
 */
export function requestClientAddress(peer: string | undefined, headers: Record<string, unknown> | undefined, log: (message: string) => void = console.warn): string {
  const address = clientAddress(peer, headers);
  const nearest = forwardedHops(headers).at(-1);
  // Only an address, as a proxy writes it: anything else in the header is a client's own text, not logged.
  const forwardedFor = nearest === undefined ? undefined : normalise(nearest);
  if (peer && address === normalise(peer) && forwardedFor && isIP(forwardedFor) && forwardedFor !== address && !warnedPeers.has(address) && warnedPeers.size < MAX_WARNED_PEERS) {
    warnedPeers.add(address);
    log(
      `console: requests from ${address} carry X-Forwarded-For (${forwardedFor}), but ${address} is not in PORTCULLIS_TRUSTED_PROXIES, so sign-in and client registration throttles count all of them as ${address}. If ${address} is a reverse proxy in front of the console, add it to PORTCULLIS_TRUSTED_PROXIES.`,
    );
  }
  return address;
}

/** The client's address for a request from `peer` (the socket's remote address) with these headers. */
export function clientAddress(peer: string | undefined, headers: Record<string, unknown> | undefined, trusted: TrustedProxies = envProxies()): string {
  if (!peer) return "unknown";
  let address = normalise(peer);
  if (!trusted(address)) return address;
  const hops = forwardedHops(headers);
  // From the nearest hop outwards: each trusted proxy vouches for the entry before it.
  for (let i = hops.length - 1; i >= 0; i--) {
    address = normalise(hops[i]!);
    if (!trusted(address)) return address;
  }
  return address;
}
