// What the editor draws for one file: per mapped line its heat level, error mark and inline text. This is the
// work of every decoration update, so it is columnar and linear: spans are bucketed by line with a counting
// sort, each line's durations sorted in place for percentiles. 100k spans over 10k lines is a few ms.
import type { Nanos } from '../model';
import { formatShare, plural } from './format';
import { formatDuration } from '../units/duration';
import { heatByRank, heatByShare, type HeatLevel } from './heat';
import { toEditorLine, type CodeLine, type EditorLine } from './lines';
import { percentileSorted } from '../units/percentile';

/** The spans mapped into one file, column-wise. Lines are 1-based code lines. */
export class FileSpans {
  line: Int32Array;
  durationNs: Float64Array;
  selfNs: Float64Array;
  error: Uint8Array;
  /** Index of the span in its source (trace span index, or aggregate entry), to reveal it. */
  ref: Int32Array;
  /** Which trace (aggregate mode), 0 for a single trace. */
  trace: Int32Array;
  length = 0;

  constructor(capacity = 16) {
    this.line = new Int32Array(capacity);
    this.durationNs = new Float64Array(capacity);
    this.selfNs = new Float64Array(capacity);
    this.error = new Uint8Array(capacity);
    this.ref = new Int32Array(capacity);
    this.trace = new Int32Array(capacity);
  }

  push(line: CodeLine, durationNs: Nanos, selfNs: Nanos, error: boolean, ref: number, trace = 0): void {
    if (this.length === this.line.length) this.grow();
    const i = this.length++;
    this.line[i] = line;
    this.durationNs[i] = durationNs;
    this.selfNs[i] = selfNs;
    this.error[i] = error ? 1 : 0;
    this.ref[i] = ref;
    this.trace[i] = trace;
  }

  private grow(): void {
    const cap = this.line.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => { const b = make(cap); b.set(a); return b; };
    this.line = g(this.line, n => new Int32Array(n));
    this.durationNs = g(this.durationNs, n => new Float64Array(n));
    this.selfNs = g(this.selfNs, n => new Float64Array(n));
    this.error = g(this.error, n => new Uint8Array(n));
    this.ref = g(this.ref, n => new Int32Array(n));
    this.trace = g(this.trace, n => new Int32Array(n));
  }
}

export interface LineAnnotation {
  readonly line: EditorLine;
  readonly heat: HeatLevel;
  readonly count: number;
  readonly errors: number;
  readonly totalNs: Nanos;
  readonly selfTotalNs: Nanos;
  readonly p50Ns: Nanos;
  readonly p95Ns: Nanos;
  readonly maxNs: Nanos;
  /** Total duration over the trace duration (trace mode); 0 in aggregate mode. */
  readonly share: number;
  /** First and one-past-last position of this line's spans in `order`. */
  readonly from: number;
  readonly to: number;
}

export type AnnotationMode = { readonly kind: 'trace'; readonly traceDurationNs: Nanos } | { readonly kind: 'aggregate' };

export interface FileAnnotations {
  readonly mode: AnnotationMode;
  readonly lines: readonly LineAnnotation[];
  /** Span positions in FileSpans, grouped by line (see LineAnnotation.from/to). */
  readonly order: Int32Array;
  /** Spans whose line is past the end of the document (the file changed since the trace). */
  readonly outOfRange: number;
}

export function annotateFile(spans: FileSpans, mode: AnnotationMode, lineCount = Number.MAX_SAFE_INTEGER): FileAnnotations {
  const n = spans.length;
  let maxLine = 0;
  let outOfRange = 0;
  for (let i = 0; i < n; i++) {
    const l = spans.line[i]!;
    if (l > lineCount) outOfRange++;
    else if (l > maxLine) maxLine = l;
  }
  // Counting sort by line.
  const start = new Int32Array(maxLine + 2);
  for (let i = 0; i < n; i++) { const l = spans.line[i]!; if (l <= maxLine && l >= 1) start[l + 1]!++; }
  for (let l = 1; l <= maxLine + 1; l++) start[l]! += start[l - 1]!;
  const fill = start.slice();
  const order = new Int32Array(start[maxLine + 1]!);
  const dur = new Float64Array(order.length);
  for (let i = 0; i < n; i++) {
    const l = spans.line[i]!;
    if (l > maxLine || l < 1) continue;
    const at = fill[l]!++;
    order[at] = i;
    dur[at] = spans.durationNs[i]!;
  }
  const traceNs = mode.kind === 'trace' ? mode.traceDurationNs : 0;
  const lines: LineAnnotation[] = [];
  const p95s: number[] = [];
  for (let l = 1; l <= maxLine; l++) {
    const from = start[l]!, to = start[l + 1]!;
    if (from === to) continue;
    const count = to - from;
    // Most lines hold a few spans: insertion sort in place, no subarray view per line; big groups use the
    // typed array's native sort.
    if (count > 32) dur.subarray(from, to).sort();
    else {
      for (let k = from + 1; k < to; k++) {
        const v = dur[k]!;
        let j = k - 1;
        while (j >= from && dur[j]! > v) { dur[j + 1] = dur[j]!; j--; }
        dur[j + 1] = v;
      }
    }
    let total = 0, self = 0, errors = 0;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      total += dur[k]!;
      self += spans.selfNs[i]!;
      errors += spans.error[i]!;
    }
    const sorted = dur.subarray(from, to);
    const p50 = percentileSorted(sorted, 0.5), p95 = percentileSorted(sorted, 0.95), max = dur[to - 1]!;
    const share = traceNs > 0 ? total / traceNs : 0;
    lines.push({ line: toEditorLine(l as CodeLine), heat: heatByShare(share), count, errors, totalNs: total, selfTotalNs: self, p50Ns: p50, p95Ns: p95, maxNs: max, share, from, to });
    p95s.push(p95);
  }
  if (mode.kind === 'aggregate') {
    const ranks = heatByRank(p95s);
    for (let i = 0; i < lines.length; i++) (lines[i] as { heat: HeatLevel }).heat = ranks[i] as HeatLevel;
  }
  return { mode, lines, order, outOfRange };
}

/** Inline text: `182 ms · 38% · 3 calls · 1 error` (trace), `p95 180 ms · 42 calls · 2 errors` (aggregate). */
export function annotationText(l: LineAnnotation, mode: AnnotationMode): string {
  const errText = l.errors > 0 ? ` · ${plural(l.errors, 'error')}` : '';
  return mode.kind === 'trace'
    ? `${formatDuration(l.totalNs)} · ${formatShare(l.share)} · ${plural(l.count, 'call')}${errText}`
    : `p95 ${formatDuration(l.p95Ns)} · ${plural(l.count, 'call')}${errText}`;
}

/** CodeLens text: `p50 12 ms · p95 180 ms · 42 spans · 2 errors`. */
export function lensText(s: { count: number; errors: number; p50Ns: Nanos; p95Ns: Nanos }): string {
  const errText = s.errors > 0 ? ` · ${plural(s.errors, 'error')}` : '';
  return `p50 ${formatDuration(s.p50Ns)} · p95 ${formatDuration(s.p95Ns)} · ${plural(s.count, 'span')}${errText}`;
}

/**
 * What the editor sets per update: the lines of each decoration type (five heat levels; error lines take the
 * error mark instead of a heat mark) and the inline texts. One array per type, so one setDecorations per type.
 */
export interface DecorationPlan {
  readonly heat: readonly (readonly EditorLine[])[];
  readonly error: readonly EditorLine[];
  readonly inline: readonly { readonly line: EditorLine; readonly text: string }[];
}

export function planDecorations(a: FileAnnotations, options: { inline: boolean; visible?: { from: EditorLine; to: EditorLine }[] }): DecorationPlan {
  const heat: EditorLine[][] = [[], [], [], [], []];
  const error: EditorLine[] = [];
  const inline: { line: EditorLine; text: string }[] = [];
  const vis = options.visible;
  for (const l of a.lines) {
    if (l.errors > 0) error.push(l.line);
    else heat[l.heat]!.push(l.line);
    // Inline texts only where the user can see them (plus a margin): they are the costly part to render.
    if (options.inline && (!vis || vis.some(r => l.line >= r.from - 100 && l.line <= r.to + 100))) inline.push({ line: l.line, text: annotationText(l, a.mode) });
  }
  return { heat, error, inline };
}
