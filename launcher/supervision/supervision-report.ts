// Writes the supervised processes' states to the data folder's
// supervision.json (see lib/core/supervision/state.ts) for the gateway's
// /status and the console's data planes page. Replaced whole through a rename,
// so a reader never sees half a file.
import fs from "node:fs";
import { supervisionFile, type SupervisedName, type SupervisedProcessState, type SupervisionState } from "../../lib/core/supervision/state";

export function createSupervisionReport(dataDir: string) {
  const file = supervisionFile(dataDir);
  const processes = new Map<SupervisedName, SupervisedProcessState>();
  return (state: SupervisedProcessState) => {
    processes.set(state.name, state);
    const report: SupervisionState = { launcher_pid: process.pid, updated_at: new Date().toISOString(), processes: [...processes.values()] };
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(report));
    fs.renameSync(temporary, file);
  };
}
