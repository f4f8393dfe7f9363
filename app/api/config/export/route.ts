// The current configuration as the YAML file the gateway reads: secrets stay
// references or ciphertexts, keys stay hashes.
import { db } from "@/lib/db/client";
import { compileConfig } from "@/lib/config/compile";
import { route } from "@/lib/console/route";
import { configToYaml } from "@/lib/controlplane/import";
import { loadConfigSnapshot } from "@/lib/controlplane/snapshot";

export const GET = route({ roles: ["admin"] }, async () => {
  const yaml = configToYaml(compileConfig(await loadConfigSnapshot(db())));
  return new Response(`# Portcullis gateway configuration, exported ${new Date().toISOString()}\n${yaml}`, {
    headers: { "content-type": "application/yaml; charset=utf-8", "content-disposition": 'attachment; filename="portcullis.yaml"' },
  });
});
