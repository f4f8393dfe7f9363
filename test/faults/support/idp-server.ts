// The faults suite's organisation IdP, a process of its own so that it can be
// killed with SIGKILL: the demo's oidc-provider on the port given as argument,
// signing with the key in IDP_SIGNING_JWK, so a restarted IdP publishes the
// same JWKS and the tokens issued before the crash stay valid.
import { startIdentityProvider } from "../../../demo/identity-provider";

const port = Number(process.argv[2]);
await startIdentityProvider({ port, signingKey: JSON.parse(process.env.IDP_SIGNING_JWK!) as Record<string, string> });
process.stdout.write(`listening ${port}\n`);
