// Hand-built traces for the protocol and webview tests: a Trace from a compact spec, and (until the real
// analysis is wired into a test) a small TraceAnalysis with the same shape the core produces.
import type { Attr, AttrValue, Resource, Scope, Span, SpanKind, Trace } from '../../src/core/model';
import type { CodeLocation, TraceAnalysis, TraceTree } from '../../src/core/analysis/types';
import { SpanFlag } from '../../src/core/analysis/types';

export interface SpanSpec {
  id: string;
  parent?: string;
  name: string;
  service?: string;
  startMs: number;
  durMs: number;
  kind?: SpanKind;
  error?: string | true;
  attrs?: Record<string, AttrValue>;
  events?: { atMs: number; name: string; attrs?: Record<string, AttrValue> }[];
  links?: { traceId: string; spanId: string }[];
  code?: CodeLocation;
}

export const BASE_NS = 1_700_000_000_000_000_000n;
const toAttrs = (o: Record<string, AttrValue> | undefined): Attr[] => Object.entries(o ?? {}).map(([key, value]) => ({ key, value }));

export function buildTrace(specs: readonly SpanSpec[], traceId = '0af7651916cd43dd8448eb211c80319c'): Trace {
  const resources = new Map<string, Resource>();
  const scope: Scope = { name: 'test-scope', version: '1.0', attributes: [] };
  const spans: Span[] = specs.map(s => {
    const service = s.service ?? 'svc';
    let resource = resources.get(service);
    if (!resource) { resource = { serviceName: service, attributes: [{ key: 'service.name', value: service }, { key: 'host.name', value: 'box-1' }] }; resources.set(service, resource); }
    const attrs = toAttrs(s.attrs);
    if (s.code?.filePath) attrs.push({ key: 'code.filepath', value: s.code.filePath });
    if (s.code?.line) attrs.push({ key: 'code.lineno', value: BigInt(s.code.line) });
    const span: Span = {
      traceId, spanId: s.id, ...(s.parent ? { parentId: s.parent } : {}), name: s.name, kind: s.kind ?? 'internal', resource, scope,
      status: s.error ? { code: 'error', ...(typeof s.error === 'string' ? { message: s.error } : {}) } : { code: 'unset' },
      startNs: BASE_NS + BigInt(Math.round(s.startMs * 1e6)), durationNs: Math.round(s.durMs * 1e6), attributes: attrs,
      events: (s.events ?? []).map(e => ({ timeNs: BASE_NS + BigInt(Math.round(e.atMs * 1e6)), name: e.name, attributes: toAttrs(e.attrs) })),
      links: (s.links ?? []).map(l => ({ traceId: l.traceId, spanId: l.spanId, type: 'link' as const, attributes: [] })),
    };
    return span;
  });
  return { traceId, spans, format: 'otlp', warnings: [] };
}

/** A small, straightforward analysis (tree, self time, a greedy critical path, stats) for tests. */
export function buildAnalysis(trace: Trace, codeLocations?: readonly (CodeLocation | undefined)[]): TraceAnalysis {
  const spans = trace.spans;
  const n = spans.length;
  const byId = new Map<string, number>();
  spans.forEach((s, i) => { if (!byId.has(s.spanId)) byId.set(s.spanId, i); });
  const parent = new Int32Array(n).fill(-1);
  const flags = new Uint16Array(n);
  const children: number[][] = spans.map(() => []);
  let startNs = spans.length ? spans[0]!.startNs : 0n;
  let endNs = startNs;
  spans.forEach((s, i) => {
    if (s.startNs < startNs) startNs = s.startNs;
    const e = s.startNs + BigInt(s.durationNs);
    if (e > endNs) endNs = e;
    if (s.status.code === 'error') flags[i]! |= SpanFlag.Error;
    if (s.parentId) {
      const p = byId.get(s.parentId);
      if (p === undefined) flags[i]! |= SpanFlag.Orphan; else parent[i] = p;
    }
  });
  const relStartNs = Float64Array.from(spans, s => Number(s.startNs - startNs));
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) children[parent[i]!]!.push(i);
  for (const c of children) c.sort((a, b) => relStartNs[a]! - relStartNs[b]! || a - b);
  const roots = [...Array(n).keys()].filter(i => parent[i] === -1).sort((a, b) => relStartNs[a]! - relStartNs[b]! || a - b);
  const depth = new Uint16Array(n);
  const preorder: number[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const i = stack.pop()!;
    preorder.push(i);
    for (let k = children[i]!.length - 1; k >= 0; k--) { const c = children[i]![k]!; depth[c] = depth[i]! + 1; stack.push(c); }
  }
  const selfTimeNs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Union of children intervals clipped to the span.
    const s = relStartNs[i]!, e = s + spans[i]!.durationNs;
    let covered = 0, cur = s;
    for (const c of children[i]!) {
      const cs = Math.max(cur, relStartNs[c]!), ce = Math.min(e, relStartNs[c]! + spans[c]!.durationNs);
      if (ce > cs) { covered += ce - cs; cur = ce; }
    }
    selfTimeNs[i] = spans[i]!.durationNs - covered;
  }
  const criticalPath: number[] = [];
  if (roots.length) {
    let cur: number | undefined = roots.reduce((a, b) => (spans[b]!.durationNs > spans[a]!.durationNs ? b : a));
    while (cur !== undefined) {
      criticalPath.push(cur);
      flags[cur]! |= SpanFlag.Critical;
      const kids: number[] = children[cur]!;
      cur = kids.length ? kids.reduce((a, b) => (relStartNs[b]! + spans[b]!.durationNs > relStartNs[a]! + spans[a]!.durationNs ? b : a)) : undefined;
    }
  }
  const errorOrigins = [...Array(n).keys()].filter(i => flags[i]! & SpanFlag.Error && !children[i]!.some(c => flags[c]! & SpanFlag.Error));
  const propagatedErrors = [...Array(n).keys()].filter(i => flags[i]! & SpanFlag.Error && !errorOrigins.includes(i));
  const tree: TraceTree = {
    trace, parent, children, roots, depth, flags, preorder: Int32Array.from(preorder), startNs,
    durationNs: Number(endNs - startNs), relStartNs, skewNs: new Float64Array(n),
    indexOf: id => byId.get(id) ?? -1,
  };
  const byService = new Map<string, number[]>();
  spans.forEach((s, i) => { const l = byService.get(s.resource.serviceName) ?? []; l.push(i); byService.set(s.resource.serviceName, l); });
  const stats = (idx: number[]) => {
    const d = idx.map(i => spans[i]!.durationNs).sort((a, b) => a - b);
    return {
      count: idx.length, totalNs: d.reduce((a, b) => a + b, 0), selfTotalNs: idx.reduce((a, i) => a + selfTimeNs[i]!, 0),
      p50Ns: d[Math.floor((d.length - 1) * 0.5)] ?? 0, p95Ns: d[Math.floor((d.length - 1) * 0.95)] ?? 0, maxNs: d[d.length - 1] ?? 0,
      errors: idx.filter(i => flags[i]! & SpanFlag.Error).length,
    };
  };
  const byOp = new Map<string, number[]>();
  spans.forEach((s, i) => { const k = `${s.resource.serviceName}\u0000${s.name}`; const l = byOp.get(k) ?? []; l.push(i); byOp.set(k, l); });
  return {
    tree, selfTimeNs, criticalPath,
    services: [...byService].map(([service, idx]) => ({ service, ...stats(idx) })),
    operations: [...byOp].map(([k, idx]) => { const [service, operation] = k.split('\u0000') as [string, string]; return { service, operation, ...stats(idx) }; }),
    errorOrigins, propagatedErrors,
    findings: [...Array(n).keys()].filter(i => flags[i]! & SpanFlag.Orphan).map(i => ({ kind: 'orphan' as const, severity: 'medium' as const, spanIndex: i, relatedSpanIndices: [], message: `Parent ${spans[i]!.parentId} of this span is not in the trace.` })),
    codeLocations: codeLocations ?? spans.map(s => {
      const f = s.attributes.find(a => a.key === 'code.filepath')?.value;
      const l = s.attributes.find(a => a.key === 'code.lineno')?.value;
      return typeof f === 'string' ? { filePath: f, ...(typeof l === 'bigint' ? { line: Number(l) } : {}), source: 'code.attributes.old' as const } : undefined;
    }),
    maxDepth: Math.max(0, ...depth),
    errorCount: [...flags].filter(f => f & SpanFlag.Error).length,
  };
}

/** A small trace with the features the webview shows: services, errors, events, links, code locations. */
export function sampleSpecs(): SpanSpec[] {
  return [
    { id: '00000000000000a1', name: 'GET /checkout', service: 'frontend', kind: 'server', startMs: 0, durMs: 120, attrs: { 'http.method': 'GET', 'http.status_code': 500n }, code: { filePath: '/app/src/checkout.ts', line: 42, column: 7, source: 'code.attributes.old' } },
    { id: '00000000000000a2', parent: '00000000000000a1', name: 'auth.verify', service: 'auth', startMs: 2, durMs: 10, attrs: { user: 'alice' } },
    { id: '00000000000000a3', parent: '00000000000000a1', name: 'cart.load', service: 'cart', kind: 'client', startMs: 14, durMs: 60, events: [{ atMs: 20, name: 'cache.miss' }] },
    { id: '00000000000000a4', parent: '00000000000000a3', name: 'SELECT cart', service: 'db', kind: 'client', startMs: 16, durMs: 50, attrs: { 'db.statement': 'SELECT * FROM cart WHERE id = $1' } },
    {
      id: '00000000000000a5', parent: '00000000000000a1', name: 'payment.charge', service: 'payments', kind: 'client', startMs: 76, durMs: 40, error: 'card declined',
      events: [{ atMs: 110, name: 'exception', attrs: { 'exception.type': 'PaymentError', 'exception.message': 'card declined', 'exception.stacktrace': 'PaymentError: card declined\n    at charge (/app/src/payment.ts:17:9)\n    at main (/app/src/index.ts:3:1)' } }],
      links: [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }],
    },
    { id: '00000000000000a6', parent: '00000000000000ff', name: 'orphan.work', service: 'worker', startMs: 30, durMs: 5 },
  ];
}

// ---- documents for the harness (so the webview tests go through the real parse + analysis) ----

function otlpValue(v: AttrValue): unknown {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return { doubleValue: v };
  if (typeof v === 'bigint') return { intValue: v.toString() };
  if ('bytes' in v) return { bytesValue: v.bytes };
  if ('array' in v) return { arrayValue: { values: v.array.map(otlpValue) } };
  return { kvlistValue: { values: v.kvlist.map(a => ({ key: a.key, value: otlpValue(a.value) })) } };
}
const otlpKv = (o: Record<string, AttrValue> | undefined) => Object.entries(o ?? {}).map(([key, value]) => ({ key, value: otlpValue(value) }));
const KIND_NUM: Record<SpanKind, number> = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

/** An OTLP JSON document (TracesData) with these spans, one resource per service. */
export function otlpDocument(specs: readonly SpanSpec[], traceId = '0af7651916cd43dd8448eb211c80319c'): string {
  const byService = new Map<string, SpanSpec[]>();
  for (const s of specs) { const k = s.service ?? 'svc'; byService.set(k, [...(byService.get(k) ?? []), s]); }
  const ns = (ms: number) => (BASE_NS + BigInt(Math.round(ms * 1e6))).toString();
  const resourceSpans = [...byService].map(([service, list]) => ({
    resource: { attributes: otlpKv({ 'service.name': service, 'host.name': 'box-1' }) },
    scopeSpans: [{
      scope: { name: 'test-scope', version: '1.0' },
      spans: list.map(s => {
        const attrs: Record<string, AttrValue> = { ...(s.attrs ?? {}) };
        if (s.code?.filePath) attrs['code.filepath'] = s.code.filePath;
        if (s.code?.line) attrs['code.lineno'] = BigInt(s.code.line);
        if (s.code?.column) attrs['code.column'] = BigInt(s.code.column);
        if (s.code?.function) attrs['code.function'] = s.code.function;
        return {
          traceId, spanId: s.id, ...(s.parent ? { parentSpanId: s.parent } : {}), name: s.name, kind: KIND_NUM[s.kind ?? 'internal'],
          startTimeUnixNano: ns(s.startMs), endTimeUnixNano: ns(s.startMs + s.durMs), attributes: otlpKv(attrs),
          events: (s.events ?? []).map(e => ({ timeUnixNano: ns(e.atMs), name: e.name, attributes: otlpKv(e.attrs) })),
          links: (s.links ?? []).map(l => ({ traceId: l.traceId, spanId: l.spanId })),
          status: s.error ? { code: 2, ...(typeof s.error === 'string' ? { message: s.error } : {}) } : {},
        };
      }),
    }],
  }));
  return JSON.stringify({ resourceSpans });
}

/** A wide tree: `fanout` children per span down to `depth` levels, under one root (for scroll and collapse tests). */
export function treeSpecs(fanout: number, depth: number): SpanSpec[] {
  const out: SpanSpec[] = [];
  let next = 1;
  const make = (parent: string | undefined, level: number, start: number, dur: number): void => {
    const id = (next++).toString(16).padStart(16, '0');
    out.push({ id, ...(parent ? { parent } : {}), name: `op-${level}-${out.length}`, service: `svc-${level % 4}`, startMs: start, durMs: dur });
    if (level + 1 >= depth) return;
    const w = dur / fanout;
    for (let k = 0; k < fanout; k++) make(id, level + 1, start + k * w, w * 0.9);
  };
  make(undefined, 0, 0, 1000);
  return out;
}
