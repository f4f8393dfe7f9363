"use client";
// The matrix itself: one memoised row per tool, so a click re-renders the
// one row it changed (the default row's edits re-render every row, since
// they all inherit from it). Clicks and keys are handled once on the table
// and read the cell from data attributes; the cells use a roving tabindex.
import { memo, useRef, useState, type Dispatch, type KeyboardEvent, type MouseEvent } from "react";
import { DEFAULT_ROW, hasOwnRule, type AclMatrix, type Cell, type Effect, type MatrixRow } from "@/lib/acl/matrix";
import type { MatrixTool } from "@/lib/console/access-matrix";
import { cellOf, effectOf, OTHERS } from "@/lib/console/matrix-edit";
import { Badge } from "../ui/badge";
import { Menu, MENU_BUTTON_CLASS, MenuPopover } from "../ui/menu";
import type { MatrixAction } from "./matrix-state";
import { plural } from "@/lib/client/plural";
import type { RuleSettings, StoredCondition } from "@/lib/acl/rule-settings";

export interface Focus {
  row: number;
  col: number;
}

export interface SimulatedDecision {
  allowed: boolean;
  /** "denied by contractor", "not in the allow list", "allowed for admin"… */
  because: string;
}

export const columnLabel = (column: string) => (column === OTHERS ? "Everyone else" : column);
const rowLabel = (tool: string) => (tool === DEFAULT_ROW ? "Default (tools without a rule of their own)" : tool);

const CELL_BASE = "flex h-7 w-full items-center justify-center gap-1 rounded text-xs focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600";
const CELL_TONE: Record<`${Cell}-${Effect}`, string> = {
  "allow-allow":
    "bg-emerald-100 font-semibold text-emerald-800 ring-1 ring-inset ring-emerald-300 hover:bg-emerald-200 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800",
  "deny-deny": "bg-red-100 font-semibold text-red-800 ring-1 ring-inset ring-red-300 hover:bg-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-800",
  "inherit-allow": "border border-dashed border-zinc-300 text-emerald-700/70 hover:bg-zinc-100 dark:border-zinc-700 dark:text-emerald-400/60 dark:hover:bg-zinc-800",
  "inherit-deny": "border border-dashed border-zinc-300 text-red-700/70 hover:bg-zinc-100 dark:border-zinc-700 dark:text-red-400/60 dark:hover:bg-zinc-800",
  "allow-deny": "",
  "deny-allow": "",
};

interface RowProps {
  tool: string;
  meta?: MatrixTool;
  row: MatrixRow;
  savedRow: MatrixRow;
  /** The edited default row, which tool rows inherit from. */
  defaultRow: MatrixRow;
  groups: string[];
  index: number;
  /** The column holding the grid's one tabbable cell, or -1 when it is in another row. */
  focusCol: number;
  /** The simulated caller's decision on this row, when the simulator is on (primitives, so memo compares them). */
  simulatedAllowed?: boolean;
  simulatedBecause?: string;
  simulating: boolean;
  condition?: StoredCondition;
  redacted: boolean;
}

/** The row's condition (or a way to add one): opens the condition editor. */
function ConditionButton({ tool, condition, redacted }: { tool: string; condition?: StoredCondition; redacted: boolean }) {
  const label = condition ? `${condition.effect === "allow" ? "allow" : "deny"} only when ${condition.expression}` : "add a condition";
  return (
    <button
      type="button"
      tabIndex={-1}
      data-condition={tool}
      title={condition ? label : "Add a CEL condition on this rule's calls"}
      aria-label={`Condition of ${rowLabel(tool)}: ${label}`}
      className={`mt-0.5 block max-w-full truncate rounded px-1 text-left font-mono text-[11px] ${
        condition
          ? "bg-violet-100 text-violet-800 hover:bg-violet-200 dark:bg-violet-950 dark:text-violet-200"
          : "text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800"
      }`}
    >
      {condition ? `${condition.effect === "allow" ? "if" : "deny if"} ${condition.expression}` : "+ condition"}
      {redacted ? " · redacts args" : ""}
    </button>
  );
}

function ToolHeader({ tool, meta, row, condition, redacted }: { tool: string; meta?: MatrixTool; row: MatrixRow; condition?: StoredCondition; redacted: boolean }) {
  if (tool === DEFAULT_ROW) {
    return (
      <>
        <span className="block text-sm font-semibold">Default</span>
        <span className="block text-xs font-normal text-zinc-500">every tool without a rule of its own</span>
        <ConditionButton tool={tool} condition={condition} redacted={false} />
      </>
    );
  }
  const own = hasOwnRule(row);
  return (
    <>
      <span className="flex items-center gap-1.5">
        <span className={`truncate font-mono text-xs font-medium ${meta?.unlisted ? "text-zinc-500 line-through decoration-zinc-400" : ""}`} title={meta?.description || tool}>
          {tool}
        </span>
        {meta?.readOnlyHint === true ? <Badge tone="green">read</Badge> : meta?.readOnlyHint === false ? <Badge tone="amber">write</Badge> : null}
        {meta?.changed ? (
          <Badge tone="amber" title="Changed upstream since last reviewed">
            changed
          </Badge>
        ) : null}
        {meta?.unlisted ? (
          <Badge tone="red" title="The upstream no longer lists this tool">
            gone
          </Badge>
        ) : null}
      </span>
      <span className="block text-xs font-normal text-zinc-500">
        {own ? "own rule" : "inherits default"}
        {Object.keys(row.consumers ?? {}).length ? ` · ${plural(Object.keys(row.consumers ?? {}).length, "consumer rule")}` : ""}
      </span>
      <ConditionButton tool={tool} condition={condition} redacted={redacted} />
    </>
  );
}

const MatrixRowView = memo(function MatrixRowView({
  tool,
  meta,
  row,
  savedRow,
  defaultRow,
  groups,
  index,
  focusCol,
  simulatedAllowed,
  simulatedBecause,
  simulating,
  condition,
  redacted,
}: RowProps) {
  const isDefault = tool === DEFAULT_ROW;
  // Only what inheritance reads: this row and the default row.
  const local: AclMatrix = isDefault ? { groups, defaultRow: row, tools: {} } : { groups, defaultRow, tools: { [tool]: row } };
  const columns = [...groups, OTHERS];
  return (
    <tr className={isDefault ? "bg-indigo-50/60 dark:bg-indigo-950/30" : "hover:bg-zinc-50 dark:hover:bg-zinc-800/40"}>
      <th
        scope="row"
        className={`sticky left-0 z-10 overflow-hidden border-r border-zinc-200 px-3 py-1.5 text-left font-normal dark:border-zinc-800 ${isDefault ? "bg-indigo-50 dark:bg-indigo-950" : "bg-white dark:bg-zinc-900"}`}
      >
        <ToolHeader tool={tool} meta={meta} row={row} condition={condition} redacted={redacted} />
      </th>
      {simulating ? (
        <td data-testid="simulated" className="border-r border-zinc-200 bg-indigo-50/40 px-2 py-1 text-xs dark:border-zinc-800 dark:bg-indigo-950/20">
          {simulatedAllowed === undefined ? null : (
            <span className={simulatedAllowed ? "text-emerald-700 dark:text-emerald-300" : "font-medium text-red-700 dark:text-red-300"} title={simulatedBecause}>
              {simulatedAllowed ? "allowed" : "denied"}
              <span className="block max-w-40 truncate text-[11px] font-normal text-zinc-500">{simulatedBecause}</span>
            </span>
          )}
        </td>
      ) : null}
      {columns.map((column, col) => {
        const cell = cellOf(row, column);
        const effect = effectOf(local, tool, column);
        const staged = cell !== cellOf(savedRow, column);
        return (
          <td key={column} role="gridcell" className="px-1 py-1">
            <button
              type="button"
              data-r={index}
              data-c={col}
              data-tool={tool}
              data-column={column}
              tabIndex={focusCol === col ? 0 : -1}
              aria-label={`${rowLabel(tool)}, ${columnLabel(column)}: ${cell === "inherit" ? `${effect} (inherited)` : cell}${staged ? ", edited" : ""}`}
              className={`${CELL_BASE} ${CELL_TONE[`${cell}-${effect}`]} ${staged ? "outline-2 outline-amber-400" : ""}`}
            >
              {cell === "allow" ? "✓ Allow" : cell === "deny" ? "✕ Deny" : effect}
              {staged ? <span aria-hidden className="size-1.5 rounded-full bg-amber-500" /> : null}
            </button>
          </td>
        );
      })}
      <td className="px-1 py-1 text-right">
        <button
          type="button"
          data-r={index}
          data-c={columns.length}
          data-row-menu={tool}
          tabIndex={focusCol === columns.length ? 0 : -1}
          aria-label={`Set every cell of ${rowLabel(tool)}`}
          aria-haspopup="menu"
          className={MENU_BUTTON_CLASS}
        >
          ⋯
        </button>
      </td>
    </tr>
  );
});

interface GridProps {
  label: string;
  /** True until the editor runs in the browser: server-rendered cells do not answer clicks before that. */
  busy: boolean;
  draft: AclMatrix;
  saved: AclMatrix;
  /** The tool rows to render, in order. */
  tools: string[];
  /** Every tool the filters select (what column actions apply to); `tools` may still be catching up with it. */
  filtered: string[];
  meta: ReadonlyMap<string, MatrixTool>;
  focus: Focus;
  onFocus: (focus: Focus) => void;
  simulated?: ReadonlyMap<string, SimulatedDecision>;
  dispatch: Dispatch<MatrixAction>;
  settings: RuleSettings;
  onEditCondition: (tool: string) => void;
}

const EMPTY_ROW: MatrixRow = { groups: {}, others: "inherit" };
const [TOOL_REM, GROUP_REM, OTHERS_REM, SIMULATED_REM, MENU_REM] = [15, 6.5, 7, 11, 2.5];

export function MatrixGrid({ label, busy, draft, saved, tools, filtered, meta, focus, onFocus, simulated, dispatch, settings, onEditCondition }: GridProps) {
  const table = useRef<HTMLTableElement>(null);
  const columns = [...draft.groups, OTHERS];
  const rowCount = tools.length + 1;
  // The row menu after the cells is the last stop of each row.
  const colCount = columns.length + 1;

  const moveTo = (row: number, col: number) => {
    const next = { row: Math.max(0, Math.min(rowCount - 1, row)), col: Math.max(0, Math.min(colCount - 1, col)) };
    table.current?.querySelector<HTMLButtonElement>(`button[data-r="${next.row}"][data-c="${next.col}"]`)?.focus();
    onFocus(next);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>("button[data-r]");
    if (!target) return;
    const row = Number(target.dataset.r);
    const col = Number(target.dataset.c);
    const moves: Record<string, [number, number]> = {
      ArrowUp: [row - 1, col],
      ArrowDown: [row + 1, col],
      ArrowLeft: [row, col - 1],
      ArrowRight: [row, col + 1],
      Home: event.ctrlKey ? [0, 0] : [row, 0],
      End: event.ctrlKey ? [rowCount - 1, colCount - 1] : [row, colCount - 1],
      PageUp: [row - 10, col],
      PageDown: [row + 10, col],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    moveTo(...move);
  };

  const [rowMenu, setRowMenu] = useState<{ tool: string; anchor: HTMLElement }>();

  const onClick = (event: MouseEvent<HTMLTableElement>) => {
    const conditionButton = (event.target as HTMLElement).closest<HTMLElement>("button[data-condition]");
    if (conditionButton) return onEditCondition(conditionButton.dataset.condition!);
    const menuButton = (event.target as HTMLElement).closest<HTMLElement>("button[data-row-menu]");
    if (menuButton) return setRowMenu({ tool: menuButton.dataset.rowMenu!, anchor: menuButton });
    const target = (event.target as HTMLElement).closest<HTMLElement>("button[data-tool]");
    if (!target) return;
    onFocus({ row: Number(target.dataset.r), col: Number(target.dataset.c) });
    dispatch({ type: "cycle", tool: target.dataset.tool!, column: target.dataset.column! });
  };

  const simulating = simulated !== undefined;
  // Fixed column widths (table-layout: fixed): a cell whose text changes does not re-lay out the whole table.
  const width = TOOL_REM + draft.groups.length * GROUP_REM + OTHERS_REM + (simulating ? SIMULATED_REM : 0) + MENU_REM;
  return (
    <div className="max-h-[calc(100vh-17rem)] min-h-64 overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table
        ref={table}
        role="grid"
        aria-label={label}
        aria-rowcount={rowCount + 1}
        aria-busy={busy}
        style={{ width: `${width}rem` }}
        className="min-w-full table-fixed border-separate border-spacing-0 text-sm"
        onKeyDown={onKeyDown}
        onClick={onClick}
      >
        <colgroup>
          <col style={{ width: `${TOOL_REM}rem` }} />
          {simulating ? <col style={{ width: `${SIMULATED_REM}rem` }} /> : null}
          {draft.groups.map((group) => (
            <col key={group} style={{ width: `${GROUP_REM}rem` }} />
          ))}
          <col style={{ width: `${OTHERS_REM}rem` }} />
          <col style={{ width: `${MENU_REM}rem` }} />
        </colgroup>
        <thead className="sticky top-0 z-20 bg-zinc-50 dark:bg-zinc-950">
          <tr>
            <th
              scope="col"
              className="sticky left-0 z-30 border-b border-r border-zinc-200 bg-zinc-50 px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-950"
            >
              Tool
            </th>
            {simulating ? (
              <th scope="col" className="border-b border-r border-zinc-200 px-2 py-2 text-left text-xs font-semibold text-indigo-700 dark:border-zinc-800 dark:text-indigo-300">
                Simulated caller
              </th>
            ) : null}
            {columns.map((column) => (
              <th
                key={column}
                scope="col"
                title={column === OTHERS ? "Callers in none of the groups that have a cell in the row (the default column)" : column}
                className="border-b border-zinc-200 px-1 py-2 text-center text-xs font-semibold text-zinc-700 dark:border-zinc-800 dark:text-zinc-300"
              >
                <span className="flex min-w-0 items-center justify-center gap-0.5">
                  <span className={`min-w-0 truncate ${column === OTHERS ? "italic" : ""}`}>{columnLabel(column)}</span>
                  <Menu
                    label={`Set ${columnLabel(column)} for the ${filtered.length} shown tools`}
                    items={[
                      { label: `Allow for ${filtered.length} shown tools`, onSelect: () => dispatch({ type: "setColumn", tools: filtered, column, cell: "allow" }) },
                      { label: `Deny for ${filtered.length} shown tools`, onSelect: () => dispatch({ type: "setColumn", tools: filtered, column, cell: "deny" }) },
                      { label: `Inherit for ${filtered.length} shown tools`, onSelect: () => dispatch({ type: "setColumn", tools: filtered, column, cell: "inherit" }) },
                    ]}
                  >
                    ▾
                  </Menu>
                </span>
              </th>
            ))}
            <th scope="col" className="border-b border-zinc-200 dark:border-zinc-800">
              <span className="sr-only">Row actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <MatrixRowView
            tool={DEFAULT_ROW}
            row={draft.defaultRow}
            savedRow={saved.defaultRow}
            defaultRow={draft.defaultRow}
            groups={draft.groups}
            index={0}
            focusCol={focus.row === 0 ? focus.col : -1}
            simulatedAllowed={simulated?.get(DEFAULT_ROW)?.allowed}
            simulatedBecause={simulated?.get(DEFAULT_ROW)?.because}
            simulating={simulating}
            condition={settings.conditions[DEFAULT_ROW]}
            redacted={false}
          />
          {tools.map((tool, i) => (
            <MatrixRowView
              key={tool}
              tool={tool}
              meta={meta.get(tool)}
              row={draft.tools[tool] ?? EMPTY_ROW}
              savedRow={saved.tools[tool] ?? EMPTY_ROW}
              defaultRow={draft.defaultRow}
              groups={draft.groups}
              index={i + 1}
              focusCol={focus.row === i + 1 ? focus.col : -1}
              simulatedAllowed={simulated?.get(tool)?.allowed}
              simulatedBecause={simulated?.get(tool)?.because}
              simulating={simulating}
              condition={settings.conditions[tool]}
              redacted={(settings.redactions[tool]?.length ?? 0) > 0}
            />
          ))}
        </tbody>
      </table>
      {rowMenu ? (
        <MenuPopover
          anchor={rowMenu.anchor}
          label={`Set every cell of ${rowLabel(rowMenu.tool)}`}
          onClose={() => setRowMenu(undefined)}
          items={[
            { label: "Allow in every column", onSelect: () => dispatch({ type: "setRow", tool: rowMenu.tool, cell: "allow" }) },
            { label: "Deny in every column", onSelect: () => dispatch({ type: "setRow", tool: rowMenu.tool, cell: "deny" }) },
            {
              label: rowMenu.tool === DEFAULT_ROW ? "Inherit in every column" : "Inherit everywhere (no own rule)",
              onSelect: () => dispatch({ type: "setRow", tool: rowMenu.tool, cell: "inherit" }),
            },
            { label: "Condition and redaction…", onSelect: () => onEditCondition(rowMenu.tool) },
          ]}
        />
      ) : null}
    </div>
  );
}
