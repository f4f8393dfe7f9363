// The declarative file (DB-less mode): YAML or JSON, read at start and on SIGHUP.
import fs from "node:fs/promises";
import { parse as parseYaml } from "yaml";

export type ReadResult = { ok: true; document: unknown } | { ok: false; problems: string[] };

export async function readConfigFile(file: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    return { ok: false, problems: [`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`] };
  }
  try {
    // YAML is a superset of JSON, so one parser reads both.
    return { ok: true, document: parseYaml(text, { uniqueKeys: true }) };
  } catch (error) {
    return { ok: false, problems: [`${file} is not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`] };
  }
}
