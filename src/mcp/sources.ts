// Where the MCP server's traces come from: trace files and folders (parsed on first use), an in-process OTLP
// receiver's store or another Spanscope window's receiver (read through its hub, refreshed before each tool call),
// and Jaeger/Tempo/Zipkin backends (asked all at once, the way `spanscope fetch` does). Every
// trace is analysed once and kept; fetched traces are kept in a small cache bounded by span count.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeTrace } from '../core/analysis/analyze';
import type { TraceAnalysis } from '../core/analysis/types';
import type { Trace } from '../core/model';
import { TraceParseError } from '../core/model';
import { parseTraceDocument } from '../core/parse/index';
import { parseTraceIdInput, TraceIdInputError } from '../core/trace-id-input';
import { BackendError } from '../backends/http/errors';
import { findTraceInBackends, TraceNotFoundError } from '../backends/registry';
import type { TraceStore } from '../backends/receiver/store';
import type { HubTraceItem } from '../backends/receiver/hub';
import { HubReadError } from '../backends/receiver/hubReader';
import type { TraceBackend, TraceLookupHint } from '../backends/types';

/** A problem the assistant caused (bad ID, unknown source, trace not there): reported as a tool error. */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
}

export interface LoadedTrace {
  readonly trace: Trace;
  /** Source ID (see list_sources). */
  readonly source: string;
  readonly partial?: string;
  analysis(): TraceAnalysis;
}

export interface FileSource {
  readonly id: string;
  readonly path: string;
  /** Filled on first use. */
  traceIds?: string[];
  error?: string;
}

/** Files a folder argument contributes: trace documents, at most this deep and this many. */
const TRACE_FILE_RE = /\.(json|jsonl|ndjson|pb|binpb|otlp|proto)$/i;
const MAX_FOLDER_FILES = 10_000;
const MAX_FOLDER_DEPTH = 6;
/** Spans of fetched traces kept for later questions (beyond it the least recently used trace goes). */
const CACHE_SPANS = 1_000_000;

function listTraceFiles(dir: string, depth = 0, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    if (out.length >= MAX_FOLDER_FILES) break;
    if (name.startsWith('.') || name === 'node_modules') continue;
    const p = join(dir, name);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (st.isDirectory()) { if (depth < MAX_FOLDER_DEPTH) listTraceFiles(p, depth + 1, out); } else if (TRACE_FILE_RE.test(name)) out.push(p);
  }
  return out;
}

function makeLoaded(trace: Trace, source: string, partial?: string): LoadedTrace {
  let a: TraceAnalysis | undefined;
  return { trace, source, ...(partial ? { partial } : {}), analysis: () => (a ??= analyzeTrace(trace)) };
}

/** A receiver of another process that lists and hands out its traces (HubReader: another window's receiver). */
export interface RemoteReceiver {
  readonly url: string;
  list(signal?: AbortSignal): Promise<HubTraceItem[]>;
  trace(traceId: string, signal?: AbortSignal): Promise<Trace>;
}

/** Traces fetched from a remote receiver at once (a first refresh of a full receiver fetches them all). */
const REMOTE_FETCHES = 4;

export interface SourcesOptions {
  readonly paths: readonly string[];
  readonly backends: readonly TraceBackend[];
  readonly store?: TraceStore;
  /** Another window's receiver (source "receiver"); not together with `store`. */
  readonly remoteReceiver?: RemoteReceiver;
  /** Shown in list_sources: where the in-process receiver listens. */
  readonly receiverUrl?: string;
}

export class TraceSources {
  readonly files: FileSource[] = [];
  /** Replaced by the editor when the user changes the backends setting. */
  backends: readonly TraceBackend[];
  readonly store: TraceStore | undefined;
  readonly receiverUrl: string | undefined;
  /** Traces read from files, by trace ID (a trace in several files: the first file wins). */
  private readonly fromFiles = new Map<string, LoadedTrace>();
  private filesLoaded = false;
  /** Fetched from backends or taken from the receiver, least recently used first. */
  private readonly cache = new Map<string, LoadedTrace>();
  private cachedSpans = 0;
  /** The traces open in the editor (source "editor"), set by the editor before each tool call; undefined outside it. */
  private editor: Map<string, LoadedTrace> | undefined;
  private readonly remote: RemoteReceiver | undefined;
  /** The remote receiver's traces as of the last refresh, with the span count they were fetched at. */
  private readonly fromRemote = new Map<string, { spanCount: number; loaded: LoadedTrace }>();
  private refreshing: Promise<void> | undefined;
  /** Why the last refresh of the remote receiver failed (list_sources shows it); undefined after a good one. */
  remoteProblem: string | undefined;

  constructor(opts: SourcesOptions) {
    if (opts.store && opts.remoteReceiver) throw new Error('a receiver in this process or another\'s, not both');
    this.backends = opts.backends;
    this.store = opts.store;
    this.remote = opts.remoteReceiver;
    this.receiverUrl = opts.receiverUrl ?? opts.remoteReceiver?.url;
    let k = 0;
    for (const p of opts.paths) {
      const abs = resolve(p);
      let isDir = false;
      try { isDir = statSync(abs).isDirectory(); } catch { /* reported when loaded */ }
      for (const f of isDir ? listTraceFiles(abs) : [abs]) this.files.push({ id: `file:${++k}`, path: f });
    }
  }

  /** Backend source IDs: "jaeger:1", in the order given. */
  backendId(i: number): string {
    return `${this.backends[i]!.config.type}:${i + 1}`;
  }

  /**
   * The traces open in the editor. A trace whose object is the same as before keeps its analysis, so calling this
   * before every tool call costs nothing when nothing changed.
   */
  setEditorTraces(traces: readonly Trace[]): void {
    const next = new Map<string, LoadedTrace>();
    for (const t of traces) {
      const old = this.editor?.get(t.traceId);
      next.set(t.traceId, old && old.trace === t ? old : makeLoaded(t, 'editor'));
    }
    this.editor = next;
  }

  /** Parses every file once (lazily: the server answers `initialize` before reading anything). */
  loadFiles(): void {
    if (this.filesLoaded) return;
    this.filesLoaded = true;
    for (const f of this.files) {
      try {
        const result = parseTraceDocument(readFileSync(f.path));
        f.traceIds = [];
        for (const t of result.traces) {
          f.traceIds.push(t.traceId);
          if (!this.fromFiles.has(t.traceId)) this.fromFiles.set(t.traceId, makeLoaded(t, f.id));
        }
      } catch (e) {
        f.error = e instanceof TraceParseError ? `${e.message} (at ${e.path})`
          : (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
        f.traceIds = [];
      }
    }
  }

  /** Whether a receiver (this process's or another's) is a source. */
  get hasReceiver(): boolean {
    return this.store !== undefined || this.remote !== undefined;
  }

  /** Traces the receiver holds (as of the last refresh, for another window's). */
  receiverTraceCount(): number {
    return this.store ? this.store.list().length : this.fromRemote.size;
  }

  /**
   * Brings the copy of the remote receiver's traces up to date: new traces and traces that grew are fetched, those
   * it no longer holds are dropped. Called before each tool call; calls while one runs share it. A receiver that
   * went away leaves the last copy and a problem for list_sources (tools still answer from what was read).
   */
  refresh(signal?: AbortSignal): Promise<void> {
    if (!this.remote) return Promise.resolve();
    this.refreshing ??= this.refreshRemote(this.remote, signal).finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  private async refreshRemote(remote: RemoteReceiver, signal?: AbortSignal): Promise<void> {
    try {
      const items = await remote.list(signal);
      const held = new Set(items.map(i => i.traceId));
      for (const id of [...this.fromRemote.keys()]) if (!held.has(id)) this.fromRemote.delete(id);
      const stale = items.filter(i => this.fromRemote.get(i.traceId)?.spanCount !== i.spanCount);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < stale.length) {
          const item = stale[next++]!;
          try {
            const trace = await remote.trace(item.traceId, signal);
            this.fromRemote.set(item.traceId, { spanCount: item.spanCount, loaded: makeLoaded(trace, 'receiver') });
          } catch (e) {
            // Evicted between the list and the fetch: it is simply gone.
            if (e instanceof HubReadError && e.kind === 'not-found') this.fromRemote.delete(item.traceId);
            else throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(REMOTE_FETCHES, stale.length) }, worker));
      this.remoteProblem = undefined;
    } catch (e) {
      if (!(e instanceof HubReadError)) throw e;
      this.remoteProblem = e.message;
    }
  }

  /** Every trace at hand without a network call: files and the receiver's store. */
  localTraces(source?: string): LoadedTrace[] {
    this.loadFiles();
    const out: LoadedTrace[] = [];
    if (this.editor && (!source || source === 'editor')) out.push(...this.editor.values());
    if (!source || source.startsWith('file:')) {
      for (const t of this.fromFiles.values()) if (!source || t.source === source) out.push(t);
    }
    if (this.store && (!source || source === 'receiver')) {
      for (const item of this.store.list()) {
        const t = this.fromReceiver(item.traceId);
        if (t) out.push(t);
      }
    }
    if (!source || source === 'receiver') for (const r of this.fromRemote.values()) out.push(r.loaded);
    return out;
  }

  private fromReceiver(traceId: string): LoadedTrace | undefined {
    if (!this.store) return undefined;
    // The store's trace grows while spans arrive: re-analyse when it has more spans than the cached copy.
    const cached = this.cache.get(traceId);
    const item = this.store.item(traceId);
    if (!item) return undefined;
    if (cached && cached.source === 'receiver' && cached.trace.spans.length === item.spanCount) return cached;
    const trace = this.store.get(traceId);
    if (!trace) return undefined;
    const loaded = makeLoaded(trace, 'receiver');
    this.remember(traceId, loaded);
    return loaded;
  }

  /** A trace of the remote receiver: the copy, or asked for at once (it may have arrived since the refresh). */
  private async fromRemoteReceiver(traceId: string, signal?: AbortSignal): Promise<LoadedTrace | undefined> {
    if (!this.remote) return undefined;
    const held = this.fromRemote.get(traceId);
    if (held) return held.loaded;
    try {
      const trace = await this.remote.trace(traceId, signal);
      const loaded = makeLoaded(trace, 'receiver');
      this.fromRemote.set(traceId, { spanCount: trace.spans.length, loaded });
      return loaded;
    } catch (e) {
      if (!(e instanceof HubReadError)) throw e;
      if (e.kind !== 'not-found') this.remoteProblem = e.message;
      return undefined;
    }
  }

  private remember(traceId: string, t: LoadedTrace): void {
    const old = this.cache.get(traceId);
    if (old) { this.cache.delete(traceId); this.cachedSpans -= old.trace.spans.length; }
    this.cache.set(traceId, t);
    this.cachedSpans += t.trace.spans.length;
    for (const [id, v] of this.cache) {
      if (this.cachedSpans <= CACHE_SPANS || this.cache.size <= 1) break;
      this.cache.delete(id);
      this.cachedSpans -= v.trace.spans.length;
    }
  }

  /** Source IDs that exist. */
  sourceIds(): string[] {
    return [...(this.editor ? ['editor'] : []), ...this.files.map(f => f.id), ...(this.hasReceiver ? ['receiver'] : []), ...this.backends.map((_, i) => this.backendId(i))];
  }

  checkSource(source: string | undefined): void {
    if (source !== undefined && !this.sourceIds().includes(source)) {
      throw new ToolInputError(`unknown source "${source}"; list_sources names them: ${this.sourceIds().join(', ') || '(none configured)'}`);
    }
  }

  /**
   * The trace an assistant names, in any form Open Trace by ID accepts (hex, traceparent, B3, uber-trace-id,
   * Jaeger/Tempo/Grafana/Zipkin URL, a log line). Files and the receiver first, then every backend at once.
   */
  async getTrace(input: string, source?: string, signal?: AbortSignal): Promise<LoadedTrace> {
    this.checkSource(source);
    let traceId: string;
    let hint: TraceLookupHint | undefined;
    try {
      const parsed = parseTraceIdInput(input);
      traceId = parsed.traceId;
      hint = parsed.time;
    } catch (e) {
      if (e instanceof TraceIdInputError) throw new ToolInputError(`traceId: ${e.message}`);
      throw e;
    }
    this.loadFiles();
    if (this.editor && (!source || source === 'editor')) {
      const e = this.editor.get(traceId);
      if (e) return e;
    }
    if (!source || source.startsWith('file:')) {
      const f = this.fromFiles.get(traceId);
      if (f && (!source || f.source === source)) return f;
    }
    if (!source || source === 'receiver') {
      const r = this.fromReceiver(traceId) ?? await this.fromRemoteReceiver(traceId, signal);
      if (r) return r;
    }
    const cached = this.cache.get(traceId);
    if (cached && cached.source !== 'receiver' && (!source || cached.source === source)) {
      this.remember(traceId, cached);
      return cached;
    }
    const idx = this.backends.map((_, i) => i).filter(i => !source || this.backendId(i) === source);
    const asked = idx.map(i => this.backends[i]!);
    if (asked.length === 0) {
      const problem = this.remoteProblem ? ` (the receiver could not be read: ${this.remoteProblem})` : '';
      throw new ToolInputError(`trace ${traceId} is not in ${source ?? 'the trace files or the receiver'}${problem}, and no backend is configured to ask; search_traces lists the traces at hand`);
    }
    try {
      const found = await findTraceInBackends(traceId, asked, signal, hint);
      const i = idx[asked.findIndex(b => b.displayName === found.source)] ?? idx[0]!;
      const loaded = makeLoaded(found.trace, this.backendId(i), found.partial);
      this.remember(traceId, loaded);
      return loaded;
    } catch (e) {
      if (e instanceof TraceNotFoundError) throw new ToolInputError(`${e.message} Use search_traces to find trace IDs.`);
      if (e instanceof BackendError) throw new ToolInputError(`${e.backend}: ${e.shortCause}`);
      throw e;
    }
  }

  dispose(): void {
    for (const b of this.backends) b.dispose();
  }
}
