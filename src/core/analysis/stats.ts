// Per-service and per-operation duration statistics. Durations are bucketed by group with a counting
// sort into one Float64Array and each bucket sorted numerically in place: O(n log n), no per-span objects.
import type { Span } from '../model';
import type { DurationStats, OperationStats, ServiceStats } from './types';
import { SpanFlag } from './types';
import { percentileSorted } from '../units/percentile';

function groupStats(groupOf: Int32Array, groups: number, dur: Float64Array, selfTimeNs: Float64Array, flags: Uint16Array): DurationStats[] {
  const n = dur.length;
  const count = new Int32Array(groups + 1);
  for (let i = 0; i < n; i++) count[groupOf[i]! + 1]!++;
  for (let g = 0; g < groups; g++) count[g + 1]! += count[g]!;
  const offset = count.slice(0, groups);
  const durs = new Float64Array(n);
  const total = new Float64Array(groups), self = new Float64Array(groups), errors = new Int32Array(groups);
  for (let i = 0; i < n; i++) {
    const g = groupOf[i]!;
    const d = dur[i]!;
    durs[offset[g]!++] = d;
    total[g]! += d;
    self[g]! += selfTimeNs[i]!;
    if (flags[i]! & SpanFlag.Error) errors[g]!++;
  }
  const out: DurationStats[] = [];
  for (let g = 0; g < groups; g++) {
    const bucket = durs.subarray(count[g]!, count[g + 1]!).sort();
    out.push({
      count: bucket.length,
      totalNs: total[g]!,
      selfTotalNs: self[g]!,
      p50Ns: percentileSorted(bucket, 0.5),
      p95Ns: percentileSorted(bucket, 0.95),
      maxNs: bucket.length ? bucket[bucket.length - 1]! : 0,
      errors: errors[g]!,
    });
  }
  return out;
}

export function computeStats(spans: readonly Span[], selfTimeNs: Float64Array, flags: Uint16Array, dur: Float64Array): { services: ServiceStats[]; operations: OperationStats[] } {
  const n = spans.length;
  const serviceIds = new Map<string, number>();
  const serviceNames: string[] = [];
  const ops: [string, string][] = [];
  const svcOf = new Int32Array(n);
  const opOf = new Int32Array(n);
  // one operation map per service avoids building a "service\0name" key per span
  const opsBySvc: Map<string, number>[] = [];
  // spans share their Resource object: look services up by object identity first (no string hashing)
  const byResource = new Map<object, number>();
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    let sv = byResource.get(s.resource);
    if (sv === undefined) {
      const svcName = s.resource.serviceName;
      sv = serviceIds.get(svcName);
      if (sv === undefined) {
        serviceIds.set(svcName, (sv = serviceNames.length));
        serviceNames.push(svcName);
        opsBySvc.push(new Map());
      }
      byResource.set(s.resource, sv);
    }
    svcOf[i] = sv;
    const m = opsBySvc[sv]!;
    let op = m.get(s.name);
    if (op === undefined) {
      m.set(s.name, (op = ops.length));
      ops.push([serviceNames[sv]!, s.name]);
    }
    opOf[i] = op;
  }
  const byTotal = <T extends DurationStats>(a: T & { service: string }, b: T & { service: string }) => b.totalNs - a.totalNs;
  const services = groupStats(svcOf, serviceNames.length, dur, selfTimeNs, flags)
    .map((st, g) => ({ service: serviceNames[g]!, ...st }))
    .sort((a, b) => byTotal(a, b) || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  const operations = groupStats(opOf, ops.length, dur, selfTimeNs, flags)
    .map((st, g) => ({ service: ops[g]![0], operation: ops[g]![1], ...st }))
    .sort((a, b) => byTotal(a, b) || (a.service + '\0' + a.operation < b.service + '\0' + b.operation ? -1 : 1));
  return { services, operations };
}
