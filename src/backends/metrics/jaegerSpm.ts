// Fleet latency from Jaeger's Service Performance Monitoring API (the Monitor tab's source): the query service reads
// the spanmetrics series from its configured metrics store (Prometheus) and answers in its own JSON, a
// MetricFamily `{name, type, help, metrics: [{labels: [{name, value}], metricPoints: [{gaugeValue: {doubleValue},
// timestamp}]}]}` (protobuf JSON: a NaN value is the string "NaN", timestamps are RFC 3339), grouped by
// `service_name` and, with groupByOperation=true, `operation`.
//
//   /api/metrics/latencies?service=a&service=b&quantile=0.95&groupByOperation=true&endTs=<ms>&lookback=<ms>&step=<ms>&ratePer=<ms>&spanKind=…
//   /api/metrics/calls     (calls per second)      /api/metrics/errors   (error ratio, 0 when there are calls but no errors)
//
// Request count: the API answers one metric, and one quantile, per request, but takes every service at once
// (repeated `service`), so a query costs a fixed number of requests whatever the number of services or operations:
// p50, p95 and p99 over the whole window, calls, errors, and the p95 over time for the sparkline = 6, sent together;
// an empty service list first costs one /api/services request (cached after discover()). Only a service list too
// long for one URL is split, each part costing the same 6 (bounded by MAX_SERVICES). Jaeger's API has no
// limit parameter: maxSeries is applied to the answer (busiest operations first), and `truncated` says so.
//
// What this API cannot give: span kind per series (all kinds are asked for and summed), code dimensions (so keys
// map to code through the mapping engine), and exemplars (the caller searches traces instead). Jaeger puts the
// service names into a PromQL regex unescaped, so a name with regex characters may match others: the answer is
// filtered on exact names here. Latencies are in the unit of the store's histogram (Jaeger's `latency_unit`,
// default ms, which this client assumes).
import * as z from 'zod';
import type { FleetKey, FleetPoint, FleetQuery, FleetResult, FleetSchema, FleetStats, FleetWindow, MetricSource } from '../../core/fleet/types';
import type { HttpClient, QueryValue } from '../http/client';
import type { BackendEnvironment, BackendSecrets } from '../types';
import { makeMetricHttpClient } from './http';
import { metricSourceDisplayName, type MetricSourceConfig } from './types';

/** Every span kind, so that client and internal spans count too (Jaeger asks for server spans only by default). */
const ALL_SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
/** Most services one query asks about (each URL part costs 6 requests). */
export const MAX_SERVICES = 200;
/** Longest URL of one request; a longer service list is split. */
const MAX_URL = 6_000;
/** Shortest rate range of the sparkline: several scrape intervals of the store behind Jaeger. */
export const DEFAULT_MIN_RATE_WINDOW_MS = 60_000;

const Point = z.looseObject({
  timestamp: z.string().optional(),
  gaugeValue: z.looseObject({ doubleValue: z.union([z.number(), z.string()]).optional() }).optional(),
});
const MetricFamily = z.looseObject({
  name: z.string().optional(),
  metrics: z.array(z.looseObject({
    labels: z.array(z.looseObject({ name: z.string(), value: z.string() })).nullable().optional(),
    metricPoints: z.array(Point).nullable().optional(),
  })).nullable().optional(),
});
const Services = z.looseObject({ data: z.array(z.string()).nullable().optional() });

export interface JaegerSpmOptions {
  readonly minRateWindowMs?: number;
}

type Figure = 'p50' | 'p95' | 'p99' | 'calls' | 'errors' | 'p95_series';

export class JaegerSpmMetricSource implements MetricSource {
  readonly type = 'jaeger-spm' as const;
  readonly displayName: string;
  readonly http: HttpClient;
  private readonly minRateWindowMs: number;
  private services: string[] | undefined;

  constructor(readonly config: MetricSourceConfig, secrets?: BackendSecrets, env?: BackendEnvironment, options: JaegerSpmOptions = {}) {
    this.displayName = metricSourceDisplayName(config);
    this.http = makeMetricHttpClient(config, secrets, env);
    this.minRateWindowMs = options.minRateWindowMs ?? DEFAULT_MIN_RATE_WINDOW_MS;
  }

  /** The services Jaeger knows (one request). The dimensions are fixed by the API. */
  async discover(signal?: AbortSignal): Promise<FleetSchema> {
    const body = await this.http.json({ path: 'api/services', ...(signal ? { signal } : {}) }, Services);
    this.services = [...new Set(body.data ?? [])].sort();
    return { dimensions: ['service_name', 'operation'], services: this.services, durationUnit: 'ms' };
  }

  async query(q: FleetQuery, signal?: AbortSignal): Promise<FleetResult> {
    let requests = 0;
    let services = [...new Set((q.services ?? []).filter(s => s !== ''))];
    if (!services.length) {
      if (!this.services) {
        await this.discover(signal);
        requests++;
      }
      services = this.services ?? [];
    }
    if (!services.length || q.maxSeries < 1) return { stats: [], truncated: false, requests };
    const truncatedServices = services.length > MAX_SERVICES;
    services = services.slice(0, MAX_SERVICES);
    const axis = spmAxis(q.window, this.minRateWindowMs);
    const parts = this.splitServices(services, axis);
    const asks: Array<{ figure: Figure; services: string[] }> = [];
    for (const part of parts) for (const figure of ['p50', 'p95', 'p99', 'calls', 'errors', 'p95_series'] as const) asks.push({ figure, services: part });
    const answers = await Promise.all(asks.map(a => this.http.json({ path: this.pathOf(a.figure), query: this.params(a.figure, a.services, axis), ...(signal ? { signal } : {}) }, MetricFamily)));
    requests += asks.length;
    const wanted = new Set(services);
    const spanNames = q.spanNames?.length ? new Set(q.spanNames) : undefined;
    interface Acc { key: FleetKey; p50?: number; p95?: number; p99?: number; calls?: number; errors?: number; series?: FleetPoint[] }
    const byKey = new Map<string, Acc>();
    answers.forEach((family, i) => {
      const figure = asks[i]!.figure;
      for (const m of family.metrics ?? []) {
        const labels = new Map((m.labels ?? []).map(l => [l.name, l.value]));
        const service = labels.get('service_name');
        const operation = labels.get('operation');
        // Exact names only: Jaeger matched the services as a regex. A series without an operation is a
        // service-level total (groupByOperation was not honoured), which no code location maps to.
        if (service === undefined || operation === undefined || !wanted.has(service)) continue;
        if (spanNames && !spanNames.has(operation)) continue;
        const id = JSON.stringify([service, operation]);
        let acc = byKey.get(id);
        if (!acc) byKey.set(id, (acc = { key: { service, spanName: operation } }));
        const points = (m.metricPoints ?? []).map(p => ({ t: p.timestamp ? Date.parse(p.timestamp) : NaN, value: numberOf(p.gaugeValue?.doubleValue) }))
          .filter(p => Number.isFinite(p.t));
        if (figure === 'p95_series') acc.series = points;
        else {
          const last = lastFinite(points, axis.endMs);
          if (last !== undefined) acc[figure] = last;
        }
      }
    });
    let accs = [...byKey.values()].filter(a => a.calls !== undefined || a.p95 !== undefined);
    accs.sort((a, b) => (b.calls ?? 0) - (a.calls ?? 0) || a.key.service.localeCompare(b.key.service) || a.key.spanName.localeCompare(b.key.spanName));
    const truncated = truncatedServices || accs.length > q.maxSeries;
    accs = accs.slice(0, q.maxSeries);
    const window: FleetWindow = { startMs: axis.endMs - axis.lookbackMs, endMs: axis.endMs, stepMs: axis.stepMs };
    const stats = accs.map((a): FleetStats => ({
      key: a.key,
      window,
      ...(a.p50 !== undefined ? { p50Ms: a.p50 } : {}),
      ...(a.p95 !== undefined ? { p95Ms: a.p95 } : {}),
      ...(a.p99 !== undefined ? { p99Ms: a.p99 } : {}),
      ...(a.calls !== undefined ? { callsPerSec: a.calls } : {}),
      ...(a.errors !== undefined ? { errorRatio: Math.min(1, Math.max(0, a.errors)) } : {}),
      p95Series: sparkline(a.series ?? [], window),
    }));
    return { stats, truncated, requests };
  }

  private pathOf(figure: Figure): string {
    return figure === 'calls' ? 'api/metrics/calls' : figure === 'errors' ? 'api/metrics/errors' : 'api/metrics/latencies';
  }

  /**
   * The parameters of one figure. The whole-window figures ask for one rate over the whole window (ratePer =
   * lookback) at two points (step = lookback), and keep the last; the sparkline asks for a rate per step.
   */
  private params(figure: Figure, services: readonly string[], axis: SpmAxis): Record<string, QueryValue> {
    const series = figure === 'p95_series';
    const quantile = figure === 'p50' ? 0.5 : figure === 'p95' || series ? 0.95 : figure === 'p99' ? 0.99 : undefined;
    return {
      service: services,
      ...(quantile !== undefined ? { quantile } : {}),
      groupByOperation: true,
      endTs: axis.endMs,
      lookback: axis.lookbackMs,
      step: series ? axis.stepMs : axis.lookbackMs,
      ratePer: series ? axis.seriesRateMs : axis.lookbackMs,
      spanKind: ALL_SPAN_KINDS,
    };
  }

  /** The service list in parts whose URLs stay under MAX_URL. */
  private splitServices(services: readonly string[], axis: SpmAxis): string[][] {
    const parts: string[][] = [];
    let cur: string[] = [];
    for (const s of services) {
      const next = [...cur, s];
      if (cur.length && this.http.urlFor('api/metrics/latencies', this.params('p95_series', next, axis)).toString().length > MAX_URL) {
        parts.push(cur);
        cur = [s];
      } else cur = next;
    }
    if (cur.length) parts.push(cur);
    return parts;
  }

  dispose(): void {
    this.http.dispose();
  }
}

interface SpmAxis {
  readonly endMs: number;
  readonly lookbackMs: number;
  readonly stepMs: number;
  readonly seriesRateMs: number;
}

/**
 * The window as Jaeger's parameters. Jaeger writes ratePer into PromQL keeping only the first unit of Go's duration
 * text ("1h30m0s" becomes "1h"), so every duration is rounded to a whole number of its largest unit first, and the
 * lookback with it (so the rate covers exactly the window).
 */
export function spmAxis(w: FleetWindow, minRateWindowMs = DEFAULT_MIN_RATE_WINDOW_MS): SpmAxis {
  const endMs = Math.floor(w.endMs);
  const lookbackMs = singleUnit(Math.max(1000, w.endMs - w.startMs));
  const stepMs = Math.max(1000, Math.ceil(w.stepMs / 1000) * 1000, Math.ceil(lookbackMs / 500 / 1000) * 1000);
  return { endMs, lookbackMs, stepMs, seriesRateMs: singleUnit(Math.max(stepMs, minRateWindowMs)) };
}

/** `ms` rounded down to whole hours, minutes or seconds (whichever is its largest unit), at least 1 s. */
export function singleUnit(ms: number): number {
  for (const unit of [3_600_000, 60_000, 1000]) if (ms >= unit) return Math.floor(ms / unit) * unit;
  return 1000;
}

function numberOf(v: number | string | undefined): number {
  if (typeof v === 'number') return v;
  if (v === undefined) return NaN;
  return Number(v);
}

/** The value at the window's end (the last finite point at or before it). */
function lastFinite(points: readonly FleetPoint[], endMs: number): number | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    if (p.t <= endMs + 1 && Number.isFinite(p.value)) return p.value;
  }
  return undefined;
}

/** The p95 series on the steps Jaeger evaluates (start, start + step, …), NaN where it had no point. */
function sparkline(points: readonly FleetPoint[], w: FleetWindow): FleetPoint[] {
  const at = new Map(points.map(p => [Math.round(p.t), p.value]));
  const out: FleetPoint[] = [];
  const steps = Math.floor((w.endMs - w.startMs) / w.stepMs);
  for (let i = 0; i <= steps; i++) {
    const t = w.startMs + i * w.stepMs;
    const v = at.get(t);
    out.push({ t, value: v !== undefined && Number.isFinite(v) ? v : NaN });
  }
  return out;
}
