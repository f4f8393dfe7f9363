// `npm run demo`, as a function (the CLI and the tests both call it): the
// stand-ins for GitHub, Konnect and the organisation's IdP, then the product
// exactly as `npm start` runs it (the launcher, as a child process, with the
// demo's own data folder and ports), then the recipe's configuration seeded
// through the console's API. Writes <data dir>/demo.json for demo:verify.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { importJWK, jwtVerify } from "jose";
import { assertPortFree } from "../lib/net/ports";
import { randomBase62 } from "../lib/core/keys/base62";
import { PROJECT_ROOT } from "../launcher/console-build";
import { readSecret, writeSecret } from "../launcher/secrets";
import { loadMasterKey } from "../lib/core/vault/secret-box";
import { signInToConsole } from "./console-session";
import { writeDemoFacts, type DemoFacts } from "./facts";
import { startGitHubStandIn } from "./github/github-stand-in";
import { startIdentityProvider } from "./identity-provider";
import { startKonnectStandIn } from "./konnect-stand-in";
import { startStatelessUpstream } from "./mcp-2026/reference-server";
import {
  DEMO_KEYS,
  DEVELOPER_DENIED_REFERENCE_TOOLS,
  DEVELOPER_GITHUB_TOOLS,
  GITHUB_SIGN_IN,
  githubUpstreamAccount,
  KONNECT_VAULT_REFERENCE,
  recipeConfiguration,
  VAULT_NAMES,
} from "./recipe-config";
import { seedRecipe, waitForGateway, type SeedResult } from "./seed";
import type { DemoSettings } from "./settings";

export const DEMO_ADMIN_EMAIL = "admin@portcullis.local";
const SERVICE_IDENTITY = "svc-portcullis-demo";
const IDP_CLIENT_ID = "mcp-agent";
const EXCHANGE_CLIENT_ID = "portcullis-exchange";
const SYNC_CLIENT_ID = "portcullis-tool-sync";
/** The console's single sign-on client at the demo IdP. */
const CONSOLE_SSO_CLIENT_ID = "portcullis-console";
const HEADLESS_REDIRECT_URI = "http://127.0.0.1/callback";

export interface RunningDemo {
  facts: DemoFacts;
  seed: SeedResult;
  /** Resolves when the product (the launcher) exits. */
  exited: Promise<number | null>;
  /** Stops the product (a second call with force kills it), then the stand-ins. */
  stop(force?: boolean): Promise<void>;
}

/** A credential of the demo, generated on its first start and kept in the data folder, so restarts (and clients configured with it) keep working. */
function demoSecret(dataDir: string, name: string, generate: () => string): string {
  const existing = readSecret(dataDir, name);
  if (existing) return existing;
  const value = generate();
  writeSecret(dataDir, name, value);
  return value;
}

/** Where the console signs people in: the demo IdP, its groups claim naming their consumer groups (and the developer console role). */
interface ConsoleSso {
  issuer: string;
  clientSecret: string;
}

/** The launcher's environment: the demo's folder, ports, admin and single sign-on; nothing of a real installation (its data folder, database, SSO, keys). */
function launcherEnv(settings: DemoSettings, admin: { email: string; password: string }, sso: ConsoleSso): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(PORTCULLIS_|NEXTAUTH_|DATABASE_URL$)/.test(name)));
  const { ports } = settings;
  return {
    ...inherited,
    NODE_ENV: "production",
    PORTCULLIS_DATA_DIR: settings.dataDir,
    PORTCULLIS_CONSOLE_PORT: String(ports.console),
    PORTCULLIS_HTTP_PORT: String(ports.http),
    PORTCULLIS_HTTPS_PORT: String(ports.https),
    PORTCULLIS_STATUS_PORT: String(ports.status),
    PORTCULLIS_PG_PORT: String(ports.pg),
    PORTCULLIS_PUBLIC_URL: `http://localhost:${ports.http}`,
    PORTCULLIS_ADMIN_EMAIL: admin.email,
    PORTCULLIS_ADMIN_PASSWORD: admin.password,
    PORTCULLIS_OIDC_ISSUER: sso.issuer,
    PORTCULLIS_OIDC_CLIENT_ID: CONSOLE_SSO_CLIENT_ID,
    PORTCULLIS_OIDC_CLIENT_SECRET: sso.clientSecret,
    PORTCULLIS_OIDC_NAME: "the demo IdP",
    PORTCULLIS_OIDC_SCOPES: "openid email profile groups",
    PORTCULLIS_OIDC_ROLE_MAP: "developer=developer",
    ...(settings.databaseUrl ? { DATABASE_URL: settings.databaseUrl } : {}),
  };
}

/** Starts the launcher and resolves once it says it is ready; rejects with its last output if it stops first. */
function startLauncher(env: NodeJS.ProcessEnv, log: (line: string) => void): { child: ChildProcess; exited: Promise<number | null>; ready: Promise<void> } {
  // Its own process group: a Ctrl-C reaches the demo, which stops the launcher once (a second signal would force it).
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "launcher/start.ts")], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let tail = "";
  const ready = new Promise<void>((resolve, reject) => {
    const lineReader = () => {
      let rest = "";
      return (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-6000);
        const lines = (rest + chunk.toString()).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) {
          log(line);
          if (line.startsWith("portcullis: ready")) resolve();
        }
      };
    };
    child.stdout.on("data", lineReader());
    child.stderr.on("data", lineReader());
    void exited.then((code) => reject(new Error(`the product stopped during start (exit code ${code}); its last output:\n${tail}`)));
  });
  // A demo that dies unexpectedly still lets the product shut down cleanly.
  const orphanGuard = () => child.kill("SIGINT");
  process.once("exit", orphanGuard);
  void exited.then(() => process.off("exit", orphanGuard));
  return { child, exited, ready };
}

export class DemoStartAborted extends Error {
  constructor() {
    super("the demo was stopped while starting");
  }
}

/**
 * Starts the demo; resolves once every check of a ready demo holds (seeded, the
 * gateway serving it). Aborting `signal` while it starts stops what already runs
 * and rejects with DemoStartAborted.
 */
export async function startDemo(settings: DemoSettings, options: { log?: (line: string) => void; signal?: AbortSignal } = {}): Promise<RunningDemo> {
  const log = options.log ?? (() => {});
  const { dataDir, ports } = settings;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.rmSync(path.join(dataDir, "demo.json"), { force: true });

  const admin = { email: DEMO_ADMIN_EMAIL, password: demoSecret(dataDir, "demo-admin-password", () => randomBase62(16)) };
  const githubApp = {
    clientId: demoSecret(dataDir, "demo-github-client-id", () => `Ov23li${randomBase62(14)}`),
    clientSecret: demoSecret(dataDir, "demo-github-client-secret", () => randomBytes(20).toString("hex")),
  };
  const konnectToken = demoSecret(dataDir, "demo-konnect-token", () => `spat_${randomBase62(40)}`);
  const introspectionSecret = demoSecret(dataDir, "demo-idp-introspection-secret", () => randomBase62(32));
  const exchangeSecret = demoSecret(dataDir, "demo-idp-exchange-secret", () => randomBase62(32));
  const consoleSsoSecret = demoSecret(dataDir, "demo-idp-console-secret", () => randomBase62(32));
  const idpUser = {
    id: "dana",
    password: demoSecret(dataDir, "demo-idp-password", () => randomBase62(12)),
    name: "Dana Developer",
    email: "dana@example.com",
    groups: ["developer"],
  };

  await assertPortFree(ports.github, "127.0.0.1", "PORTCULLIS_DEMO_GITHUB_PORT", "the GitHub stand-in");
  await assertPortFree(ports.konnect, "127.0.0.1", "PORTCULLIS_DEMO_KONNECT_PORT", "the Konnect stand-in");
  await assertPortFree(ports.idp, "127.0.0.1", "PORTCULLIS_DEMO_IDP_PORT", "the demo IdP");
  await assertPortFree(ports.reference, "127.0.0.1", "PORTCULLIS_DEMO_REFERENCE_PORT", "the MCP 2026-07-28 reference server");
  const referenceUrl = `http://127.0.0.1:${ports.reference}/mcp`;
  const closers: (() => Promise<void>)[] = [];
  let standInsClosed: Promise<void> | undefined;
  const closeStandIns = () => (standInsClosed ??= Promise.all(closers.map((close) => close())).then(() => undefined));
  try {
    const idp = await startIdentityProvider({
      port: ports.idp,
      introspectionClient: { id: "portcullis-gateway", secret: introspectionSecret },
      publicClient: { id: IDP_CLIENT_ID, redirectUris: ["http://127.0.0.1/callback", "http://localhost/callback", "http://127.0.0.1/", "http://localhost/"] },
      accounts: [idpUser],
      loginHint: `Demo account: ${idpUser.id} / ${idpUser.password} (group developer).`,
      dynamicRegistration: true,
      exchangeClient: { id: EXCHANGE_CLIENT_ID, secret: exchangeSecret },
      // The console's tool sync of the reference server signs in as a machine (it has no user's token to exchange).
      machineClient: { id: SYNC_CLIENT_ID, secret: randomBase62(32) },
      jwtResources: [referenceUrl],
      // The console's single sign-on (the launcher's console URL: NEXTAUTH_URL's default).
      webClient: { id: CONSOLE_SSO_CLIENT_ID, secret: consoleSsoSecret, redirectUris: [`http://localhost:${ports.console}/api/auth/callback/oidc`] },
    });
    closers.push(() => idp.close());
    const idpKey = await importJWK(idp.signingKey.publicJwk, "RS256");
    const reference = await startStatelessUpstream({
      port: ports.reference,
      // It trusts the organisation's IdP: a JWT the IdP issued for this server, naming who calls.
      checkToken: async (token) => {
        const verified = await jwtVerify(token, idpKey, { issuer: idp.issuer, audience: referenceUrl, algorithms: ["RS256"], typ: "at+jwt", requiredClaims: ["exp", "sub"] }).catch(
          () => undefined,
        );
        return verified?.payload.sub;
      },
    });
    closers.push(() => reference.close());
    const github = await startGitHubStandIn({ port: ports.github, app: { ...githubApp, callbackUrls: ["http://127.0.0.1/", "http://localhost/"] } });
    closers.push(() => github.close());
    const konnect = await startKonnectStandIn({ port: ports.konnect, serviceToken: konnectToken, serviceIdentity: SERVICE_IDENTITY });
    closers.push(() => konnect.close());

    if (options.signal?.aborted) throw new DemoStartAborted();
    const launcher = startLauncher(launcherEnv(settings, admin, { issuer: idp.issuer, clientSecret: consoleSsoSecret }), log);
    let stopping: Promise<void> | undefined;
    const stop = async (force = false) => {
      if (launcher.child.exitCode === null && launcher.child.signalCode === null) launcher.child.kill("SIGINT");
      if (force) {
        // The launcher takes a second Ctrl-C as "force".
        launcher.child.kill("SIGINT");
      }
      stopping ??= launcher.exited.then(() => {
        fs.rmSync(path.join(dataDir, "demo.json"), { force: true });
        return closeStandIns();
      });
      await stopping;
    };
    const abort = () => void stop();
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      await launcher.ready;
      const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, "runtime.json"), "utf8")) as { console_url: string; status_url: string };
      const gatewayUrl = `http://localhost:${ports.http}`;
      const session = await signInToConsole(runtime.console_url, admin.email, admin.password);
      const seed = await seedRecipe(session, {
        configuration: (vault) =>
          recipeConfiguration({
            publicUrl: gatewayUrl,
            github: { mcpUrl: github.mcpUrl, prmUrl: github.prmUrl },
            konnect: { mcpUrl: konnect.url },
            reference: { mcpUrl: reference.url },
            idp: {
              issuer: idp.issuer,
              introspectionEndpoint: idp.introspectionEndpoint,
              tokenEndpoint: idp.tokenEndpoint,
              introspectionClientId: "portcullis-gateway",
              exchangeClientId: EXCHANGE_CLIENT_ID,
              user: { sub: idpUser.id, email: idpUser.email },
            },
            vault,
          }),
        // The console encrypts with this same key (launcher: <data dir>/secrets/master.key).
        masterKey: loadMasterKey({}, dataDir),
        vaultValues: {
          [VAULT_NAMES.konnectToken]: konnectToken,
          [VAULT_NAMES.introspectionSecret]: introspectionSecret,
          [VAULT_NAMES.exchangeSecret]: exchangeSecret,
          [VAULT_NAMES.githubClientSecret]: githubApp.clientSecret,
        },
        upstreamAccounts: { [GITHUB_SIGN_IN.server]: githubUpstreamAccount({ authorizationServer: github.authorizationServer, clientId: githubApp.clientId }) },
        // The GitHub stand-in keeps its tokens in memory: those the console holds from an earlier run are dead, so users connect again.
        revokeConnections: [GITHUB_SIGN_IN.server],
        // GitHub's tools are listed with a personal access token, as an admin would sync them; Konnect's server already sends its stored credential;
        // the reference server's with a token the IdP issues to the sync's machine client.
        syncHeaders: {
          github: { Authorization: `Bearer ${github.issuePersonalAccessToken()}` },
          [GITHUB_SIGN_IN.server]: { Authorization: `Bearer ${github.issuePersonalAccessToken()}` },
          konnect: {},
          reference: { Authorization: `Bearer ${await idp.clientCredentialsToken(referenceUrl)}` },
        },
      });
      await waitForGateway(session, runtime.status_url);

      const facts: DemoFacts = {
        console_url: runtime.console_url,
        admin,
        gateway_url: gatewayUrl,
        github: {
          mcp_url: `${gatewayUrl}/github-mcp`,
          key_header: "apikey",
          keys: { ...DEMO_KEYS },
          developer_tools: [...DEVELOPER_GITHUB_TOOLS],
          stand_in_url: github.origin,
          authorization_server: github.authorizationServer,
          client_id: githubApp.clientId,
          client_secret: githubApp.clientSecret,
          redirect_uri: HEADLESS_REDIRECT_URI,
        },
        github_sign_in: {
          mcp_url: `${gatewayUrl}${GITHUB_SIGN_IN.path}`,
          authorization_server: `${runtime.console_url}/api/oauth`,
          server: GITHUB_SIGN_IN.server,
          client_id: githubApp.clientId,
        },
        konnect: { mcp_url: `${gatewayUrl}/konnect-mcp`, stand_in_url: konnect.url, service_identity: SERVICE_IDENTITY, vault_reference: KONNECT_VAULT_REFERENCE },
        reference: {
          mcp_url: `${gatewayUrl}/reference-mcp`,
          stand_in_url: reference.origin,
          resource: referenceUrl,
          developer_denied_tools: [...DEVELOPER_DENIED_REFERENCE_TOOLS],
        },
        idp: {
          issuer: idp.issuer,
          client_id: IDP_CLIENT_ID,
          redirect_uri: HEADLESS_REDIRECT_URI,
          user: { username: idpUser.id, password: idpUser.password, email: idpUser.email, groups: idpUser.groups, consumer: "dev-user" },
        },
      };
      if (options.signal?.aborted) throw new DemoStartAborted();
      writeDemoFacts(dataDir, facts);
      return { facts, seed, exited: launcher.exited, stop };
    } catch (error) {
      await stop();
      throw options.signal?.aborted ? new DemoStartAborted() : error;
    } finally {
      options.signal?.removeEventListener("abort", abort);
    }
  } catch (error) {
    await closeStandIns();
    throw error;
  }
}
