// Every successful console write recompiles the configuration; a version is
// stored (and pushed to the data planes) only when the document changed. A
// compile that fails validation is kept visible on the data planes page
// rather than failing the admin's request after its change was committed.
import { db } from "../db/client";
import { InvalidCompiledConfig, publishConfigVersion, type PublishedVersion } from "./versions";

export const COMPILE_ERROR_SETTING = "controlplane.compile_error";

export async function publishAfterWrite(authorId: string | undefined, reason: string): Promise<PublishedVersion | undefined> {
  try {
    const version = await publishConfigVersion(db(), { authorId, reason });
    await db().setting.deleteMany({ where: { key: COMPILE_ERROR_SETTING } });
    return version;
  } catch (error) {
    if (!(error instanceof InvalidCompiledConfig)) throw error;
    console.error(`control plane: ${error.message}`);
    const value = { at: new Date().toISOString(), reason, problems: error.problems };
    await db().setting.upsert({ where: { key: COMPILE_ERROR_SETTING }, create: { key: COMPILE_ERROR_SETTING, value }, update: { value } });
    return undefined;
  }
}
