// A local stand-in for HashiCorp Vault that answers like the real HTTP API for
// what the gateway uses: KV v2 reads (GET /v1/<mount>/data/<path>, X-Vault-Token,
// X-Vault-Namespace) and AppRole login (POST /v1/auth/<mount>/login), with
// Vault's response envelopes and error bodies.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface VaultServer {
  address: string;
  token: string;
  approle: { roleId: string; secretId: string };
  /** mount → path → data */
  secrets: Map<string, Map<string, Record<string, string>>>;
  reads: number;
  /** How long each KV read waits before it is answered (a slow Vault); 0 unless a test sets it. */
  readDelayMs: number;
  logins: number;
  namespaces: (string | undefined)[];
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startVaultServer(): Promise<VaultServer> {
  const state: Omit<VaultServer, "address" | "close"> = {
    token: `hvs.${randomUUID()}`,
    approle: { roleId: randomUUID(), secretId: randomUUID() },
    secrets: new Map([["secret", new Map()]]),
    reads: 0,
    readDelayMs: 0,
    logins: 0,
    namespaces: [],
  };
  const issued = new Set([state.token]);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url!, "http://vault");
      state.namespaces.push(req.headers["x-vault-namespace"] as string | undefined);
      const login = /^\/v1\/auth\/([^/]+)\/login$/.exec(url.pathname);
      if (req.method === "POST" && login) {
        state.logins++;
        const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
        if (body.role_id !== state.approle.roleId || body.secret_id !== state.approle.secretId) return send(res, 400, { errors: ["invalid role or secret ID"] });
        const token = `hvs.${randomUUID()}`;
        issued.add(token);
        return send(res, 200, {
          request_id: randomUUID(),
          lease_id: "",
          renewable: false,
          lease_duration: 0,
          data: null,
          wrap_info: null,
          warnings: null,
          auth: { client_token: token, accessor: randomUUID(), policies: ["default"], lease_duration: 2764800, renewable: true },
        });
      }
      const read = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(url.pathname);
      if (req.method === "GET" && read) {
        if (!issued.has(req.headers["x-vault-token"] as string)) return send(res, 403, { errors: ["permission denied"] });
        state.reads++;
        const data = state.secrets.get(read[1]!)?.get(decodeURIComponent(read[2]!));
        if (!data) return send(res, 404, { errors: [] });
        const answer = () =>
          send(res, 200, {
            request_id: randomUUID(),
            lease_id: "",
            renewable: false,
            lease_duration: 0,
            data: { data, metadata: { created_time: new Date().toISOString(), custom_metadata: null, deletion_time: "", destroyed: false, version: 1 } },
            wrap_info: null,
            warnings: null,
            auth: null,
          });
        if (state.readDelayMs > 0) setTimeout(answer, state.readDelayMs);
        else answer();
        return;
      }
      send(res, 404, { errors: [] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(state, {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
