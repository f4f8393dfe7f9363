"use client";
// Verify: the server walks the hash chains over the explorer's time window with
// the same verifier as `npm run audit:verify`, and this says what it found.
import { useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import type { AuditVerification } from "@/lib/console/audit-events";
import { plural } from "@/lib/client/plural";
import { Button } from "../ui/button";

type State = { kind: "idle" } | { kind: "running" } | { kind: "done"; result: AuditVerification } | { kind: "failed"; message: string };

function describe(result: AuditVerification): string {
  if (result.intact) return `Intact, ${plural(result.events, "event")} in ${plural(result.chains, "chain")}.`;
  return `Broken at event ${result.eventId} (data plane ${result.dataPlane}, position ${result.seq}): ${result.reason}.`;
}

export function VerifyChain({ query }: { query: string }) {
  const [state, setState] = useState<State>({ kind: "idle" });
  const verify = async () => {
    setState({ kind: "running" });
    try {
      setState({ kind: "done", result: await api<AuditVerification>(`/api/audit/verify${query ? `?${query}` : ""}`) });
    } catch (error) {
      setState({ kind: "failed", message: error instanceof ApiError ? error.message : "Verification failed." });
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button type="button" variant="secondary" size="sm" onClick={() => void verify()} disabled={state.kind === "running"} title="Check the hash chain over the time range shown">
        {state.kind === "running" ? "Verifying…" : "Verify"}
      </Button>
      <p role="status" aria-label="Chain verification" className="text-sm">
        {state.kind === "done" ? (
          <span className={state.result.intact ? "text-green-700 dark:text-green-400" : "font-medium text-red-700 dark:text-red-400"}>{describe(state.result)}</span>
        ) : state.kind === "failed" ? (
          <span className="text-red-700 dark:text-red-400">{state.message}</span>
        ) : null}
      </p>
    </div>
  );
}
