// What the analysis core computes from one Trace. Produced by `analyzeTrace` (analyze.ts);
// consumed by the CLI, the compact webview payload, the editor surfaces and the side panel.
// Span references are indices into `trace.spans` (dense, fast, structured-clone friendly).

import type { Nanos, Span, Trace, UnixNanos } from '../model';

/** Bit flags per span (TraceTree.flags). */
export const SpanFlag = {
  /** The parent ID names a span that is not in the trace. */
  Orphan: 1 << 0,
  /** Another span in the trace has the same span ID and is not its Zipkin shared half. */
  Duplicate: 1 << 1,
  /** The parent link was dropped because it closed a cycle. */
  CycleBroken: 1 << 2,
  /** Starts before or ends after its parent where it should not (clock skew; see skew.ts). */
  Skewed: 1 << 3,
  /** Ends after its parent ends (async work, not necessarily skew). */
  OutlivesParent: 1 << 4,
  /** Status error (or error tag). */
  Error: 1 << 5,
  /** On the critical path. */
  Critical: 1 << 6,
  /** Zipkin server half that was paired with its client half (same span ID, `shared`). */
  SharedServerHalf: 1 << 7,
} as const;

export interface TraceTree {
  readonly trace: Trace;
  /** Parent index per span, -1 for roots and orphans. */
  readonly parent: Int32Array;
  /** Child indices per span, sorted by start time then document order. */
  readonly children: readonly (readonly number[])[];
  /** Top-level spans (true roots, orphans and cycle-broken spans) sorted by start time. */
  readonly roots: readonly number[];
  /** 0 for top-level spans. */
  readonly depth: Uint16Array;
  /** SpanFlag bits. */
  readonly flags: Uint16Array;
  /** Depth-first order of every span (roots in order, children in order): the waterfall's row order. */
  readonly preorder: Int32Array;
  /** Earliest start over all spans. */
  readonly startNs: UnixNanos;
  /** Latest end minus earliest start (raw times). */
  readonly durationNs: Nanos;
  /** Start of each span relative to `startNs`, ns (raw times). */
  readonly relStartNs: Float64Array;
  /** Clock-skew adjustment per span in ns (0 when none); adjusted start = relStartNs + skewNs. */
  readonly skewNs: Float64Array;
  /** Duration per span, ns (a copy of span.durationNs in a typed array: later passes read no span objects). */
  readonly spanDurationNs?: Float64Array;
  /** Kind per span: 0 unspecified, 1 client, 2 server, 3 producer, 4 consumer, 5 internal (tree.ts KIND_CODE). */
  readonly kindCode?: Uint8Array;
  /** Index of the first span with this (canonical) span ID. */
  indexOf(spanId: string): number;
}

export interface CodeLocation {
  /** As written in the span (not yet mapped to the workspace). May be relative, absolute, or a URL-ish string. */
  readonly filePath?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  readonly function?: string;
  readonly namespace?: string;
  /** Where it came from. */
  readonly source: 'code.attributes' | 'code.attributes.old' | 'datadog.code_origin' | 'stacktrace';
}

/** One frame of a parsed exception stack trace. */
export interface StackFrame {
  readonly function?: string;
  readonly filePath?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  readonly language: 'js' | 'python' | 'java' | 'go' | 'dotnet' | 'ruby' | 'php';
  /** The frame's original text. */
  readonly raw: string;
}

export type FindingKind =
  | 'orphan'                 // parent missing: context lost or spans dropped
  | 'client-without-server'  // CLIENT span with no SERVER child although the callee's service is in the trace
  | 'multiple-roots'         // several roots from one service
  | 'n-plus-one'             // many sibling calls to one callee (endpoint, statement template…) under one parent
  | 'sequential-chain'       // a chain of independent sibling calls run one after another (one finding per chain)
  | 'bottleneck'             // a span or group of equal calls holding a large share of the critical path
  | 'retry'                  // the same call again after failed attempts, with the backoff between them
  | 'concurrency-limit'      // equal calls that overlap but never more than k at a time (a pool, a semaphore)
  | 'error-origin'           // where an error started (not propagated from a child)
  | 'duplicate-span-id'
  | 'clock-skew';

/** How much a finding matters: high (fix first), medium, low (worth knowing). */
export type FindingSeverity = 'high' | 'medium' | 'low';

export interface Finding {
  readonly kind: FindingKind;
  readonly severity: FindingSeverity;
  /** The span the finding points at (index into trace.spans). */
  readonly spanIndex: number;
  /** Other spans involved (the N+1 siblings, the chain, the orphans of one lost parent…). */
  readonly relatedSpanIndices: readonly number[];
  /** Plain-language explanation for a person. */
  readonly message: string;
  /** Time involved (the N+1 total, the chain total, …), ns. */
  readonly totalNs?: Nanos;
  /** Time the trace could save if this were fixed (batched, parallel, no backoff…), ns: an estimate. */
  readonly savingNs?: Nanos;
  /** Where the context was lost / the calls were made, when known. */
  readonly codeLocation?: CodeLocation;
}

export interface DurationStats {
  readonly count: number;
  readonly totalNs: Nanos;
  readonly selfTotalNs: Nanos;
  readonly p50Ns: Nanos;
  readonly p95Ns: Nanos;
  readonly maxNs: Nanos;
  readonly errors: number;
}
export interface ServiceStats extends DurationStats {
  readonly service: string;
}
export interface OperationStats extends DurationStats {
  readonly service: string;
  readonly operation: string;
}

/** One stretch of the critical path: `spanIndex` was the bottleneck from `startNs` to `endNs` (relative ns). */
export interface CriticalSection {
  readonly spanIndex: number;
  readonly startNs: Nanos;
  readonly endNs: Nanos;
}

export interface TraceAnalysis {
  readonly tree: TraceTree;
  /** Which times the analysis used. */
  readonly skew?: 'raw' | 'adjust';
  /** Self time per span (duration not covered by children), ns. */
  readonly selfTimeNs: Float64Array;
  /** Critical path span indices, in time order. */
  readonly criticalPath: readonly number[];
  /** The critical path as sections, latest first (as walked back from the end). */
  readonly criticalSections?: readonly CriticalSection[];
  readonly services: readonly ServiceStats[];
  readonly operations: readonly OperationStats[];
  /** Spans whose error started there (no erroring child explains it). */
  readonly errorOrigins: readonly number[];
  /** Spans in error only because a descendant failed. */
  readonly propagatedErrors: readonly number[];
  readonly findings: readonly Finding[];
  /** Code location per span index (undefined where the span carries none). */
  readonly codeLocations: readonly (CodeLocation | undefined)[];
  readonly maxDepth: number;
  readonly errorCount: number;
}

export interface AnalyzeOptions {
  /** Use skew-adjusted times for critical path and self time. Default false (raw). */
  readonly skew?: 'raw' | 'adjust';
}

export type { Span };
