// The SpanTable over the host's compact traces that the analysis core reads (no schemas here: the extension host
// uses it at activation-time speed, before the lazy bundle with zod is loaded).
import type { SpanTable } from '../core/analysis/graph';
import { SpanFlag } from '../core/analysis/types';
import type { CompactView } from './compact';

/** A SpanTable over a compact trace (the form the host keeps open, recent and Live traces in). */
export function tableFromCompact(v: CompactView): SpanTable {
  const c = v.cols;
  return {
    traceId: v.traceId,
    spanCount: v.spanCount,
    spanId: i => v.spanId(i),
    service: i => v.service(i),
    name: i => v.name(i),
    kind: i => v.kind(i),
    parent: i => c.parent[i]!,
    relStartNs: i => c.relStartNs[i]!,
    durationNs: i => c.durationNs[i]!,
    isError: i => (c.flags[i]! & SpanFlag.Error) !== 0,
    errorOrigins: c.errorOrigins,
    attributes(i, visit) {
      for (const a of v.attributes(i)) visit(a.key, a.value, false);
      for (const a of v.resourceAttributes(i)) visit(a.key, a.value, true);
    },
  };
}
