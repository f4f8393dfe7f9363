// The red banner every console page shows while a gateway refuses the
// published configuration (or the last change did not compile): what is
// wrong, and which version the gateways still run.
import Link from "next/link";
import type { ConfigHealth } from "@/lib/controlplane/config-health";

const versions = (running: (number | null)[]) => {
  const known = running.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (known.length === 0) return "no configuration from the console yet";
  return `version ${known.join(", ")}`;
};

export function ConfigHealthBanner({ health, showLink }: { health: ConfigHealth; showLink: boolean }) {
  if (health.refusals.length === 0 && !health.compileError) return null;
  return (
    <div
      role="alert"
      data-testid="config-health-banner"
      className="mb-6 space-y-2 rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/60 dark:text-red-100"
    >
      {health.refusals.map((refusal) => (
        <p key={refusal.cause}>
          <strong>{refusal.planes.length === 1 ? `Gateway ${refusal.planes[0]} refused` : `Gateways ${refusal.planes.join(", ")} refused`} the published configuration</strong> —{" "}
          <span className="font-mono text-xs">{refusal.cause}</span>. {refusal.planes.length === 1 ? "It still runs" : "They still run"} {versions(refusal.running)}: changes since
          then (new keys, revocations, access) do not reach {refusal.planes.length === 1 ? "it" : "them"}.
        </p>
      ))}
      {health.compileError ? (
        <p>
          <strong>The last change could not be compiled into a gateway configuration</strong> —{" "}
          <span className="font-mono text-xs">{health.compileError.problems.slice(0, 3).join("; ")}</span>. The gateways keep running{" "}
          {health.latestVersion === null ? "their previous configuration" : `version ${health.latestVersion}`}.
        </p>
      ) : null}
      {showLink ? (
        <p>
          <Link href="/data-planes" className="font-medium underline">
            See the data planes
          </Link>
        </p>
      ) : null}
    </div>
  );
}
