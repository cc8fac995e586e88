// Where the analysis views' traces come from: the sets a command can run on (open traces in compact form, the
// receiver's Live traces, the recent and pinned history reopened on demand, the side panel's search results and
// backend traces fetched on demand, the editor's aggregate), one trace picked or given as a command argument, and a
// panel's recipe entries found again after a window reload. Each trace is a TraceRef: a span table to analyse and a
// way to reveal one of its spans. The commands that turn these sets into views are in registerAnalysis.ts.
import * as vscode from 'vscode';
import type { Trace } from '../../core/model';
import { shortTraceId } from '../../core/ids';
import { analyzeTrace } from '../../core/analysis/analyze';
import { tableFromAnalysis } from '../../core/analysis/graph';
import type { DependencyLinkLike, SpanTable } from '../../core/analysis/graph';
import { CompactView } from '../../protocol/compact';
import { tableFromCompact } from '../../protocol/analysis-table';
import type { AnalysisRecipeTrace } from '../../protocol/analysis';
import { Commands } from '../commands';
import type { HostContext } from '../hostContext';
import { describeCompact, parseTraceKey, traceKeyOf } from '../traces/traceService';
import type { OpenOptions, OpenTrace, PreparedTraceLike, TraceHistoryEntry, TraceSource } from '../traces/traceService';
import { BackendError } from '../../backends/http/errors';
import { withBackendProgress, type BackendProgressOptions } from '../backends/backendProgress';

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
export const MAX_SET = 1000;
/** Traces fetched from a backend search for a latency distribution (one request each, 4 at a time). */
export const BACKEND_SAMPLE = 100;
const RECEIVER_SOURCE: TraceSource = { kind: 'receiver', label: 'OTLP receiver' };

/** One trace an analysis can read and point into. */
export interface TraceRef {
  readonly label: string;
  readonly traceId: string;
  /** The trace key it can be found again by (see `resolveRef`). */
  readonly key: string;
  table(): SpanTable;
  /** Select a span in the waterfall (opening the trace when needed); `filter` then fills its search box. */
  reveal(spanId: string, filter?: string): Promise<unknown>;
}

export class TraceSets {
  constructor(private readonly host: HostContext, private readonly deps: AnalysisDeps) {}

  /** The configured backends; none when their clients fail to load (logged: the local traces still work). */
  async configuredBackends(): Promise<readonly AnalysisBackend[]> {
    try { return (await this.deps.backends?.()) ?? []; } catch (e) {
      this.host.log.warn(`analysis: backends unavailable: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }
  async backendNamed(name: string): Promise<AnalysisBackend> {
    const b = (await this.configuredBackends()).find(x => x.config.name === name);
    if (!b) throw new Error(vscode.l10n.t('The backend {0} is not configured (any more).', name));
    return b;
  }

  openRef(t: OpenTrace): TraceRef {
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
  liveRefs(): TraceRef[] {
    return this.deps.receiver.list().slice(0, MAX_SET).flatMap(item => this.liveRef(item) ?? []);
  }
  private liveRefById(traceId: string): TraceRef | undefined {
    const item = this.deps.receiver.list().find(i => i.traceId === traceId);
    return this.liveRef(item ?? { traceId, rootService: '', rootName: traceId });
  }
  openRefs(): TraceRef[] { return this.host.traces.all().map(t => this.openRef(t)); }

  /** Open traces first, then Live ones not open already. */
  traceSet(): TraceRef[] {
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
  async resolveRef(spec: AnalysisRecipeTrace): Promise<TraceRef | undefined> {
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
  async resolveAll(specs: readonly AnalysisRecipeTrace[], live: boolean): Promise<{ refs: TraceRef[]; missing: AnalysisRecipeTrace[] }> {
    const resolved = await Promise.all(specs.map(s => this.resolveRef(s)));
    const refs = resolved.filter((r): r is TraceRef => r !== undefined);
    const missing = specs.filter((_, k) => resolved[k] === undefined);
    if (!live) return { refs, missing };
    await this.deps.receiver.ready;
    return { refs: withLive(refs, this.liveRefs()), missing };
  }


  /** The side panel's search results as traces: the receiver's from its store, a backend's fetched (4 at a time). */
  async searchResultRefs(backendId: string, items: readonly AnalysisSearchResult[]): Promise<TraceRef[]> {
    if (backendId === 'receiver') {
      await this.deps.receiver.ready;
      return items.flatMap(i => this.liveRef(i) ?? []);
    }
    const b = await this.backendNamed(backendId);
    return this.fetchRefs(b, items.map(i => i.traceId), vscode.l10n.t('Fetching {0} traces from {1}…', items.length, b.displayName));
  }

  /** The traces of the editor's aggregate: open ones as they are, the others from their prepared form. */
  aggregateRefs(traces: readonly AggregateTraceLike[]): TraceRef[] {
    return traces.flatMap(t => {
      const open = this.host.traces.get(t.traceKey);
      if (open) return [this.openRef(open)];
      if (!t.prepared || !t.source) return [];
      const d = describeCompact(t.prepared.compact);
      return [this.preparedRef(t.prepared, t.source, `${d.rootService} ${d.rootName} · ${t.source.label}`.trim())];
    });
  }


  /** `exclude`: A, when picking B (not offered again, from any source). */
  async pickTrace(title: string, exclude?: TraceRef): Promise<TraceRef | undefined> {
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
    const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked.ref) return picked.ref();
    const id = (await vscode.window.showInputBox({ title, ignoreFocusOut: true, prompt: vscode.l10n.t('Trace ID (open traces and the receiver are searched first, then the backends)'), validateInput: v => (/^[\w-]{1,256}$/.test(v.trim()) ? undefined : vscode.l10n.t('Not a trace ID')) }))?.trim();
    return id ? this.refById(id) : undefined;
  }

  async refById(id: string): Promise<TraceRef | undefined> {
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
  async refFromArgument(arg: unknown): Promise<TraceRef | undefined> {
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


  /** Traces of an operation from a backend search (last hour), fetched 4 at a time; failures are skipped and logged. */
  backendRefs(b: AnalysisBackend, op: { service: string; name: string }): Thenable<TraceRef[]> {
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
export function withLive(refs: TraceRef[], live: TraceRef[]): TraceRef[] {
  const ids = new Set(refs.map(r => r.traceId));
  return [...refs, ...live.filter(r => !ids.has(r.traceId))];
}

/** The recipe entry a panel keeps for a trace, to find it again after a reload (see `TraceSets.resolveRef`). */
export function spec(r: TraceRef): AnalysisRecipeTrace {
  return { key: r.key.slice(0, 2048), label: r.label.slice(0, 1024) };
}

/** A backend call under a cancellable progress with a deadline; the user's cancel ends quietly (CancellationError). */
export async function backendCall<T>(title: string, opts: BackendProgressOptions, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await withBackendProgress(title, opts, signal => task(signal));
  } catch (e) {
    if (e instanceof BackendError && e.kind === 'cancelled') throw new vscode.CancellationError();
    throw e;
  }
}

export function abortOf(token: vscode.CancellationToken): AbortSignal {
  const c = new AbortController();
  if (token.isCancellationRequested) c.abort();
  else token.onCancellationRequested(() => c.abort());
  return c.signal;
}
