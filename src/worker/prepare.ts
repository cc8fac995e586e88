// The work itself, the same inline and in the worker thread: parse, analyse, summarise, encode compactly.
import { analyzeTrace } from '../core/analysis/analyze';
import { summarizeTrace, type TraceSummary } from '../core/analysis/summary';
import type { ParseWarning, SourceFormat } from '../core/model';
import { parseTraceDocument } from '../core/parse/index';
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
