// Starts the product exactly as `npm start` does (launcher, console build when
// needed, console and gateway processes) on free ports with a throwaway data
// folder, and stops it when the run ends.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { removeDataFolder } from "../../launcher/database/embedded-postgres-root";
import { createThrowawayDatabase } from "../../lib/db/throwaway-database";
import { findFreePort } from "../../lib/net/ports";
import { startTestIdp } from "./oidc-idp";

const ROOT = path.resolve(import.meta.dirname, "../..");

export default async function globalSetup() {
  const dataDir = path.join(ROOT, ".portcullis", `e2e-${randomBytes(4).toString("hex")}`);
  const [consolePort, httpPort, httpsPort, statusPort, pgPort, idpPort] = await Promise.all(Array.from({ length: 6 }, () => findFreePort()));
  // Single sign-on against a real OpenID provider (e2e/sso.spec.ts).
  const idp = await startTestIdp({ port: idpPort!, redirectUri: `http://localhost:${consolePort}/api/auth/callback/oidc` });
  const database = process.env.DATABASE_URL ? await createThrowawayDatabase(process.env.DATABASE_URL, "portcullis_e2e") : undefined;
  const admin = { email: "admin@e2e.test", password: randomBytes(12).toString("base64url") };
  const env = {
    ...process.env,
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_CONSOLE_PORT: String(consolePort),
    PORTCULLIS_HTTP_PORT: String(httpPort),
    // Where clients reach the gateway (the launcher's own default, made explicit): sign-in routes need it.
    PORTCULLIS_PUBLIC_URL: `http://localhost:${httpPort}`,
    PORTCULLIS_HTTPS_PORT: String(httpsPort),
    PORTCULLIS_STATUS_PORT: String(statusPort),
    PORTCULLIS_PG_PORT: String(pgPort),
    PORTCULLIS_ADMIN_EMAIL: admin.email,
    PORTCULLIS_ADMIN_PASSWORD: admin.password,
    DATABASE_URL: database?.url ?? "",
    NEXTAUTH_URL: `http://localhost:${consolePort}`,
    PORTCULLIS_OIDC_ISSUER: idp.issuer,
    PORTCULLIS_OIDC_CLIENT_ID: idp.clientId,
    PORTCULLIS_OIDC_CLIENT_SECRET: idp.clientSecret,
    PORTCULLIS_OIDC_NAME: "Test IdP",
    PORTCULLIS_OIDC_SCOPES: "openid email profile groups",
    PORTCULLIS_OIDC_ROLE_MAP: "platform-admins=admin,engineering=developer",
  };
  const launcher = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "launcher/start.ts")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  fs.mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
  const log = fs.createWriteStream(path.join(ROOT, "test-results", "e2e-product.log"));
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      seen = (seen + chunk.toString()).slice(-8192);
      if (seen.includes("portcullis: ready")) resolve();
    };
    launcher.stdout.on("data", onData);
    launcher.stderr.on("data", onData);
    launcher.once("exit", (code) => reject(new Error(`the product stopped during start (exit ${code}); last output:\n${seen}`)));
  });

  const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, "runtime.json"), "utf8"));
  process.env.E2E_BASE_URL = runtime.console_url;
  process.env.E2E_DATABASE_URL = runtime.database_url;
  process.env.E2E_GATEWAY_URL = runtime.gateway_http_url;
  process.env.E2E_ADMIN_EMAIL = admin.email;
  process.env.E2E_ADMIN_PASSWORD = admin.password;

  return async () => {
    const exited = new Promise((resolve) => launcher.once("exit", resolve));
    launcher.kill("SIGINT");
    await exited;
    await Promise.all([database?.drop(), idp.close()]);
    removeDataFolder(dataDir);
  };
}
