// Fleet latency from Prometheus (or any store with its HTTP API: Mimir, Thanos, VictoriaMetrics) over the series
// the OpenTelemetry Collector's `spanmetrics` connector writes: a duration histogram and a calls counter, labelled
// with the span's service, name, kind and status and whatever dimensions the connector was configured with.
//
// Connector versions and exporters name these differently, so nothing is assumed; discover() asks what is there:
//   duration histogram  traces_span_metrics_duration_milliseconds_bucket (connector default namespace),
//                       duration_milliseconds_bucket / duration_seconds_bucket (no namespace, or unit s),
//                       traces_spanmetrics_latency_bucket / latency_bucket (the older spanmetrics processor, in ms),
//                       each possibly behind another namespace prefix;
//   calls counter       the same prefix + calls_total (or calls); else the histogram's _count;
//   labels              service_name, span_name, span_kind, status_code, and code dimensions when configured:
//                       code_function_name | code_function (+ code_namespace), code_file_path | code_filepath,
//                       code_line_number | code_lineno.
// The unit is read from the name (`_seconds` → s, otherwise ms); every figure is answered in ms.
//
// Cost: query() is ONE query_range request whatever the number of keys (the budget is one per file view): the p50,
// p95 and p99 over the whole window, calls/s, errors/s and the p95 over time are six sub-queries joined with `or`,
// each tagged with a `__spanscope_stat` label (label_replace) so the answer can be taken apart again. Every
// sub-query is cut to the same top `maxSeries` keys by calls (topk, asked for one more to tell when it cut). The
// whole-window figures are step-invariant (`@ end()`), so Prometheus computes them once, and only their last sample
// is returned. exemplars() is a separate request, made only when the user asks for example traces.
import * as z from 'zod';
import type { FleetExemplar, FleetKey, FleetPoint, FleetQuery, FleetResult, FleetSchema, FleetStats, FleetWindow, MetricSource } from '../../core/fleet/types';
import { fleetStats } from '../../core/fleet/stats';
import type { HttpClient, HttpResponse, QueryValue } from '../http/client';
import { MalformedBodyError } from '../http/errors';
import type { BackendEnvironment, BackendSecrets } from '../types';
import { makeMetricHttpClient } from './http';
import { isPlainLabelName, promDuration, promString, setMatcher } from './promql';
import { metricSourceDisplayName, type MetricSourceConfig } from './types';

export interface PrometheusOptions {
  /**
   * Shortest range a rate() of the sparkline reads. A rate needs two samples in its range, so this must be several
   * scrape intervals (Grafana's $__rate_interval is four); 60 s suits the usual 15 s scrape. Tests scraping every
   * second set it lower.
   */
  readonly minRateWindowMs?: number;
  /** How far back discovery looks for series (default 24 h). */
  readonly discoveryLookbackMs?: number;
}

export const DEFAULT_MIN_RATE_WINDOW_MS = 60_000;
/** Most points one sparkline may have; a finer step is coarsened (Prometheus itself refuses over 11,000). */
export const MAX_POINTS = 500;
/** A filter whose regex would be longer than this is left out of the PromQL and applied to the answer instead. */
export const MAX_MATCHER_CHARS = 8_000;
/** Longest URL sent as a GET; a longer query is POSTed as a form (Prometheus accepts both). */
const MAX_GET_URL = 6_000;
/** The label that tells the stats of the batched query apart; chosen so that no connector dimension has it. */
export const STAT_LABEL = '__spanscope_stat';
const ERROR_STATUS = 'STATUS_CODE_ERROR';
const MAX_EXEMPLARS = 50;

const SERVICE = 'service_name';
const SPAN_NAME = 'span_name';
const SPAN_KIND = 'span_kind';
const STATUS = 'status_code';
/** The dimensions a series is grouped by when present: FleetKey's fields, in its order. */
const KEY_LABELS = [SERVICE, SPAN_NAME, SPAN_KIND, 'code_function_name', 'code_function', 'code_namespace', 'code_file_path', 'code_filepath', 'code_line_number', 'code_lineno'];

const LabelValues = z.looseObject({ status: z.string(), data: z.array(z.string()).nullable() });
const Sample = z.tuple([z.number(), z.string()]);
const QueryRange = z.looseObject({
  status: z.string(),
  data: z.looseObject({
    resultType: z.string(),
    result: z.array(z.looseObject({ metric: z.record(z.string(), z.string()), values: z.array(Sample).optional() })),
  }),
});
const Exemplars = z.looseObject({
  status: z.string(),
  data: z.array(z.looseObject({
    seriesLabels: z.record(z.string(), z.string()).optional(),
    exemplars: z.array(z.looseObject({ labels: z.record(z.string(), z.string()), value: z.string(), timestamp: z.number() })).nullable().optional(),
  })).nullable(),
});

/** What discovery found, with what query() needs beyond the public FleetSchema. */
interface PromSchema extends FleetSchema {
  /** The histogram's base name, without `_bucket`. */
  readonly histogram?: string;
  /** Series to count calls from: the calls counter, or the histogram's _count. */
  readonly callsSeries?: string;
}

interface Candidate {
  readonly bucket: string;
  readonly base: string;
  readonly unit: 'ms' | 's';
  readonly calls?: string;
  readonly score: number;
}

/** The duration histogram's bucket series: <prefix>(duration|latency)[_<unit>]_bucket. */
const BUCKET_NAME = /^(.*?)(duration|latency)(?:_(milliseconds|seconds|ms|s))?_bucket$/;

/** Ranks the metric names that can be the spanmetrics histogram, best first (pure; exported for tests). */
export function histogramCandidates(names: readonly string[]): Candidate[] {
  const set = new Set(names);
  const out: Candidate[] = [];
  for (const bucket of names) {
    const m = BUCKET_NAME.exec(bucket);
    if (!m) continue;
    const prefix = m[1]!;
    const unit = m[3] === 'seconds' || m[3] === 's' ? 's' : 'ms';
    const calls = [`${prefix}calls_total`, `${prefix}calls`].find(c => set.has(c));
    // A calls counter beside it says "spanmetrics" more surely than anything; a span-metrics namespace next.
    const score = (calls ? 4 : 0) + (/span_?metrics/.test(prefix) ? 2 : 0) + (m[2] === 'duration' ? 1 : 0);
    out.push({ bucket, base: bucket.slice(0, -'_bucket'.length), unit, ...(calls ? { calls } : {}), score });
  }
  return out.sort((a, b) => b.score - a.score || a.bucket.localeCompare(b.bucket));
}

export class PrometheusMetricSource implements MetricSource {
  readonly type = 'prometheus' as const;
  readonly displayName: string;
  readonly http: HttpClient;
  private readonly minRateWindowMs: number;
  private readonly lookbackMs: number;
  private schema: PromSchema | undefined;

  constructor(readonly config: MetricSourceConfig, secrets?: BackendSecrets, env?: BackendEnvironment, options: PrometheusOptions = {}) {
    this.displayName = metricSourceDisplayName(config);
    this.http = makeMetricHttpClient(config, secrets, env);
    this.minRateWindowMs = options.minRateWindowMs ?? DEFAULT_MIN_RATE_WINDOW_MS;
    this.lookbackMs = options.discoveryLookbackMs ?? 24 * 60 * 60 * 1000;
  }

  /** Finds the histogram, the calls counter, their unit and dimensions, and the services (2 to 6 requests). */
  async discover(signal?: AbortSignal): Promise<FleetSchema> {
    const r = await this.discoverCounted(signal);
    return publicSchema(r.schema);
  }

  private async discoverCounted(signal?: AbortSignal): Promise<{ schema: PromSchema; requests: number }> {
    const sig = signal ? { signal } : {};
    const endS = Math.floor(Date.now() / 1000);
    const range = { start: endS - Math.round(this.lookbackMs / 1000), end: endS };
    let requests = 1;
    // Only names that can be spanmetrics series: a store may hold millions of others.
    const names = await this.labelValues('__name__', [`{__name__=~${promString('.*(duration|latency).*_bucket|.*calls(_total)?')}}`], range, sig);
    let chosen: { c: Candidate; labels: string[] } | undefined;
    // The best few candidates are checked for the labels a spanmetrics series must have (a `duration_seconds`
    // histogram of some HTTP server would not have span_name).
    for (const c of histogramCandidates(names).slice(0, 4)) {
      requests++;
      const labels = await this.labelNames([c.bucket], range, sig);
      if (labels.includes(SERVICE) && labels.includes(SPAN_NAME)) {
        chosen = { c, labels };
        break;
      }
    }
    if (!chosen) {
      this.schema = { dimensions: [], services: [] };
      return { schema: this.schema, requests };
    }
    requests++;
    const callsSeries = chosen.c.calls ?? `${chosen.c.base}_count`;
    const services = await this.labelValues(SERVICE, [callsSeries], range, sig);
    this.schema = {
      durationMetric: chosen.c.base,
      histogram: chosen.c.base,
      callsSeries,
      ...(chosen.c.calls ? { callsMetric: chosen.c.calls } : {}),
      durationUnit: chosen.c.unit,
      dimensions: chosen.labels.filter(l => l !== '__name__' && l !== 'le').sort(),
      services: [...services].sort(),
    };
    return { schema: this.schema, requests };
  }

  private async labelValues(label: string, match: readonly string[], range: { start: number; end: number }, sig: { signal?: AbortSignal }): Promise<string[]> {
    const body = await this.http.json({ path: `api/v1/label/${encodeURIComponent(label)}/values`, query: { 'match[]': match, ...range }, ...sig }, LabelValues);
    return body.data ?? [];
  }

  private async labelNames(match: readonly string[], range: { start: number; end: number }, sig: { signal?: AbortSignal }): Promise<string[]> {
    const body = await this.http.json({ path: 'api/v1/labels', query: { 'match[]': match, ...range }, ...sig }, LabelValues);
    return body.data ?? [];
  }

  /**
   * Every key's figures in one query_range request (plus discovery the first time, when discover() was not called
   * before: the editor discovers once per source, so a file view costs 1).
   */
  async query(q: FleetQuery, signal?: AbortSignal): Promise<FleetResult> {
    let requests = 0;
    let schema = this.schema;
    if (!schema) {
      const d = await this.discoverCounted(signal);
      schema = d.schema;
      requests += d.requests;
    }
    if (!schema.histogram || !schema.callsSeries || q.maxSeries < 1) return { stats: [], truncated: false, requests };
    const built = buildQuery(schema, q, this.minRateWindowMs);
    const res = await this.post('api/v1/query_range', { query: built.promql, start: built.startS, end: built.endS, step: built.stepS }, signal);
    requests++;
    const body = this.http.parseJson(res, QueryRange);
    if (body.data.resultType !== 'matrix') {
      throw new MalformedBodyError({ backend: this.displayName, url: res.url, status: res.status, detail: `expected a matrix, got ${body.data.resultType}` });
    }
    return { ...assemble(schema, q, built, body.data.result), requests };
  }

  /**
   * Exemplar traces of one key in a window (Prometheus keeps them when started with exemplar storage and the
   * collector exports them). Newest first, at most 50. One request.
   */
  async exemplars(key: FleetKey, window: FleetWindow, signal?: AbortSignal): Promise<FleetExemplar[]> {
    const schema = this.schema ?? (await this.discoverCounted(signal)).schema;
    if (!schema.histogram) return [];
    const matchers = keyMatchers(schema, key);
    const res = await this.post('api/v1/query_exemplars', {
      query: `${schema.histogram}_bucket{${matchers.join(',')}}`,
      start: Math.floor(window.startMs / 1000),
      end: Math.ceil(window.endMs / 1000),
    }, signal);
    const body = this.http.parseJson(res, Exemplars);
    const factor = schema.durationUnit === 's' ? 1000 : 1;
    const out: FleetExemplar[] = [];
    for (const series of body.data ?? []) {
      for (const ex of series.exemplars ?? []) {
        const traceId = ex.labels.trace_id ?? ex.labels.traceID ?? ex.labels.trace_Id ?? ex.labels.traceId;
        if (!traceId || !/^[0-9a-fA-F]{1,64}$/.test(traceId)) continue;
        const spanId = ex.labels.span_id ?? ex.labels.spanID ?? ex.labels.spanId;
        const v = Number(ex.value);
        out.push({
          traceId: traceId.toLowerCase(),
          ...(spanId && /^[0-9a-fA-F]{1,32}$/.test(spanId) ? { spanId: spanId.toLowerCase() } : {}),
          ...(Number.isFinite(v) ? { durationMs: v * factor } : {}),
          t: Math.round(ex.timestamp * 1000),
        });
      }
    }
    return out.sort((a, b) => (b.t ?? 0) - (a.t ?? 0)).slice(0, MAX_EXEMPLARS);
  }

  /** GET when the URL is short (retried on 502/503/504 like every GET), else a form POST (long filter lists). */
  private async post(path: string, params: Record<string, QueryValue>, signal?: AbortSignal): Promise<HttpResponse> {
    const sig = signal ? { signal } : {};
    const url = this.http.urlFor(path, params);
    if (url.toString().length <= MAX_GET_URL) return this.http.request({ path, query: params, ...sig });
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) form.append(k, String(v));
    return this.http.request({ path, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), ...sig });
  }

  dispose(): void {
    this.http.dispose();
  }
}

function publicSchema(s: PromSchema): FleetSchema {
  return {
    ...(s.durationMetric ? { durationMetric: s.durationMetric } : {}),
    ...(s.callsMetric ? { callsMetric: s.callsMetric } : {}),
    ...(s.durationUnit ? { durationUnit: s.durationUnit } : {}),
    dimensions: s.dimensions,
    services: s.services,
  };
}

/** The time axis of a window as Prometheus steps: whole seconds, at most MAX_POINTS steps, ending at the end. */
export function promRange(w: FleetWindow): { startS: number; endS: number; stepS: number; rangeS: number } {
  const endS = Math.floor(w.endMs / 1000);
  const rangeS = Math.max(1, endS - Math.floor(w.startMs / 1000));
  const stepS = Math.max(1, Math.ceil(w.stepMs / 1000), Math.ceil(rangeS / MAX_POINTS));
  // The steps land on endS so that the last one is the window's end (where the whole-window figures are kept).
  const startS = endS - Math.floor(rangeS / stepS) * stepS;
  return { startS, endS, stepS, rangeS };
}

interface BuiltQuery {
  readonly promql: string;
  readonly startS: number;
  readonly endS: number;
  readonly stepS: number;
  readonly groupBy: readonly string[];
  /** Filters left out of the PromQL (too long) and applied to the answer. */
  readonly postFilter: { readonly services?: ReadonlySet<string>; readonly spanNames?: ReadonlySet<string>; readonly codeFunctions?: ReadonlySet<string> };
}

/** The one batched PromQL of a query (pure; exported for tests). */
export function buildQuery(schema: FleetSchema & { histogram?: string; callsSeries?: string }, q: FleetQuery, minRateWindowMs = DEFAULT_MIN_RATE_WINDOW_MS): BuiltQuery {
  const { startS, endS, stepS, rangeS } = promRange(q.window);
  const dims = new Set(schema.dimensions);
  const groupBy = KEY_LABELS.filter(l => dims.has(l) && isPlainLabelName(l));
  const by = groupBy.join(', ');
  const matchers: string[] = [];
  const postFilter: { services?: Set<string>; spanNames?: Set<string>; codeFunctions?: Set<string> } = {};
  const filter = (label: string, values: readonly string[] | undefined, field: 'services' | 'spanNames' | 'codeFunctions', alsoMatch: (v: string) => string[] = v => [v]): void => {
    const vs = [...new Set((values ?? []).filter(v => v !== ''))];
    if (!vs.length) return;
    const m = setMatcher(label, vs.flatMap(alsoMatch));
    if (m.length <= MAX_MATCHER_CHARS) matchers.push(m);
    else postFilter[field] = new Set(vs);
  };
  filter(SERVICE, q.services, 'services');
  filter(SPAN_NAME, q.spanNames, 'spanNames');
  const fnLabel = dims.has('code_function_name') ? 'code_function_name' : dims.has('code_function') ? 'code_function' : undefined;
  if (fnLabel && q.codeFunctions?.length) {
    // With the older code.function + code.namespace pair, the key's name is "namespace.function": the query matches
    // the bare function too, and the answer is then filtered on the joined name.
    const joined = fnLabel === 'code_function' && dims.has('code_namespace');
    filter(fnLabel, q.codeFunctions, 'codeFunctions', v => (joined ? [v, lastSegment(v)] : [v]));
    if (joined) postFilter.codeFunctions = new Set(q.codeFunctions);
  }
  const sel = (metric: string, extra: readonly string[] = []): string => `${metric}{${[...matchers, ...extra].join(', ')}}`;
  const W = `${rangeS}s`;
  const w = promDuration(Math.max(stepS * 1000, minRateWindowMs));
  const calls = schema.callsSeries!;
  const bucket = `${schema.histogram!}_bucket`;
  // The keys answered: the busiest maxSeries + 1 over the window (the extra one tells that the list was cut).
  const top = `topk(${q.maxSeries + 1}, sum by (${by}) (rate(${sel(calls)}[${W}] @ end())))`;
  const onKeys = `on (${by})`;
  // Whole-window figures are the same at every step; keeping only the last sample keeps the answer small.
  const lastStep = `on () (vector(time()) > ${endS - stepS / 2})`;
  const quantile = (qv: number, range: string, at: string): string =>
    `histogram_quantile(${qv}, sum by (le, ${by}) (rate(${sel(bucket)}[${range}]${at})))`;
  const stats: Array<[string, string]> = [
    ['calls', `(${top}) and ${lastStep}`],
    ['errors', `(sum by (${by}) (rate(${sel(calls, [`${STATUS}=${promString(ERROR_STATUS)}`])}[${W}] @ end())) and ${onKeys} ${top}) and ${lastStep}`],
    ['p50', `(${quantile(0.5, W, ' @ end()')} and ${onKeys} ${top}) and ${lastStep}`],
    ['p95', `(${quantile(0.95, W, ' @ end()')} and ${onKeys} ${top}) and ${lastStep}`],
    ['p99', `(${quantile(0.99, W, ' @ end()')} and ${onKeys} ${top}) and ${lastStep}`],
    ['p95_series', `${quantile(0.95, w, '')} and ${onKeys} ${top}`],
  ];
  const promql = stats.map(([name, expr]) => `label_replace(${expr}, "${STAT_LABEL}", "${name}", "", "")`).join('\nor\n');
  return { promql, startS, endS, stepS, groupBy, postFilter };
}

function lastSegment(name: string): string {
  const m = /(?:\.|::|#|\/)([^.:#/]+)$/.exec(name);
  return m ? m[1]! : name;
}

/** A FleetKey from a series' labels. */
function keyOf(labels: Readonly<Record<string, string>>): FleetKey {
  const fn = labels.code_function_name
    ?? (labels.code_function && labels.code_namespace ? `${labels.code_namespace}.${labels.code_function}` : labels.code_function);
  const file = labels.code_file_path ?? labels.code_filepath;
  const line = Number(labels.code_line_number ?? labels.code_lineno);
  return {
    service: labels[SERVICE] ?? '',
    spanName: labels[SPAN_NAME] ?? '',
    ...(labels[SPAN_KIND] ? { spanKind: labels[SPAN_KIND] } : {}),
    ...(fn ? { codeFunction: fn } : {}),
    ...(file ? { codeFilePath: file } : {}),
    ...(Number.isInteger(line) && line > 0 ? { codeLine: line } : {}),
  };
}

/** The matchers that select exactly one key's series (for exemplars). */
function keyMatchers(schema: FleetSchema, key: FleetKey): string[] {
  const dims = new Set(schema.dimensions);
  const m = [`${SERVICE}=${promString(key.service)}`, `${SPAN_NAME}=${promString(key.spanName)}`];
  if (key.spanKind && dims.has(SPAN_KIND)) m.push(`${SPAN_KIND}=${promString(key.spanKind)}`);
  if (key.codeFunction && dims.has('code_function_name')) m.push(`code_function_name=${promString(key.codeFunction)}`);
  if (key.codeFilePath) {
    const l = dims.has('code_file_path') ? 'code_file_path' : dims.has('code_filepath') ? 'code_filepath' : undefined;
    if (l) m.push(`${l}=${promString(key.codeFilePath)}`);
  }
  return m;
}

type Series = { metric: Record<string, string>; values?: Array<[number, string]> | undefined };

/** Takes the batched answer apart into one FleetStats per key (pure; exported for tests). */
export function assemble(schema: FleetSchema, q: FleetQuery, built: BuiltQuery, result: readonly Series[]): Omit<FleetResult, 'requests'> {
  const factor = schema.durationUnit === 's' ? 1000 : 1;
  const rangeMs = (built.endS - built.startS) * 1000;
  const window: FleetWindow = { startMs: built.startS * 1000, endMs: built.endS * 1000, stepMs: built.stepS * 1000 };
  interface Acc { key: FleetKey; calls?: number; errors?: number; p50?: number; p95?: number; p99?: number; series?: Array<[number, string]> }
  const byKey = new Map<string, Acc>();
  for (const s of result) {
    const stat = s.metric[STAT_LABEL];
    if (!stat) continue;
    const id = JSON.stringify(built.groupBy.map(l => s.metric[l] ?? ''));
    let acc = byKey.get(id);
    if (!acc) byKey.set(id, (acc = { key: keyOf(s.metric) }));
    const values = s.values ?? [];
    const last = values.length ? Number(values[values.length - 1]![1]) : NaN;
    const v = Number.isFinite(last) ? last : undefined;
    if (stat === 'p95_series') acc.series = values;
    else if (v !== undefined && (stat === 'calls' || stat === 'errors')) acc[stat] = v;
    else if (v !== undefined && (stat === 'p50' || stat === 'p95' || stat === 'p99')) acc[stat] = v * factor;
  }
  const pf = built.postFilter;
  let accs = [...byKey.values()].filter(a => a.calls !== undefined).filter(a =>
    (!pf.services || pf.services.has(a.key.service))
    && (!pf.spanNames || pf.spanNames.has(a.key.spanName))
    && (!pf.codeFunctions || (a.key.codeFunction !== undefined && pf.codeFunctions.has(a.key.codeFunction))));
  accs.sort((a, b) => b.calls! - a.calls! || JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
  const truncated = accs.length > q.maxSeries;
  accs = accs.slice(0, q.maxSeries);
  const steps = Math.round(rangeMs / (built.stepS * 1000));
  const stats = accs.map((a): FleetStats => {
    const at = new Map((a.series ?? []).map(([t, v]) => [Math.round(t), Number(v)]));
    const p95Series: FleetPoint[] = [];
    for (let i = 0; i <= steps; i++) {
      const t = built.startS + i * built.stepS;
      const v = at.get(t);
      p95Series.push({ t: t * 1000, value: v !== undefined && Number.isFinite(v) ? v * factor : NaN });
    }
    return fleetStats({ ...a, calls: a.calls! }, window, p95Series);
  });
  return { stats, truncated };
}
