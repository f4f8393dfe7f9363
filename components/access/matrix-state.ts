// The editor's one state object: the matrix as saved (at `version`) and as
// edited. Staged edits are the difference between the two.
import type { AclMatrix, Cell } from "@/lib/acl/matrix";
import type { AccessMatrixData, MatrixTool } from "@/lib/console/access-matrix";
import { applyChanges, matrixChanges, nextCell, cellOf, setCell, setColumn, setRow } from "@/lib/console/matrix-edit";
import { rowOf } from "@/lib/acl/matrix";

export interface MatrixState {
  saved: AclMatrix;
  draft: AclMatrix;
  version: number;
  tools: MatrixTool[];
}

export type MatrixAction =
  | { type: "cycle"; tool: string; column: string }
  | { type: "setRow"; tool: string; cell: Cell }
  | { type: "setColumn"; tools: readonly string[]; column: string; cell: Cell }
  | { type: "discard" }
  | { type: "saved"; version: number }
  /** A newer saved matrix, with this editor's staged edits replayed on it (keep) or dropped. */
  | { type: "reloaded"; data: AccessMatrixData; keepEdits: boolean };

export const initialMatrixState = (data: AccessMatrixData): MatrixState => ({ saved: data.matrix, draft: data.matrix, version: data.version, tools: data.tools });

export function matrixReducer(state: MatrixState, action: MatrixAction): MatrixState {
  switch (action.type) {
    case "cycle":
      return { ...state, draft: setCell(state.draft, action.tool, action.column, nextCell(cellOf(rowOf(state.draft, action.tool), action.column))) };
    case "setRow":
      return { ...state, draft: setRow(state.draft, action.tool, action.cell) };
    case "setColumn":
      return { ...state, draft: setColumn(state.draft, action.tools, action.column, action.cell) };
    case "discard":
      return { ...state, draft: state.saved };
    case "saved":
      return { ...state, saved: state.draft, version: action.version };
    case "reloaded": {
      const edits = action.keepEdits ? matrixChanges(state.saved, state.draft) : [];
      return { saved: action.data.matrix, draft: applyChanges(action.data.matrix, edits), version: action.data.version, tools: action.data.tools };
    }
  }
}
