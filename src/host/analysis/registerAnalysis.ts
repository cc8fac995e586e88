// Commands of the analysis views: Show Service Graph, Compare Traces…, Show Latency Distribution…. Traces come
// from what the host already holds: open traces (compact form), the receiver's Live traces, and (for Compare)
// the recent and pinned history, reopened on demand.
import * as vscode from 'vscode';
import type { Trace } from '../../core/model';
import { analyzeTrace } from '../../core/analysis/analyze';
import { buildServiceGraph, graphFromDependencies, tableFromAnalysis } from '../../core/analysis/graph';
import type { DependencyLinkLike } from '../../core/analysis/graph';
import type { SpanTable } from '../../core/analysis/graph';
import { compareTraces } from '../../core/analysis/compare';
import { latencyDistribution } from '../../core/analysis/distribution';
import { CompactView } from '../../protocol/compact';
import { tableFromCompact } from '../../protocol/analysis';
import { Commands, registerCommand } from '../commands';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import type { OpenOptions, OpenTrace, TraceHistoryEntry } from '../traces/traceService';
import { AnalysisPanels } from './analysisPanels';

/** The receiver as the analysis commands use it (ReceiverController satisfies it). */
export interface AnalysisReceiver {
  list(): readonly { readonly traceId: string; readonly rootService: string; readonly rootName: string; readonly spanCount: number; readonly durationNs: number }[];
  getTrace(traceId: string): Trace | undefined;
  openTrace(traceId: string, options?: OpenOptions): Promise<unknown>;
}
/** The waterfall panels as the analysis commands use them (WaterfallPanels satisfies it). */
export interface AnalysisWaterfalls {
  reveal(traceKey: string, spanId: string): boolean;
  /** Fill the panel's search box (false when the trace has no panel). */
  setFilter(traceKey: string, text: string): boolean;
  readonly onDidChangeSelection: vscode.Event<{ readonly traceKey: string; readonly spanId: string | null }>;
}
/** A configured backend as the analysis commands use it (src/backends TraceBackend satisfies it). */
export interface AnalysisBackend {
  readonly displayName: string;
  readonly config: { readonly name: string };
  dependencies(end: Date, lookbackMs: number, signal?: AbortSignal): Promise<readonly DependencyLinkLike[]>;
  search(query: { service?: string; operation?: string; limit?: number; start?: Date; end?: Date }, signal?: AbortSignal): Promise<readonly { readonly traceId: string; readonly rootService?: string; readonly rootName?: string; readonly durationMs?: number }[]>;
  getTrace(traceId: string, signal?: AbortSignal): Promise<{ readonly trace: Trace }>;
}
export interface AnalysisDeps {
  readonly receiver: AnalysisReceiver;
  /** The configured backends (loads the backend clients on first use); absent: none. */
  readonly backends?: () => Promise<readonly AnalysisBackend[]>;
  readonly panels: AnalysisWaterfalls;
  readonly reopen: (entry: TraceHistoryEntry) => Promise<OpenTrace | undefined>;
}

/** How many Live traces a set takes at most (newest first). */
const MAX_SET = 1000;
/** Backend dependency lists cover this much time. */
const DEPENDENCY_LOOKBACK_MS = 24 * 3600_000;
/** Traces fetched from a backend search for a latency distribution (one request each, 4 at a time). */
const BACKEND_SAMPLE = 100;

/** One trace an analysis can read and point into. */
interface TraceRef {
  readonly label: string;
  readonly traceId: string;
  table(): SpanTable;
  /** Select a span in the waterfall (opening the trace when needed); `filter` then fills its search box. */
  reveal(spanId: string, filter?: string): Promise<unknown>;
}

export class AnalysisCommands extends Disposable {
  private readonly views: AnalysisPanels;
  private readonly selection = new Map<string, string>();

  constructor(private readonly host: HostContext, private readonly deps: AnalysisDeps) {
    super();
    const log = host.log;
    this.views = this._register(new AnalysisPanels(host.extension, log));
    this._register(deps.panels.onDidChangeSelection(s => { if (s.spanId) this.selection.set(s.traceKey, s.spanId); else this.selection.delete(s.traceKey); }));
    this._register(registerCommand(Commands.showServiceGraph, () => this.showServiceGraph(), log));
    this._register(registerCommand(Commands.compareTraces, (a?: unknown, b?: unknown) => this.compare(a, b), log));
    this._register(registerCommand(Commands.showLatencyDistribution, (op?: unknown) => this.showDistribution(op), log));
  }

  // ---- trace sources ----
  /** The configured backends; none when their clients fail to load (logged: the local traces still work). */
  private async configuredBackends(): Promise<readonly AnalysisBackend[]> {
    try { return (await this.deps.backends?.()) ?? []; } catch (e) {
      this.host.log.warn(`analysis: backends unavailable: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  private openRef(t: OpenTrace): TraceRef {
    let table: SpanTable | undefined;
    return {
      label: `${t.rootService} ${t.rootName} · ${t.source.label}`.trim(), traceId: t.traceId,
      table: () => (table ??= tableFromCompact(new CompactView(t.compact))),
      reveal: async (spanId, filter) => {
        if (!this.deps.panels.reveal(t.traceKey, spanId)) this.host.traces.open({ summary: t.summary, compact: t.compact }, t.source, { selectSpanId: spanId });
        if (filter !== undefined) this.deps.panels.setFilter(t.traceKey, filter);
      },
    };
  }
  private liveRefs(): TraceRef[] {
    return this.deps.receiver.list().slice(0, MAX_SET).flatMap(item => {
      const trace = this.deps.receiver.getTrace(item.traceId);
      if (!trace) return [];
      let table: SpanTable | undefined;
      return [{
        label: `${item.rootService} ${item.rootName} · Live`, traceId: item.traceId,
        table: () => (table ??= tableFromAnalysis(analyzeTrace(trace))),
        reveal: async (spanId: string, filter?: string) => {
          const opened = await this.deps.receiver.openTrace(item.traceId, { selectSpanId: spanId });
          const key = opened && typeof opened === 'object' ? (opened as { traceKey?: unknown }).traceKey : undefined;
          if (filter !== undefined && typeof key === 'string') this.deps.panels.setFilter(key, filter);
        },
      }];
    });
  }
  private openRefs(): TraceRef[] { return this.host.traces.all().map(t => this.openRef(t)); }

  /** Open traces first, then Live ones not open already. */
  private traceSet(): TraceRef[] {
    const open = this.openRefs();
    const ids = new Set(open.map(r => r.traceId));
    return [...open, ...this.liveRefs().filter(r => !ids.has(r.traceId))];
  }

  // ---- Show Service Graph ----
  async showServiceGraph(): Promise<void> {
    const active = this.host.traces.active;
    type Choice = vscode.QuickPickItem & { refs: () => TraceRef[]; scope: string };
    const open = this.host.traces.all(), live = this.deps.receiver.list();
    const choices: Choice[] = [];
    if (active) choices.push({ label: vscode.l10n.t('Active trace'), description: `${active.rootService} ${active.rootName}`, refs: () => [this.openRef(active)], scope: vscode.l10n.t('trace {0}', active.traceId) });
    if (open.length > 1) choices.push({ label: vscode.l10n.t('All open traces'), description: String(open.length), refs: () => this.openRefs(), scope: vscode.l10n.t('{0} open traces', open.length) });
    if (live.length) choices.push({ label: vscode.l10n.t('Live traces (receiver)'), description: String(Math.min(live.length, MAX_SET)), refs: () => this.liveRefs(), scope: vscode.l10n.t('{0} Live traces', Math.min(live.length, MAX_SET)) });
    const backends = await this.configuredBackends();
    const fromBackend = new Map<Choice, AnalysisBackend>();
    for (const b of backends) {
      const c: Choice = { label: vscode.l10n.t('Dependencies from {0}', b.displayName), description: vscode.l10n.t('last 24 hours'), refs: () => [], scope: vscode.l10n.t('{0}, last 24 hours', b.displayName) };
      choices.push(c);
      fromBackend.set(c, b);
    }
    if (choices.length === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('Open a trace or receive some traces first: the service graph is computed from their spans.')); return; }
    const pick = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: vscode.l10n.t('Service graph of…') });
    if (!pick) return;
    const backend = fromBackend.get(pick);
    if (backend) {
      const links = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Dependencies from {0}…', backend.displayName), cancellable: true },
        (_p, token) => backend.dependencies(new Date(), DEPENDENCY_LOOKBACK_MS, abortOf(token)));
      this.views.show(vscode.l10n.t('Service graph'), { view: 'graph', graph: graphFromDependencies(links), scopeLabel: pick.scope }, {
        filterService: service => this.searchBackendForService(backend, service),
      });
      return;
    }
    const refs = pick.refs();
    const tables = refs.map(r => r.table());
    const graph = buildServiceGraph(tables);
    this.views.show(vscode.l10n.t('Service graph'), { view: 'graph', graph, scopeLabel: pick.scope }, {
      filterService: service => this.revealService(refs, tables, service),
    });
  }

  /** A node of a backend's graph: recent traces of the service from that backend, one to open. */
  private async searchBackendForService(backend: AnalysisBackend, service: string): Promise<void> {
    const found = await backend.search({ service, limit: 20 });
    if (found.length === 0) throw new Error(vscode.l10n.t('{0} has no recent traces of {1}.', backend.displayName, service));
    const picked = await vscode.window.showQuickPick(found.map(t => ({ label: `${t.rootService ?? ''} ${t.rootName ?? ''}`.trim() || t.traceId, description: t.durationMs !== undefined ? `${t.durationMs} ms` : '', detail: t.traceId, t })),
      { title: vscode.l10n.t('Recent traces of {0} in {1}', service, backend.displayName), matchOnDetail: true });
    if (picked) await vscode.commands.executeCommand(Commands.openTraceById, { traceId: picked.t.traceId, backend: backend.config.name });
  }

  /**
   * A graph node was activated: filter the waterfall to the service (`service=<name>`) and select its first span;
   * with several traces, ask which trace. A name with spaces cannot be written as a search term: only selected.
   */
  private async revealService(refs: TraceRef[], tables: SpanTable[], service: string): Promise<void> {
    const hits: { ref: TraceRef; spanId: string; count: number }[] = [];
    refs.forEach((ref, k) => {
      const t = tables[k]!;
      let first = -1, count = 0;
      for (let i = 0; i < t.spanCount; i++) if (t.service(i) === service) { count++; if (first < 0 || t.relStartNs(i) < t.relStartNs(first)) first = i; }
      if (first >= 0) hits.push({ ref, spanId: t.spanId(first), count });
    });
    if (hits.length === 0) throw new Error(vscode.l10n.t('No span of {0} in these traces.', service));
    const chosen = hits.length === 1 ? hits[0] : (await vscode.window.showQuickPick(
      hits.map(h => ({ label: h.ref.label, description: vscode.l10n.t('{0} spans of {1}', h.count, service), detail: h.ref.traceId, h })),
      { title: vscode.l10n.t('Traces with {0}', service), matchOnDetail: true }))?.h;
    if (chosen) await chosen.ref.reveal(chosen.spanId, /^[^\s"]+$/.test(service) ? `service=${service}` : undefined);
  }

  // ---- Compare Traces… ----
  private async pickTrace(title: string, exclude?: string): Promise<TraceRef | undefined> {
    type Item = vscode.QuickPickItem & { ref?: () => Promise<TraceRef | undefined>; byId?: true };
    const items: Item[] = [];
    const seen = new Set<string>();
    const add = (kind: string, label: string, detail: string, ref: () => Promise<TraceRef | undefined>, key: string) => {
      if (seen.has(key) || key === exclude) return;
      seen.add(key);
      items.push({ label, description: kind, detail, ref });
    };
    for (const t of this.host.traces.all()) { const r = this.openRef(t); add(vscode.l10n.t('open'), r.label, t.traceId, async () => r, t.traceKey); }
    for (const r of this.liveRefs().slice(0, 200)) add(vscode.l10n.t('Live'), r.label, r.traceId, async () => r, `receiver:receiver#${r.traceId}`);
    const history = [...this.host.traces.pinned().map(e => ['pinned', e] as const), ...this.host.traces.recent().map(e => ['recent', e] as const)];
    for (const [kind, e] of history) {
      add(kind === 'pinned' ? vscode.l10n.t('pinned') : vscode.l10n.t('recent'), `${e.rootService ?? ''} ${e.rootName ?? ''} · ${e.source.label}`.trim(), e.traceId,
        async () => { const t = await this.deps.reopen(e); return t ? this.openRef(t) : undefined; }, e.traceKey);
    }
    items.push({ label: vscode.l10n.t('$(edit) Enter a trace ID…'), byId: true, alwaysShow: true });
    const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
    if (!picked) return undefined;
    if (picked.ref) return picked.ref();
    const id = (await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('Trace ID (open traces and the receiver are searched first, then the backends)'), validateInput: v => (/^[\w-]{1,256}$/.test(v.trim()) ? undefined : vscode.l10n.t('Not a trace ID')) }))?.trim();
    return id ? this.refById(id) : undefined;
  }

  private async refById(id: string): Promise<TraceRef | undefined> {
    const want = id.toLowerCase().replace(/^0+/, '');
    const same = (x: string) => x.toLowerCase().replace(/^0+/, '') === want;
    const open = this.host.traces.all().find(t => same(t.traceId));
    if (open) return this.openRef(open);
    const live = this.liveRefs().find(r => same(r.traceId));
    if (live) return live;
    await vscode.commands.executeCommand(Commands.openTraceById, id);
    const fetched = this.host.traces.all().find(t => same(t.traceId));
    if (!fetched) throw new Error(vscode.l10n.t('Trace {0} was not found.', id));
    return this.openRef(fetched);
  }

  async compare(a?: unknown, b?: unknown): Promise<void> {
    const A = typeof a === 'string' ? await this.refById(a) : await this.pickTrace(vscode.l10n.t('Compare traces: pick A (the baseline)'));
    if (!A) return;
    const B = typeof b === 'string' ? await this.refById(b) : await this.pickTrace(vscode.l10n.t('Compare traces: pick B (compared with A)'));
    if (!B) return;
    const tA = A.table(), tB = B.table();
    const diff = compareTraces(tA, tB);
    this.views.show(vscode.l10n.t('Compare {0} ↔ {1}', A.traceId.slice(0, 8), B.traceId.slice(0, 8)), { view: 'compare', diff, aLabel: A.label, bLabel: B.label }, {
      revealDiffRow: async (row, side) => {
        const r = diff.rows[row];
        if (!r) throw new Error(vscode.l10n.t('No such row.'));
        const index = side === 'a' ? r.a : r.b;
        if (index < 0) throw new Error(vscode.l10n.t('This span is not in trace {0}.', side.toUpperCase()));
        await (side === 'a' ? A : B).reveal((side === 'a' ? tA : tB).spanId(index));
      },
    });
  }

  // ---- Show Latency Distribution… ----
  private async pickOperation(arg: unknown): Promise<{ service: string; name: string } | undefined> {
    if (arg && typeof arg === 'object' && typeof (arg as { service?: unknown }).service === 'string' && typeof (arg as { name?: unknown }).name === 'string') {
      return { service: (arg as { service: string }).service, name: (arg as { name: string }).name };
    }
    // a span reference ({ traceKey?, spanId }) from the Spans view, a hover or the status bar
    if (arg && typeof arg === 'object' && typeof (arg as { spanId?: unknown }).spanId === 'string') {
      const key = (arg as { traceKey?: unknown }).traceKey;
      const t = typeof key === 'string' ? this.host.traces.get(key) : this.host.traces.active;
      if (t) {
        const view = new CompactView(t.compact);
        const i = view.indexOf((arg as { spanId: string }).spanId);
        if (i >= 0) return { service: view.service(i), name: view.name(i) };
      }
    }
    const active = this.host.traces.active;
    if (active) {
      const view = new CompactView(active.compact);
      const sel = this.selection.get(active.traceKey);
      const i = sel ? view.indexOf(sel) : -1;
      if (i >= 0) return { service: view.service(i), name: view.name(i) };
    }
    const ops = new Map<string, { service: string; name: string; count: number }>();
    for (const t of active ? [active] : this.host.traces.all()) for (const o of t.compact.operations) {
      const k = o.service + '\u0000' + o.operation;
      const e = ops.get(k);
      if (e) e.count += o.count; else ops.set(k, { service: o.service, name: o.operation, count: o.count });
    }
    if (ops.size === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('Select a span in a waterfall first: its operation is the one measured.')); return undefined; }
    const picked = await vscode.window.showQuickPick([...ops.values()].sort((x, y) => y.count - x.count).slice(0, 500).map(o => ({ label: o.name, description: o.service, o })),
      { title: vscode.l10n.t('Latency distribution of which operation?'), matchOnDescription: true });
    return picked?.o;
  }

  async showDistribution(arg?: unknown): Promise<void> {
    const op = await this.pickOperation(arg);
    if (!op) return;
    const backends = await this.configuredBackends();
    let refs = this.traceSet();
    let scope = vscode.l10n.t('{0} open and Live traces', refs.length);
    let backend: AnalysisBackend | undefined;
    if (backends.length) {
      type ScopeItem = vscode.QuickPickItem & { b?: AnalysisBackend };
      const local: ScopeItem = { label: vscode.l10n.t('Open and Live traces'), description: String(refs.length) };
      const picked = await vscode.window.showQuickPick<ScopeItem>([local, ...backends.map(b => ({ label: vscode.l10n.t('Search {0}', b.displayName), description: vscode.l10n.t('last hour, up to {0} traces', BACKEND_SAMPLE), b }))],
        { title: vscode.l10n.t('Latency of {0} across…', op.name) });
      if (!picked) return;
      if (picked.b) {
        backend = picked.b;
        refs = await this.backendRefs(picked.b, op);
        scope = vscode.l10n.t('{0} traces from {1}', refs.length, picked.b.displayName);
      }
    }
    const byId = new Map(refs.map(r => [r.traceId, r]));
    const distribution = latencyDistribution(refs.map(r => r.table()), op);
    this.views.show(vscode.l10n.t('Latency: {0}', op.name.slice(0, 60)), { view: 'distribution', distribution, scopeLabel: scope }, {
      openTrace: async (traceId, spanId) => {
        const ref = byId.get(traceId);
        if (ref && spanId && !backend) return ref.reveal(spanId);
        return vscode.commands.executeCommand(Commands.openTraceById, backend ? { traceId, backend: backend.config.name } : traceId);
      },
    });
  }

  /** Traces of an operation from a backend search (last hour), fetched 4 at a time; failures are skipped and logged. */
  private backendRefs(b: AnalysisBackend, op: { service: string; name: string }): Thenable<TraceRef[]> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fetching traces of {0} from {1}…', op.name, b.displayName), cancellable: true }, async (progress, token) => {
      const signal = abortOf(token);
      const end = new Date();
      const found = await b.search({ service: op.service, operation: op.name, limit: BACKEND_SAMPLE, start: new Date(end.getTime() - 3600_000), end }, signal);
      const out: TraceRef[] = [];
      let next = 0;
      const worker = async () => {
        while (next < found.length && !token.isCancellationRequested) {
          const id = found[next++]!.traceId;
          try {
            const { trace } = await b.getTrace(id, signal);
            const table = tableFromAnalysis(analyzeTrace(trace));
            out.push({ label: `${b.displayName} ${id}`, traceId: trace.traceId, table: () => table, reveal: async () => vscode.commands.executeCommand(Commands.openTraceById, { traceId: id, backend: b.config.name }) });
          } catch (e) {
            this.host.log.warn(`latency distribution: ${b.displayName} trace ${id}: ${e instanceof Error ? e.message : String(e)}`);
          }
          progress.report({ message: `${out.length} / ${found.length}` });
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      return out;
    });
  }
}

function abortOf(token: vscode.CancellationToken): AbortSignal {
  const c = new AbortController();
  if (token.isCancellationRequested) c.abort();
  else token.onCancellationRequested(() => c.abort());
  return c.signal;
}

export function registerAnalysis(host: HostContext, deps: AnalysisDeps): AnalysisCommands {
  return new AnalysisCommands(host, deps);
}
