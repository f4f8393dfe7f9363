import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // pg and the Prisma adapter stay plain Node modules on the server.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "pino"],
  // forbidden() renders app/forbidden.tsx with HTTP 403.
  experimental: { authInterrupts: true },
};

export default nextConfig;
