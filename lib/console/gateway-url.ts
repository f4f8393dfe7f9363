// Where MCP clients reach the gateway, as the console shows it: the
// PORTCULLIS_PUBLIC_URL the gateway runs with, else the public URL of an
// imported configuration (setting gateway.public_url), else the gateway's
// local HTTP listener. Set PORTCULLIS_PUBLIC_URL whenever clients do not
// connect to localhost.
import { db } from "../db/client";

const PUBLIC_URL_SETTING = "gateway.public_url";

export function resolvePublicUrl(env: NodeJS.ProcessEnv, configured?: string): string {
  const base = env.PORTCULLIS_PUBLIC_URL?.trim() || configured?.trim() || `http://localhost:${env.PORTCULLIS_HTTP_PORT?.trim() || "8000"}`;
  return base.replace(/\/+$/, "");
}

export async function gatewayPublicUrl(): Promise<string> {
  const setting = await db().setting.findUnique({ where: { key: PUBLIC_URL_SETTING }, select: { value: true } });
  return resolvePublicUrl(process.env, typeof setting?.value === "string" ? setting.value : undefined);
}
