// What `npm start` reads from the environment, validated once.
import path from "node:path";
import { z } from "zod";
import { UserFacingError } from "../lib/core/errors";

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const settingsSchema = z.object({
  PORTCULLIS_DATA_DIR: z.string().default(".portcullis"),
  DATABASE_URL: z.string().min(1).optional(),
  PORTCULLIS_PG_PORT: port(54329),
  PORTCULLIS_CONSOLE_PORT: port(3000),
  PORTCULLIS_HTTP_PORT: port(8000),
  PORTCULLIS_HTTPS_PORT: port(8443),
  PORTCULLIS_STATUS_PORT: port(8100),
  PORTCULLIS_ADMIN_EMAIL: z.email().optional(),
  PORTCULLIS_ADMIN_PASSWORD: z.string().min(12, "must have at least 12 characters").optional(),
  PORTCULLIS_PUBLIC_URL: z.url().optional(),
  NEXTAUTH_URL: z.url().optional(),
});

export type LauncherSettings = z.infer<typeof settingsSchema> & { dataDir: string };

export function readSettings(env: NodeJS.ProcessEnv): LauncherSettings {
  // Empty variables count as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = settingsSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
    throw new UserFacingError(`Invalid environment: ${problems.join("; ")}`, "ENV_INVALID");
  }
  return { ...result.data, dataDir: path.resolve(result.data.PORTCULLIS_DATA_DIR) };
}
