// Gateway settings from flags, then PORTCULLIS_* variables, then defaults.
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { DEFAULT_MAX_HELD_CALLS } from "../approvals/held-calls";

const port = z.coerce.number().int().min(0).max(65535);

const optionsSchema = z.object({
  config: z.string().optional(),
  httpPort: port.default(8000),
  httpsPort: port.default(8443),
  statusPort: port.default(8100),
  statusHost: z.string().default("127.0.0.1"),
  host: z.string().default("0.0.0.0"),
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  dataDir: z.string().default(".portcullis"),
  auditLog: z.string().optional(),
  cpUrl: z.url({ protocol: /^https?$/ }).optional(),
  dpToken: z
    .string()
    .regex(/^pcdp_[0-9A-Za-z]{32}$/, "a data-plane token looks like pcdp_ followed by 32 letters and digits")
    .optional(),
  auditBufferEvents: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  maxHeldCalls: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_HELD_CALLS),
});

export type GatewayOptions = z.infer<typeof optionsSchema>;

const USAGE = `Usage: npm run gateway -- [--config <file.yaml|file.json>] [options]
  --config <file>        declarative configuration (YAML or JSON)      PORTCULLIS_GATEWAY_CONFIG
  --http-port <n>        HTTP listener (default 8000)                 PORTCULLIS_HTTP_PORT
  --https-port <n>       HTTPS listener (default 8443)                PORTCULLIS_HTTPS_PORT
  --status-port <n>      status listener on 127.0.0.1 (default 8100)  PORTCULLIS_STATUS_PORT
  --host <addr>          address of the proxy listeners (0.0.0.0)     PORTCULLIS_HOST
  --public-url <url>     public base URL used in discovery metadata   PORTCULLIS_PUBLIC_URL
  --tls-cert <file>      certificate (PEM); default: self-signed      PORTCULLIS_TLS_CERT
  --tls-key <file>       private key (PEM)                            PORTCULLIS_TLS_KEY
  --data-dir <dir>       data folder (default .portcullis)            PORTCULLIS_DATA_DIR
  --audit-log <file>     audit events as JSON lines                   PORTCULLIS_AUDIT_LOG
                         (default <data-dir>/logs/audit.jsonl)
  --cp-url <url>         take configuration from the console (control PORTCULLIS_CP_URL
                         plane) instead of --config; the data-plane
                         token comes from PORTCULLIS_DP_TOKEN
  --audit-buffer <n>     audit events kept while the control plane is PORTCULLIS_AUDIT_BUFFER_EVENTS
                         unreachable (default 100000; oldest dropped)
  --max-held-calls <n>   calls a consumer may have waiting for an     PORTCULLIS_MAX_HELD_CALLS
                         approval at once, per server (default 5)
SIGHUP reloads the --config file; a file with problems is refused and the old one keeps serving.`;

export class OptionsError extends Error {}

export function readOptions(argv: string[], env: NodeJS.ProcessEnv): GatewayOptions | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        "http-port": { type: "string" },
        "https-port": { type: "string" },
        "status-port": { type: "string" },
        host: { type: "string" },
        "public-url": { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "data-dir": { type: "string" },
        "audit-log": { type: "string" },
        "cp-url": { type: "string" },
        "audit-buffer": { type: "string" },
        "max-held-calls": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new OptionsError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return "help";
  const pick = (flag: string, variable: string) => (values[flag] as string | undefined) ?? env[variable] ?? undefined;
  const result = optionsSchema.safeParse({
    config: pick("config", "PORTCULLIS_GATEWAY_CONFIG"),
    httpPort: pick("http-port", "PORTCULLIS_HTTP_PORT"),
    httpsPort: pick("https-port", "PORTCULLIS_HTTPS_PORT"),
    statusPort: pick("status-port", "PORTCULLIS_STATUS_PORT"),
    host: pick("host", "PORTCULLIS_HOST"),
    publicUrl: pick("public-url", "PORTCULLIS_PUBLIC_URL"),
    tlsCert: pick("tls-cert", "PORTCULLIS_TLS_CERT"),
    tlsKey: pick("tls-key", "PORTCULLIS_TLS_KEY"),
    dataDir: pick("data-dir", "PORTCULLIS_DATA_DIR"),
    auditLog: pick("audit-log", "PORTCULLIS_AUDIT_LOG"),
    cpUrl: pick("cp-url", "PORTCULLIS_CP_URL"),
    dpToken: env.PORTCULLIS_DP_TOKEN || undefined,
    auditBufferEvents: pick("audit-buffer", "PORTCULLIS_AUDIT_BUFFER_EVENTS"),
    maxHeldCalls: pick("max-held-calls", "PORTCULLIS_MAX_HELD_CALLS"),
  });
  if (!result.success) {
    const names: Record<string, string> = { dpToken: "PORTCULLIS_DP_TOKEN" };
    const problems = result.error.issues.map((i) => `${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    throw new OptionsError(`${problems.join("\n")}\n${USAGE}`);
  }
  if (Boolean(result.data.tlsCert) !== Boolean(result.data.tlsKey)) throw new OptionsError("--tls-cert and --tls-key go together");
  if (result.data.cpUrl && result.data.config) throw new OptionsError("--config and --cp-url are alternatives: a gateway takes its configuration from a file or from the console");
  if (result.data.cpUrl && !result.data.dpToken)
    throw new OptionsError("--cp-url needs the data plane's token in PORTCULLIS_DP_TOKEN (create one on the console's Data planes page)");
  const dataDir = path.resolve(result.data.dataDir);
  return { ...result.data, dataDir, auditLog: path.resolve(result.data.auditLog ?? path.join(dataDir, "logs", "audit.jsonl")) };
}

export { USAGE };
