// The work itself, the same inline and in the worker thread: parse, analyse, summarise, encode compactly.
import { analyzeTrace } from '../core/analysis/analyze';
import { summarizeTrace, type TraceSummary } from '../core/analysis/summary';
import type { ParseWarning, SourceFormat } from '../core/model';
import { parseTraceDocument } from '../core/parse/index';
import { previewJsonDocument } from '../core/parse/preview';
import { encodeCompactTrace, type CompactTrace } from '../protocol/compact';

export interface PrepareOptions {
  readonly format?: 'auto' | SourceFormat;
  readonly skew?: 'raw' | 'adjust';
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
  const parsed = parseTraceDocument(input, { format: opts.format ?? 'auto' });
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
