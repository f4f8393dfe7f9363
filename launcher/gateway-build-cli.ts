// `npm run gateway` first brings the gateway bundle up to date (see gateway-build.ts).
import { buildGatewayIfNeeded } from "./gateway-build";

await buildGatewayIfNeeded();
