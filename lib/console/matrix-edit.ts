// Edits of the tool access matrix (lib/acl/matrix.ts) as the console stages
// them: each edit returns a new matrix that shares every untouched row, so a
// memoised row view re-renders only when its own row changed. Pure; used by
// the editor in the browser and by the save on the server.
import { DEFAULT_ROW, effectiveCell, effectiveOthers, rowOf, type AclMatrix, type Cell, type Effect, type MatrixRow } from "../acl/matrix";

/** The "everyone else" column. Group names cannot start with "*", so this never names a group. */
export const OTHERS = "*others";

export const nextCell = (cell: Cell): Cell => (cell === "allow" ? "deny" : cell === "deny" ? "inherit" : "allow");

export function cellOf(row: MatrixRow, column: string): Cell {
  return column === OTHERS ? row.others : (row.groups[column] ?? "inherit");
}

/** The decision a cell stands for once inheritance is resolved. */
export function effectOf(matrix: AclMatrix, tool: string, column: string): Effect {
  return column === OTHERS ? effectiveOthers(matrix, tool) : effectiveCell(matrix, tool, column);
}

function withRow(matrix: AclMatrix, tool: string, row: MatrixRow): AclMatrix {
  return tool === DEFAULT_ROW ? { ...matrix, defaultRow: row } : { ...matrix, tools: { ...matrix.tools, [tool]: row } };
}

function withCell(row: MatrixRow, column: string, cell: Cell): MatrixRow {
  if (cellOf(row, column) === cell) return row;
  return column === OTHERS ? { ...row, others: cell } : { ...row, groups: { ...row.groups, [column]: cell } };
}

export function setCell(matrix: AclMatrix, tool: string, column: string, cell: Cell): AclMatrix {
  const row = rowOf(matrix, tool);
  const next = withCell(row, column, cell);
  return next === row ? matrix : withRow(matrix, tool, next);
}

export const columnsOf = (matrix: AclMatrix) => [...matrix.groups, OTHERS];

/** Every cell of one row (groups and everyone else); direct consumer rules stay as they are. */
export function setRow(matrix: AclMatrix, tool: string, cell: Cell): AclMatrix {
  return columnsOf(matrix).reduce((m, column) => setCell(m, tool, column, cell), matrix);
}

/** One column for the given rows — typically the rows a filter shows. */
export function setColumn(matrix: AclMatrix, tools: readonly string[], column: string, cell: Cell): AclMatrix {
  return tools.reduce((m, tool) => setCell(m, tool, column, cell), matrix);
}

export interface CellChange {
  tool: string;
  column: string;
  from: Cell;
  to: Cell;
}

const rowNames = (a: AclMatrix, b: AclMatrix) => [DEFAULT_ROW, ...new Set([...Object.keys(a.tools), ...Object.keys(b.tools)])];

/** The staged edits: every cell whose value differs between the saved and the edited matrix. */
export function matrixChanges(saved: AclMatrix, edited: AclMatrix): CellChange[] {
  const changes: CellChange[] = [];
  const columns = columnsOf(edited);
  for (const tool of rowNames(saved, edited)) {
    const before = rowOf(saved, tool);
    const after = rowOf(edited, tool);
    if (before === after) continue;
    for (const column of columns) {
      const from = cellOf(before, column);
      const to = cellOf(after, column);
      if (from !== to) changes.push({ tool, column, from, to });
    }
  }
  return changes;
}

/** Staged edits replayed on another matrix: after a conflict, on what the other admin saved. */
export function applyChanges(matrix: AclMatrix, changes: readonly CellChange[]): AclMatrix {
  const columns = new Set(columnsOf(matrix));
  return changes.reduce((m, change) => (columns.has(change.column) ? setCell(m, change.tool, change.column, change.to) : m), matrix);
}

export interface AccessChange {
  tool: string;
  column: string;
  from: Effect;
  to: Effect;
}

/** Who gains or loses which tool: the resolved decisions that differ, for the rows given (the default row first). */
export function accessChanges(saved: AclMatrix, edited: AclMatrix, tools: readonly string[]): AccessChange[] {
  const changes: AccessChange[] = [];
  for (const tool of [DEFAULT_ROW, ...tools]) {
    for (const column of columnsOf(edited)) {
      const from = effectOf(saved, tool, column);
      const to = effectOf(edited, tool, column);
      if (from !== to) changes.push({ tool, column, from, to });
    }
  }
  return changes;
}
