import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The console is served by `npm start` from a standalone-free `next start`;
  // no remote fonts, images or telemetry are fetched at build or run time.
  poweredByHeader: false,
  typedRoutes: false,
  serverExternalPackages: ["pino", "pg", "@prisma/adapter-pg"],
};

export default nextConfig;
