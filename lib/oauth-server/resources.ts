// RFC 8707 resource indicators: the only resources the authorization server
// issues tokens for are the URLs of sign_in routes, exactly as the gateway's
// protected resource metadata names them (its public URL + the route path).
import { gatewayPublicUrl } from "../console/gateway-url";
import { db } from "../db/client";

export interface SignInResource {
  server: string;
}

export async function findSignInResource(resource: string): Promise<SignInResource | undefined> {
  const base = await gatewayPublicUrl();
  if (!resource.startsWith(`${base}/`)) return undefined;
  const server = await db().mcpServer.findFirst({ where: { path: resource.slice(base.length), authMode: "sign_in" }, select: { name: true } });
  return server ? { server: server.name } : undefined;
}
