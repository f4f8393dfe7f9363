import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // pg and the Prisma adapter stay plain Node modules on the server.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "pino", "oidc-provider"],
  // forbidden() renders app/forbidden.tsx with HTTP 403.
  experimental: { authInterrupts: true },
  // RFC 8414 metadata of the authorization server (pages/api/oauth/[...path].ts), path-inserted before the issuer's path.
  async rewrites() {
    return [{ source: "/.well-known/oauth-authorization-server/api/oauth", destination: "/api/oauth/.well-known/oauth-authorization-server" }];
  },
};

export default nextConfig;
