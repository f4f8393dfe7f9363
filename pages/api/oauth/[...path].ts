// The authorization server's endpoints (lib/oauth-server/provider.ts) under
// /api/oauth. oidc-provider needs Node's request and response, which App Router
// handlers do not expose, so this one endpoint is a Pages Router API route. As
// when mounted in Express, the provider sees the path below its issuer. The
// RFC 8414 metadata URL (/.well-known/oauth-authorization-server/api/oauth) is
// rewritten here by next.config.ts and served as the provider's discovery document.
// Registrations are throttled per client address before the provider sees them.
import type { NextApiRequest, NextApiResponse } from "next";
import { oauthProvider } from "../../../lib/oauth-server/provider";
import { requestClientAddress } from "../../../lib/auth/client-address";
import { registrationWaitMs } from "../../../lib/oauth-server/registration-throttle";
import { OAUTH_PATH, readAuthorizationServerSettings } from "../../../lib/oauth-server/settings";

export const config = { api: { bodyParser: false, externalResolver: true } };

const METADATA = "/.well-known/oauth-authorization-server";

/** The path below the issuer, with the RFC 8414 document served as the provider's discovery document. */
function providerPath(url: string): string {
  const below = url.startsWith(`${METADATA}${OAUTH_PATH}`)
    ? METADATA + url.slice(METADATA.length + OAUTH_PATH.length)
    : url.startsWith(OAUTH_PATH)
      ? url.slice(OAUTH_PATH.length) || "/"
      : url;
  return below.startsWith(METADATA) ? `/.well-known/openid-configuration${below.slice(METADATA.length)}` : below;
}

export default async function oauthEndpoint(req: NextApiRequest, res: NextApiResponse) {
  try {
    const provider = await oauthProvider();
    const url = req.url ?? "/";
    // As Express mounts an app: the provider routes on the path below the issuer and builds its URLs under the mount path.
    req.url = providerPath(url);
    if (req.method === "POST" && req.url.split("?")[0] === "/reg") {
      const waitMs = registrationWaitMs(requestClientAddress(req.socket.remoteAddress, req.headers), readAuthorizationServerSettings(process.env).registrationsPerHour);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        res.setHeader("retry-after", String(seconds));
        return res.status(429).json({ error: "temporarily_unavailable", error_description: `Too many client registrations from this address; retry in ${seconds} s` });
      }
    }
    Object.assign(req, { originalUrl: `${OAUTH_PATH}${req.url}`, baseUrl: OAUTH_PATH });
    await provider.callback()(req, res);
  } catch (error) {
    console.error("authorization server error:", error);
    if (!res.headersSent) res.status(500).json({ error: "server_error", error_description: "The authorization server failed; the error was logged." });
  }
}
