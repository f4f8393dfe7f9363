// An upstream that runs its own OAuth, like GitHub's MCP server: it serves its
// own Protected Resource Metadata, answers 401 without a token and 403
// insufficient_scope for a token with too few scopes, each with a challenge
// pointing at its own PRM.
import { jsonResponse, startRecordingUpstream, type RecordingUpstream } from "./recording-upstream";

export const FIXTURE_AS = "https://auth.fixture.test/login/oauth";
export const NARROW_TOKEN = "token-without-admin-scope";

export interface OAuthProtectedUpstream extends RecordingUpstream {
  prmUrl: string;
  /** While false, the PRM endpoint answers 503. */
  setPrmAvailable(available: boolean): void;
  prmFetches(): number;
  /** Back to the protected behaviour after a test scripted another answer. */
  resetResponder(): void;
}

export async function startOAuthProtectedUpstream(): Promise<OAuthProtectedUpstream> {
  const state = { prmAvailable: true };
  const upstream = await startRecordingUpstream();
  const prmPath = "/.well-known/oauth-protected-resource/mcp";
  const prmUrl = `${upstream.origin}${prmPath}`;
  const challenge = (extra: string) => `Bearer ${extra}resource_metadata="${prmUrl}"`;
  const protectedResponder: Parameters<RecordingUpstream["respond"]>[0] = (req, res) => {
    if (req.url === prmPath) {
      if (!state.prmAvailable) return jsonResponse(res, { error: "unavailable" }, {}, 503);
      return jsonResponse(res, {
        resource: upstream.url,
        authorization_servers: [FIXTURE_AS],
        scopes_supported: ["repo", "read:org"],
        bearer_methods_supported: ["header"],
        resource_name: "Fixture MCP",
        signed_metadata: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
      });
    }
    const auth = req.headers.authorization;
    if (!auth) return jsonResponse(res, { error: "unauthorized" }, { "www-authenticate": challenge("") }, 401);
    if (auth === `Bearer ${NARROW_TOKEN}`) {
      return jsonResponse(res, { error: "insufficient_scope" }, { "www-authenticate": challenge('error="insufficient_scope", scope="repo admin:org", ') }, 403);
    }
    const id = JSON.parse(req.body || "{}").id ?? null;
    jsonResponse(res, { jsonrpc: "2.0", id, result: { ok: true } });
  };
  upstream.respond(protectedResponder);
  return Object.assign(upstream, {
    prmUrl,
    setPrmAvailable: (available: boolean) => {
      state.prmAvailable = available;
    },
    prmFetches: () => upstream.requests.filter((r) => r.url === prmPath).length,
    resetResponder: () => upstream.respond(protectedResponder),
  });
}
