// What `npm run demo` and `npm run demo:verify` read from the environment,
// validated once. The demo keeps its own data folder and never reads
// PORTCULLIS_DATA_DIR or DATABASE_URL, so it cannot touch a real installation.
import path from "node:path";
import { z } from "zod";
import { UserFacingError } from "../lib/core/errors";

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const demoSettingsSchema = z.object({
  PORTCULLIS_DEMO_DATA_DIR: z.string().default(".portcullis/demo"),
  /** A PostgreSQL database for the demo instead of an embedded one; its Portcullis configuration is replaced by the recipe's. */
  PORTCULLIS_DEMO_DATABASE_URL: z.string().min(1).optional(),
  PORTCULLIS_CONSOLE_PORT: port(3000),
  PORTCULLIS_HTTP_PORT: port(8000),
  PORTCULLIS_HTTPS_PORT: port(8443),
  PORTCULLIS_STATUS_PORT: port(8100),
  PORTCULLIS_PG_PORT: port(54329),
  PORTCULLIS_DEMO_GITHUB_PORT: port(8201),
  PORTCULLIS_DEMO_KONNECT_PORT: port(8202),
  PORTCULLIS_DEMO_IDP_PORT: port(8203),
  PORTCULLIS_DEMO_REFERENCE_PORT: port(8204),
});

export interface DemoSettings {
  dataDir: string;
  databaseUrl: string | undefined;
  ports: { console: number; http: number; https: number; status: number; pg: number; github: number; konnect: number; idp: number; reference: number };
}

export function readDemoSettings(env: Readonly<Record<string, string | undefined>>): DemoSettings {
  // Empty variables count as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = demoSettingsSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
    throw new UserFacingError(`Invalid environment: ${problems.join("; ")}`, "ENV_INVALID");
  }
  const s = result.data;
  return {
    dataDir: path.resolve(s.PORTCULLIS_DEMO_DATA_DIR),
    databaseUrl: s.PORTCULLIS_DEMO_DATABASE_URL,
    ports: {
      console: s.PORTCULLIS_CONSOLE_PORT,
      http: s.PORTCULLIS_HTTP_PORT,
      https: s.PORTCULLIS_HTTPS_PORT,
      status: s.PORTCULLIS_STATUS_PORT,
      pg: s.PORTCULLIS_PG_PORT,
      github: s.PORTCULLIS_DEMO_GITHUB_PORT,
      konnect: s.PORTCULLIS_DEMO_KONNECT_PORT,
      idp: s.PORTCULLIS_DEMO_IDP_PORT,
      reference: s.PORTCULLIS_DEMO_REFERENCE_PORT,
    },
  };
}
