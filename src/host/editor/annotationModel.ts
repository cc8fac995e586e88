// What the editor surfaces show: the spans of the active trace (or of an aggregate over several traces),
// mapped to files. One model, every surface (decorations, CodeLens, hovers, status bar, Hot spots) reads it and
// redraws on `onDidChange`. Mapping runs when the source or the workspace changes, never per keystroke.
import * as vscode from 'vscode';
import { annotateFile, FileSpans, type AnnotationMode, type FileAnnotations } from '../../core/mapping/lineAnnotations';
import { CompactView, type CompactTrace } from '../../protocol/compact';
import type { CodeMapper, SpanMapping, TraceMapping, UnmappedSpan } from '../mapping/codeMapper';
import { Disposable } from '../lifecycle';
import type { OpenTrace, PreparedTraceLike, TraceService, TraceSource } from '../traces/traceService';
import { CurrentTrace } from './currentTrace';

/** One trace behind the annotations. */
export interface AnnotatedTrace {
  readonly traceKey: string;
  readonly view: CompactView;
  readonly mapping: TraceMapping;
  /** Aggregate traces that are not open: how to open one to reveal its spans. */
  readonly reopen?: { readonly prepared: PreparedTraceLike; readonly source: TraceSource };
}

export type SourceKind = 'active' | 'aggregate' | 'off';

export interface AnnotationState {
  readonly kind: SourceKind;
  readonly mode: AnnotationMode;
  readonly traces: readonly AnnotatedTrace[];
  /** Mapped spans per file over all traces (FileSpans.trace = index into `traces`, ref = span index). */
  readonly files: ReadonlyMap<string, FileSpans>;
  /** For the status bar and hovers: "trace 4bf9… (checkout)", "aggregate of 20 traces of orders". */
  readonly label: string;
}

const EMPTY: AnnotationState = { kind: 'off', mode: { kind: 'trace', traceDurationNs: 0 }, traces: [], files: new Map(), label: '' };
const views = new WeakMap<object, CompactView>();

/** The CompactView of an open trace (cached per compact object). */
export function viewOf(trace: Pick<OpenTrace, 'compact'>): CompactView | undefined {
  const c = trace.compact as CompactTrace | undefined | null;
  if (!c || typeof c !== 'object' || !('cols' in c)) return undefined;
  let v = views.get(c);
  if (!v) { v = new CompactView(c); views.set(c, v); }
  return v;
}

export class AnnotationModel extends Disposable {
  private _state: AnnotationState = EMPTY;
  private _kind: SourceKind = 'active';
  private _aggregate: AnnotatedTrace[] | undefined;
  private _aggregateLabel = '';
  private _generation = 0;
  private _cts: vscode.CancellationTokenSource | undefined;
  private readonly _annotations = new Map<string, { lineCount: number; version: number; remapped: boolean; a: FileAnnotations }>();
  /** The FileSpans each cached annotation was computed from (a drift-remapped copy or the original). */
  private readonly _spansFor = new Map<string, FileSpans>();
  private _precomputed: Map<string, FileAnnotations> | undefined;
  private readonly _onDidChange = this._register(new vscode.EventEmitter<AnnotationState>());
  readonly onDidChange = this._onDidChange.event;

  /** The trace shown in 'active' mode: the focused waterfall's, or the last one focused while it is open. */
  readonly current: CurrentTrace;

  constructor(traces: TraceService, readonly mapper: CodeMapper, private readonly _log?: vscode.LogOutputChannel) {
    super();
    this.current = this._register(new CurrentTrace(traces));
    this._register(this.current.onDidChange(() => { if (this._kind === 'active') void this.refresh(); }));
    this._register(mapper.onDidInvalidate(() => void this.refresh()));
  }

  get state(): AnnotationState {
    return this._state;
  }

  get kind(): SourceKind {
    return this._kind;
  }

  /** The traces of the aggregate shown, and its label; undefined when not in aggregate mode. */
  get aggregate(): { readonly label: string; readonly traces: readonly AnnotatedTrace[] } | undefined {
    return this._kind === 'aggregate' && this._aggregate ? { label: this._aggregateLabel, traces: this._aggregate } : undefined;
  }

  /** Shows the active trace (default). */
  showActive(): Promise<void> {
    this._kind = 'active';
    this._aggregate = undefined;
    return this.refresh();
  }

  /**
   * Shows an aggregate over already mapped traces. `precomputed`: the per-file annotations computed off the main
   * thread (aggregateClient); without them each file is annotated when first shown.
   */
  showAggregate(traces: AnnotatedTrace[], label: string, precomputed?: Map<string, FileAnnotations>): void {
    this._kind = 'aggregate';
    this._aggregate = traces;
    this._aggregateLabel = label;
    this._publish(traces, { kind: 'aggregate' }, label, precomputed);
  }

  clear(): void {
    this._kind = 'off';
    this._aggregate = undefined;
    this._cts?.cancel();
    this._publish([], EMPTY.mode, '');
  }

  /** Maps one open trace (phase 1 only; for aggregates). */
  async mapOpenTrace(trace: OpenTrace): Promise<AnnotatedTrace | undefined> {
    const view = viewOf(trace);
    if (!view) return undefined;
    return { traceKey: trace.traceKey, view, mapping: await this.mapper.mapTrace(view) };
  }

  /** Re-maps the current source (after a change of trace, settings, or workspace files). */
  async refresh(): Promise<void> {
    const gen = ++this._generation;
    this._cts?.cancel();
    if (this._kind === 'off') return;
    if (this._kind === 'aggregate') {
      const traces = this._aggregate ?? [];
      const remapped = await Promise.all(traces.map(async t => ({ ...t, mapping: await this.mapper.mapTrace(t.view) })));
      if (gen === this._generation) this._publish(remapped, { kind: 'aggregate' }, this._aggregateLabel);
      return;
    }
    const active = this.current.trace;
    const view = active ? viewOf(active) : undefined;
    if (!active || !view) { this._publish([], EMPTY.mode, ''); return; }
    try {
      const mapping = await this.mapper.mapTrace(view);
      if (gen !== this._generation) return;
      const one = [{ traceKey: active.traceKey, view, mapping }];
      const root = view.roots()[0] ?? 0;
      const label = view.spanCount > 0 ? `${view.service(root)}: ${view.name(root)}` : active.traceId;
      this._publish(one, { kind: 'trace', traceDurationNs: view.durationNs }, label);
      // Phase 2 in the background: symbols and name search for what is left.
      if (mapping.unmapped.length > 0) {
        const cts = (this._cts = new vscode.CancellationTokenSource());
        await this.mapper.completeTrace(mapping, cts.token);
        if (gen === this._generation && !cts.token.isCancellationRequested) this._publish(one, { kind: 'trace', traceDurationNs: view.durationNs }, label);
      }
    } catch (err) {
      this._log?.error(`mapping trace ${active.traceId} to code failed`, err instanceof Error ? err : String(err));
    }
  }

  /** Mapped spans per file over several traces (FileSpans.trace = index into `traces`). */
  static filesOf(traces: readonly AnnotatedTrace[]): Map<string, FileSpans> {
    const files = new Map<string, FileSpans>();
    traces.forEach((t, ti) => {
      for (const [path, fs] of t.mapping.files) {
        let out = files.get(path);
        if (!out) { out = new FileSpans(fs.length); files.set(path, out); }
        for (let k = 0; k < fs.length; k++) out.push(fs.line[k] as never, fs.durationNs[k]!, fs.selfNs[k]!, fs.error[k] === 1, fs.ref[k]!, ti);
      }
    });
    return files;
  }

  private _publish(traces: AnnotatedTrace[], mode: AnnotationMode, label: string, precomputed?: Map<string, FileAnnotations>): void {
    const files = AnnotationModel.filesOf(traces);
    this._precomputed = precomputed;
    this._annotations.clear();
    this._spansFor.clear();
    this._state = { kind: traces.length === 0 ? (this._kind === 'off' ? 'off' : this._kind) : this._kind, mode, traces, files, label };
    this._onDidChange.fire(this._state);
  }

  /** Annotations of one file for a document of `lineCount` lines (cached per document version). */
  annotationsFor(path: string, lineCount: number, version: number, remapped?: FileSpans): FileAnnotations | undefined {
    const spans = remapped ?? this._state.files.get(path);
    if (!spans) return undefined;
    const c = this._annotations.get(path);
    if (c && c.lineCount === lineCount && c.version === version && c.remapped === (remapped !== undefined)) return c.a;
    const pre = remapped ? undefined : this._precomputed?.get(path);
    let a: FileAnnotations;
    if (pre) {
      // Computed off the main thread for the whole file; lines past the document's end are dropped here.
      const kept = pre.lines.filter(l => l.line < lineCount);
      let dropped = 0;
      for (const l of pre.lines) if (l.line >= lineCount) dropped += l.count;
      a = kept.length === pre.lines.length ? pre : { ...pre, lines: kept, outOfRange: pre.outOfRange + dropped };
    } else {
      a = annotateFile(spans, this._state.mode, lineCount);
    }
    this._annotations.set(path, { lineCount, version, remapped: remapped !== undefined, a });
    this._spansFor.set(path, spans);
    return a;
  }

  /** The spans (trace index, span index) on a 0-based editor line of a file. */
  spansOnLine(path: string, a: FileAnnotations, lineIndex: number): { trace: AnnotatedTrace; spanIndex: number; mapping: SpanMapping | undefined }[] {
    const spans = this._spansFor.get(path) ?? this._state.files.get(path);
    const l = a.lines.find(x => x.line === lineIndex);
    if (!spans || !l) return [];
    const out: { trace: AnnotatedTrace; spanIndex: number; mapping: SpanMapping | undefined }[] = [];
    for (let k = l.from; k < l.to; k++) {
      const pos = a.order[k]!;
      const trace = this._state.traces[spans.trace[pos]!];
      if (trace) out.push({ trace, spanIndex: spans.ref[pos]!, mapping: trace.mapping.spans[spans.ref[pos]!] });
    }
    return out;
  }

  /** Every unmapped span of the current source. */
  unmapped(): { trace: AnnotatedTrace; span: UnmappedSpan }[] {
    return this._state.traces.flatMap(trace => trace.mapping.unmapped.map(span => ({ trace, span })));
  }
}
