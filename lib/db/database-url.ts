import pg from "pg";
import { UserFacingError } from "../core/errors";

/** Validates DATABASE_URL's shape; the message never repeats the password. */
export function parseDatabaseUrl(raw: string, variable = "DATABASE_URL"): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserFacingError(`${variable} is not a valid URL; expected postgresql://user:password@host:5432/database`, "DATABASE_URL_INVALID");
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    throw new UserFacingError(`${variable} must start with postgresql:// (got ${url.protocol}//)`, "DATABASE_URL_INVALID");
  }
  if (!url.hostname) throw new UserFacingError(`${variable} names no host`, "DATABASE_URL_INVALID");
  if (url.pathname.length <= 1) throw new UserFacingError(`${variable} names no database (add /<name> after the host)`, "DATABASE_URL_INVALID");
  return url;
}

export function describeServer(url: URL): string {
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (is PostgreSQL running there?)",
  ENOTFOUND: "host not found",
  ETIMEDOUT: "connection timed out",
  "28P01": "password authentication failed",
  "28000": "the server refused this user",
  "3D000": "the database does not exist",
};

/** Connects once, so a wrong DATABASE_URL fails at start with one line instead of on the first page view. */
export async function checkDatabaseConnection(raw: string, variable = "DATABASE_URL"): Promise<void> {
  const url = parseDatabaseUrl(raw, variable);
  const client = new pg.Client({ connectionString: raw, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    const reason = REASONS[code] ?? (error as Error).message;
    throw new UserFacingError(`Cannot use the database at ${describeServer(url)} (${variable}): ${reason}`, "DATABASE_UNREACHABLE");
  } finally {
    await client.end().catch(() => {});
  }
}
