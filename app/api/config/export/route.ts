// The current configuration as the YAML file the gateway reads: secrets stay
// references or ciphertexts, keys stay hashes.
import { exportConfigYaml } from "@/lib/console/config-versions";
import { route } from "@/lib/console/route";

export const GET = route({ roles: ["admin"] }, async () => {
  const yaml = await exportConfigYaml();
  return new Response(`# Portcullis gateway configuration, exported ${new Date().toISOString()}\n${yaml}`, {
    headers: { "content-type": "application/yaml; charset=utf-8", "content-disposition": 'attachment; filename="portcullis.yaml"' },
  });
});
