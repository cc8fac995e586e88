// OTLP protobuf encoding with the code generated from vendor/opentelemetry-proto/ (src/core/proto/otlp.js,
// scripts/gen-proto.mjs): the model as an ExportTraceServiceRequest, and the ExportTraceServiceResponse an OTLP
// receiver answers with.
// Decoding requests is in src/core/parse/otlp-proto.ts (hand-written, faster, exact bigint times).
import { opentelemetry } from '../proto/otlp.js';
import type { AttrValue, Attributes, Span, Trace } from '../model';
import { base64ToBytes, hexToBytes } from '../ids';
import { groupSpans, resourceAttributesForOtlp } from './group';
import { linkAttributes, linksOf } from './encode';

const v1 = opentelemetry.proto;
const KIND_NUMBER = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS_NUMBER = { unset: 0, ok: 1, error: 2 } as const;

/** protobufjs accepts {low, high} for 64-bit fields: exact, with or without the `long` package. */
interface Bits { low: number; high: number; unsigned: boolean }
function bits(v: bigint, unsigned: boolean): Bits {
  const u = BigInt.asUintN(64, v);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned };
}

const textEncoder = new TextEncoder();
/** protobufjs hands out a Node Buffer under Node: give callers a plain Uint8Array view on every platform. */
function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
/** ID bytes; an opaque non-hex ID is written as its UTF-8 bytes (OTLP has no place for it, this keeps it visible). */
function idBytes(id: string): Uint8Array {
  return hexToBytes(id) ?? textEncoder.encode(id);
}

/** The traces as a binary ExportTraceServiceRequest (also a valid TracesData). */
export function encodeOtlpProtobuf(traces: readonly Trace[]): Uint8Array {
  const resourceSpans = groupSpans(traces).map(rg => ({
    resource: { attributes: keyValues(resourceAttributesForOtlp(rg.resource)) },
    scopeSpans: rg.scopes.map(sg => ({
      scope: sg.scope ? { name: sg.scope.name, version: sg.scope.version ?? '', attributes: keyValues(sg.scope.attributes) } : null,
      spans: sg.spans.map(spanMessage),
    })),
  }));
  return plain(v1.collector.trace.v1.ExportTraceServiceRequest.encode({ resourceSpans } as never).finish());
}

function spanMessage(s: Span): unknown {
  return {
    traceId: idBytes(s.traceId),
    spanId: idBytes(s.spanId),
    traceState: s.traceState ?? '',
    parentSpanId: s.parentId !== undefined ? idBytes(s.parentId) : new Uint8Array(0),
    flags: s.flags ?? 0,
    name: s.name,
    kind: KIND_NUMBER[s.kind],
    startTimeUnixNano: bits(s.startNs, true),
    endTimeUnixNano: bits(s.startNs + BigInt(s.durationNs), true),
    attributes: keyValues(s.attributes),
    events: s.events.map(e => ({ timeUnixNano: bits(e.timeNs, true), name: e.name, attributes: keyValues(e.attributes) })),
    links: linksOf(s).map(l => ({ traceId: idBytes(l.traceId), spanId: idBytes(l.spanId), traceState: l.traceState ?? '', attributes: keyValues(linkAttributes(l)) })),
    status: { code: STATUS_NUMBER[s.status.code], message: s.status.message ?? '' },
  };
}

function keyValues(attrs: Attributes): unknown[] {
  return attrs.map(a => ({ key: a.key, value: anyValue(a.value) }));
}

function anyValue(v: AttrValue): unknown {
  switch (typeof v) {
    case 'string': return { stringValue: v };
    case 'boolean': return { boolValue: v };
    case 'bigint': return { intValue: bits(v, false) };
    case 'number': return { doubleValue: v };
    default:
      if ('bytes' in v) return { bytesValue: base64ToBytes(v.bytes) ?? new Uint8Array(0) };
      if ('array' in v) return { arrayValue: { values: v.array.map(anyValue) } };
      return { kvlistValue: { values: keyValues(v.kvlist) } };
  }
}

export interface ExportTraceServiceResponse {
  /** Spans the receiver refused (0 and no message = full success). */
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}

/** A binary ExportTraceServiceResponse; full success (nothing rejected, no message) is the empty message. */
export function encodeExportTraceServiceResponse(r: { rejectedSpans?: number; errorMessage?: string } = {}): Uint8Array {
  const rejected = r.rejectedSpans ?? 0;
  const message = r.errorMessage ?? '';
  const msg = rejected === 0 && message === '' ? {} : { partialSuccess: { rejectedSpans: bits(BigInt(Math.trunc(rejected)), false), errorMessage: message } };
  return plain(v1.collector.trace.v1.ExportTraceServiceResponse.encode(msg as never).finish());
}

/** Reads a binary ExportTraceServiceResponse (what an OTLP/HTTP or gRPC endpoint answers). Throws on bad bytes. */
export function decodeExportTraceServiceResponse(bytes: Uint8Array): ExportTraceServiceResponse {
  const m = v1.collector.trace.v1.ExportTraceServiceResponse.decode(bytes);
  const p = m.partialSuccess;
  if (!p) return { rejectedSpans: 0, errorMessage: '' };
  const n = p.rejectedSpans;
  const rejectedSpans = n === null || n === undefined ? 0 : typeof n === 'number' ? n : Number(BigInt.asIntN(64, (BigInt(n.high >>> 0) << 32n) | BigInt(n.low >>> 0)));
  return { rejectedSpans, errorMessage: p.errorMessage ?? '' };
}
