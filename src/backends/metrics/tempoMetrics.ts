// Fleet latency from Tempo's TraceQL metrics (computed from the spans Tempo holds, no metrics store needed):
//   GET /api/metrics/query_range?q=<TraceQL metrics query>&start=<s>&end=<s>&step=<duration>
//   GET /api/metrics/query?q=…&start=&end=            (instant: one value over the whole range)
// answered as `{series: [{labels: [{key, value: {stringValue|doubleValue|intValue…}}], samples: [{timestampMs:
// "<ms>", value}] | value}], metrics, status?, message?}` (protobuf JSON: int64 as strings, NaN as "NaN", and a
// value of 0 left out, as proto3 JSON leaves out every default).
// quantile_over_time answers one series per quantile with a `p` label, in seconds for `duration`; rate() in spans/s.
// Multi-tenant through X-Scope-OrgID (the source's `tenant`).
//
// Request count: TraceQL computes one function per query, so a query costs 4, whatever the number of keys:
// p50/p95/p99 over the window (instant, one query for the three quantiles), calls/s (instant rate), errors/s
// (instant rate of `status = error`), and the p95 over time for the sparkline (range). Keys are (service, span
// name); code locations are found through the mapping engine. maxSeries is applied to the answer (busiest first);
// Tempo's own series limit shows as `status: PARTIAL`, which sets `truncated` too.
import * as z from 'zod';
import type { FleetKey, FleetPoint, FleetQuery, FleetResult, FleetSchema, FleetStats, FleetWindow, MetricSource } from '../../core/fleet/types';
import { fleetStats } from '../../core/fleet/stats';
import type { HttpClient } from '../http/client';
import type { BackendEnvironment, BackendSecrets } from '../types';
import { makeMetricHttpClient } from './http';
import { promString, regexLiteral } from './promql';
import { metricSourceDisplayName, type MetricSourceConfig } from './types';

/** A filter whose regex would be longer than this is applied to the answer instead of the TraceQL. */
export const MAX_FILTER_CHARS = 8_000;
const MAX_POINTS = 500;
const SERVICE = 'resource.service.name';
const NAME = 'name';

const AnyValue = z.looseObject({
  stringValue: z.string().optional(),
  doubleValue: z.union([z.number(), z.string()]).optional(),
  intValue: z.union([z.number(), z.string()]).optional(),
}).nullable().optional();
const Labels = z.array(z.looseObject({ key: z.string(), value: AnyValue })).nullable().optional();
const RangeResponse = z.looseObject({
  series: z.array(z.looseObject({
    labels: Labels,
    samples: z.array(z.looseObject({ timestampMs: z.union([z.string(), z.number()]), value: z.union([z.number(), z.string()]).optional() })).nullable().optional(),
  })).nullable().optional(),
  status: z.string().optional(),
});
const InstantResponse = z.looseObject({
  series: z.array(z.looseObject({ labels: Labels, value: z.union([z.number(), z.string()]).optional() })).nullable().optional(),
  status: z.string().optional(),
});
const TagValues = z.looseObject({ tagValues: z.array(z.looseObject({ value: z.string().optional() })).nullable().optional() });

type LabelList = z.output<typeof Labels>;

export class TempoMetricSource implements MetricSource {
  readonly type = 'tempo-metrics' as const;
  readonly displayName: string;
  readonly http: HttpClient;

  constructor(readonly config: MetricSourceConfig, secrets?: BackendSecrets, env?: BackendEnvironment) {
    this.displayName = metricSourceDisplayName(config);
    this.http = makeMetricHttpClient(config, secrets, env);
  }

  /** The services of the last 24 h (one request); the dimensions are whatever TraceQL can group by. */
  async discover(signal?: AbortSignal): Promise<FleetSchema> {
    const end = Math.floor(Date.now() / 1000);
    const body = await this.http.json({ path: `api/v2/search/tag/${SERVICE}/values`, query: { start: end - 86_400, end }, ...(signal ? { signal } : {}) }, TagValues);
    const services = [...new Set((body.tagValues ?? []).map(v => v.value).filter((v): v is string => !!v))].sort();
    return { dimensions: [SERVICE, NAME], services, durationUnit: 's' };
  }

  async query(q: FleetQuery, signal?: AbortSignal): Promise<FleetResult> {
    if (q.maxSeries < 1) return { stats: [], truncated: false, requests: 0 };
    const built = buildTraceql(q);
    const sig = signal ? { signal } : {};
    const range = { start: built.startS, end: built.endS };
    const by = `by (${SERVICE}, ${NAME})`;
    const [quantiles, calls, errors, series] = await Promise.all([
      this.http.json({ path: 'api/metrics/query', query: { q: `${built.selector} | quantile_over_time(duration, 0.5, 0.95, 0.99) ${by}`, ...range }, ...sig }, InstantResponse),
      this.http.json({ path: 'api/metrics/query', query: { q: `${built.selector} | rate() ${by}`, ...range }, ...sig }, InstantResponse),
      this.http.json({ path: 'api/metrics/query', query: { q: `${built.errorSelector} | rate() ${by}`, ...range }, ...sig }, InstantResponse),
      this.http.json({ path: 'api/metrics/query_range', query: { q: `${built.selector} | quantile_over_time(duration, 0.95) ${by}`, ...range, step: `${built.stepS}s` }, ...sig }, RangeResponse),
    ]);
    interface Acc { key: FleetKey; p50?: number; p95?: number; p99?: number; calls?: number; errors?: number; series?: Map<number, number> }
    const byKey = new Map<string, Acc>();
    const accFor = (labels: LabelList): Acc | undefined => {
      const service = labelText(labels, SERVICE);
      const spanName = labelText(labels, NAME);
      if (service === undefined || spanName === undefined) return undefined;
      if (built.post.services && !built.post.services.has(service)) return undefined;
      if (built.post.spanNames && !built.post.spanNames.has(spanName)) return undefined;
      const id = JSON.stringify([service, spanName]);
      let acc = byKey.get(id);
      if (!acc) byKey.set(id, (acc = { key: { service, spanName } }));
      return acc;
    };
    for (const s of quantiles.series ?? []) {
      const acc = accFor(s.labels);
      const p = labelNumber(s.labels, 'p');
      const v = numberOf(s.value ?? 0);
      if (!acc || p === undefined || !Number.isFinite(v)) continue;
      if (Math.abs(p - 0.5) < 1e-9) acc.p50 = v * 1000;
      else if (Math.abs(p - 0.95) < 1e-9) acc.p95 = v * 1000;
      else if (Math.abs(p - 0.99) < 1e-9) acc.p99 = v * 1000;
    }
    for (const s of calls.series ?? []) {
      const acc = accFor(s.labels);
      const v = numberOf(s.value ?? 0);
      if (acc && Number.isFinite(v)) acc.calls = (acc.calls ?? 0) + v;
    }
    for (const s of errors.series ?? []) {
      const acc = accFor(s.labels);
      const v = numberOf(s.value ?? 0);
      if (acc && Number.isFinite(v)) acc.errors = (acc.errors ?? 0) + v;
    }
    for (const s of series.series ?? []) {
      const acc = accFor(s.labels);
      if (!acc) continue;
      acc.series = new Map((s.samples ?? []).map(x => [Number(x.timestampMs), numberOf(x.value ?? 0) * 1000]));
    }
    let accs = [...byKey.values()].filter(a => a.calls !== undefined);
    accs.sort((a, b) => b.calls! - a.calls! || a.key.service.localeCompare(b.key.service) || a.key.spanName.localeCompare(b.key.spanName));
    const partial = [quantiles, calls, errors, series].some(r => r.status === 'PARTIAL');
    const truncated = partial || accs.length > q.maxSeries;
    accs = accs.slice(0, q.maxSeries);
    const window: FleetWindow = { startMs: built.startS * 1000, endMs: built.endS * 1000, stepMs: built.stepS * 1000 };
    // Tempo's buckets start at multiples of the step.
    const first = Math.floor(built.startS / built.stepS) * built.stepS * 1000;
    const stats = accs.map((a): FleetStats => {
      const p95Series: FleetPoint[] = [];
      for (let t = first; t < window.endMs; t += window.stepMs) {
        const v = a.series?.get(t);
        p95Series.push({ t, value: v !== undefined && Number.isFinite(v) ? v : NaN });
      }
      return fleetStats({ ...a, calls: a.calls! }, window, p95Series);
    });
    return { stats, truncated, requests: 4 };
  }

  dispose(): void {
    this.http.dispose();
  }
}

interface BuiltTraceql {
  readonly selector: string;
  readonly errorSelector: string;
  readonly startS: number;
  readonly endS: number;
  readonly stepS: number;
  readonly post: { readonly services?: ReadonlySet<string>; readonly spanNames?: ReadonlySet<string> };
}

/** The span selector of a query, with every value escaped (pure; exported for tests). */
export function buildTraceql(q: FleetQuery): BuiltTraceql {
  const endS = Math.floor(q.window.endMs / 1000);
  const startS = Math.min(endS - 1, Math.floor(q.window.startMs / 1000));
  const stepS = Math.max(1, Math.ceil(q.window.stepMs / 1000), Math.ceil((endS - startS) / MAX_POINTS));
  const conds: string[] = [];
  const post: { services?: Set<string>; spanNames?: Set<string> } = {};
  const filter = (attr: string, values: readonly string[] | undefined, field: 'services' | 'spanNames'): void => {
    const vs = [...new Set((values ?? []).filter(v => v !== ''))];
    if (!vs.length) return;
    // TraceQL strings are Go-quoted like PromQL's, and its regexes are RE2, fully anchored.
    const c = vs.length === 1 ? `${attr} = ${promString(vs[0]!)}` : `${attr} =~ ${promString(vs.map(regexLiteral).join('|'))}`;
    if (c.length <= MAX_FILTER_CHARS) conds.push(c);
    else post[field] = new Set(vs);
  };
  filter(SERVICE, q.services, 'services');
  filter(NAME, q.spanNames, 'spanNames');
  const selector = conds.length ? `{ ${conds.join(' && ')} }` : '{ }';
  const errorSelector = `{ ${[...conds, 'status = error'].join(' && ')} }`;
  return { selector, errorSelector, startS, endS, stepS, post };
}

function labelOf(labels: LabelList, key: string): z.output<typeof AnyValue> {
  return (labels ?? []).find(l => l.key === key)?.value;
}

function labelText(labels: LabelList, key: string): string | undefined {
  const v = labelOf(labels, key);
  return typeof v?.stringValue === 'string' ? v.stringValue : undefined;
}

function labelNumber(labels: LabelList, key: string): number | undefined {
  const v = labelOf(labels, key);
  const n = numberOf(v?.doubleValue ?? v?.intValue);
  return Number.isFinite(n) ? n : undefined;
}

function numberOf(v: number | string | undefined): number {
  if (typeof v === 'number') return v;
  if (v === undefined) return NaN;
  return Number(v);
}
