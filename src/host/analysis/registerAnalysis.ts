// Commands of the analysis views: Show Service Graph, Compare Traces…, Show Latency Distribution…. Traces come
// from what the host already holds: open traces (compact form), the receiver's Live traces, the recent and pinned
// history (reopened on demand), and the side panel's backend search results (fetched on demand). Each panel keeps
// a recipe (view + trace keys) so that it can be rebuilt after a window reload.
import * as vscode from 'vscode';
import type { Trace } from '../../core/model';
import { shortTraceId } from '../../core/ids';
import { analyzeTrace } from '../../core/analysis/analyze';
import { buildServiceGraph, graphFromDependencies, tableFromAnalysis } from '../../core/analysis/graph';
import type { DependencyLinkLike } from '../../core/analysis/graph';
import type { SpanTable } from '../../core/analysis/graph';
import { compareTraces } from '../../core/analysis/compare';
import { latencyDistribution } from '../../core/analysis/distribution';
import { CompactView } from '../../protocol/compact';
import { tableFromCompact } from '../../protocol/analysis-table';
import { MAX_RECIPE_TRACES } from '../../protocol/version';
import type { AnalysisRecipe, AnalysisRecipeTrace } from '../../protocol/analysis';
import { Commands, registerCommand } from '../commands';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import { describeCompact, parseTraceKey, traceKeyOf } from '../traces/traceService';
import type { OpenOptions, OpenTrace, PreparedTraceLike, TraceHistoryEntry, TraceSource } from '../traces/traceService';
import { BackendError } from '../../backends/http/errors';
import { withBackendProgress, type BackendProgressOptions } from '../backends/backendProgress';
import { AnalysisPanels } from './analysisPanels';
import type { AnalysisContent } from './analysisPanels';

/** The receiver as the analysis commands use it (ReceiverController satisfies it). */
export interface AnalysisReceiver {
  list(): readonly { readonly traceId: string; readonly rootService: string; readonly rootName: string; readonly spanCount: number; readonly durationNs: number }[];
  getTrace(traceId: string): Trace | undefined;
  openTrace(traceId: string, options?: OpenOptions): Promise<unknown>;
  /** Settles once the last session's traces are back (after a window reload). */
  readonly ready?: Promise<unknown>;
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
  readonly config: { readonly name: string; readonly timeoutMs?: number };
  dependencies(end: Date, lookbackMs: number, signal?: AbortSignal): Promise<readonly DependencyLinkLike[]>;
  search(query: { service?: string; operation?: string; limit?: number; start?: Date; end?: Date }, signal?: AbortSignal): Promise<readonly { readonly traceId: string; readonly rootService?: string; readonly rootName?: string; readonly durationMs?: number }[]>;
  getTrace(traceId: string, signal?: AbortSignal): Promise<{ readonly trace: Trace }>;
}
/** One row of the side panel's search results (TraceSearchResult satisfies it). */
export interface AnalysisSearchResult {
  readonly traceId: string;
  readonly rootService: string;
  readonly rootName: string;
  readonly durationNs: number;
}
export interface AnalysisDeps {
  readonly receiver: AnalysisReceiver;
  /** The configured backends (loads the backend clients on first use); absent: none. */
  readonly backends?: () => Promise<readonly AnalysisBackend[]>;
  readonly panels: AnalysisWaterfalls;
  readonly reopen: (entry: TraceHistoryEntry) => Promise<OpenTrace | undefined>;
  /** The side panel's last search: results of one backend (`receiver` for the embedded receiver). */
  readonly searchResults?: () => { readonly backendId: string; readonly items: readonly AnalysisSearchResult[] } | undefined;
  /** A trace of a file, read again without opening it (rebuilding a panel after a reload). */
  readonly prepareFromFile?: (uri: vscode.Uri, traceId: string) => Promise<PreparedTraceLike | undefined>;
  /** Analysis + compact form of a fetched trace, to open it in a waterfall without fetching it again. */
  readonly prepare?: (trace: Trace) => PreparedTraceLike;
  /** The traces of the editor's aggregate mode (Annotate Code With… → aggregate), when it is on. */
  readonly aggregate?: () => { readonly label: string; readonly traces: readonly AggregateTraceLike[] } | undefined;
}
/** One trace of the editor's aggregate: open (by key) or prepared with where it came from. */
export interface AggregateTraceLike {
  readonly traceKey: string;
  readonly prepared?: PreparedTraceLike;
  readonly source?: TraceSource;
}

/** How many Live traces a set takes at most (newest first). */
const MAX_SET = 1000;
/** Backend dependency lists cover this much time. */
const DEPENDENCY_LOOKBACK_MS = 24 * 3600_000;
/** Traces fetched from a backend search for a latency distribution (one request each, 4 at a time). */
const BACKEND_SAMPLE = 100;
const RECEIVER_SOURCE: TraceSource = { kind: 'receiver', label: 'OTLP receiver' };

/** One trace an analysis can read and point into. */
interface TraceRef {
  readonly label: string;
  readonly traceId: string;
  /** The trace key it can be found again by (see `resolveRef`). */
  readonly key: string;
  table(): SpanTable;
  /** Select a span in the waterfall (opening the trace when needed); `filter` then fills its search box. */
  reveal(spanId: string, filter?: string): Promise<unknown>;
}

export class AnalysisCommands extends Disposable {
  readonly views: AnalysisPanels;
  private readonly selection = new Map<string, string>();

  constructor(private readonly host: HostContext, private readonly deps: AnalysisDeps) {
    super();
    const log = host.log;
    this.views = this._register(new AnalysisPanels(host.extension, log, recipe => this.rebuild(recipe)));
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
  private async backendNamed(name: string): Promise<AnalysisBackend> {
    const b = (await this.configuredBackends()).find(x => x.config.name === name);
    if (!b) throw new Error(vscode.l10n.t('The backend {0} is not configured (any more).', name));
    return b;
  }

  private openRef(t: OpenTrace): TraceRef {
    let table: SpanTable | undefined;
    return {
      label: `${t.rootService} ${t.rootName} · ${t.source.label}`.trim(), traceId: t.traceId, key: t.traceKey,
      table: () => (table ??= tableFromCompact(new CompactView(t.compact))),
      reveal: async (spanId, filter) => {
        if (!this.deps.panels.reveal(t.traceKey, spanId)) this.host.traces.open({ summary: t.summary, compact: t.compact }, t.source, { selectSpanId: spanId });
        if (filter !== undefined) this.deps.panels.setFilter(t.traceKey, filter);
      },
    };
  }
  /** A trace prepared but not open (read again from its file, fetched from a backend): opened on reveal. */
  private preparedRef(prepared: PreparedTraceLike, source: TraceSource, label: string): TraceRef {
    const key = traceKeyOf(source, prepared.summary.traceId);
    let table: SpanTable | undefined;
    return {
      label, traceId: prepared.summary.traceId, key,
      table: () => (table ??= tableFromCompact(new CompactView(prepared.compact))),
      reveal: async (spanId, filter) => {
        const open = this.host.traces.get(key);
        if (!open || !this.deps.panels.reveal(key, spanId)) this.host.traces.open(open ?? prepared, source, { selectSpanId: spanId });
        if (filter !== undefined) this.deps.panels.setFilter(key, filter);
      },
    };
  }
  private liveRef(item: { readonly traceId: string; readonly rootService: string; readonly rootName: string }): TraceRef | undefined {
    const trace = this.deps.receiver.getTrace(item.traceId);
    if (!trace) return undefined;
    let table: SpanTable | undefined;
    return {
      label: `${item.rootService} ${item.rootName} · Live`, traceId: item.traceId, key: traceKeyOf(RECEIVER_SOURCE, item.traceId),
      table: () => (table ??= tableFromAnalysis(analyzeTrace(trace))),
      reveal: async (spanId: string, filter?: string) => {
        const opened = await this.deps.receiver.openTrace(item.traceId, { selectSpanId: spanId });
        const key = opened && typeof opened === 'object' ? (opened as { traceKey?: unknown }).traceKey : undefined;
        if (filter !== undefined && typeof key === 'string') this.deps.panels.setFilter(key, filter);
      },
    };
  }
  private liveRefs(): TraceRef[] {
    return this.deps.receiver.list().slice(0, MAX_SET).flatMap(item => this.liveRef(item) ?? []);
  }
  private liveRefById(traceId: string): TraceRef | undefined {
    const item = this.deps.receiver.list().find(i => i.traceId === traceId);
    return this.liveRef(item ?? { traceId, rootService: '', rootName: traceId });
  }
  private openRefs(): TraceRef[] { return this.host.traces.all().map(t => this.openRef(t)); }

  /** Open traces first, then Live ones not open already. */
  private traceSet(): TraceRef[] {
    return withLive(this.openRefs(), this.liveRefs());
  }

  /**
   * A trace of a backend, fetched now with progress and cancellation (a search result, a restored panel's trace).
   * Rejects with CancellationError when cancelled, with the backend's error when it fails.
   */
  private async fetchBackendRef(backendName: string, traceId: string, label?: string, location = vscode.ProgressLocation.Notification): Promise<TraceRef> {
    const b = await this.backendNamed(backendName);
    const source: TraceSource = { kind: 'backend', label: b.displayName, backend: b.config.name };
    const open = this.host.traces.get(traceKeyOf(source, traceId));
    if (open) return this.openRef(open);
    const { trace } = await backendCall(vscode.l10n.t('Fetching trace {0} from {1}…', shortTraceId(traceId), b.displayName), { location, backend: b.displayName, timeoutsMs: [b.config.timeoutMs] },
      signal => b.getTrace(traceId, signal));
    const name = label ?? `${b.displayName} ${traceId}`;
    if (this.deps.prepare) return this.preparedRef(this.deps.prepare(trace), source, name);
    const table = tableFromAnalysis(analyzeTrace(trace));
    return { label: name, traceId: trace.traceId, key: traceKeyOf(source, trace.traceId), table: () => table, reveal: async () => vscode.commands.executeCommand(Commands.openTraceById, { traceId, backend: b.config.name }) };
  }

  /**
   * A trace found again by its key: open, Live, read again from its file, or fetched again from its backend.
   * Undefined (logged) when it is not available any more: a pasted trace, a Live trace the receiver no longer
   * holds, a file that changed, a backend that does not answer.
   */
  private async resolveRef(spec: AnalysisRecipeTrace): Promise<TraceRef | undefined> {
    const open = this.host.traces.get(spec.key);
    if (open) return { ...this.openRef(open), label: spec.label };
    const parsed = parseTraceKey(spec.key);
    if (!parsed) return undefined;
    const { source, traceId } = parsed;
    try {
      switch (source.kind) {
        case 'receiver': {
          await this.deps.receiver.ready;
          const live = this.liveRefById(traceId);
          return live && { ...live, label: spec.label };
        }
        case 'file': {
          if (!source.uri || !this.deps.prepareFromFile) return undefined;
          const prepared = await this.deps.prepareFromFile(vscode.Uri.parse(source.uri), traceId);
          return prepared && this.preparedRef(prepared, source, spec.label);
        }
        case 'backend':
          return source.backend ? await this.fetchBackendRef(source.backend, traceId, spec.label, vscode.ProgressLocation.Window) : undefined;
        default:
          return undefined;
      }
    } catch (e) {
      this.host.log.info(`analysis restore: ${spec.key}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** The traces of a recipe that are still there (and, with `live`, the receiver's Live traces now). */
  private async resolveAll(specs: readonly AnalysisRecipeTrace[], live: boolean): Promise<{ refs: TraceRef[]; missing: AnalysisRecipeTrace[] }> {
    const resolved = await Promise.all(specs.map(s => this.resolveRef(s)));
    const refs = resolved.filter((r): r is TraceRef => r !== undefined);
    const missing = specs.filter((_, k) => resolved[k] === undefined);
    if (!live) return { refs, missing };
    await this.deps.receiver.ready;
    return { refs: withLive(refs, this.liveRefs()), missing };
  }

  // ---- rebuilding a panel after a window reload ----
  async rebuild(recipe: AnalysisRecipe): Promise<AnalysisContent> {
    const again = (command: string) => vscode.l10n.t('Open or receive the traces again, then run {0}.', command);
    switch (recipe.view) {
      case 'graph': {
        if (recipe.backend !== undefined) return this.backendGraphContent(await this.backendNamed(recipe.backend), recipe.scopeLabel);
        const { refs, missing } = await this.resolveAll(recipe.traces, recipe.live);
        if (refs.length === 0) {
          throw new Error(`${recipe.live ? vscode.l10n.t('The receiver holds no Live traces after the window reload, so this service graph cannot be rebuilt.')
            : vscode.l10n.t('The traces of this service graph are no longer available after the window reload ({0}).', labels(missing))} ${again('Show Service Graph')}`);
        }
        const scope = recipe.live && recipe.traces.length === 0 ? vscode.l10n.t('{0} Live traces', refs.length)
          : missing.length ? vscode.l10n.t('{0} ({1} of {2} traces no longer available)', recipe.scopeLabel, missing.length, recipe.traces.length) : recipe.scopeLabel;
        return { ...this.graphContent(refs, scope, recipe.live), recipe };
      }
      case 'compare': {
        const [A, B] = await Promise.all([this.resolveRef(recipe.a), this.resolveRef(recipe.b)]);
        if (!A || !B) {
          const gone = [!A ? `A (${recipe.a.label})` : '', !B ? `B (${recipe.b.label})` : ''].filter(Boolean).join(', ');
          throw new Error(`${vscode.l10n.t('This comparison cannot be rebuilt after the window reload: trace {0} is no longer available.', gone)} ${again('Compare Traces…')}`);
        }
        return this.compareContent(A, B);
      }
      case 'distribution': {
        if (recipe.backend !== undefined) {
          const b = await this.backendNamed(recipe.backend);
          const refs = await this.backendRefs(b, recipe.operation);
          return this.distributionContent(refs, recipe.operation, vscode.l10n.t('{0} traces from {1}', refs.length, b.displayName), b);
        }
        const { refs } = await this.resolveAll(recipe.traces, recipe.live);
        if (refs.length === 0) {
          throw new Error(`${vscode.l10n.t('The traces of this latency distribution are no longer available after the window reload.')} ${again('Show Latency Distribution…')}`);
        }
        return this.distributionContent(refs, recipe.operation, vscode.l10n.t('{0} open and Live traces', refs.length));
      }
    }
  }

  // ---- Show Service Graph ----
  /** `liveSet`: the graph is of the receiver's Live traces (rebuilt from those there are then), not of these traces. */
  private graphContent(refs: TraceRef[], scopeLabel: string, liveSet: boolean): AnalysisContent {
    const tables = refs.map(r => r.table());
    const graph = buildServiceGraph(tables);
    return {
      title: vscode.l10n.t('Service graph'), view: { view: 'graph', graph, scopeLabel },
      handlers: { filterService: service => this.revealService(refs, tables, service) },
      recipe: { v: 1, view: 'graph', traces: liveSet ? [] : refs.slice(0, MAX_RECIPE_TRACES).map(spec), live: liveSet, scopeLabel },
    };
  }
  private async backendGraphContent(backend: AnalysisBackend, scopeLabel: string): Promise<AnalysisContent> {
    const links = await backendCall(vscode.l10n.t('Dependencies from {0}…', backend.displayName), { backend: backend.displayName, timeoutsMs: [backend.config.timeoutMs] },
      signal => backend.dependencies(new Date(), DEPENDENCY_LOOKBACK_MS, signal));
    return {
      title: vscode.l10n.t('Service graph'), view: { view: 'graph', graph: graphFromDependencies(links), scopeLabel },
      handlers: { filterService: service => this.searchBackendForService(backend, service) },
      recipe: { v: 1, view: 'graph', traces: [], live: false, backend: backend.config.name, scopeLabel },
    };
  }

  async showServiceGraph(): Promise<void> {
    const active = this.host.traces.active;
    type Choice = vscode.QuickPickItem & { refs: () => TraceRef[] | Thenable<TraceRef[]>; scope: string; backend?: AnalysisBackend; liveSet?: true };
    const open = this.host.traces.all(), live = this.deps.receiver.list();
    const choices: Choice[] = [];
    if (active) choices.push({ label: vscode.l10n.t('Active trace'), description: `${active.rootService} ${active.rootName}`, refs: () => [this.openRef(active)], scope: vscode.l10n.t('trace {0}', active.traceId) });
    if (open.length > 1) choices.push({ label: vscode.l10n.t('All open traces'), description: String(open.length), refs: () => this.openRefs(), scope: vscode.l10n.t('{0} open traces', open.length) });
    if (live.length) choices.push({ label: vscode.l10n.t('Live traces (receiver)'), description: String(Math.min(live.length, MAX_SET)), refs: () => this.liveRefs(), scope: vscode.l10n.t('{0} Live traces', Math.min(live.length, MAX_SET)), liveSet: true });
    const results = this.deps.searchResults?.();
    if (results && results.items.length > 0) {
      const n = Math.min(results.items.length, BACKEND_SAMPLE);
      choices.push({ label: vscode.l10n.t('Search results (side panel)'), description: String(n), refs: () => this.searchResultRefs(results.backendId, results.items.slice(0, n)), scope: vscode.l10n.t('{0} search results', n) });
    }
    const aggregate = this.deps.aggregate?.();
    if (aggregate && aggregate.traces.length > 0) {
      choices.push({ label: vscode.l10n.t('Traces of the code aggregate'), description: aggregate.label, refs: () => this.aggregateRefs(aggregate.traces), scope: aggregate.label });
    }
    for (const b of await this.configuredBackends()) {
      choices.push({ label: vscode.l10n.t('Dependencies from {0}', b.displayName), description: vscode.l10n.t('last 24 hours'), refs: () => [], scope: vscode.l10n.t('{0}, last 24 hours', b.displayName), backend: b });
    }
    if (choices.length === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('Open a trace or receive some traces first: the service graph is computed from their spans.')); return; }
    const pick = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: vscode.l10n.t('Service graph of…') });
    if (!pick) return;
    this.views.show(pick.backend ? await this.backendGraphContent(pick.backend, pick.scope) : this.graphContent(await pick.refs(), pick.scope, pick.liveSet === true));
  }

  /** The side panel's search results as traces: the receiver's from its store, a backend's fetched (4 at a time). */
  private async searchResultRefs(backendId: string, items: readonly AnalysisSearchResult[]): Promise<TraceRef[]> {
    if (backendId === 'receiver') {
      await this.deps.receiver.ready;
      return items.flatMap(i => this.liveRef(i) ?? []);
    }
    const b = await this.backendNamed(backendId);
    return this.fetchRefs(b, items.map(i => i.traceId), vscode.l10n.t('Fetching {0} traces from {1}…', items.length, b.displayName));
  }

  /** The traces of the editor's aggregate: open ones as they are, the others from their prepared form. */
  private aggregateRefs(traces: readonly AggregateTraceLike[]): TraceRef[] {
    return traces.flatMap(t => {
      const open = this.host.traces.get(t.traceKey);
      if (open) return [this.openRef(open)];
      if (!t.prepared || !t.source) return [];
      const d = describeCompact(t.prepared.compact);
      return [this.preparedRef(t.prepared, t.source, `${d.rootService} ${d.rootName} · ${t.source.label}`.trim())];
    });
  }

  /** A node of a backend's graph: recent traces of the service from that backend, one to open. */
  private async searchBackendForService(backend: AnalysisBackend, service: string): Promise<void> {
    const found = await backendCall(vscode.l10n.t('Recent traces of {0} in {1}…', service, backend.displayName), { backend: backend.displayName, timeoutsMs: [backend.config.timeoutMs] },
      signal => backend.search({ service, limit: 20 }, signal));
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
  /** `exclude`: A, when picking B (not offered again, from any source). */
  private async pickTrace(title: string, exclude?: TraceRef): Promise<TraceRef | undefined> {
    type Item = vscode.QuickPickItem & { ref?: () => Promise<TraceRef | undefined>; byId?: true };
    const items: Item[] = [];
    const seen = new Set<string>(), seenIds = new Set<string>();
    const add = (kind: string, label: string, traceId: string, ref: () => Promise<TraceRef | undefined>, key: string) => {
      if (seen.has(key) || key === exclude?.key || traceId === exclude?.traceId) return;
      seen.add(key);
      seenIds.add(traceId);
      items.push({ label, description: kind, detail: traceId, ref });
    };
    for (const t of this.host.traces.all()) { const r = this.openRef(t); add(vscode.l10n.t('open'), r.label, t.traceId, async () => r, t.traceKey); }
    for (const r of this.liveRefs().slice(0, 200)) add(vscode.l10n.t('Live'), r.label, r.traceId, async () => r, r.key);
    // The side panel's search results: a backend's are fetched when picked (with progress, cancellable).
    const results = this.deps.searchResults?.();
    if (results) {
      const backendId = results.backendId;
      const backendLabel = backendId === 'receiver' ? vscode.l10n.t('receiver') : (await this.configuredBackends()).find(b => b.config.name === backendId)?.displayName ?? backendId;
      for (const r of results.items) {
        if (seenIds.has(r.traceId)) continue; // open or Live already
        const label = `${r.rootService} ${r.rootName} · ${backendLabel}`;
        if (backendId === 'receiver') {
          const live = this.liveRefById(r.traceId);
          if (live) add(vscode.l10n.t('search result'), label, r.traceId, async () => live, live.key);
        } else {
          add(vscode.l10n.t('search result'), label, r.traceId, () => this.fetchBackendRef(backendId, r.traceId, label), traceKeyOf({ kind: 'backend', label: backendLabel, backend: backendId }, r.traceId));
        }
      }
    }
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

  /**
   * A trace given to the command: a trace ID, or the side panel's item it was run on (a search result, a Live
   * trace, a recent or pinned one). Undefined: pick one.
   */
  private async refFromArgument(arg: unknown): Promise<TraceRef | undefined> {
    if (typeof arg === 'string') return this.refById(arg);
    if (!arg || typeof arg !== 'object') return undefined;
    const node = arg as { kind?: unknown; backendId?: unknown; result?: { traceId?: unknown; rootService?: unknown; rootName?: unknown }; traceId?: unknown; entry?: TraceHistoryEntry };
    if (node.kind === 'result' && typeof node.backendId === 'string' && typeof node.result?.traceId === 'string') {
      const traceId = node.result.traceId;
      if (node.backendId === 'receiver') return this.liveRefById(traceId) ?? this.refById(traceId);
      const backend = (await this.configuredBackends()).find(b => b.config.name === node.backendId)?.displayName ?? node.backendId;
      const label = typeof node.result.rootService === 'string' && typeof node.result.rootName === 'string' ? `${node.result.rootService} ${node.result.rootName} · ${backend}` : undefined;
      return this.fetchBackendRef(node.backendId, traceId, label);
    }
    if (node.kind === 'live' && typeof node.traceId === 'string') return this.liveRefById(node.traceId) ?? this.refById(node.traceId);
    if (node.kind === 'history' && node.entry && typeof node.entry.traceKey === 'string') {
      const t = this.host.traces.get(node.entry.traceKey) ?? await this.deps.reopen(node.entry);
      return t ? this.openRef(t) : undefined;
    }
    return undefined;
  }

  private compareContent(A: TraceRef, B: TraceRef): AnalysisContent {
    const tA = A.table(), tB = B.table();
    const diff = compareTraces(tA, tB);
    return {
      title: vscode.l10n.t('Compare {0} ↔ {1}', shortTraceId(A.traceId), shortTraceId(B.traceId)),
      view: { view: 'compare', diff, aLabel: A.label, bLabel: B.label },
      handlers: {
        revealDiffRow: async (row, side) => {
          const r = diff.rows[row];
          if (!r) throw new Error(vscode.l10n.t('No such row.'));
          const index = side === 'a' ? r.a : r.b;
          if (index < 0) throw new Error(vscode.l10n.t('This span is not in trace {0}.', side.toUpperCase()));
          await (side === 'a' ? A : B).reveal((side === 'a' ? tA : tB).spanId(index));
        },
      },
      recipe: { v: 1, view: 'compare', a: spec(A), b: spec(B) },
    };
  }

  async compare(a?: unknown, b?: unknown): Promise<void> {
    const given = await this.refFromArgument(a);
    // Run on a side panel item whose trace is gone: say so. Anything else (an editor title menu's argument): pick A.
    const onItem = !!a && typeof a === 'object' && ['result', 'live', 'history'].includes(String((a as { kind?: unknown }).kind));
    if (onItem && !given) throw new Error(vscode.l10n.t('This trace is not available to compare any more.'));
    const A = given ?? await this.pickTrace(vscode.l10n.t('Compare traces: pick A (the baseline)'));
    if (!A) return;
    const B = typeof b === 'string' ? await this.refById(b) : await this.pickTrace(vscode.l10n.t('Compare traces: pick B (compared with A: {0})', A.label), A);
    if (!B) return;
    this.views.show(this.compareContent(A, B));
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

  private distributionContent(refs: TraceRef[], op: { service: string; name: string }, scope: string, backend?: AnalysisBackend): AnalysisContent {
    const byId = new Map(refs.map(r => [r.traceId, r]));
    const distribution = latencyDistribution(refs.map(r => r.table()), op);
    // Live traces come back as "the Live traces then" (the set is open + Live); the others by their keys.
    const local = refs.filter(r => !r.key.startsWith('receiver:'));
    return {
      title: vscode.l10n.t('Latency: {0}', op.name.slice(0, 60)),
      view: { view: 'distribution', distribution, scopeLabel: scope },
      handlers: {
        openTrace: async (traceId, spanId) => {
          const ref = byId.get(traceId);
          if (ref && spanId && !backend) return ref.reveal(spanId);
          return vscode.commands.executeCommand(Commands.openTraceById, backend ? { traceId, backend: backend.config.name } : traceId);
        },
      },
      recipe: backend ? { v: 1, view: 'distribution', operation: op, traces: [], live: false, backend: backend.config.name }
        : { v: 1, view: 'distribution', operation: op, traces: local.slice(0, MAX_RECIPE_TRACES).map(spec), live: true },
    };
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
    this.views.show(this.distributionContent(refs, op, scope, backend));
  }

  /** Traces of an operation from a backend search (last hour), fetched 4 at a time; failures are skipped and logged. */
  private backendRefs(b: AnalysisBackend, op: { service: string; name: string }): Thenable<TraceRef[]> {
    const end = new Date();
    return this.fetchRefs(b, async signal => (await b.search({ service: op.service, operation: op.name, limit: BACKEND_SAMPLE, start: new Date(end.getTime() - 3600_000), end }, signal)).map(t => t.traceId),
      vscode.l10n.t('Fetching traces of {0} from {1}…', op.name, b.displayName));
  }

  /** Traces of a backend by ID (given, or found by `ids`), fetched 4 at a time; failures are skipped and logged. */
  private fetchRefs(b: AnalysisBackend, ids: readonly string[] | ((signal: AbortSignal) => Promise<readonly string[]>), title: string): Thenable<TraceRef[]> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const signal = abortOf(token);
      const found = typeof ids === 'function' ? await ids(signal) : ids;
      const source: TraceSource = { kind: 'backend', label: b.displayName, backend: b.config.name };
      const out: TraceRef[] = [];
      let next = 0;
      const worker = async () => {
        while (next < found.length && !token.isCancellationRequested) {
          const id = found[next++]!;
          try {
            const { trace } = await b.getTrace(id, signal);
            const table = tableFromAnalysis(analyzeTrace(trace));
            out.push({ label: `${b.displayName} ${id}`, traceId: trace.traceId, key: traceKeyOf(source, trace.traceId), table: () => table, reveal: async () => vscode.commands.executeCommand(Commands.openTraceById, { traceId: id, backend: b.config.name }) });
          } catch (e) {
            this.host.log.warn(`analysis: ${b.displayName} trace ${id}: ${e instanceof Error ? e.message : String(e)}`);
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

/** `refs`, then the Live traces among `live` that are not in them already (by trace ID). */
function withLive(refs: TraceRef[], live: TraceRef[]): TraceRef[] {
  const ids = new Set(refs.map(r => r.traceId));
  return [...refs, ...live.filter(r => !ids.has(r.traceId))];
}

function spec(r: TraceRef): AnalysisRecipeTrace {
  return { key: r.key.slice(0, 2048), label: r.label.slice(0, 1024) };
}

function labels(specs: readonly AnalysisRecipeTrace[]): string {
  const shown = specs.slice(0, 3).map(s => s.label).join(', ');
  return specs.length > 3 ? `${shown}, …` : shown;
}

/** A backend call under a cancellable progress with a deadline; the user's cancel ends quietly (CancellationError). */
async function backendCall<T>(title: string, opts: BackendProgressOptions, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await withBackendProgress(title, opts, signal => task(signal));
  } catch (e) {
    if (e instanceof BackendError && e.kind === 'cancelled') throw new vscode.CancellationError();
    throw e;
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
