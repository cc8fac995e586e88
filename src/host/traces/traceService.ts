// The traces the user has open, where each came from, which one is active, and the history (recent and pinned).
// Every way in (file, clipboard, receiver, backend, link) ends in `open`; every view (waterfall, editor, side
// panel) listens to the events here instead of to each other. Span data itself is kept only while a trace is
// open; the history keeps enough to open it again (source + IDs), never the spans.
import * as vscode from 'vscode';
import { CompactView, type CompactTrace } from '../../protocol/compact';
import { Disposable } from '../lifecycle';

/** The part of the analysis summary (core/analysis/summary.ts `TraceSummary`) the host reads. */
export interface TraceSummaryLike {
  readonly traceId: string;
  readonly spanCount?: number;
  readonly errorCount?: number;
  readonly durationUs?: number;
}
/** One trace as `prepareTraces` returns it: the summary and the compact form the webview draws. */
export interface PreparedTraceLike<S extends TraceSummaryLike = TraceSummaryLike, C = CompactTrace> {
  readonly summary: S;
  readonly compact: C;
}

/** Root service and operation of a compact trace (its first row), for titles and lists. */
export function describeCompact(compact: CompactTrace): { rootService: string; rootName: string; startMs: number } {
  const view = new CompactView(compact);
  const first = compact.spanCount > 0 ? compact.cols.preorder[0] : undefined;
  return {
    rootService: first === undefined ? '' : view.service(first),
    rootName: first === undefined ? '' : view.name(first),
    startMs: Number(view.startNs / 1_000_000n),
  };
}

export type TraceSourceKind = 'file' | 'receiver' | 'backend' | 'clipboard' | 'link';

/** Where a trace came from: enough to show it to the user and to fetch it again. Plain JSON (stored in globalState). */
export interface TraceSource {
  readonly kind: TraceSourceKind;
  /** Short, human: the file's name, the backend's name, "OTLP receiver", "Clipboard". */
  readonly label: string;
  /** `file`: the file's URI string. */
  readonly uri?: string;
  /** `backend`: the configured backend's name. */
  readonly backend?: string;
}

export interface OpenTrace<S extends TraceSummaryLike = TraceSummaryLike> {
  /** Unique per open trace: the same trace ID from two sources gives two keys. See `traceKeyOf`. */
  readonly traceKey: string;
  readonly traceId: string;
  readonly summary: S;
  readonly compact: CompactTrace;
  /** Service and name of the first root span ('' when the trace has no spans). */
  readonly rootService: string;
  readonly rootName: string;
  /** Earliest span start, ms since the epoch. */
  readonly startMs: number;
  readonly source: TraceSource;
  /** Date.now() of open or last update. */
  readonly updatedAt: number;
}

/** A history entry: no span data, just what is needed to list it and open it again. */
export interface TraceHistoryEntry {
  readonly traceKey: string;
  readonly traceId: string;
  readonly source: TraceSource;
  readonly rootService?: string;
  readonly rootName?: string;
  readonly spanCount?: number;
  readonly errorCount?: number;
  readonly durationUs?: number;
  /** Date.now() when last opened. */
  readonly openedAt: number;
}

export interface OpenOptions {
  /** Span to select when the view opens (canonical hex span ID). */
  readonly selectSpanId?: string;
  /** Do not take focus (e.g. traces arriving at the receiver). */
  readonly preserveFocus?: boolean;
  /** Set by `adopt`: a view restored itself after a window reload; views must not open another one. */
  readonly restored?: boolean;
}

export interface TraceOpenedEvent {
  readonly trace: OpenTrace;
  readonly options: OpenOptions;
}

/** The source and trace ID a key was made from (keys of restored panels carry nothing else). */
export function parseTraceKey(traceKey: string): { source: TraceSource; traceId: string } | undefined {
  const m = /^(file|receiver|backend|clipboard|link):(.*)#([^#]*)$/.exec(traceKey);
  if (!m) return undefined;
  const kind = m[1] as TraceSourceKind;
  const origin = m[2]!;
  const traceId = m[3]!;
  const label = kind === 'file' ? decodeURIComponent(origin.split('/').pop() ?? origin) : kind === 'receiver' ? 'OTLP receiver' : origin;
  const source: TraceSource = kind === 'file' ? { kind, label, uri: origin } : kind === 'backend' ? { kind, label, backend: origin } : { kind, label };
  return { source, traceId };
}

/** A summary good enough for lists when only the compact trace is at hand (a panel restored from its stored copy). */
export function summaryFromCompact(compact: CompactTrace): TraceSummaryLike {
  return { traceId: compact.traceId, spanCount: compact.spanCount, errorCount: compact.errorCount, durationUs: compact.durationNs / 1000 };
}

export function traceKeyOf(source: TraceSource, traceId: string): string {
  const origin = source.kind === 'file' ? source.uri ?? source.label
    : source.kind === 'backend' ? source.backend ?? source.label
    : source.kind === 'receiver' ? 'receiver'
    : source.label;
  return `${source.kind}:${origin}#${traceId}`;
}

const RECENT_KEY = 'spanscope.recentTraces';
const PINNED_KEY = 'spanscope.pinnedTraces';
/** Pinned entries are kept until unpinned; still bounded so globalState cannot grow without end. */
export const MAX_PINNED = 200;

export class TraceService extends Disposable {
  private readonly _open = new Map<string, OpenTrace>();
  private _activeKey: string | undefined;
  /** The last trace that was active, kept when focus leaves for a text editor (see lastActive). */
  private _lastActiveKey: string | undefined;

  private readonly _onDidOpen = this._register(new vscode.EventEmitter<TraceOpenedEvent>());
  /** A trace was opened (or opened again): views show it. */
  readonly onDidOpen = this._onDidOpen.event;
  private readonly _onDidUpdate = this._register(new vscode.EventEmitter<OpenTrace>());
  /** An open trace got more spans (late spans, refresh): views update in place. */
  readonly onDidUpdate = this._onDidUpdate.event;
  private readonly _onDidClose = this._register(new vscode.EventEmitter<string>());
  /** An open trace was closed (its traceKey). */
  readonly onDidClose = this._onDidClose.event;
  private readonly _onDidAbandon = this._register(new vscode.EventEmitter<{ readonly traceKey: string; readonly message?: string }>());
  /**
   * An open trace's data will not become whole after all (its preview was shown, then the parse of the whole failed
   * or was cancelled): views show `message`, or close when there is none. The trace is closed right after.
   */
  readonly onDidAbandon = this._onDidAbandon.event;
  private readonly _onDidChangeActive = this._register(new vscode.EventEmitter<OpenTrace | undefined>());
  /** The trace the user is looking at changed (the focused waterfall), or none. */
  readonly onDidChangeActive = this._onDidChangeActive.event;
  private readonly _onDidChangeHistory = this._register(new vscode.EventEmitter<void>());
  /** Recent or pinned changed. */
  readonly onDidChangeHistory = this._onDidChangeHistory.event;

  constructor(
    private readonly _state: vscode.Memento,
    private readonly _recentLimit: () => number = () => 30,
  ) {
    super();
  }

  /** Opens (or re-opens, replacing its data) a trace and makes it active. Returns the open trace. */
  open(prepared: PreparedTraceLike, source: TraceSource, options: OpenOptions = {}): OpenTrace {
    const traceId = prepared.summary.traceId;
    const traceKey = traceKeyOf(source, traceId);
    const trace: OpenTrace = { traceKey, traceId, summary: prepared.summary, compact: prepared.compact, ...describeCompact(prepared.compact), source, updatedAt: Date.now() };
    this._open.set(traceKey, trace);
    void this._remember(trace);
    this._onDidOpen.fire({ trace, options });
    this.setActive(traceKey);
    return trace;
  }

  /**
   * Registers a trace whose view already exists (restored after a window reload) under its existing key.
   * Fires onDidOpen with `restored: true` (views skip it) so that other listeners learn about it; not remembered.
   */
  adopt(traceKey: string, prepared: PreparedTraceLike, source: TraceSource): OpenTrace {
    const trace: OpenTrace = { traceKey, traceId: prepared.summary.traceId, summary: prepared.summary, compact: prepared.compact, ...describeCompact(prepared.compact), source, updatedAt: Date.now() };
    this._open.set(traceKey, trace);
    this._onDidOpen.fire({ trace, options: { restored: true, preserveFocus: true } });
    return trace;
  }

  /** Replaces the data of an open trace (more spans arrived). Ignored when the trace is not open; returns whether it was. */
  update(traceKey: string, prepared: PreparedTraceLike): boolean {
    const old = this._open.get(traceKey);
    if (!old) return false;
    const trace: OpenTrace = { ...old, summary: prepared.summary, compact: prepared.compact, ...describeCompact(prepared.compact), updatedAt: Date.now() };
    this._open.set(traceKey, trace);
    this._onDidUpdate.fire(trace);
    if (this._activeKey === traceKey) this._onDidChangeActive.fire(trace);
    return true;
  }

  /** See onDidAbandon. */
  abandon(traceKey: string, message?: string): void {
    if (!this._open.has(traceKey)) return;
    this._onDidAbandon.fire({ traceKey, ...(message !== undefined ? { message } : {}) });
    this.close(traceKey);
  }

  /** Forgets an open trace's data (its view closed). History keeps it. */
  close(traceKey: string): void {
    if (!this._open.delete(traceKey)) return;
    this._onDidClose.fire(traceKey);
    if (this._activeKey === traceKey) this.setActive(undefined);
  }

  get(traceKey: string): OpenTrace | undefined {
    return this._open.get(traceKey);
  }

  /** Open traces, oldest first. */
  all(): OpenTrace[] {
    return [...this._open.values()];
  }

  /** Open traces with this trace ID (from any source). */
  byTraceId(traceId: string): OpenTrace[] {
    return this.all().filter(t => t.traceId === traceId);
  }

  get active(): OpenTrace | undefined {
    return this._activeKey === undefined ? undefined : this._open.get(this._activeKey);
  }

  /**
   * The active trace, else the last one that was active and is still open, else the newest open one: what the
   * side panel shows while the user is in a text editor, and what trace commands from the palette act on.
   */
  get lastActive(): OpenTrace | undefined {
    return this.active ?? (this._lastActiveKey !== undefined ? this._open.get(this._lastActiveKey) : undefined) ?? this.all().at(-1);
  }

  /** Views call this when their trace gains focus (undefined: none). */
  setActive(traceKey: string | undefined): void {
    const key = traceKey !== undefined && this._open.has(traceKey) ? traceKey : undefined;
    if (key !== undefined) this._lastActiveKey = key;
    if (key === this._activeKey) return;
    this._activeKey = key;
    this._onDidChangeActive.fire(this.active);
  }

  /** Most recent first, bounded by `spanscope.trace.recentLimit`. */
  recent(): TraceHistoryEntry[] {
    return readEntries(this._state, RECENT_KEY);
  }

  pinned(): TraceHistoryEntry[] {
    return readEntries(this._state, PINNED_KEY);
  }

  isPinned(traceKey: string): boolean {
    return this.pinned().some(e => e.traceKey === traceKey);
  }

  async pin(traceKey: string): Promise<void> {
    const entry = this.recent().find(e => e.traceKey === traceKey) ?? toEntry(this._open.get(traceKey));
    if (!entry) return;
    const pinned = [entry, ...this.pinned().filter(e => e.traceKey !== traceKey)].slice(0, MAX_PINNED);
    await this._state.update(PINNED_KEY, pinned);
    this._onDidChangeHistory.fire();
  }

  async unpin(traceKey: string): Promise<void> {
    await this._state.update(PINNED_KEY, this.pinned().filter(e => e.traceKey !== traceKey));
    this._onDidChangeHistory.fire();
  }

  async clearRecent(): Promise<void> {
    await this._state.update(RECENT_KEY, []);
    this._onDidChangeHistory.fire();
  }

  private async _remember(trace: OpenTrace): Promise<void> {
    const entry = toEntry(trace)!;
    // Clipboard traces cannot be opened again from their source; keep them out of the history.
    if (trace.source.kind === 'clipboard') return;
    const limit = this._recentLimit();
    const recent = [entry, ...this.recent().filter(e => e.traceKey !== entry.traceKey)].slice(0, limit);
    await this._state.update(RECENT_KEY, recent);
    if (this.isPinned(entry.traceKey)) {
      await this._state.update(PINNED_KEY, this.pinned().map(e => (e.traceKey === entry.traceKey ? entry : e)));
    }
    this._onDidChangeHistory.fire();
  }
}

function toEntry(trace: OpenTrace | undefined): TraceHistoryEntry | undefined {
  if (!trace) return undefined;
  const s = trace.summary;
  return {
    traceKey: trace.traceKey,
    traceId: trace.traceId,
    source: trace.source,
    ...(trace.rootService ? { rootService: trace.rootService } : {}),
    ...(trace.rootName ? { rootName: trace.rootName } : {}),
    ...(s.spanCount !== undefined ? { spanCount: s.spanCount } : {}),
    ...(s.errorCount !== undefined ? { errorCount: s.errorCount } : {}),
    ...(s.durationUs !== undefined ? { durationUs: s.durationUs } : {}),
    openedAt: Date.now(),
  };
}

/** globalState survives versions and hand edits: keep only well-formed entries. */
function readEntries(state: vscode.Memento, key: string): TraceHistoryEntry[] {
  const raw = state.get<unknown>(key);
  if (!Array.isArray(raw)) return [];
  return raw.filter((e): e is TraceHistoryEntry =>
    typeof e === 'object' && e !== null && typeof e.traceKey === 'string' && typeof e.traceId === 'string'
    && typeof e.source === 'object' && e.source !== null && typeof e.source.kind === 'string' && typeof e.source.label === 'string'
    && typeof e.openedAt === 'number');
}
