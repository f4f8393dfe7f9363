// A local stand-in for Konnect's MCP server (us.mcp.konghq.com): it accepts
// exactly one credential — the service account's token, which Portcullis keeps
// in its vault and injects — and refuses anything else with 401. It logs every
// request with the identity it attributed it to and a hash of the token
// presented (GET /_demo/requests), so the demo can show that users' IdP tokens
// never reach it.
import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { describeMessage, readBody, sendJson, serveMcp, type McpToolSet } from "./mcp-endpoint";
import { RequestLog, tokenHash } from "./request-log";

export interface KonnectStandInOptions {
  host?: string;
  port?: number;
  /** The one accepted bearer token (a Konnect system-account token, spat_…). */
  serviceToken: string;
  /** The system account that token belongs to. */
  serviceIdentity: string;
}

export interface KonnectStandIn {
  url: string;
  log: RequestLog;
  close(): Promise<void>;
}

const CONTROL_PLANES = [
  { id: "9f3c1a52-6d0e-4b8e-9a57-0c2a4d1f8e11", name: "prod-us", cluster_type: "CLUSTER_TYPE_HYBRID", labels: { env: "prod" } },
  { id: "2b7e4c90-1f3a-4d2b-8e6f-5a9c0d3e7b22", name: "staging", cluster_type: "CLUSTER_TYPE_HYBRID", labels: { env: "staging" } },
];
const SERVICES = [
  { id: "5c1d2e3f-aaaa-4bbb-8ccc-0d1e2f3a4b55", name: "orders-api", host: "orders.internal", port: 8080, protocol: "http" },
  { id: "6d2e3f4a-bbbb-4ccc-9ddd-1e2f3a4b5c66", name: "payments-api", host: "payments.internal", port: 8080, protocol: "http" },
];

const str = (description: string) => ({ type: "string", description });
const controlPlaneId = str("Control plane ID (from list_control_planes)");
const timeRange = str("Time range: 15M, 1H, 6H, 12H, 24H, 7D");
const pageSize = { type: "number", description: "Number of items per page" };
const read = (name: string, description: string, properties: Record<string, object>, required: string[]): Tool => ({
  name,
  description,
  inputSchema: { type: "object", properties, ...(required.length ? { required } : {}) },
  annotations: { readOnlyHint: true },
});

const TOOLS: Tool[] = [
  read("list_control_planes", "List all control planes in your organization.", { pageSize, filterName: str("Filter by name") }, []),
  read("get_control_plane", "Get detailed information about a specific control plane.", { controlPlaneId }, ["controlPlaneId"]),
  read("list_control_plane_group_memberships", "List all control planes that are members of a specific control plane group.", { groupId: str("Control plane group ID") }, [
    "groupId",
  ]),
  read("check_control_plane_group_membership", "Check if a control plane is a member of any group.", { controlPlaneId }, ["controlPlaneId"]),
  read("list_services", "List all services associated with a control plane.", { controlPlaneId, size: pageSize }, ["controlPlaneId"]),
  read("list_routes", "List all routes associated with a control plane.", { controlPlaneId, size: pageSize }, ["controlPlaneId"]),
  read("list_consumers", "List all consumers associated with a control plane.", { controlPlaneId, size: pageSize }, ["controlPlaneId"]),
  read("list_plugins", "List all plugins associated with a control plane.", { controlPlaneId, size: pageSize }, ["controlPlaneId"]),
  read(
    "query_api_requests",
    "Query and analyze Kong API Gateway requests with customizable filters.",
    {
      timeRange,
      statusCodes: { type: "array", items: { type: "number" }, description: "Filter by HTTP status codes" },
      serviceIds: { type: "array", items: { type: "string" }, description: "Filter by service IDs" },
      maxResults: pageSize,
    },
    [],
  ),
  read("get_consumer_requests", "Retrieve and analyze API requests made by a specific consumer.", { consumerId: str("Consumer ID"), timeRange, maxResults: pageSize }, [
    "consumerId",
  ]),
];

function result(name: string, args: Record<string, unknown>): unknown {
  const plane = CONTROL_PLANES.find((p) => p.id === args.controlPlaneId) ?? CONTROL_PLANES[0]!;
  switch (name) {
    case "list_control_planes":
      return { data: CONTROL_PLANES, meta: { page: { total: CONTROL_PLANES.length } } };
    case "get_control_plane":
      return { ...plane, config: { control_plane_endpoint: `https://${plane.name}.us.cp0.konghq.com`, cluster_type: plane.cluster_type } };
    case "list_control_plane_group_memberships":
      return { data: [], meta: { page: { total: 0 } } };
    case "check_control_plane_group_membership":
      return { controlPlaneId: plane.id, isMember: false };
    case "list_services":
      return { data: SERVICES, controlPlaneId: plane.id };
    case "list_routes":
      return { data: [{ id: "7e3f4a5b-cccc-4ddd-8eee-2f3a4b5c6d77", name: "orders", paths: ["/orders"], service: { id: SERVICES[0]!.id } }], controlPlaneId: plane.id };
    case "list_consumers":
      return { data: [{ id: "8f4a5b6c-dddd-4eee-9fff-3a4b5c6d7e88", username: "mobile-app" }], controlPlaneId: plane.id };
    case "list_plugins":
      return {
        data: [
          { name: "rate-limiting", enabled: true },
          { name: "key-auth", enabled: true },
        ],
        controlPlaneId: plane.id,
      };
    case "query_api_requests":
      return {
        timeRange: args.timeRange ?? "1H",
        totalRequests: 18_402,
        requests: [
          { timestamp: "2026-11-20T09:29:58Z", service: "orders-api", status: 200, latency_ms: 41 },
          { timestamp: "2026-11-20T09:29:57Z", service: "payments-api", status: 503, latency_ms: 3004 },
        ],
      };
    default:
      return { consumerId: args.consumerId, totalRequests: 312, statusCodes: { "200": 305, "429": 7 } };
  }
}

const toolSet: McpToolSet = { serverInfo: { name: "konnect-mcp", version: "demo" }, tools: TOOLS, call: result };

export async function startKonnectStandIn(options: KonnectStandInOptions): Promise<KonnectStandIn> {
  const host = options.host ?? "127.0.0.1";
  const expected = Buffer.from(options.serviceToken);
  const accepts = (token: string) => {
    const presented = Buffer.from(token);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  };
  const log = new RequestLog();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://stand-in");
    const route = async () => {
      if (req.method === "GET" && url.pathname === "/_demo/requests") return log.serve(url, res);
      if (url.pathname !== "/" && url.pathname !== "/mcp") return sendJson(res, 404, { message: "Not Found" });
      const body = req.method === "POST" ? await readBody(req) : "";
      let message: unknown;
      try {
        message = body ? JSON.parse(body) : undefined;
      } catch {
        message = undefined;
      }
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const accepted = token !== undefined && accepts(token);
      log.record({ ...describeMessage(message), caller: accepted ? options.serviceIdentity : null, token_hash: token ? tokenHash(token) : null, accepted });
      if (!accepted) return sendJson(res, 401, { status: 401, title: "Unauthorized", detail: "Invalid or missing token" }, { "www-authenticate": 'Bearer error="invalid_token"' });
      if (req.method === "POST" && message === undefined) return sendJson(res, 400, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      await serveMcp(req, res, message, toolSet);
    };
    route().catch((error: Error) => {
      if (res.headersSent) return res.destroy();
      sendJson(res, 500, { message: error.message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/`,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
