// Per-location latency statistics: p50/p95/max/count/error rate/self time, over one trace or many.
// Percentiles are nearest-rank on the sorted durations (p95 of 20 values is the 19th), matching DurationStats.
import type { Nanos } from '../model';
import { percentileSorted } from '../units/percentile';

export interface LocationSample {
  /** Location key (e.g. `${path}\u0000${line}`). */
  readonly key: string;
  readonly durationNs: Nanos;
  readonly selfNs: Nanos;
  readonly error: boolean;
  /** Which trace the span came from (for counting traces). */
  readonly traceIndex: number;
}

export interface LocationStats {
  readonly count: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly totalNs: Nanos;
  readonly selfTotalNs: Nanos;
  readonly p50Ns: Nanos;
  readonly p95Ns: Nanos;
  readonly maxNs: Nanos;
  readonly traces: number;
}

/** Re-exported for imports that predate src/core/units; new code imports it from there. */
export { percentileSorted };

export function statsOf(durations: Float64Array, selfTotalNs: Nanos, errors: number, traces: number): LocationStats {
  durations.sort();
  const n = durations.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += durations[i]!;
  return {
    count: n,
    errors,
    errorRate: n === 0 ? 0 : errors / n,
    totalNs: total,
    selfTotalNs,
    p50Ns: percentileSorted(durations, 0.5),
    p95Ns: percentileSorted(durations, 0.95),
    maxNs: n === 0 ? 0 : durations[n - 1]!,
    traces,
  };
}

export function aggregateLocations(samples: Iterable<LocationSample>): Map<string, LocationStats> {
  const groups = new Map<string, { d: number[]; self: number; errors: number; traces: Set<number> }>();
  for (const s of samples) {
    let g = groups.get(s.key);
    if (!g) { g = { d: [], self: 0, errors: 0, traces: new Set() }; groups.set(s.key, g); }
    g.d.push(s.durationNs);
    g.self += s.selfNs;
    if (s.error) g.errors++;
    g.traces.add(s.traceIndex);
  }
  const out = new Map<string, LocationStats>();
  for (const [k, g] of groups) out.set(k, statsOf(Float64Array.from(g.d), g.self, g.errors, g.traces.size));
  return out;
}
