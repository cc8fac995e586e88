// The tools an assistant drills down with, from cheap to detailed: list_sources → search_traces →
// get_trace_summary → get_critical_path / get_trace_errors / get_findings → get_span_details → code. Each answer is
// deterministic JSON, bounded (see budget.ts), with canonical IDs and durations in ms named `…Ms`. The definitions
// are transport-free (no MCP types) so that the editor can offer the same tools to its own chat.
import { z } from 'zod';
import { compareTraces } from '../core/analysis/compare';
import { formatDuration } from '../core/units/duration';
import { tableFromAnalysis } from '../core/analysis/graph';
import { SpanFlag, type CodeLocation, type TraceAnalysis } from '../core/analysis/types';
import { attrToJson, type Attributes, type Span } from '../core/model';
import { canonicalSpanId } from '../core/trace-id-input';
import { percentileSorted } from '../core/units/percentile';
import { BackendError } from '../backends/http/errors';
import type { TraceSearchQuery, TraceSummary as BackendTraceSummary } from '../backends/types';
import { clip, fitList, ms } from './budget';
import { ToolInputError, type LoadedTrace, type TraceSources } from './sources';
import type { Workspace } from './workspace';

export interface ToolContext {
  readonly sources: TraceSources;
  readonly workspace?: Workspace;
  /** Output budget in characters. */
  readonly maxChars: number;
  /** Called before each tool call (the editor refreshes its open traces there; the CLI another window's receiver). */
  readonly prepare?: (signal?: AbortSignal) => Promise<void>;
}

export interface ToolDef {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly shape: z.ZodRawShape;
  /** Fetches from a remote backend (the editor asks before it does). */
  readonly remote?: boolean;
  run(args: Record<string, unknown>, ctx: ToolContext, signal?: AbortSignal): Promise<string>;
}

export const SERVER_INSTRUCTIONS = `Spanscope answers questions about distributed traces (OpenTelemetry, Jaeger, Tempo, Zipkin) and maps spans to code.
Drill down from cheap to detailed:
1. list_sources: which trace files, receiver and backends are available.
2. search_traces (or get_services first) to find trace IDs: filter by service, operation, attributes, duration, errors, time.
3. get_trace_summary for one trace: size, duration, services, findings, where the time went.
4. get_critical_path (what decided the latency), get_trace_errors (where errors started), get_findings (N+1, sequential calls, broken propagation), get_trace_topology (the call tree, without attributes).
5. get_span_details for at most 20 spans you picked (full attributes, events, links).
6. get_code_locations / get_latency_for_code to connect spans with source files and lines; compare_traces for "what got slower".
Trace IDs may be given in any form (hex, traceparent, B3, uber-trace-id, a Jaeger/Tempo/Grafana/Zipkin URL, a log line). Durations are in milliseconds (fields end in Ms). Answers are bounded: when "truncated" is true, follow the "hint" to narrow the question.`;

const traceIdArg = z.string().min(1).max(4096).describe('Trace ID in any form: 16/32 hex digits, traceparent, B3, uber-trace-id, a Jaeger/Tempo/Grafana/Zipkin URL, or a log line containing it');
const sourceArg = z.string().max(100).optional().describe('Source ID from list_sources; default: every source');
const limitArg = (def: number, max: number) => z.number().int().min(1).max(max).optional().describe(`Most items to return (default ${def})`);

/** The trace a tool's `traceId` and `source` arguments name. */
function traceArg(args: Record<string, unknown>, ctx: ToolContext, signal?: AbortSignal): Promise<LoadedTrace> {
  return ctx.sources.getTrace(args.traceId as string, args.source as string | undefined, signal);
}
/** A tool's `limit` argument, or its default (the one `limitArg` describes). */
const limitOf = (args: Record<string, unknown>, def: number): number => (args.limit as number | undefined) ?? def;

/** What a tool about one trace is given: the trace, its analysis, its `limit` argument (or default) and all its arguments. */
interface TraceToolInput {
  readonly t: LoadedTrace;
  readonly a: TraceAnalysis;
  readonly limit: number;
  readonly args: Record<string, unknown>;
}

/**
 * A tool about one trace: its arguments are traceId and source, then those of `shape`, then `limit` when the tool
 * takes one ([default, maximum]); `run` gets the trace already loaded and analysed.
 */
function traceTool(def: {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly shape?: z.ZodRawShape;
  readonly limit?: readonly [byDefault: number, most: number];
  run(input: TraceToolInput, ctx: ToolContext, signal?: AbortSignal): string | Promise<string>;
}): ToolDef {
  const { limit } = def;
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    shape: { traceId: traceIdArg, source: sourceArg, ...def.shape, ...(limit ? { limit: limitArg(limit[0], limit[1]) } : {}) },
    remote: true,
    async run(args, ctx, signal) {
      const t = await traceArg(args, ctx, signal);
      return def.run({ t, a: t.analysis(), limit: limit ? limitOf(args, limit[0]) : 0, args }, ctx, signal);
    },
  };
}

// ---- small shared views -------------------------------------------------------------------------------------------

function spanRef(t: LoadedTrace, i: number): Record<string, unknown> {
  const s = t.trace.spans[i]!;
  return { spanId: s.spanId, service: s.resource.serviceName, name: s.name };
}

function isError(a: TraceAnalysis, i: number): boolean {
  return (a.tree.flags[i]! & SpanFlag.Error) !== 0;
}

function locJson(l: CodeLocation | undefined): Record<string, unknown> | undefined {
  if (!l) return undefined;
  return { ...(l.filePath ? { file: l.filePath } : {}), ...(l.line ? { line: l.line } : {}), ...(l.function ? { function: l.namespace ? `${l.namespace}.${l.function}` : l.function } : {}), from: l.source };
}

function attrsJson(attrs: Attributes, maxValueChars: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of attrs) {
    const v = attrToJson(a.value);
    out[a.key] = typeof v === 'string' ? clip(v, maxValueChars) : typeof v === 'object' && v !== null ? clip(JSON.stringify(v), maxValueChars) : v;
  }
  return out;
}

function isoOf(ns: bigint): string {
  const msSinceEpoch = Number(ns / 1_000_000n);
  return Number.isFinite(msSinceEpoch) && Math.abs(msSinceEpoch) < 8.64e15 ? new Date(msSinceEpoch).toISOString() : String(ns);
}

/** Span indices from the IDs an assistant gave; unknown or malformed ones are named in the error. */
function spanIndices(t: LoadedTrace, ids: readonly string[]): number[] {
  const a = t.analysis();
  const bad: string[] = [];
  const out: number[] = [];
  for (const raw of ids) {
    const id = canonicalSpanId(raw.trim()) ?? raw.trim().toLowerCase();
    const i = a.tree.indexOf(id);
    if (i < 0) bad.push(raw); else if (!out.includes(i)) out.push(i);
  }
  if (bad.length) throw new ToolInputError(`span ${bad.map(b => JSON.stringify(clip(b, 40))).join(', ')} not in trace ${t.trace.traceId}; get_trace_topology or get_critical_path list its span IDs`);
  return out;
}

function traceHeader(t: LoadedTrace): Record<string, unknown> {
  return { traceId: t.trace.traceId, source: t.source, ...(t.partial ? { partial: t.partial } : {}) };
}

/** One line per trace for search results. */
function localSummary(t: LoadedTrace): Required<Pick<BackendTraceSummary, 'traceId'>> & { source: string; rootService: string; rootName: string; startTime: string; durationMs: number; spanCount: number; errorCount: number; services: string[] } {
  const a = t.analysis();
  const root = a.tree.roots[0];
  const s = root === undefined ? undefined : t.trace.spans[root];
  return {
    traceId: t.trace.traceId,
    source: t.source,
    rootService: s?.resource.serviceName ?? '',
    rootName: s?.name ?? '',
    startTime: t.trace.spans.length ? isoOf(a.tree.startNs) : '',
    durationMs: ms(a.tree.durationNs),
    spanCount: t.trace.spans.length,
    errorCount: a.errorCount,
    services: a.services.map(x => x.service).sort(),
  };
}

function spanMatches(s: Span, q: { service?: string | undefined; operation?: string | undefined; attributes?: Record<string, string> | undefined }): boolean {
  if (q.service && s.resource.serviceName !== q.service) return false;
  if (q.operation && s.name !== q.operation) return false;
  if (q.attributes) {
    for (const [k, v] of Object.entries(q.attributes)) {
      const hit = s.attributes.find(x => x.key === k) ?? s.resource.attributes.find(x => x.key === k);
      if (!hit) return false;
      const val = attrToJson(hit.value);
      if (String(typeof val === 'object' ? JSON.stringify(val) : val) !== v) return false;
    }
  }
  return true;
}

function backendProblem(e: unknown): string {
  return e instanceof BackendError ? `${e.backend}: ${e.shortCause}` : e instanceof Error ? e.message : String(e);
}

// ---- the tools ---------------------------------------------------------------------------------------------------

const listSources: ToolDef = {
  name: 'list_sources',
  title: 'List trace sources',
  description: 'The trace sources this server reads: trace files, the OTLP receiver, Jaeger/Tempo/Zipkin backends (with reachability), and the workspace used for code mapping. Call first.',
  shape: {},
  async run(_args, ctx, signal) {
    const s = ctx.sources;
    s.loadFiles();
    const files = s.files.map(f => ({ id: f.id, kind: 'file', path: f.path, traceCount: f.traceIds?.length ?? 0, ...(f.error ? { error: f.error } : {}) }));
    const editor = s.sourceIds().includes('editor') ? [{ id: 'editor', kind: 'editor', traceCount: s.localTraces('editor').length }] : [];
    const receiver = s.hasReceiver ? [{ id: 'receiver', kind: 'receiver', url: s.receiverUrl, traceCount: s.receiverTraceCount(), ...(s.remoteProblem ? { error: s.remoteProblem } : {}) }] : [];
    const backends = await Promise.all(s.backends.map(async (b, i) => {
      const h = await b.health(signal);
      return { id: s.backendId(i), kind: b.config.type, name: b.displayName, url: b.config.url, reachable: h.reachable, ...(h.version ? { version: h.version } : {}), ...(h.lastError ? { error: h.lastError } : {}) };
    }));
    const all = [...editor, ...files, ...receiver, ...backends];
    const ws = ctx.workspace ? { workspace: { root: ctx.workspace.root, fileCount: ctx.workspace.fileCount } } : { workspace: null };
    return fitList(n => ({ sources: all.slice(0, n), ...ws }), all.length, ctx.maxChars, 'pass source= to other tools to read one source only').text;
  },
};

const getServices: ToolDef = {
  name: 'get_services',
  title: 'List services',
  description: 'Services seen in the traces at hand (files, receiver: with span counts, p50/p95 and errors) and those a backend knows. With service=, also that service\'s operations.',
  shape: { source: sourceArg, service: z.string().max(500).optional().describe('Also list this service\'s operations') },
  remote: true,
  async run(args, ctx, signal) {
    const source = args.source as string | undefined;
    const service = args.service as string | undefined;
    ctx.sources.checkSource(source);
    type Row = { service: string; source: string; traceCount?: number; spanCount?: number; p50Ms?: number; p95Ms?: number; errorCount?: number; operations?: string[] };
    const rows: Row[] = [];
    // local traces: merge per service over traces
    const per = new Map<string, { traces: number; spans: number; durs: number[]; errors: number; ops: Set<string>; source: Set<string> }>();
    for (const t of ctx.sources.localTraces(source)) {
      const a = t.analysis();
      for (const st of a.services) {
        let e = per.get(st.service);
        if (!e) per.set(st.service, (e = { traces: 0, spans: 0, durs: [], errors: 0, ops: new Set(), source: new Set() }));
        e.traces++; e.spans += st.count; e.errors += st.errors; e.source.add(t.source);
      }
      for (const op of a.operations) if (op.service === service) per.get(op.service)?.ops.add(op.operation);
      if (per.size > 0) {
        const spans = t.trace.spans;
        for (let i = 0; i < spans.length; i++) per.get(spans[i]!.resource.serviceName)?.durs.push(spans[i]!.durationNs);
      }
    }
    for (const [name, e] of per) {
      const sorted = Float64Array.from(e.durs).sort();
      rows.push({ service: name, source: [...e.source].sort().join(','), traceCount: e.traces, spanCount: e.spans, p50Ms: ms(percentileSorted(sorted, 0.5)), p95Ms: ms(percentileSorted(sorted, 0.95)), errorCount: e.errors, ...(name === service ? { operations: [...e.ops].sort() } : {}) });
    }
    const problems: string[] = [];
    await Promise.all(ctx.sources.backends.map(async (b, i) => {
      const id = ctx.sources.backendId(i);
      if (source && source !== id) return;
      try {
        for (const name of await b.services(signal)) {
          const row: Row = { service: name, source: id };
          if (name === service) row.operations = (await b.operations(name, signal)).slice().sort();
          rows.push(row);
        }
      } catch (e) { problems.push(backendProblem(e)); }
    }));
    rows.sort((x, y) => (x.service < y.service ? -1 : x.service > y.service ? 1 : x.source < y.source ? -1 : 1));
    const extra = problems.length ? { problems: problems.sort() } : {};
    return fitList(n => ({ services: rows.slice(0, n), ...extra }), rows.length, ctx.maxChars, 'pass source= to list one source\'s services').text;
  },
};

const searchTraces: ToolDef = {
  name: 'search_traces',
  title: 'Search traces',
  description: 'Find traces by service, operation, attributes, duration range, errors and time range, in every source (or one). Returns trace IDs with root span, duration and span/error counts, slowest first for local traces.',
  shape: {
    source: sourceArg,
    service: z.string().max(500).optional(),
    operation: z.string().max(1000).optional().describe('Span name'),
    attributes: z.record(z.string().max(200), z.string().max(1000)).optional().describe('Attribute filters: key → exact value (string form)'),
    minDurationMs: z.number().min(0).optional(),
    maxDurationMs: z.number().min(0).optional(),
    errorsOnly: z.boolean().optional(),
    startTime: z.string().max(64).optional().describe('ISO 8601; default for backends: an hour ago'),
    endTime: z.string().max(64).optional().describe('ISO 8601; default now'),
    limit: limitArg(20, 200),
  },
  remote: true,
  async run(args, ctx, signal) {
    const source = args.source as string | undefined;
    ctx.sources.checkSource(source);
    const q = args as { service?: string; operation?: string; attributes?: Record<string, string>; minDurationMs?: number; maxDurationMs?: number; errorsOnly?: boolean; startTime?: string; endTime?: string; limit?: number };
    const limit = q.limit ?? 20;
    const date = (s: string | undefined, name: string): Date | undefined => {
      if (s === undefined) return undefined;
      const d = new Date(s);
      if (Number.isNaN(d.getTime())) throw new ToolInputError(`${name}: "${clip(s, 64)}" is not an ISO 8601 time`);
      return d;
    };
    const start = date(q.startTime, 'startTime'), end = date(q.endTime, 'endTime');
    if (start && end && start > end) throw new ToolInputError('startTime is after endTime');
    if (q.minDurationMs !== undefined && q.maxDurationMs !== undefined && q.minDurationMs > q.maxDurationMs) throw new ToolInputError('minDurationMs is larger than maxDurationMs');
    type Row = { traceId: string; source: string; rootService?: string; rootName?: string; startTime?: string; durationMs?: number; spanCount?: number; errorCount?: number };
    const rows: Row[] = [];
    const filtering = q.service !== undefined || q.operation !== undefined || q.attributes !== undefined;
    for (const t of ctx.sources.localTraces(source)) {
      const s = localSummary(t);
      if (q.minDurationMs !== undefined && s.durationMs < q.minDurationMs) continue;
      if (q.maxDurationMs !== undefined && s.durationMs > q.maxDurationMs) continue;
      if (q.errorsOnly && s.errorCount === 0) continue;
      const startMs = t.trace.spans.length ? Number(t.analysis().tree.startNs / 1_000_000n) : 0;
      if (start && startMs < start.getTime()) continue;
      if (end && startMs > end.getTime()) continue;
      if (filtering && !t.trace.spans.some(sp => spanMatches(sp, q))) continue;
      const { services: _s, ...row } = s;
      rows.push(row);
    }
    const problems: string[] = [];
    await Promise.all(ctx.sources.backends.map(async (b, i) => {
      const id = ctx.sources.backendId(i);
      if (source && source !== id) return;
      const tags: Record<string, string> = { ...(q.attributes ?? {}) };
      if (q.errorsOnly && b.config.type !== 'tempo') tags.error = 'true';
      const query: TraceSearchQuery = {
        ...(q.service ? { service: q.service } : {}),
        ...(q.operation ? { operation: q.operation } : {}),
        ...(Object.keys(tags).length ? { tags } : {}),
        ...(q.minDurationMs !== undefined ? { minDurationMs: q.minDurationMs } : {}),
        ...(q.maxDurationMs !== undefined ? { maxDurationMs: q.maxDurationMs } : {}),
        ...(start ? { start } : {}),
        ...(end ? { end } : {}),
        ...(q.errorsOnly && b.config.type === 'tempo' ? { traceql: `{ status = error${q.service ? ` && resource.service.name = ${JSON.stringify(q.service)}` : ''} }` } : {}),
        limit,
      };
      if (b.config.type === 'jaeger' && !query.service) { problems.push(`${b.displayName}: Jaeger needs service= to search`); return; }
      try {
        for (const r of await b.search(query, signal)) {
          if (q.errorsOnly && r.errorCount === 0) continue;
          rows.push({
            traceId: r.traceId, source: id,
            ...(r.rootService ? { rootService: r.rootService } : {}), ...(r.rootName ? { rootName: r.rootName } : {}),
            ...(r.startNs !== undefined ? { startTime: isoOf(r.startNs) } : {}),
            ...(r.durationMs !== undefined ? { durationMs: Math.round(r.durationMs * 1000) / 1000 } : {}),
            ...(r.spanCount !== undefined ? { spanCount: r.spanCount } : {}),
            ...(r.errorCount !== undefined ? { errorCount: r.errorCount } : {}),
          });
        }
      } catch (e) { problems.push(backendProblem(e)); }
    }));
    // slowest first, then by ID: the same question gets the same answer
    rows.sort((x, y) => (y.durationMs ?? -1) - (x.durationMs ?? -1) || (x.traceId < y.traceId ? -1 : x.traceId > y.traceId ? 1 : x.source < y.source ? -1 : 1));
    const shown = rows.slice(0, limit);
    const more = rows.length > limit ? { moreMatches: rows.length - limit } : {};
    const extra = problems.length ? { problems: problems.sort() } : {};
    return fitList(n => ({ traces: shown.slice(0, n), ...more, ...extra }), shown.length, ctx.maxChars, 'lower limit or add service/operation/duration filters').text;
  },
};

/** Critical path merged per span (a span may own several sections), in time order. */
function criticalRows(t: LoadedTrace): Array<{ i: number; onPathNs: number; firstNs: number }> {
  const a = t.analysis();
  const by = new Map<number, { i: number; onPathNs: number; firstNs: number }>();
  for (const sec of a.criticalSections ?? []) {
    const e = by.get(sec.spanIndex);
    if (e) { e.onPathNs += sec.endNs - sec.startNs; e.firstNs = Math.min(e.firstNs, sec.startNs); } else by.set(sec.spanIndex, { i: sec.spanIndex, onPathNs: sec.endNs - sec.startNs, firstNs: sec.startNs });
  }
  return [...by.values()].sort((x, y) => x.firstNs - y.firstNs || x.i - y.i);
}

const getTraceSummary = traceTool({
  name: 'get_trace_summary',
  title: 'Summarize a trace',
  description: 'One trace at a glance: span/service/error counts, duration, per-service time, findings, and the top of the critical path (the spans that decided the latency).',
  run({ t, a }, ctx) {
    const top = criticalRows(t).sort((x, y) => y.onPathNs - x.onPathNs || x.i - y.i);
    const byKind: Record<string, number> = {};
    for (const f of a.findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
    const root = a.tree.roots[0];
    const base = {
      ...traceHeader(t),
      ...(root !== undefined ? { rootSpan: { ...spanRef(t, root), durationMs: ms(t.trace.spans[root]!.durationNs) } } : {}),
      startTime: t.trace.spans.length ? isoOf(a.tree.startNs) : '',
      durationMs: ms(a.tree.durationNs),
      spanCount: t.trace.spans.length,
      serviceCount: a.services.length,
      errorCount: a.errorCount,
      errorOriginCount: a.errorOrigins.length,
      maxDepth: a.maxDepth,
      findingCounts: byKind,
    };
    const services = a.services.slice(0, 15).map(s => ({ service: s.service, spanCount: s.count, selfTimeMs: ms(s.selfTotalNs), p95Ms: ms(s.p95Ns), errorCount: s.errors }));
    const findings = a.findings.slice(0, 10).map(f => ({ kind: f.kind, ...spanRef(t, f.spanIndex), message: clip(f.message, 300) }));
    const crit = top.slice(0, 10).map(r => ({ ...spanRef(t, r.i), onCriticalPathMs: ms(r.onPathNs), selfTimeMs: ms(a.selfTimeNs[r.i]!) }));
    const parts = { services, topCriticalPath: crit, findings };
    // shrink each list alike when the whole does not fit
    const maxLen = Math.max(services.length, crit.length, findings.length);
    return fitList(n => ({ ...base, services: parts.services.slice(0, n), topCriticalPath: parts.topCriticalPath.slice(0, n), findings: parts.findings.slice(0, n), ...(a.services.length > 15 ? { moreServices: a.services.length - 15 } : {}), ...(a.findings.length > 10 ? { moreFindings: a.findings.length - 10 } : {}) }), maxLen, ctx.maxChars, 'get_findings, get_critical_path and get_services give the full lists').text;
  },
});

const getTraceTopology = traceTool({
  name: 'get_trace_topology',
  title: 'Trace call tree',
  description: 'The call tree of a trace without attributes: spans in depth-first order with depth, parent, duration and error flag. Limited by depth and size; siblings beyond maxChildren are summarised per (service, name).',
  shape: {
    rootSpanId: z.string().max(100).optional().describe('Start at this span instead of the trace roots'),
    maxDepth: z.number().int().min(1).max(100).optional().describe('Levels below the start (default 6)'),
    maxChildren: z.number().int().min(1).max(1000).optional().describe('Children shown per span before the rest are summarised (default 10)'),
  },
  limit: [150, 5000],
  run({ t, a, limit, args }, ctx) {
    const maxDepth = (args.maxDepth as number | undefined) ?? 6;
    const maxChildren = (args.maxChildren as number | undefined) ?? 10;
    const starts = args.rootSpanId ? spanIndices(t, [args.rootSpanId as string]) : [...a.tree.roots];
    type Node = Record<string, unknown>;
    const nodes: Node[] = [];
    let omitted = 0;
    const stack: Array<[number, number]> = [];
    for (let k = starts.length - 1; k >= 0; k--) stack.push([starts[k]!, 0]);
    while (stack.length) {
      const [i, d] = stack.pop()!;
      if (nodes.length >= limit) { omitted++; continue; }
      const s = t.trace.spans[i]!;
      const kids = a.tree.children[i]!;
      const p = a.tree.parent[i]!;
      const node: Node = { spanId: s.spanId, depth: d, ...(p >= 0 ? { parentSpanId: t.trace.spans[p]!.spanId } : {}), service: s.resource.serviceName, name: s.name, kind: s.kind, durationMs: ms(s.durationNs), ...(isError(a, i) ? { error: true } : {}), ...(a.tree.flags[i]! & SpanFlag.Critical ? { critical: true } : {}), childCount: kids.length };
      nodes.push(node);
      if (kids.length === 0) continue;
      if (d + 1 > maxDepth) { node.childrenHidden = 'maxDepth'; continue; }
      const shown = kids.slice(0, maxChildren);
      if (kids.length > maxChildren) {
        const groups = new Map<string, { service: string; name: string; count: number; totalNs: number; errors: number }>();
        for (const c of kids.slice(maxChildren)) {
          const cs = t.trace.spans[c]!;
          const key = cs.resource.serviceName + '\0' + cs.name;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { service: cs.resource.serviceName, name: cs.name, count: 0, totalNs: 0, errors: 0 }));
          g.count++; g.totalNs += cs.durationNs; if (isError(a, c)) g.errors++;
        }
        node.moreChildren = [...groups.values()].sort((x, y) => y.count - x.count || (x.name < y.name ? -1 : 1)).slice(0, 10)
          .map(g => ({ service: g.service, name: g.name, count: g.count, totalMs: ms(g.totalNs), errorCount: g.errors }));
      }
      for (let k = shown.length - 1; k >= 0; k--) stack.push([shown[k]!, d + 1]);
    }
    const head = { ...traceHeader(t), spanCount: t.trace.spans.length, maxDepth: a.maxDepth };
    const limited = omitted ? { omittedByLimit: omitted } : {};
    return fitList(n => ({ ...head, spans: nodes.slice(0, n), ...limited }), nodes.length, ctx.maxChars, 'lower maxDepth/maxChildren, or pass rootSpanId= to look at one subtree').text;
  },
});

const getCriticalPath = traceTool({
  name: 'get_critical_path',
  title: 'Critical path',
  description: 'The spans that decided the trace\'s end-to-end latency, in time order, with the time each held the critical path and its self time (duration not covered by children).',
  limit: [50, 1000],
  run({ t, a, limit }, ctx) {
    let rows = criticalRows(t);
    const total = rows.length;
    // keep the biggest contributors when the path is longer than the limit, shown in time order
    if (rows.length > limit) {
      const keep = new Set([...rows].sort((x, y) => y.onPathNs - x.onPathNs || x.i - y.i).slice(0, limit).map(r => r.i));
      rows = rows.filter(r => keep.has(r.i));
    }
    const out = rows.map(r => ({ ...spanRef(t, r.i), startOffsetMs: ms(r.firstNs), onCriticalPathMs: ms(r.onPathNs), selfTimeMs: ms(a.selfTimeNs[r.i]!), durationMs: ms(t.trace.spans[r.i]!.durationNs), ...(isError(a, r.i) ? { error: true } : {}) }));
    const head = { ...traceHeader(t), durationMs: ms(a.tree.durationNs), criticalPathSpanCount: total, ...(total > rows.length ? { note: `the ${rows.length} spans holding the path longest, of ${total}` } : {}) };
    return fitList(n => ({ ...head, sections: out.slice(0, n) }), out.length, ctx.maxChars, 'lower limit to keep only the spans that held the path longest').text;
  },
});

const getSpanDetails = traceTool({
  name: 'get_span_details',
  title: 'Span details',
  description: 'Everything about up to 20 spans: attributes, resource attributes, events (exceptions with stack traces), links, status, timing and the recorded code location.',
  shape: { spanIds: z.array(z.string().max(200)).min(1).max(20).describe('1 to 20 span IDs (16 hex digits)') },
  run({ t, a, args }, ctx) {
    const idx = spanIndices(t, args.spanIds as string[]);
    // values are clipped so that one huge attribute (a SQL dump, a payload) cannot crowd out the other spans
    const detail = (i: number, maxValue: number, maxEvents: number) => {
      const s = t.trace.spans[i]!;
      const p = a.tree.parent[i]!;
      return {
        spanId: s.spanId, ...(s.parentId ? { parentSpanId: s.parentId } : {}), ...(p < 0 && s.parentId ? { parentMissing: true } : {}),
        service: s.resource.serviceName, name: s.name, kind: s.kind,
        status: { code: s.status.code, ...(s.status.message ? { message: clip(s.status.message, maxValue) } : {}) },
        startTime: isoOf(s.startNs), startOffsetMs: ms(a.tree.relStartNs[i]!), durationMs: ms(s.durationNs), selfTimeMs: ms(a.selfTimeNs[i]!),
        childCount: a.tree.children[i]!.length,
        ...(s.scope ? { scope: s.scope.version ? `${s.scope.name}@${s.scope.version}` : s.scope.name } : {}),
        attributes: attrsJson(s.attributes, maxValue),
        resourceAttributes: attrsJson(s.resource.attributes, maxValue),
        events: s.events.slice(0, maxEvents).map(e => ({ name: e.name, offsetMs: ms(Number(e.timeNs - s.startNs)), attributes: attrsJson(e.attributes, maxValue) })),
        ...(s.events.length > maxEvents ? { moreEvents: s.events.length - maxEvents } : {}),
        links: s.links.slice(0, 20).map(l => ({ traceId: l.traceId, spanId: l.spanId, type: l.type })),
        ...(a.codeLocations[i] ? { codeLocation: locJson(a.codeLocations[i]) } : {}),
        ...(s.warnings?.length ? { warnings: s.warnings.slice(0, 5) } : {}),
      };
    };
    // first clip values harder, then drop spans from the end
    for (const [maxValue, maxEvents] of [[2000, 50], [500, 20], [200, 5]] as const) {
      const spans = idx.map(i => detail(i, maxValue, maxEvents));
      const text = JSON.stringify({ ...traceHeader(t), spans });
      if (text.length <= ctx.maxChars) return text;
    }
    const spans = idx.map(i => detail(i, 200, 5));
    return fitList(n => ({ ...traceHeader(t), spans: spans.slice(0, n) }), spans.length, ctx.maxChars, 'ask for fewer spans at once').text;
  },
});

const getTraceErrors = traceTool({
  name: 'get_trace_errors',
  title: 'Trace errors',
  description: 'Where errors started in a trace (spans in error that no failing child explains), with status message, exception type/message and the top of the stack trace; plus how many spans failed only because of them.',
  limit: [20, 500],
  run({ t, a, limit }, ctx) {
    const origins = a.errorOrigins.slice(0, limit).map(i => {
      const s = t.trace.spans[i]!;
      const ex = s.events.find(e => e.name === 'exception');
      const get = (k: string) => { const v = ex?.attributes.find(x => x.key === k)?.value; return typeof v === 'string' ? v : undefined; };
      const stack = get('exception.stacktrace');
      // how many ancestors failed because of this one
      let propagatedTo = 0;
      for (let p = a.tree.parent[i]!; p >= 0 && isError(a, p); p = a.tree.parent[p]!) propagatedTo++;
      return {
        ...spanRef(t, i), durationMs: ms(s.durationNs),
        ...(s.status.message ? { statusMessage: clip(s.status.message, 500) } : {}),
        ...(ex ? { exception: { ...(get('exception.type') ? { type: get('exception.type') } : {}), ...(get('exception.message') ? { message: clip(get('exception.message')!, 500) } : {}), ...(stack ? { stackTop: stack.split('\n').slice(0, 8).join('\n') } : {}) } } : {}),
        ...(a.codeLocations[i] ? { codeLocation: locJson(a.codeLocations[i]) } : {}),
        propagatedToAncestors: propagatedTo,
      };
    });
    const head = { ...traceHeader(t), errorCount: a.errorCount, errorOriginCount: a.errorOrigins.length, propagatedErrorCount: a.propagatedErrors.length };
    return fitList(n => ({ ...head, errorOrigins: origins.slice(0, n) }), origins.length, ctx.maxChars, 'lower limit, then get_span_details for the spans you care about').text;
  },
});

const getFindings = traceTool({
  name: 'get_findings',
  title: 'Trace findings',
  description: 'Problems Spanscope found in a trace: N+1 calls, sequential calls that could run in parallel, where errors started, broken context propagation (orphans, client without server), duplicate span IDs, clock skew. Each with the span, time involved and code location when known.',
  shape: {
    kinds: z.array(z.enum(['orphan', 'client-without-server', 'multiple-roots', 'n-plus-one', 'sequential-chain', 'error-origin', 'duplicate-span-id', 'clock-skew'])).max(8).optional(),
  },
  limit: [30, 1000],
  run({ t, a, limit, args }, ctx) {
    const kinds = args.kinds as string[] | undefined;
    const all = a.findings.filter(f => !kinds || kinds.includes(f.kind));
    // the most time first: that is what the assistant should look at first
    const sorted = all.map((f, k) => ({ f, k })).sort((x, y) => (y.f.totalNs ?? 0) - (x.f.totalNs ?? 0) || x.k - y.k).slice(0, limit);
    const rows = sorted.map(({ f }) => ({
      kind: f.kind, ...spanRef(t, f.spanIndex), message: clip(f.message, 400),
      ...(f.totalNs !== undefined ? { totalMs: ms(f.totalNs) } : {}),
      relatedSpanCount: f.relatedSpanIndices.length,
      relatedSpanIds: f.relatedSpanIndices.slice(0, 5).map(i => t.trace.spans[i]!.spanId),
      ...(f.codeLocation ? { codeLocation: locJson(f.codeLocation) } : {}),
    }));
    const head = { ...traceHeader(t), findingCount: all.length, ...(all.length > limit ? { moreFindings: all.length - limit } : {}) };
    return fitList(n => ({ ...head, findings: rows.slice(0, n) }), rows.length, ctx.maxChars, 'pass kinds= or a lower limit').text;
  },
});

const getCodeLocations = traceTool({
  name: 'get_code_locations',
  title: 'Code locations of spans',
  description: 'Which source file and line produced each span: the location the span records, and (with a workspace) where the mapping engine places it in the workspace (from code.* attributes, stack traces, or the route, SQL or span name found in the code), with confidence (exact/high/low/none), the reason and alternatives. Without spanIds: the spans with a recorded location, most self time first.',
  shape: { spanIds: z.array(z.string().max(200)).max(100).optional() },
  limit: [30, 500],
  async run({ t, a, limit, args }, ctx, signal) {
    let idx: number[];
    if (args.spanIds) idx = spanIndices(t, args.spanIds as string[]);
    else {
      idx = [];
      for (let i = 0; i < t.trace.spans.length; i++) if (a.codeLocations[i]) idx.push(i);
      idx.sort((x, y) => a.selfTimeNs[y]! - a.selfTimeNs[x]! || x - y);
    }
    const total = idx.length;
    const chosen = idx.slice(0, limit);
    // the mapping engine also places spans that record no location (route, SQL, span name found in the code)
    const mapped = ctx.workspace ? await ctx.workspace.map(chosen.map(i => t.trace.spans[i]!), signal) : undefined;
    const rows = chosen.map((i, k) => {
      const loc = a.codeLocations[i];
      const where = mapped ? mapped[k]! : { confidence: 'none', reason: loc ? 'no workspace to map to (start the server with --workspace DIR): only the recorded location is known' : 'the span records no code location and no workspace was given to search' };
      return { ...spanRef(t, i), selfTimeMs: ms(a.selfTimeNs[i]!), ...(loc ? { recorded: locJson(loc) } : {}), workspace: where };
    });
    const head = { ...traceHeader(t), spansWithLocation: a.codeLocations.filter(Boolean).length, ...(total > limit ? { more: total - limit } : {}) };
    return fitList(n => ({ ...head, spans: rows.slice(0, n) }), rows.length, ctx.maxChars, 'pass spanIds= or a lower limit').text;
  },
});

const getLatencyForCode: ToolDef = {
  name: 'get_latency_for_code',
  title: 'Latency of code',
  description: 'p50/p95/max, count and errors of the spans produced by a file (optionally a line range) or a function, over the traces at hand (files and receiver; plus traceIds= fetched from backends).',
  shape: {
    file: z.string().max(1000).optional().describe('Path or its end, e.g. "src/cart/service.ts"'),
    startLine: z.number().int().min(1).optional(),
    endLine: z.number().int().min(1).optional(),
    function: z.string().max(500).optional().describe('Function name (code.function), with or without namespace'),
    traceIds: z.array(z.string().max(4096)).max(50).optional().describe('Also these traces (any ID form)'),
    source: sourceArg,
    limit: limitArg(30, 500),
  },
  remote: true,
  async run(args, ctx, signal) {
    const file = (args.file as string | undefined)?.trim().replace(/\\/g, '/');
    const fn = (args.function as string | undefined)?.trim();
    const from = args.startLine as number | undefined, to = args.endLine as number | undefined;
    if (!file && !fn) throw new ToolInputError('give file= (optionally with startLine/endLine) or function=');
    if (from !== undefined && to !== undefined && from > to) throw new ToolInputError('startLine is after endLine');
    const traces = new Map<string, LoadedTrace>();
    for (const t of ctx.sources.localTraces(args.source as string | undefined)) traces.set(t.trace.traceId, t);
    for (const id of (args.traceIds as string[] | undefined) ?? []) {
      const t = await ctx.sources.getTrace(id, args.source as string | undefined, signal);
      traces.set(t.trace.traceId, t);
    }
    const fileMatches = (l: CodeLocation): boolean => {
      if (!file) return true;
      if (!l.filePath) return false;
      const p = l.filePath.replace(/\\/g, '/');
      // the recorded path usually is absolute where the app ran (/app/src/x.ts) and the question workspace-relative
      return p === file || p.endsWith('/' + file.replace(/^\.?\//, '')) || file.endsWith('/' + p);
    };
    const durs: number[] = [];
    let errors = 0;
    const traceSet = new Set<string>();
    const byLine = new Map<string, { count: number; totalNs: number }>();
    const slowest: Array<{ traceId: string; spanId: string; service: string; name: string; durationMs: number; durationNs: number }> = [];
    for (const id of [...traces.keys()].sort()) {
      const t = traces.get(id)!;
      const a = t.analysis();
      for (let i = 0; i < t.trace.spans.length; i++) {
        const l = a.codeLocations[i];
        if (!l) continue;
        if (fn && !(l.function === fn || `${l.namespace ?? ''}.${l.function ?? ''}` === fn || (l.function && fn.endsWith('.' + l.function) && (!l.namespace || fn.startsWith(l.namespace))))) continue;
        if (!fileMatches(l)) continue;
        if ((from !== undefined || to !== undefined) && (l.line === undefined || (from !== undefined && l.line < from) || (to !== undefined && l.line > to))) continue;
        const s = t.trace.spans[i]!;
        durs.push(s.durationNs);
        if (isError(a, i)) errors++;
        traceSet.add(id);
        const key = `${l.filePath ?? ''}:${l.line ?? ''}`;
        const e = byLine.get(key) ?? { count: 0, totalNs: 0 };
        e.count++; e.totalNs += s.durationNs; byLine.set(key, e);
        slowest.push({ traceId: id, spanId: s.spanId, service: s.resource.serviceName, name: s.name, durationMs: ms(s.durationNs), durationNs: s.durationNs });
      }
    }
    const sorted = Float64Array.from(durs).sort();
    slowest.sort((x, y) => y.durationNs - x.durationNs || (x.traceId + x.spanId < y.traceId + y.spanId ? -1 : 1));
    const locations = [...byLine.entries()].sort((x, y) => y[1].totalNs - x[1].totalNs || (x[0] < y[0] ? -1 : 1)).map(([k, v]) => ({ location: k, count: v.count, totalMs: ms(v.totalNs) }));
    const head = {
      query: { ...(file ? { file } : {}), ...(from ? { startLine: from } : {}), ...(to ? { endLine: to } : {}), ...(fn ? { function: fn } : {}) },
      tracesSearched: traces.size, traceCount: traceSet.size, spanCount: durs.length, errorCount: errors,
      ...(durs.length ? { p50Ms: ms(percentileSorted(sorted, 0.5)), p95Ms: ms(percentileSorted(sorted, 0.95)), maxMs: ms(sorted[sorted.length - 1]!) } : { note: 'no span of the traces at hand records this code location; check get_code_locations for the paths spans record' }),
    };
    const slow = slowest.slice(0, 10).map(({ durationNs: _d, ...r }) => r);
    const limit = limitOf(args, 30);
    const shown = locations.slice(0, limit);
    const more = locations.length > limit ? { moreLocations: locations.length - limit } : {};
    return fitList(n => ({ ...head, locations: shown.slice(0, n), ...more, slowestSpans: slow }), shown.length, ctx.maxChars, 'narrow the file or line range').text;
  },
};

const compareTracesTool: ToolDef = {
  name: 'compare_traces',
  title: 'Compare two traces',
  description: 'A vs B (e.g. a fast and a slow request of the same endpoint): spans are matched by their path of service and operation; answers what got slower or faster, where (self-time change), and which spans were added or removed.',
  shape: { traceIdA: traceIdArg, traceIdB: traceIdArg, source: sourceArg, limit: limitArg(15, 200) },
  remote: true,
  async run(args, ctx, signal) {
    const source = args.source as string | undefined;
    const [ta, tb] = await Promise.all([ctx.sources.getTrace(args.traceIdA as string, source, signal), ctx.sources.getTrace(args.traceIdB as string, source, signal)]);
    const limit = limitOf(args, 15);
    const d = compareTraces(tableFromAnalysis(ta.analysis()), tableFromAnalysis(tb.analysis()), { summaryLimit: limit });
    const item = (r: (typeof d.regressions)[number]) => {
      const row = d.rows[r.row]!;
      return { service: r.service, name: r.name, status: r.status, deltaMs: ms(r.deltaNs), selfDeltaMs: ms(r.selfDeltaNs), aMs: ms(row.aNs), bMs: ms(row.bNs), ...(row.a >= 0 ? { aSpanId: ta.trace.spans[row.a]!.spanId } : {}), ...(row.b >= 0 ? { bSpanId: tb.trace.spans[row.b]!.spanId } : {}), ...(row.aError !== row.bError ? { errorChanged: `${row.aError ? 'error' : 'ok'} → ${row.bError ? 'error' : 'ok'}` } : {}) };
    };
    const regressions = d.regressions.map(item), improvements = d.improvements.map(item);
    const head = {
      a: { traceId: d.aTraceId, source: ta.source, durationMs: ms(d.aDurationNs), spanCount: ta.trace.spans.length },
      b: { traceId: d.bTraceId, source: tb.source, durationMs: ms(d.bDurationNs), spanCount: tb.trace.spans.length },
      deltaMs: ms(d.bDurationNs - d.aDurationNs), counts: d.counts,
      summary: `B took ${formatDuration(d.bDurationNs)} vs ${formatDuration(d.aDurationNs)} for A`,
    };
    return fitList(n => ({ ...head, slower: regressions.slice(0, n), faster: improvements.slice(0, n) }), Math.max(regressions.length, improvements.length), ctx.maxChars, 'lower limit').text;
  },
};

export const TOOLS: readonly ToolDef[] = [
  listSources, getServices, searchTraces, getTraceSummary, getTraceTopology, getCriticalPath, getSpanDetails,
  getTraceErrors, getFindings, getCodeLocations, getLatencyForCode, compareTracesTool,
];

/** The arguments checked against a tool's schema (the MCP SDK does this itself; the editor's tools call this). */
export function parseToolArgs(tool: ToolDef, args: Record<string, unknown>): Record<string, unknown> {
  const parsed = z.object(tool.shape).safeParse(args);
  if (!parsed.success) throw new ToolInputError(`invalid input: ${parsed.error.issues.map(i => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
