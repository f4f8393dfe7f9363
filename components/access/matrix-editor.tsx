"use client";
// The tool access matrix editor: filters choose the rows, clicks stage edits
// locally, Save shows what will change and sends every edit at once with the
// version the editor started from. If someone saved in between, the server
// answers 409 and the editor offers to reload — keeping the staged edits on
// top of the newer matrix — so nothing is ever silently overwritten.
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useDeferredValue, useEffect, useMemo, useReducer, useState } from "react";
import { compileAcl, decideToolAccess } from "@/lib/core/acl/decide";
import { DEFAULT_ROW, hasOwnRule, rowOf } from "@/lib/acl/matrix";
import { aclOf, type RuleSettings } from "@/lib/acl/rule-settings";
import { api, ApiError } from "@/lib/client/api";
import type { AccessMatrixData, MatrixTool } from "@/lib/console/access-matrix";
import { accessChanges, matrixChanges, type CellChange } from "@/lib/console/matrix-edit";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { FormError } from "../ui/form-error";
import { SELECT_CLASS } from "../ui/select";
import { MatrixGrid, type Focus, type SimulatedDecision } from "./matrix-grid";
import { initialMatrixState, matrixReducer } from "./matrix-state";
import { CallerSimulator } from "./caller-simulator";
import { SaveSummary } from "./save-summary";
import { plural } from "@/lib/client/plural";
import { ConditionEditor, type RuleSettingsValue } from "./condition-editor";
import { ServerRedactionPanel } from "./server-redaction-panel";

type HintFilter = "all" | "read" | "write";
type Flag = "changed" | "noRule" | "unlisted" | "edited";

const FLAG_LABEL: Record<Flag, string> = { changed: "Changed", noRule: "No own rule", unlisted: "Gone", edited: "Edited" };

// Rows rendered at once; the rest follow in a background render that input interrupts.
const FIRST_ROWS = 40;

// Never a tool name (they cannot contain spaces), so the ACL's default rule decides it.
const UNNAMED_TOOL = " tool without a rule";

function Toggle({ pressed, onClick, children }: { pressed: boolean; onClick: () => void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={`rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset ${
        pressed ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-300 dark:ring-zinc-700"
      }`}
    >
      {children}
    </button>
  );
}

function explain(decision: ReturnType<typeof decideToolAccess>): string {
  const where = decision.rule === "default" ? "default row" : "own rule";
  const who = decision.subject === "*" ? "everyone" : decision.subject === undefined ? undefined : decision.subject;
  const judged = decision.allowed && decision.condition ? `, if its ${decision.condition.effect}-condition lets the call through` : "";
  if (decision.allowed) return who ? `allowed for ${who} (${where}${judged})` : `everyone allowed (${where}${judged})`;
  return decision.reason === "denied" ? `denied for ${who} (${where})` : `not allowed (${where})`;
}

type SaveError = { kind: "conflict"; message: string } | { kind: "error"; message: string };

export function MatrixEditor({ initial }: { initial: AccessMatrixData }) {
  const [state, dispatch] = useReducer(matrixReducer, initial, initialMatrixState);
  const [focus, setFocus] = useState<Focus>({ row: 0, col: 0 });
  const [query, setQuery] = useState("");
  const [hint, setHint] = useState<HintFilter>("all");
  const [flags, setFlags] = useState<ReadonlySet<Flag>>(new Set());
  const [simulatedGroups, setSimulatedGroups] = useState<string[] | undefined>();
  const [reviewing, setReviewing] = useState(false);
  const [saveError, setSaveError] = useState<SaveError>();
  const [notice, setNotice] = useState<string>();
  const [overlaps, setOverlaps] = useState<CellChange[]>([]);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [hydrated, setHydrated] = useState(false);
  const [configVersion, setConfigVersion] = useState(initial.configVersion);
  const [settings, setSettings] = useState<RuleSettings>(initial.settings);
  const [editingRule, setEditingRule] = useState<string>();
  useEffect(() => {
    setHydrated(true);
    // A User Timing mark for when the matrix answers clicks (the performance test reads it).
    performance.mark("matrix:interactive");
  }, []);

  const { draft, saved, version } = state;
  const meta = useMemo(() => new Map(state.tools.map((t) => [t.name, t])), [state.tools]);
  const changes = useMemo(() => matrixChanges(saved, draft), [saved, draft]);
  const editedTools = useMemo(() => new Set(changes.map((c) => c.tool)), [changes]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matches = (t: MatrixTool) =>
      (!q || t.name.toLowerCase().includes(q) || t.description.toLowerCase().includes(q)) &&
      (hint === "all" || (hint === "read" ? t.readOnlyHint === true : t.readOnlyHint !== true)) &&
      (!flags.has("changed") || t.changed) &&
      (!flags.has("unlisted") || t.unlisted) &&
      (!flags.has("noRule") || !hasOwnRule(rowOf(draft, t.name))) &&
      (!flags.has("edited") || editedTools.has(t.name));
    return state.tools.filter(matches).map((t) => t.name);
    // "No own rule" and "Edited" read the draft as it was when a filter last changed: rows must not
    // vanish under the pointer while an admin clicks through them.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- draft and editedTools left out on purpose (above)
  }, [state.tools, query, hint, flags]);

  // The first screenful renders (and hydrates) at once; the other rows, and the rows of a new
  // filter, render in the background so typing and clicking never wait for all of them.
  const rendered = useDeferredValue(shown, shown.slice(0, FIRST_ROWS));

  const simulated = useMemo(() => {
    if (!simulatedGroups) return undefined;
    const acl = compileAcl(aclOf(draft, settings));
    const caller = { username: "\u0000simulated", groups: simulatedGroups };
    const decisions = new Map<string, SimulatedDecision>();
    const defaultDecision = decideToolAccess(acl, UNNAMED_TOOL, caller);
    decisions.set(DEFAULT_ROW, { allowed: defaultDecision.allowed, because: explain(defaultDecision) });
    for (const tool of shown) {
      const decision = decideToolAccess(acl, tool, caller);
      decisions.set(tool, { allowed: decision.allowed, because: explain(decision) });
    }
    return decisions;
  }, [simulatedGroups, draft, shown, settings]);

  const ruleSaved = (tool: string, value: RuleSettingsValue) => {
    setSettings((current) => {
      const conditions = { ...current.conditions };
      const redactions = { ...current.redactions };
      if (value.condition) conditions[tool] = value.condition;
      else delete conditions[tool];
      if (value.redactArgs.length) redactions[tool] = value.redactArgs;
      else delete redactions[tool];
      return { conditions, redactions };
    });
    setEditingRule(undefined);
    setNotice(`Saved the ${tool === DEFAULT_ROW ? "default rule" : tool} rule's condition. The gateway applies it with the next configuration.`);
  };

  useEffect(() => {
    if (changes.length === 0) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [changes.length]);

  const onFocus = useCallback((next: Focus) => setFocus((f) => (f.row === next.row && f.col === next.col ? f : next)), []);
  // Keep the one tabbable cell inside the grid when filters remove rows.
  const focused = { row: Math.min(focus.row, rendered.length), col: Math.min(focus.col, draft.groups.length + 1) };

  const save = useMutation({
    mutationFn: async () => {
      const saved = await api<{ version: number }>(`/api/servers/${initial.serverId}/acl`, { method: "PUT", body: { version, defaultRow: draft.defaultRow, tools: draft.tools } });
      // The configuration is published before the save answers: read which version carries it.
      const now = await api<AccessMatrixData>(`/api/servers/${initial.serverId}/acl`);
      return { version: saved.version, configVersion: now.configVersion };
    },
    onSuccess: ({ version: next, configVersion: published }) => {
      dispatch({ type: "saved", version: next });
      setConfigVersion(published);
      setReviewing(false);
      setSaveError(undefined);
      setOverlaps([]);
      setNotice(`Saved ${plural(changes.length, "edit")} as configuration version ${published ?? "—"}. The gateways apply it within seconds.`);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) setSaveError({ kind: "conflict", message: error.message });
      else setSaveError({ kind: "error", message: error instanceof ApiError ? error.message : "Something went wrong." });
    },
  });

  const reload = useMutation({
    mutationFn: (_mode: "keep" | "discard") => api<AccessMatrixData>(`/api/servers/${initial.serverId}/acl`),
    onSuccess: (data, mode) => {
      const mine = matrixChanges(saved, draft);
      const theirs = new Set(matrixChanges(saved, data.matrix).map((c) => `${c.tool}\u0000${c.column}`));
      const keep = mode === "keep";
      setOverlaps(keep ? mine.filter((c) => theirs.has(`${c.tool}\u0000${c.column}`)) : []);
      dispatch({ type: "reloaded", data, keepEdits: keep });
      setConfigVersion(data.configVersion);
      setSettings(data.settings);
      setSaveError(undefined);
      setReviewing(false);
      setNotice(
        keep && mine.length > 0
          ? `Reloaded the matrix as saved now. Your ${plural(mine.length, "edit")} ${mine.length === 1 ? "is" : "are"} staged on top of it: review and save again.`
          : "Reloaded the matrix as saved now.",
      );
    },
  });

  const accessDiff = useMemo(
    () =>
      reviewing
        ? accessChanges(
            saved,
            draft,
            state.tools.map((t) => t.name),
          )
        : [],
    [reviewing, saved, draft, state.tools],
  );
  const toggleFlag = (flag: Flag) =>
    setFlags((current) => {
      const next = new Set(current);
      if (!next.delete(flag)) next.add(flag);
      return next;
    });

  return (
    <div className="space-y-3 pb-16">
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="search"
          aria-label="Search tools"
          placeholder="Search tools"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="w-56 rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-900 dark:ring-zinc-700"
        />
        <select aria-label="Filter by hint" value={hint} onChange={(e) => setHint(e.target.value as HintFilter)} className={`${SELECT_CLASS} w-40`}>
          <option value="all">All hints</option>
          <option value="read">Read-only</option>
          <option value="write">Not read-only</option>
        </select>
        {(Object.keys(FLAG_LABEL) as Flag[]).map((flag) => (
          <Toggle key={flag} pressed={flags.has(flag)} onClick={() => toggleFlag(flag)}>
            {FLAG_LABEL[flag]}
          </Toggle>
        ))}
        <span className="text-xs text-zinc-500" aria-live="polite">
          {shown.length} of {plural(state.tools.length, "tool")}
        </span>
        <span className="text-xs text-zinc-500" data-testid="matrix-config-version">
          {configVersion === null
            ? "Saving publishes the first configuration version"
            : `Gateways run configuration version ${configVersion}; saving publishes ${configVersion + 1}`}
        </span>
        <div className="ml-auto">
          <Toggle pressed={simulatedGroups !== undefined} onClick={() => setSimulatedGroups(simulatedGroups ? undefined : [])}>
            Simulate a caller
          </Toggle>
        </div>
      </div>

      {simulatedGroups ? <CallerSimulator groups={draft.groups} selected={simulatedGroups} onChange={setSimulatedGroups} /> : null}

      {notice ? (
        <div role="status" className="flex items-start justify-between gap-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
          <span>
            {notice}
            {overlaps.length > 0 ? (
              <span className="mt-1 block text-amber-800 dark:text-amber-200">
                {overlaps.length} of your edits touch cells the other admin changed too; yours are staged over theirs:{" "}
                {overlaps
                  .slice(0, 5)
                  .map((c) => `${c.tool === DEFAULT_ROW ? "default" : c.tool} · ${c.column === "*others" ? "everyone else" : c.column}`)
                  .join(", ")}
                {overlaps.length > 5 ? "…" : ""}
              </span>
            ) : null}
          </span>
          <button type="button" className="text-xs underline" onClick={() => setNotice(undefined)}>
            Dismiss
          </button>
        </div>
      ) : null}

      {draft.groups.length === 0 ? (
        <p className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
          No consumer groups yet, so the matrix has only the <em>everyone else</em> column.{" "}
          <Link href="/groups" className="font-medium text-indigo-600 hover:underline">
            Create groups
          </Link>{" "}
          to give teams their own columns.
        </p>
      ) : null}

      <MatrixGrid
        label={`Tool access matrix of ${initial.serverName}`}
        busy={!hydrated}
        draft={draft}
        saved={saved}
        tools={rendered}
        filtered={shown}
        meta={meta}
        focus={focused}
        onFocus={onFocus}
        simulated={simulated}
        dispatch={dispatch}
        settings={settings}
        onEditCondition={setEditingRule}
      />
      {state.tools.length === 0 ? (
        <p className="text-sm text-zinc-500">
          This server has no tools yet: the default row decides every call.{" "}
          <Link href={`/servers/${initial.serverId}/tools`} className="font-medium text-indigo-600 hover:underline">
            Sync or import its tools
          </Link>{" "}
          to set rules per tool.
        </p>
      ) : shown.length === 0 ? (
        <p className="text-sm text-zinc-500">No tool matches the search and filters.</p>
      ) : null}

      <p className="text-xs text-zinc-500">
        Click a cell to cycle allow → deny → inherit; arrow keys move between cells, Space or Enter cycles. Dashed cells inherit: a tool row from the default row, a group from its
        row&apos;s <em>everyone else</em>. A caller in several groups is denied if any of them is denied. <em>+ condition</em> under a tool opens its condition editor: a CEL
        expression that judges each call&apos;s arguments (tools/list stays name-based), saved on its own.
      </p>

      {changes.length > 0 ? (
        <div className="fixed bottom-0 left-0 right-0 z-30 border-t border-amber-200 bg-amber-50/95 px-4 py-3 lg:left-56 lg:px-8 backdrop-blur dark:border-amber-900 dark:bg-amber-950/95">
          <div className="flex items-center justify-end gap-3 text-sm">
            <span className="mr-auto min-w-0 truncate font-medium text-amber-900 dark:text-amber-100">{plural(changes.length, "staged edit")}, not saved yet</span>
            <Button variant="secondary" onClick={() => setConfirmDiscard(true)}>
              Discard
            </Button>
            <Button onClick={() => setReviewing(true)}>Review and save</Button>
          </div>
        </div>
      ) : null}

      <ServerRedactionPanel serverId={initial.serverId} initial={initial.redaction} />

      <Dialog
        open={editingRule !== undefined}
        onClose={() => setEditingRule(undefined)}
        title={editingRule === DEFAULT_ROW ? "Condition of the default rule" : `Condition of ${editingRule ?? ""}`}
      >
        {editingRule !== undefined ? (
          <ConditionEditor
            key={editingRule}
            serverId={initial.serverId}
            tool={editingRule}
            groups={draft.groups}
            initial={{ condition: settings.conditions[editingRule], redactArgs: settings.redactions[editingRule] ?? [] }}
            onSaved={(value) => ruleSaved(editingRule, value)}
            onCancel={() => setEditingRule(undefined)}
          />
        ) : null}
      </Dialog>

      <Dialog open={confirmDiscard} onClose={() => setConfirmDiscard(false)} title={`Discard ${plural(changes.length, "staged edit")}?`}>
        <div className="space-y-4 text-sm">
          <p>The matrix goes back to how it was last saved. Nothing changes on the server.</p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setConfirmDiscard(false)}>
              Keep editing
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                dispatch({ type: "discard" });
                setConfirmDiscard(false);
              }}
            >
              Discard edits
            </Button>
          </div>
        </div>
      </Dialog>

      <Dialog
        open={reviewing || saveError?.kind === "conflict"}
        onClose={() => {
          setReviewing(false);
          setSaveError(undefined);
        }}
        title={saveError?.kind === "conflict" ? "The matrix changed while you were editing" : `Save ${plural(changes.length, "edit")}`}
      >
        {saveError?.kind === "conflict" ? (
          <div className="space-y-4">
            <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
              {saveError.message}
            </p>
            <FormError message={reload.error instanceof ApiError ? reload.error.message : reload.error ? "Reloading failed." : undefined} />
            <div className="flex justify-end gap-2">
              <Button variant="secondary" disabled={reload.isPending} onClick={() => reload.mutate("discard")}>
                Discard mine and reload
              </Button>
              <Button disabled={reload.isPending} onClick={() => reload.mutate("keep")}>
                Reload, keep my edits
              </Button>
            </div>
          </div>
        ) : (
          <SaveSummary
            changes={changes}
            access={accessDiff}
            configVersion={configVersion}
            pending={save.isPending}
            error={saveError?.message}
            onCancel={() => setReviewing(false)}
            onSave={() => save.mutate()}
          />
        )}
      </Dialog>
    </div>
  );
}
