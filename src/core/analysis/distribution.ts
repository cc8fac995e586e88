// Latency distribution of one operation (service + span name) across many traces, and "what is different in the
// slow ones": attribute values over-represented among the slowest samples compared with the rest.
import { bin } from 'd3-array';
import type { SpanTable } from './graph';
import { percentileSorted } from '../units/percentile';

export interface OperationRef {
  readonly service: string;
  readonly name: string;
}

export interface LatencySample {
  readonly traceId: string;
  readonly spanId: string;
  readonly durationNs: number;
  readonly error: boolean;
}

export interface LatencyBucket {
  /** [x0, x1) in ns (the last bucket includes x1). */
  readonly x0: number;
  readonly x1: number;
  readonly count: number;
  readonly errors: number;
  /** A sample from the middle of the bucket (by duration), to open as an example. */
  readonly example?: LatencySample;
}

export interface AttributeContrast {
  readonly key: string;
  readonly value: string;
  readonly fromResource: boolean;
  /** Samples having key=value among the slow ones / among the rest. */
  readonly slowCount: number;
  readonly restCount: number;
  /** Proportions. */
  readonly slowShare: number;
  readonly restShare: number;
  /** slowShare / restShare with add-one smoothing of the rest. */
  readonly lift: number;
  /** slowShare − restShare: the ranking score. */
  readonly score: number;
}

export interface LatencyDistribution {
  readonly operation: OperationRef;
  readonly traceCount: number;
  readonly sampleCount: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly p50Ns: number;
  readonly p95Ns: number;
  readonly p99Ns: number;
  /** Whether the buckets are log-spaced (wide range) or linear. */
  readonly scale: 'log' | 'linear';
  readonly buckets: readonly LatencyBucket[];
  /** Samples strictly above this duration count as slow. */
  readonly slowThresholdNs: number;
  readonly slowCount: number;
  readonly slowAttributes: readonly AttributeContrast[];
  /** Slowest samples, slowest first (at most 20). */
  readonly slowest: readonly LatencySample[];
}

export interface DistributionOptions {
  /** Quantile above which a sample is slow. Default 0.9. */
  readonly slowQuantile?: number;
  /** A key=value must be on at least this many slow samples. Default max(2, 20 % of the slow ones). */
  readonly minSupport?: number;
  /** Values longer than this are ignored (IDs, SQL, stack traces carry no group signal). Default 200. */
  readonly maxValueChars?: number;
  readonly maxAttributes?: number;
  /** Target number of buckets. Default 30. */
  readonly buckets?: number;
}

/** Thresholds for a histogram over [lo, hi]: 1-2-5 steps per decade when the range is wide, d3's nice ticks otherwise. */
export function latencyThresholds(lo: number, hi: number, target = 30): { scale: 'log' | 'linear'; thresholds: number[] } {
  if (!(hi > lo)) return { scale: 'linear', thresholds: [] };
  if (lo > 0 && hi / lo >= 20) {
    // log-friendly: the densest of these per-decade step sets that gives at most ~1.5 × target buckets
    const sets = [[1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8], [1, 1.6, 2.5, 4, 6.3], [1, 2, 5], [1, 3], [1]];
    const decades = Math.log10(hi / lo);
    const steps = sets.find(set => decades * set.length <= target * 1.5) ?? [1];
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); 10 ** e <= hi; e++) {
      for (const s of steps) {
        const v = s * 10 ** e;
        if (v > lo && v < hi) out.push(v);
      }
    }
    return { scale: 'log', thresholds: out };
  }
  return { scale: 'linear', thresholds: [] }; // d3 `bin` picks nice linear thresholds with .thresholds(target)
}

interface Sample extends LatencySample { readonly table: SpanTable; readonly index: number }

export function latencyDistribution(tables: Iterable<SpanTable>, op: OperationRef, opts: DistributionOptions = {}): LatencyDistribution {
  const target = opts.buckets ?? 30;
  const samples: Sample[] = [];
  let traceCount = 0;
  for (const t of tables) {
    let hit = false;
    for (let i = 0; i < t.spanCount; i++) {
      if (t.name(i) !== op.name || t.service(i) !== op.service) continue;
      hit = true;
      samples.push({ traceId: t.traceId, spanId: t.spanId(i), durationNs: t.durationNs(i), error: t.isError(i), table: t, index: i });
    }
    if (hit) traceCount++;
  }
  samples.sort((x, y) => x.durationNs - y.durationNs);
  const sorted = samples.map(s => s.durationNs);
  const q = (p: number): number => percentileSorted(sorted, p);
  const minNs = sorted[0] ?? 0, maxNs = sorted[sorted.length - 1] ?? 0;
  const { scale, thresholds } = latencyThresholds(minNs, maxNs, target);

  let buckets: LatencyBucket[] = [];
  if (samples.length) {
    const b = bin<Sample, number>().value(s => s.durationNs).domain([minNs, maxNs]);
    if (scale === 'log') b.thresholds(thresholds); else b.thresholds(target);
    buckets = b(samples).map(g => {
      const mid = g[Math.floor(g.length / 2)];
      return {
        x0: g.x0 ?? minNs, x1: g.x1 ?? maxNs, count: g.length, errors: g.reduce((n, s) => n + (s.error ? 1 : 0), 0),
        ...(mid ? { example: plain(mid) } : {}),
      };
    });
  }

  const slowThresholdNs = q(opts.slowQuantile ?? 0.9);
  let firstSlow = samples.length;
  while (firstSlow > 0 && samples[firstSlow - 1]!.durationNs > slowThresholdNs) firstSlow--;
  const slow = samples.slice(firstSlow), rest = samples.slice(0, firstSlow);
  return {
    operation: { service: op.service, name: op.name }, traceCount, sampleCount: samples.length, minNs, maxNs,
    p50Ns: q(0.5), p95Ns: q(0.95), p99Ns: q(0.99), scale, buckets, slowThresholdNs, slowCount: slow.length,
    slowAttributes: contrast(slow, rest, opts),
    slowest: samples.slice(-20).reverse().map(plain),
  };
}

const plain = (s: Sample): LatencySample => ({ traceId: s.traceId, spanId: s.spanId, durationNs: s.durationNs, error: s.error });

function countPairs(samples: readonly Sample[], maxChars: number): Map<string, { key: string; value: string; fromResource: boolean; n: number }> {
  const m = new Map<string, { key: string; value: string; fromResource: boolean; n: number }>();
  const seen = new Set<string>();
  for (const s of samples) {
    seen.clear();
    s.table.attributes(s.index, (key, value, fromResource) => {
      if (value.length > maxChars) return;
      const id = key + '\u0000' + value;
      if (seen.has(id)) return;
      seen.add(id);
      const e = m.get(id);
      if (e) e.n++; else m.set(id, { key, value, fromResource, n: 1 });
    });
  }
  return m;
}

function contrast(slow: readonly Sample[], rest: readonly Sample[], opts: DistributionOptions): AttributeContrast[] {
  if (slow.length === 0 || rest.length === 0) return [];
  const maxChars = opts.maxValueChars ?? 200;
  const minSupport = opts.minSupport ?? Math.max(2, Math.ceil(slow.length * 0.2));
  const s = countPairs(slow, maxChars), r = countPairs(rest, maxChars);
  const out: AttributeContrast[] = [];
  for (const [id, e] of s) {
    if (e.n < minSupport) continue;
    const restCount = r.get(id)?.n ?? 0;
    const slowShare = e.n / slow.length, restShare = restCount / rest.length;
    const score = slowShare - restShare;
    if (score <= 0) continue;
    out.push({ key: e.key, value: e.value, fromResource: e.fromResource, slowCount: e.n, restCount, slowShare, restShare, lift: slowShare / ((restCount + 1) / (rest.length + 1)), score });
  }
  out.sort((x, y) => y.score - x.score || y.lift - x.lift || (x.key < y.key ? -1 : x.key > y.key ? 1 : x.value < y.value ? -1 : 1));
  return out.slice(0, opts.maxAttributes ?? 20);
}
