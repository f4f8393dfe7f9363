import { Badge } from "@/components/ui/badge";
import type { NamedVerdict } from "@/lib/audit-chain/chain-state";

/** One badge per data plane's hash chain: intact since its latest checkpoint, or where it breaks. */
export function ChainStatus({ states }: { states: NamedVerdict[] }) {
  if (states.length === 0) return null;
  return (
    <section aria-label="Hash chain" className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-xs text-zinc-500">
        Hash chain since the latest checkpoint (<code>npm run audit:verify</code> checks any range):
      </span>
      {states.map(({ name, verdict }) =>
        verdict.ok ? (
          <Badge key={name} tone="green" title={`positions ${verdict.range.firstSeq}–${verdict.range.lastSeq}`}>
            {name}: verified up to position {verdict.range.lastSeq}
          </Badge>
        ) : (
          <Badge key={name} tone="red" title={verdict.broken.reason}>
            {name}: broken at event {verdict.broken.eventId} (position {verdict.broken.seq})
          </Badge>
        ),
      )}
    </section>
  );
}
