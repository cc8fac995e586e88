// The one normalized trace model every parser produces and every view consumes.
//
// Units: timestamps are unix nanoseconds as `bigint` (exact; OTLP carries ns and Jaeger/Zipkin µs would
// lose nothing either), durations are nanoseconds as `number` (exact up to 2^53 ns ≈ 104 days).
// IDs: canonical lowercase hex, trace IDs padded to 32 and span IDs to 16; an ID that is not hex is kept
// as an opaque string (see ids.ts). Everything here is plain data (structured-clone safe, JSON-able via
// `toJSON` helpers where bigint appears): no classes, no methods.

/** Unix time in nanoseconds. */
export type UnixNanos = bigint;
/** A duration in nanoseconds. */
export type Nanos = number;
/** A duration in microseconds (Jaeger/Zipkin unit, used by summaries). */
export type Micros = number;

export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export const SPAN_KINDS: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export type StatusCode = 'unset' | 'ok' | 'error';
export interface Status {
  readonly code: StatusCode;
  readonly message?: string;
}

/**
 * A typed attribute value, as OTLP's AnyValue:
 * string, boolean, double (`number`), int64 (`bigint`, never rounded), bytes (base64), arrays and maps.
 */
export type AttrValue = string | boolean | number | bigint | BytesValue | ArrayValue | KvListValue;
export interface BytesValue {
  readonly bytes: string; // base64
}
export interface ArrayValue {
  readonly array: readonly AttrValue[];
}
export interface KvListValue {
  readonly kvlist: readonly Attr[];
}
export interface Attr {
  readonly key: string;
  readonly value: AttrValue;
}
export type Attributes = readonly Attr[];

/** A service instance (OTLP resource / Jaeger process / Zipkin local endpoint). Shared by its spans. */
export interface Resource {
  readonly serviceName: string;
  readonly attributes: Attributes;
}

/** Instrumentation scope (library). Shared by its spans. */
export interface Scope {
  readonly name: string;
  readonly version?: string;
  readonly attributes: Attributes;
}

export interface SpanEvent {
  readonly timeNs: UnixNanos;
  readonly name: string;
  readonly attributes: Attributes;
}

/** How a link relates the span to another span. Jaeger FOLLOWS_FROM references other than the parent become links. */
export type LinkType = 'link' | 'follows_from' | 'child_of';
export interface SpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly type: LinkType;
  readonly attributes: Attributes;
  readonly traceState?: string;
}

export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  /** Parent span ID; undefined for a root. The parent may be missing from the trace (an orphan). */
  readonly parentId?: string;
  /** How the parent reference was expressed (Jaeger CHILD_OF vs FOLLOWS_FROM); OTLP parents are child_of. */
  readonly parentRefType?: 'child_of' | 'follows_from';
  readonly name: string;
  readonly kind: SpanKind;
  readonly resource: Resource;
  readonly scope?: Scope;
  readonly status: Status;
  readonly startNs: UnixNanos;
  readonly durationNs: Nanos;
  readonly attributes: Attributes;
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  readonly traceState?: string;
  readonly flags?: number;
  /** Zipkin: the server half of an RPC whose client half has the same span ID. */
  readonly shared?: boolean;
  /** Things the parser had to repair or could not read in this span (shown in span details). */
  readonly warnings?: readonly string[];
}

export type SourceFormat =
  | 'jaeger'      // Jaeger v1 / UI JSON (envelope, bare trace, span array)
  | 'jaeger-v3'   // Jaeger api_v3 {result:{resourceSpans}}
  | 'otlp'        // OTLP JSON (TracesData / ExportTraceServiceRequest, JSON Lines, Tempo batches / {trace})
  | 'otlp-proto'  // OTLP protobuf
  | 'zipkin';     // Zipkin v2 JSON

export interface Trace {
  readonly traceId: string;
  /** Spans in document order. */
  readonly spans: readonly Span[];
  readonly format: SourceFormat;
  /** Trace-level warnings from the source (e.g. Jaeger `warnings`). */
  readonly warnings: readonly string[];
}

/** A problem found while parsing; the parse keeps going where it can. */
export interface ParseWarning {
  /** JSON path (e.g. `$.data[0].spans[12].startTime`) or byte offset for protobuf. */
  readonly path: string;
  readonly message: string;
}

export interface ParseResult {
  /** Traces in order of first appearance in the document. */
  readonly traces: readonly Trace[];
  readonly format: SourceFormat;
  readonly warnings: readonly ParseWarning[];
}

/** The one error type parsers throw. Anything else escaping a parser is a bug. */
export class TraceParseError extends Error {
  override readonly name = 'TraceParseError';
  constructor(
    message: string,
    /** Where in the document (JSON path, line number for JSON Lines, byte offset for protobuf). */
    readonly path: string = '$',
  ) {
    super(message);
  }
}

// ---- small helpers every layer needs --------------------------------------------------------------

const EMPTY: readonly never[] = Object.freeze([]);
export const NO_ATTRIBUTES: Attributes = EMPTY;
export const STATUS_UNSET: Status = Object.freeze({ code: 'unset' });
export const UNKNOWN_SERVICE = 'unknown_service';

/** First attribute with this key, or undefined. */
export function attr(attrs: Attributes, key: string): AttrValue | undefined {
  for (const a of attrs) if (a.key === key) return a.value;
  return undefined;
}

/** Span end as unix ns. */
export function spanEndNs(span: Span): UnixNanos {
  return span.startNs + BigInt(span.durationNs);
}

/**
 * The earliest start and the latest end of the spans (unix ns), or undefined when there are none. A duration is
 * rounded to whole nanoseconds first: a parsed duration can carry a fraction (microseconds × 1000 of a float).
 */
export function spansExtent(spans: readonly Span[]): { startNs: UnixNanos; endNs: UnixNanos } | undefined {
  if (spans.length === 0) return undefined;
  let startNs = spans[0]!.startNs;
  let endNs = startNs;
  for (const s of spans) {
    if (s.startNs < startNs) startNs = s.startNs;
    const e = s.startNs + BigInt(Math.round(s.durationNs));
    if (e > endNs) endNs = e;
  }
  return { startNs, endNs };
}

export function nanosToMicros(ns: Nanos): Micros {
  return ns / 1000;
}

/** A value as display text (bytes as base64, arrays/maps as JSON). Never throws. */
export function attrToString(v: AttrValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return String(v);
  return JSON.stringify(attrToJson(v));
}

/** A value as plain JSON (int64 as a decimal string when outside the safe range). */
export function attrToJson(v: AttrValue): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v !== 'object') return v;
  if ('bytes' in v) return v.bytes;
  if ('array' in v) return v.array.map(attrToJson);
  const out: Record<string, unknown> = Object.create(null);
  for (const a of v.kvlist) out[a.key] = attrToJson(a.value);
  return out;
}
