// `npm run demo`: the product plus stand-ins for GitHub, Konnect and an IdP,
// seeded with the recipe; prints where to connect. Ctrl-C stops everything; a
// second Ctrl-C forces.
import { describeError } from "../lib/core/errors";
import { DemoStartAborted, startDemo, type RunningDemo } from "./demo";
import { readDemoSettings } from "./settings";
import { onInterrupt } from "../launcher/interrupts";

const say = (line: string) => process.stdout.write(`portcullis demo: ${line}\n`);

function summary(demo: RunningDemo): string {
  const { facts, seed } = demo;
  const { github, github_sign_in: signIn, konnect, reference, idp } = facts;
  const tools = (server: string) => seed.tools[server] ?? 0;
  return `
  Portcullis demo — ready

  Console       ${facts.console_url}
                sign in as ${facts.admin.email} / ${facts.admin.password}

  GitHub MCP    ${signIn.mcp_url}   (Sign in with Portcullis: the URL alone; GitHub gets each user's own token)
                no header, no OAuth app: the client signs in at the console (single sign-on with the IdP as ${idp.user.username} / ${idp.user.password}),
                then GitHub asks ${idp.user.username} once to connect the console's OAuth app ${signIn.client_id}

  GitHub MCP    ${github.mcp_url}   (passthrough: GitHub's own OAuth, a Portcullis API key names the caller)
                header ${github.key_header}: ${github.keys.developer}    developer — the ${github.developer_tools.length} read tools
                header ${github.key_header}: ${github.keys.admin}  admin — all ${tools("github")} tools
                OAuth app at the GitHub stand-in (${github.authorization_server}), no dynamic registration:
                client id ${github.client_id}, client secret ${github.client_secret}

  Konnect MCP   ${konnect.mcp_url}   (token swap: sign in with the organisation's IdP, Konnect sees a stored service token)
                no header; the IdP ${idp.issuer} signs you in as ${idp.user.username} / ${idp.user.password}
                public client ${idp.client_id} (PKCE); MCP clients may also register themselves

  Reference MCP ${reference.mcp_url}   (MCP 2026-07-28, token exchange: the same sign-in; the server gets a token the IdP issued for it)
                ${tools("reference")} tools; developers may not call ${reference.developer_denied_tools.join(", ")}; delete_branch asks before it runs

  Check every pattern:  npm run demo:verify
  Stop:                 Ctrl-C
`;
}

async function main() {
  const settings = readDemoSettings(process.env);
  say(`data in ${settings.dataDir} (the demo's own; delete the folder to start from scratch)`);
  const starting = new AbortController();
  let demo: RunningDemo | undefined;
  let signals = 0;
  onInterrupt((force, code) => {
    signals += 1;
    if (!force) say("stopping… (press Ctrl-C again to force)");
    if (demo) void demo.stop(force).then(() => process.exit(code));
    else if (!force) starting.abort();
    // Still starting: leaving now sends the product its second Ctrl-C, which forces it.
    else process.exit(code);
  });

  try {
    demo = await startDemo(settings, { log: (line) => process.stdout.write(`${line}\n`), signal: starting.signal });
  } catch (error) {
    if (error instanceof DemoStartAborted) process.exit(130);
    throw error;
  }
  say(
    demo.seed.configurationChanged
      ? "seeded the recipe: groups admin and developer, consumers admin-user and dev-user, servers github, konnect and reference"
      : "the recipe's configuration was already in place",
  );
  process.stdout.write(summary(demo));
  const code = await demo.exited;
  if (signals === 0) {
    say(`the product stopped unexpectedly (exit code ${code}); stopping the stand-ins`);
    await demo.stop();
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`portcullis demo: ${describeError(error)}`);
  process.exit(1);
});
