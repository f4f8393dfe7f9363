// Where a freshly issued key goes: the passthrough routes (the ones that take
// an API key) on which the consumer may call at least one tool, in the
// configuration the gateways run. The key-created dialog ends with a ready
// snippet for them (lib/console/connection-snippets.ts, keySnippet).
import { db as defaultDb, type Db } from "../db/client";
import { loadPublishedPolicy, serverAccess } from "./effective-access";
import { gatewayPublicUrl } from "./gateway-url";

export interface KeyConnectTarget {
  server: string;
  url: string;
  keyHeader: string;
}

/** Per username: the routes its keys are for. A consumer not in the published configuration (disabled, or not published yet) has none. */
export async function keyConnectTargets(usernames: readonly string[], db: Db = defaultDb()): Promise<Map<string, KeyConnectTarget[]>> {
  const [policy, publicUrl] = await Promise.all([loadPublishedPolicy(db, usernames), gatewayPublicUrl()]);
  const targets = new Map<string, KeyConnectTarget[]>();
  for (const username of usernames) {
    const caller = policy.callers.get(username);
    const open = caller ? policy.servers.filter((server) => server.auth.mode === "passthrough" && serverAccess(server, [], caller).usable) : [];
    targets.set(
      username,
      open.map((server) => ({ server: server.name, url: `${publicUrl}${server.path}`, keyHeader: server.auth.mode === "passthrough" ? server.auth.key_header : "" })),
    );
  }
  return targets;
}
