// Binds an upstream Mcp-Session-Id to the caller that created it, without
// state: the client receives `<upstream id>.<mac>`, where the MAC covers the
// route, the caller and the upstream id under a key derived from the master
// key. Another caller, another route or a forged id fails the MAC and gets 404
// (which makes an MCP client start a new session). Nothing is stored, so any
// gateway sharing the master key accepts the session, and memory does not
// grow with sessions.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { GatewayError } from "../errors";

const MAC_LENGTH = 22; // base64url characters: 132 bits

export class SessionBinder {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    this.#key = Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), "portcullis mcp session binding", 32));
  }

  #mac(route: string, owner: string, upstreamId: string): string {
    return createHmac("sha256", this.#key).update(`${route}\n${owner}\n${upstreamId}`).digest("base64url").slice(0, MAC_LENGTH);
  }

  /** The session id the client sees for an upstream session id. */
  bind(route: string, owner: string, upstreamId: string): string {
    return `${upstreamId}.${this.#mac(route, owner, upstreamId)}`;
  }

  /** The upstream session id, if `clientId` was bound to this route and owner. */
  unbind(route: string, owner: string, clientId: string): string {
    const cut = clientId.lastIndexOf(".");
    const upstreamId = clientId.slice(0, cut);
    const presented = Buffer.from(clientId.slice(cut + 1));
    const expected = Buffer.from(this.#mac(route, owner, upstreamId));
    if (cut <= 0 || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new GatewayError("session_not_found", "Session not found", "session id not bound to this caller");
    }
    return upstreamId;
  }
}
