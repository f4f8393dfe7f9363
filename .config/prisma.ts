// Prisma CLI settings. The URL is only needed by `prisma migrate deploy`; the
// project's own runner (npm run db:migrate) applies the same folders offline.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "../prisma/schema.prisma",
  migrations: { path: "../prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
