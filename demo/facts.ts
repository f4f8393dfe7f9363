// What a running demo tells demo:verify (and tests): <data dir>/demo.json,
// written when the demo is ready, owner-only (it holds the demo's passwords).
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { UserFacingError } from "../lib/core/errors";

export const demoFactsSchema = z.object({
  console_url: z.string(),
  admin: z.object({ email: z.string(), password: z.string() }),
  gateway_url: z.string(),
  github: z.object({
    mcp_url: z.string(),
    key_header: z.string(),
    keys: z.object({ admin: z.string(), developer: z.string() }),
    developer_tools: z.array(z.string()),
    stand_in_url: z.string(),
    authorization_server: z.string(),
    client_id: z.string(),
    client_secret: z.string(),
    redirect_uri: z.string(),
  }),
  /** GitHub behind Sign in with Portcullis: the client needs only the URL; the console holds each user's GitHub token. */
  github_sign_in: z.object({
    mcp_url: z.string(),
    /** Portcullis's own authorization server (the console's). */
    authorization_server: z.string(),
    server: z.string(),
    /** The GitHub OAuth app the console connects users with (the console's, not the client's). */
    client_id: z.string(),
  }),
  konnect: z.object({
    mcp_url: z.string(),
    stand_in_url: z.string(),
    service_identity: z.string(),
    vault_reference: z.string(),
  }),
  reference: z.object({
    mcp_url: z.string(),
    stand_in_url: z.string(),
    /** The resource the IdP issues exchanged tokens for: the reference server's own URL. */
    resource: z.string(),
    developer_denied_tools: z.array(z.string()),
  }),
  idp: z.object({
    issuer: z.string(),
    client_id: z.string(),
    redirect_uri: z.string(),
    user: z.object({ username: z.string(), password: z.string(), email: z.string(), groups: z.array(z.string()), consumer: z.string() }),
  }),
});

export type DemoFacts = z.infer<typeof demoFactsSchema>;

const factsFile = (dataDir: string) => path.join(dataDir, "demo.json");

export function writeDemoFacts(dataDir: string, facts: DemoFacts): void {
  const file = factsFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(facts, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function readDemoFacts(dataDir: string): DemoFacts {
  const file = factsFile(dataDir);
  if (!fs.existsSync(file)) {
    throw new UserFacingError(`No demo found in ${dataDir}: start one with \`npm run demo\` (in another terminal) first.`, "DEMO_NOT_FOUND");
  }
  return demoFactsSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
}
