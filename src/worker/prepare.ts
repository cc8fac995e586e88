// The work itself, the same inline and in the worker thread: parse, analyse, summarise, encode compactly.
import { analyzeTrace } from '../core/analysis/analyze';
import { summarizeTrace, type TraceSummary } from '../core/analysis/summary';
import type { ParseResult, ParseWarning, SourceFormat } from '../core/model';
import { parseTraceDocument } from '../core/parse/index';
import { previewJsonDocument } from '../core/parse/preview';
import { TraceStreamParser } from '../core/parse/stream';
import { encodeCompactTrace, type CompactTrace } from '../protocol/compact';

export interface PrepareOptions {
  readonly format?: 'auto' | SourceFormat;
  readonly skew?: 'raw' | 'adjust';
  /** Read only the first N spans of a document too big to open whole (the rest is counted and left out). */
  readonly maxSpans?: number;
}

export interface PreparedTrace {
  /** The CLI summary object (plain JSON). */
  readonly summary: TraceSummary;
  /** The columnar form the webview reads (typed arrays: transferable). */
  readonly compact: CompactTrace;
}

export interface PreparedDocument {
  readonly format: SourceFormat;
  readonly traces: PreparedTrace[];
  readonly warnings: readonly ParseWarning[];
}

/** Throws TraceParseError for bad input. */
export function prepareSync(input: Uint8Array | string, opts: PrepareOptions = {}): PreparedDocument {
  return prepareParsed(parseTraceDocument(input, { format: opts.format ?? 'auto' }), opts);
}

function prepareParsed(parsed: ParseResult, opts: PrepareOptions): PreparedDocument {
  const traces = parsed.traces.map(t => {
    const analysis = analyzeTrace(t, { skew: opts.skew ?? 'raw' });
    return { summary: summarizeTrace(analysis), compact: encodeCompactTrace(analysis) };
  });
  return { format: parsed.format, traces, warnings: parsed.warnings };
}

/** Documents from this size on get a preview before the whole: below it the whole is ready about as soon. */
export const PREVIEW_MIN_BYTES = 16 * 1024 * 1024;
/** Spans in a preview: many screens of rows, parsed and analysed in a few tens of milliseconds. */
export const PREVIEW_SPANS = 2000;

/**
 * The first spans of a big single-trace JSON document, prepared like the whole and marked `partial`, for a view
 * to draw while the whole is parsed. Undefined when the document is small, not JSON, holds several traces, or the
 * preview does not parse (the whole document's parse reports the problem).
 */
export function preparePreview(input: Uint8Array, opts: PrepareOptions = {}, maxSpans = PREVIEW_SPANS): PreparedTrace | undefined {
  if (input.byteLength < PREVIEW_MIN_BYTES || opts.format === 'otlp-proto') return undefined;
  const preview = previewJsonDocument(input, maxSpans);
  if (!preview) return undefined;
  let doc: PreparedDocument;
  try {
    doc = prepareSync(preview.bytes, opts);
  } catch {
    return undefined;
  }
  const [only] = doc.traces;
  if (!only || doc.traces.length !== 1) return undefined;
  return { summary: only.summary, compact: { ...only.compact, partial: { totalSpans: preview.totalSpans } } };
}

/** Bytes read per step: spans read so far can be shown between steps even when the whole document is at hand. */
export const STREAM_STEP_BYTES = 1024 * 1024;
/**
 * Bytes read per step until the first partial trace: the first spans are read in steps this small, so that the first
 * partial is prepared as soon as its spans are in, not after a whole STREAM_STEP_BYTES (about 1,000 spans read by
 * code not yet optimized, a hundred milliseconds before the first rows).
 */
export const FIRST_STEP_BYTES = 32 * 1024;
/** The first partial trace is shown once this many spans are read: a screen of rows and then some. */
export const FIRST_PARTIAL_SPANS = 200;
/** Each further partial trace holds at least this many times the spans of the one before. */
export const PARTIAL_GROWTH = 4;
/** A document known to be smaller than this is shown whole at once: it is read in about the time a partial takes. */
export const PARTIAL_MIN_BYTES = 4 * 1024 * 1024;
/** No partial trace is prepared beyond this share of the expected spans (the whole is then near). */
export const PARTIAL_MAX_SHARE = 0.1;

export interface StreamPrepareOptions extends PrepareOptions {
  /** The document's size when known (a file, a Content-Length): estimates the total spans of a partial trace. */
  readonly expectedBytes?: number;
  /** Called with the spans read so far of a single-trace document (compact marked `partial`), growing geometrically. */
  readonly onPartial?: (partial: PreparedTrace) => void;
}

/**
 * Prepares a document as its bytes arrive (TraceStreamParser): each span is read once, as soon as its JSON is
 * complete, and the spans read so far are shown as partial traces of geometrically growing size, so that the first
 * rows appear after the first bytes whatever the document's size, and preparing the partial traces costs a fraction
 * of preparing the whole. Throws TraceParseError (from write or finish).
 */
export class StreamingPrepare {
  private readonly parser: TraceStreamParser;
  private nextPartial = FIRST_PARTIAL_SPANS;
  private partials = 0;

  constructor(private readonly opts: StreamPrepareOptions = {}) {
    this.parser = new TraceStreamParser({ ...(opts.format ? { format: opts.format } : {}), ...(opts.maxSpans !== undefined ? { maxSpans: opts.maxSpans } : {}) });
  }

  get spanCount(): number { return this.parser.spanCount; }
  get partialCount(): number { return this.partials; }

  write(chunk: Uint8Array): void {
    for (let o = 0; o < chunk.length;) {
      const step = this.partials === 0 && this.opts.onPartial ? FIRST_STEP_BYTES : STREAM_STEP_BYTES;
      this.parser.write(o === 0 && chunk.length <= step ? chunk : chunk.subarray(o, o + step));
      o += step;
      this.maybePartial();
    }
  }

  finish(): PreparedDocument {
    return prepareParsed(this.parser.finish(), this.opts);
  }

  private maybePartial(): void {
    if (!this.opts.onPartial || (this.opts.expectedBytes !== undefined && this.opts.expectedBytes < PARTIAL_MIN_BYTES)) return;
    const n = this.parser.spanCount;
    if (n < this.nextPartial) return;
    const expected = this.expectedSpans();
    if (this.partials > 0 && expected !== undefined && n > expected * PARTIAL_MAX_SHARE) return;
    const snap = this.parser.snapshot();
    if (!snap || snap.traces.length !== 1) return;
    const doc = prepareParsed(snap, this.opts);
    const only = doc.traces[0]!;
    this.partials++;
    this.nextPartial = n * PARTIAL_GROWTH;
    this.opts.onPartial({ summary: only.summary, compact: { ...only.compact, partial: { totalSpans: Math.max(n, expected ?? n) } } });
  }

  /** Spans of the whole document, estimated from the bytes read so far. */
  private expectedSpans(): number | undefined {
    const total = this.opts.expectedBytes;
    const read = this.parser.bytesRead;
    if (!total || read <= 0) return undefined;
    return Math.round(this.parser.spanCount * (total / read));
  }
}
