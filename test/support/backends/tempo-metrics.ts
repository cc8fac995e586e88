// The Tempo stand-in's TraceQL metrics (`GET /api/metrics/query_range` and `/api/metrics/query`), computed from the
// spans it holds, answered in Tempo's documented format (../shared/FORMATS.md "Tempo"; Tempo HTTP API, "TraceQL
// Metrics"; tempo.proto QueryRangeResponse / QueryInstantResponse in protobuf JSON):
//   range    {series: [{labels: [{key, value: {stringValue | doubleValue}}], samples: [{timestampMs: "<ms>", value}],
//            promLabels}], metrics: {inspectedBytes}}   — samples at the start of each step bucket, buckets aligned
//            to multiples of the step; a quantile of an empty bucket is "NaN"
//   instant  {series: [{labels, value}], metrics}       — a value of 0 is left out (proto3 JSON omits defaults)
// quantile_over_time answers one series per quantile with a `p` (double) label, in seconds for `duration`; rate() is
// spans per second. `start`/`end` are unix seconds (up to 10 digits) or nanoseconds; `step` a Go duration or seconds.
// The TraceQL it evaluates: `{ c && c … } | rate() | count_over_time() | quantile_over_time(duration, q, …)`
// optionally `by (attr, …)`, where c is `attr (= != =~ !~) "string"`, `status = error|ok|unset` or a duration
// comparison; strings are Go-quoted and regexes fully anchored (RE2 syntax; what the client writes is also valid
// JavaScript regex syntax). Anything else is refused with 400 as Tempo's parser would. Quantiles here are exact
// (nearest rank); real Tempo interpolates within log2 buckets, so its figures are close, not equal.
import type { Span } from '../../../src/core/model';

export interface MetricsAnswer {
  readonly status: number;
  readonly body: string;
  readonly type: string;
}

export interface Cond { readonly attr: string; readonly op: string; readonly value: string | number }
interface Parsed {
  readonly conds: readonly Cond[];
  readonly fn: 'rate' | 'count_over_time' | 'quantile_over_time';
  readonly quantiles: readonly number[];
  readonly by: readonly string[];
}

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))|(\.?\d+(?:\.\d+)?)|(=~|!~|!=|>=|<=|&&|\|\||[{}()|,=<>])|((?:resource|span)?\.[\w.]+|[a-zA-Z_][\w]*))/y;

function tokenize(q: string): string[] | { error: string } {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < q.length) {
    if (/^\s*$/.test(q.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(q);
    if (!m) return { error: `invalid TraceQL query: parse error at line 1, col ${at + 1}: syntax error: unexpected input` };
    out.push(m.slice(1).find(x => x !== undefined)!);
    at = TOKEN.lastIndex;
  }
  return out;
}

/** A Go duration ("100ms", "1.5s", "2m"), as Tempo's parameters and TraceQL take it, in ns; undefined if invalid. */
export function goDurationNs(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(s);
  if (!m) return undefined;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  return Number(m[1]) * unit[m[2]!]!;
}

function parse(q: string): Parsed | { error: string } {
  const toks = tokenize(q);
  if (!Array.isArray(toks)) return toks;
  let i = 0;
  const fail = (what: string): { error: string } => ({ error: `invalid TraceQL query: parse error: syntax error: unexpected ${JSON.stringify(toks[i] ?? 'end of input')}, expecting ${what}` });
  const eat = (t: string): boolean => (toks[i] === t ? (i++, true) : false);
  if (!eat('{')) return fail('{');
  const conds: Cond[] = [];
  if (!eat('}')) {
    for (;;) {
      const attr = toks[i++];
      if (!attr || !/^((resource|span)?\.[\w.]+|name|status|duration|kind)$/.test(attr)) return fail('an attribute');
      const op = toks[i++];
      if (!op || !['=', '!=', '=~', '!~', '>', '>=', '<', '<='].includes(op)) return fail('an operator');
      const raw = toks[i++];
      if (raw === undefined) return fail('a value');
      let value: string | number;
      if (raw.startsWith('"')) {
        try { value = JSON.parse(raw) as string; } catch { return fail('a string'); }
      } else if (attr === 'duration' && goDurationNs(raw) !== undefined) value = goDurationNs(raw)!;
      else if (attr === 'status' && /^(error|ok|unset)$/.test(raw)) value = raw;
      else if (attr === 'kind' && /^(unspecified|internal|server|client|producer|consumer)$/.test(raw)) value = raw;
      else return fail('a value');
      if ((op === '=~' || op === '!~') && typeof value === 'string') {
        try { new RegExp(`^(?:${value})$`, 'u'); } catch (e) { return { error: `invalid TraceQL query: error parsing regexp: ${(e as Error).message}` }; }
      }
      conds.push({ attr, op, value });
      if (eat('}')) break;
      if (!eat('&&')) return fail('&& or }');
    }
  }
  if (!eat('|')) return fail('|');
  const fn = toks[i++];
  if (fn !== 'rate' && fn !== 'count_over_time' && fn !== 'quantile_over_time') return fail('a metrics function');
  if (!eat('(')) return fail('(');
  const quantiles: number[] = [];
  if (fn === 'quantile_over_time') {
    if (!eat('duration')) return fail('duration');
    while (eat(',')) {
      const n = Number(toks[i++]);
      if (!Number.isFinite(n) || n < 0 || n > 1) return fail('a quantile');
      quantiles.push(n);
    }
    if (!quantiles.length) return fail(',');
  }
  if (!eat(')')) return fail(')');
  const by: string[] = [];
  if (eat('by')) {
    if (!eat('(')) return fail('(');
    do {
      const a = toks[i++];
      if (!a || !/^((resource|span)?\.[\w.]+|name|status|kind)$/.test(a)) return fail('an attribute');
      by.push(a);
    } while (eat(','));
    if (!eat(')')) return fail(')');
  }
  if (i !== toks.length) return fail('end of input');
  return { conds, fn, quantiles, by };
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** A span's values of a TraceQL attribute (`name`, `status`, `kind`, `.x`, `span.x`, `resource.x`). */
export function spanValues(s: Span, attr: string): string[] {
  if (attr === 'name') return [s.name];
  if (attr === 'status') return [s.status.code];
  if (attr === 'kind') return [s.kind];
  const scoped = /^(resource|span)?\.(.+)$/.exec(attr);
  if (!scoped) return [];
  const [, scope, key] = scoped;
  const out: string[] = [];
  if (scope !== 'span') {
    if (key === 'service.name') out.push(s.resource.serviceName);
    for (const a of s.resource.attributes) if (a.key === key) out.push(text(a.value));
  }
  if (scope !== 'resource') for (const a of s.attributes) if (a.key === key) out.push(text(a.value));
  return out;
}

/** One TraceQL condition on a span (the stand-in's search and these metrics evaluate it alike). */
export function spanMatches(s: Span, c: Cond): boolean {
  if (c.attr === 'duration') {
    const d = s.durationNs;
    const v = c.value as number;
    return c.op === '>' ? d > v : c.op === '<' ? d < v : c.op === '>=' ? d >= v : c.op === '<=' ? d <= v : c.op === '=' ? d === v : d !== v;
  }
  const vs = spanValues(s, c.attr);
  const v = String(c.value);
  if (c.op === '=') return vs.includes(v);
  if (c.op === '!=') return vs.length > 0 && !vs.includes(v);
  const re = new RegExp(`^(?:${v})$`, 'u');
  if (c.op === '=~') return vs.some(x => re.test(x));
  if (c.op === '!~') return vs.length > 0 && !vs.some(x => re.test(x));
  return false;
}

/** Tempo's time parameters: seconds (up to 10 digits) or nanoseconds. Returns ms. */
function timeParam(raw: string | null): number | undefined {
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  return raw.length <= 10 ? Number(raw) * 1000 : Number(BigInt(raw) / 1_000_000n);
}

function stepParam(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const ns = goDurationNs(raw);
  return ns === undefined ? undefined : ns / 1e6;
}

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Answers one metrics request. `spansIn(startMs, endMs)`: the spans the stand-in can read for the request's tenant
 * and window. `maxSeries`: Tempo's series limit; past it the answer is cut and marked PARTIAL.
 */
export function answerMetrics(instant: boolean, params: URLSearchParams, spansIn: (startMs: number, endMs: number) => Span[], maxSeries = 1000): MetricsAnswer {
  const bad = (msg: string): MetricsAnswer => ({ status: 400, body: msg, type: 'text/plain' });
  const q = params.get('q');
  if (!q) return bad('invalid TraceQL query: empty query');
  const parsed = parse(q);
  if ('error' in parsed) return bad(parsed.error);
  const now = Date.now();
  const endMs = timeParam(params.get('end')) ?? now;
  const startMs = timeParam(params.get('start')) ?? endMs - 3600_000;
  if (params.get('start') !== null && timeParam(params.get('start')) === undefined) return bad('invalid start');
  if (params.get('end') !== null && timeParam(params.get('end')) === undefined) return bad('invalid end');
  if (startMs >= endMs) return bad(`http parameter start must be before end. received start=${params.get('start')} end=${params.get('end')}`);
  let stepMs = instant ? endMs - startMs : stepParam(params.get('step')) ?? Math.max(1000, Math.floor((endMs - startMs) / 100));
  if (!Number.isFinite(stepMs) || stepMs <= 0) return bad('invalid step');
  stepMs = Math.max(1, Math.round(stepMs));
  const first = instant ? startMs : Math.floor(startMs / stepMs) * stepMs;
  const buckets = instant ? 1 : Math.ceil((endMs - first) / stepMs);
  if (buckets > 11_000) return bad('step too small for the range');
  const spans = spansIn(startMs, endMs).filter(s => {
    const t = Number(s.startNs / 1_000_000n);
    return t >= startMs && t < endMs && parsed.conds.every(c => spanMatches(s, c));
  });
  // Group: the by() values (a span without the attribute is grouped under nil and left out, as Tempo drops nil groups).
  const groups = new Map<string, { labels: Array<[string, string]>; durations: number[][] }>();
  for (const s of spans) {
    const labels: Array<[string, string]> = [];
    let missing = false;
    for (const a of parsed.by) {
      const v = spanValues(s, a)[0];
      if (v === undefined) { missing = true; break; }
      labels.push([a, v]);
    }
    if (missing) continue;
    const id = JSON.stringify(labels);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { labels, durations: Array.from({ length: buckets }, () => []) }));
    const t = Number(s.startNs / 1_000_000n);
    g.durations[Math.min(buckets - 1, Math.floor((t - first) / stepMs))]!.push(s.durationNs / 1e9);
  }
  const series: Array<{ labels: Array<{ key: string; value: Record<string, string | number> }>; values: number[] }> = [];
  for (const g of groups.values()) {
    const base = g.labels.map(([key, v]) => ({ key, value: { stringValue: v } as Record<string, string | number> }));
    if (parsed.fn === 'quantile_over_time') {
      const sorted = g.durations.map(d => [...d].sort((a, b) => a - b));
      for (const p of parsed.quantiles) series.push({ labels: [...base, { key: 'p', value: { doubleValue: p } }], values: sorted.map(d => quantile(d, p)) });
    } else {
      const seconds = (instant ? endMs - startMs : stepMs) / 1000;
      series.push({ labels: base, values: g.durations.map(d => (parsed.fn === 'rate' ? d.length / seconds : d.length)) });
    }
  }
  const partial = series.length > maxSeries;
  const cut = series.slice(0, maxSeries);
  const promLabels = (labels: Array<{ key: string; value: Record<string, string | number> }>): string =>
    `{${labels.map(l => `${l.key}=${JSON.stringify(String(Object.values(l.value)[0]))}`).join(', ')}}`;
  const num = (v: number): number | string => (Number.isFinite(v) ? v : 'NaN');
  const body = instant
    ? { series: cut.map(s => ({ labels: s.labels, promLabels: promLabels(s.labels), ...(s.values[0] !== 0 ? { value: num(s.values[0]!) } : {}) })) }
    : { series: cut.map(s => ({ labels: s.labels, promLabels: promLabels(s.labels), samples: s.values.map((v, k) => ({ timestampMs: String(first + k * stepMs), ...(v !== 0 ? { value: num(v) } : {}) })) })) };
  return {
    status: 200,
    type: 'application/json',
    body: JSON.stringify({ ...body, metrics: { inspectedSpans: String(spans.length) }, ...(partial ? { status: 'PARTIAL', message: `Response exceeds maximum series limit of ${maxSeries}` } : {}) }),
  };
}
