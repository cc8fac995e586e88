// OTLP protobuf (binary ExportTraceServiceRequest / TracesData: both are `repeated ResourceSpans = 1`).
//
// Hand-written decoder guided by vendor/opentelemetry-proto/opentelemetry/proto/**/*.proto, straight into the model.
// Chosen over the generated pbjs code (src/core/proto/otlp.js, used for encoding and as the test oracle) because:
// (1) pbjs turns fixed64 timestamps into Long objects (or lossy numbers when `long` is not loadable, as in esbuild
// bundles), while the model needs exact bigint ns; (2) it allocates a message object per span, attribute and AnyValue which we would copy
// again; decoding straight into the model is faster (see bench/parse.mjs) and retains nothing of the input.
// Field numbers are listed next to each case; test/unit/core/parse/otlp-proto.test.ts checks them against payloads
// from the real OpenTelemetry JS serializer.
import {
  NO_ATTRIBUTES, STATUS_UNSET, TraceParseError,
  type Attr, type AttrValue, type Attributes, type LinkType, type ParseResult, type Resource, type Scope, type Span,
  type SpanEvent, type SpanLink, type StatusCode,
} from '../model';
import { bytesToBase64, idBytesToHex, isAllZeroId } from '../ids';
import { BadSpan, Builder, MAX_VALUE_DEPTH, makeSpan } from './builder';
import { KIND_BY_NUMBER, makeStatus } from './values';
import { REF_TYPE_KEY } from './otlp-json';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const NO_LINKS: readonly SpanLink[] = Object.freeze([]);
const NO_EVENTS: readonly SpanEvent[] = Object.freeze([]);

class ProtoError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const f64 = new DataView(new ArrayBuffer(8));
const TWO32 = 4294967296;

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly b: Builder) {}

  varint(): number {
    // Up to 2^53 exactly; longer varints (negative int32s) are folded into 32 bits as protobuf does for enums.
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new ProtoError('truncated varint', this.pos);
      const c = buf[pos++]!;
      if (i < 8) result += (c & 0x7f) * mul;
      mul *= 128;
      if (c < 0x80) {
        this.pos = pos;
        return i >= 5 ? result % TWO32 | 0 : result;
      }
    }
    throw new ProtoError('varint longer than 10 bytes', this.pos);
  }

  /** int64 varint as an exact signed bigint. */
  int64(): bigint {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new ProtoError('truncated varint', start);
      const c = buf[pos++]!;
      if (i < 4) lo += (c & 0x7f) * 2 ** (7 * i);
      else if (i === 4) { lo += (c & 0x0f) * 2 ** 28; hi += (c & 0x7f) >> 4; }
      else { hi += (c & 0x7f) * 2 ** (3 + 7 * (i - 5)); }
      if (c < 0x80) {
        this.pos = pos;
        hi = hi % TWO32;
        if (hi < 0x200000) return BigInt(hi * TWO32 + lo);
        return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
      }
    }
    throw new ProtoError('varint longer than 10 bytes', start);
  }

  fixed32(): number {
    const buf = this.buf;
    const p = this.pos;
    if (p + 4 > buf.length) throw new ProtoError('truncated fixed32', p);
    this.pos = p + 4;
    return (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16)) + buf[p + 3]! * 0x1000000;
  }

  /** fixed64 as [lo, hi] uint32 halves in the reader's scratch fields. */
  lo = 0;
  hi = 0;
  fixed64(): void {
    this.lo = this.fixed32();
    this.hi = this.fixed32();
  }

  double(): number {
    const buf = this.buf;
    const p = this.pos;
    if (p + 8 > buf.length) throw new ProtoError('truncated double', p);
    for (let i = 0; i < 8; i++) f64.setUint8(i, buf[p + i]!);
    this.pos = p + 8;
    return f64.getFloat64(0, true);
  }

  /** Length of a LEN field; returns its end offset. */
  len(end: number): number {
    const at = this.pos;
    const n = this.varint();
    const e = this.pos + n;
    if (e > end) throw new ProtoError(`length ${n} runs past the end of its message`, at);
    return e;
  }

  string(end: number): string {
    const e = this.len(end);
    const s = utf8(this.buf, this.pos, e);
    this.pos = e;
    return s;
  }

  /**
   * A string field that repeats (attribute keys, names): looked up by a hash of its bytes and compared byte by byte,
   * so the 1.5M keys of a 100k-span trace cost no string allocation and no string hashing.
   */
  private readonly byHash = new Map<number, string>();
  internedString(end: number): string {
    const e = this.len(end);
    const buf = this.buf;
    const start = this.pos;
    this.pos = e;
    const n = e - start;
    if (n > 64) return this.b.intern(utf8(buf, start, e));
    let h = n;
    for (let i = start; i < e; i++) h = Math.imul(h ^ buf[i]!, 16777619);
    const hit = this.byHash.get(h);
    if (hit !== undefined && hit.length === n) {
      let same = true;
      for (let i = 0; i < n; i++) if (hit.charCodeAt(i) !== buf[start + i]) { same = false; break; }
      if (same) return hit;
    }
    const s = this.b.intern(utf8(buf, start, e));
    if (hit === undefined) this.byHash.set(h, s);
    return s;
  }

  skip(wire: number, end: number): void {
    switch (wire) {
      case 0: this.varint(); return;
      case 1: if (this.pos + 8 > end) throw new ProtoError('truncated fixed64', this.pos); this.pos += 8; return;
      case 2: this.pos = this.len(end); return;
      case 5: if (this.pos + 4 > end) throw new ProtoError('truncated fixed32', this.pos); this.pos += 4; return;
      default: throw new ProtoError(`unsupported wire type ${wire}`, this.pos);
    }
  }
}

function utf8(buf: Uint8Array, start: number, end: number): string {
  // TextDecoder on a subarray beats building strings char by char (that makes ropes: slower, and more heap).
  return start === end ? '' : textDecoder.decode(buf.subarray(start, end));
}
// ignoreBOM: a U+FEFF that begins a string field is data, as it is to JSON.parse (the default would drop it)
const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Decodes an OTLP protobuf ExportTraceServiceRequest / TracesData. Throws TraceParseError at a byte offset. */
export function decodeOtlpProtobuf(bytes: Uint8Array): ParseResult {
  const b = new Builder('otlp-proto');
  if (bytes.length === 0) throw new TraceParseError('empty input: expected an OTLP protobuf ExportTraceServiceRequest', 'byte 0');
  const r = new Reader(bytes, b);
  walkRequest(bytes, r, e => resourceSpans(r, e), () => b.spanCount());
  return b.finish();
}

/**
 * Walks an ExportTraceServiceRequest / TracesData: each resource_spans message (field 1) goes to `each` with the
 * offset where it ends; other fields are skipped. A malformed message throws TraceParseError at its byte offset.
 */
function walkRequest(bytes: Uint8Array, r: Reader, each: (end: number) => void, spansSoFar: () => number): void {
  try {
    const end = bytes.length;
    let sawResourceSpans = false;
    while (r.pos < end) {
      const tagAt = r.pos;
      const tag = r.varint();
      const field = tag >>> 3, wire = tag & 7;
      if (field === 1 && wire === 2) { // TracesData.resource_spans = 1
        const e = r.len(end);
        each(e);
        r.pos = e;
        sawResourceSpans = true;
      } else if (field === 0) {
        throw new ProtoError('field number 0 is invalid', tagAt);
      } else {
        r.skip(wire, end);
      }
    }
    if (!sawResourceSpans && spansSoFar() === 0 && bytes.length > 0 && !looksLikeProtobuf(bytes)) {
      throw new ProtoError('not an OTLP protobuf message (no resourceSpans field)', 0);
    }
  } catch (err) {
    if (err instanceof ProtoError) throw new TraceParseError(`invalid OTLP protobuf: ${err.message} at byte ${err.offset}`, `byte ${err.offset}`);
    if (err instanceof TraceParseError) throw err;
    if (err instanceof RangeError) throw new TraceParseError('invalid OTLP protobuf: nested too deeply', 'byte 0');
    throw err;
  }
}

function looksLikeProtobuf(bytes: Uint8Array): boolean {
  return bytes[0] === 0x0a;
}

function resourceSpans(r: Reader, end: number): void {
  const b = r.b;
  let resource: Resource | undefined;
  const groups: number[] = []; // [start, end, legacy]…
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3, wire = tag & 7;
    if (wire === 2 && (field === 1 || field === 2 || field === 1000)) {
      const e = r.len(end);
      if (field === 1) resource = readResource(r, e); // ResourceSpans.resource = 1
      else groups.push(r.pos, e); // scope_spans = 2, instrumentation_library_spans = 1000 (same layout)
      r.pos = e;
    } else r.skip(wire, end);
  }
  resource ??= b.resource(undefined, NO_ATTRIBUTES);
  for (let i = 0; i < groups.length; i += 2) {
    r.pos = groups[i]!;
    scopeSpans(r, groups[i + 1]!, resource);
  }
}

function readResource(r: Reader, end: number): Resource {
  const list: Attr[] = [];
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) { // Resource.attributes = 1
      const e = r.len(end);
      const kv = keyValue(r, e, 0);
      if (kv) list.push(kv);
      r.pos = e;
    } else r.skip(tag & 7, end);
  }
  let service: string | undefined;
  for (const a of list) if (a.key === 'service.name' && typeof a.value === 'string') { service = a.value; break; }
  return r.b.resource(service, list.length ? list : NO_ATTRIBUTES);
}

function scopeSpans(r: Reader, end: number, resource: Resource): void {
  const b = r.b;
  let scope: Scope | undefined;
  const spans: number[] = [];
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3, wire = tag & 7;
    if (wire === 2 && field === 1) { // ScopeSpans.scope = 1 (InstrumentationLibrarySpans.instrumentation_library = 1)
      const e = r.len(end);
      scope = readScope(r, e);
      r.pos = e;
    } else if (wire === 2 && field === 2) { // spans = 2
      const e = r.len(end);
      spans.push(r.pos, e);
      r.pos = e;
    } else r.skip(wire, end);
  }
  for (let i = 0; i < spans.length; i += 2) {
    const start = spans[i]!;
    r.pos = start;
    try {
      b.addSpan(span(r, spans[i + 1]!, resource, scope));
    } catch (err) {
      if (err instanceof ProtoError) b.badSpan(`byte ${err.offset}`, new BadSpan(err.message));
      else b.badSpan(`byte ${start}`, err);
    }
  }
}

function readScope(r: Reader, end: number): Scope | undefined {
  let name = '';
  let version: string | undefined;
  const list: Attr[] = [];
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 2: name = r.string(end); break; // name = 1
      case (2 << 3) | 2: version = r.string(end); break; // version = 2
      case (3 << 3) | 2: { // attributes = 3
        const e = r.len(end);
        const kv = keyValue(r, e, 0);
        if (kv) list.push(kv);
        r.pos = e;
        break;
      }
      default: r.skip(tag & 7, end);
    }
  }
  if (name === '' && !version && list.length === 0) return undefined;
  return r.b.scope(name, version || undefined, list.length ? list : NO_ATTRIBUTES);
}

function id(r: Reader, end: number, width: 16 | 32): string {
  const e = r.len(end);
  const s = idBytesToHex(r.buf, r.pos, e, width);
  r.pos = e;
  return s;
}

// link() below reads trace_id, span_id and trace_state with the same cases as this switch (trace.proto numbers them 1
// to 3 in both messages) and its attributes with the same body; its comment says why each switch spells them out.
function span(r: Reader, end: number, resource: Resource, scope: Scope | undefined): Span {
  const b = r.b;
  let traceId = '', spanId = '', parentId = '', traceState = '', name = '';
  let flags = 0, kind = 0;
  let sLo = 0, sHi = 0, eLo = 0, eHi = 0, haveStart = false, haveEnd = false;
  let attributes: Attr[] | undefined;
  let events: SpanEvent[] | undefined;
  let links: SpanLink[] | undefined;
  let statusCode: StatusCode = 'unset';
  let statusMessage: string | undefined;
  let warnings: string[] | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 2: traceId = id(r, end, 32); break; // trace_id = 1
      case (2 << 3) | 2: spanId = id(r, end, 16); break; // span_id = 2
      case (3 << 3) | 2: traceState = r.string(end); break; // trace_state = 3
      case (4 << 3) | 2: parentId = id(r, end, 16); break; // parent_span_id = 4
      case (5 << 3) | 2: name = r.internedString(end); break; // name = 5
      case (6 << 3) | 0: kind = r.varint(); break; // kind = 6
      case (7 << 3) | 1: r.fixed64(); sLo = r.lo; sHi = r.hi; haveStart = true; break; // start_time_unix_nano = 7
      case (8 << 3) | 1: r.fixed64(); eLo = r.lo; eHi = r.hi; haveEnd = true; break; // end_time_unix_nano = 8
      case (9 << 3) | 2: { // attributes = 9
        const e = r.len(end);
        const kv = keyValue(r, e, 0);
        if (kv) (attributes ??= []).push(kv);
        else (warnings ??= []).push('an unreadable attribute was skipped');
        r.pos = e;
        break;
      }
      case (11 << 3) | 2: { // events = 11
        const e = r.len(end);
        (events ??= []).push(event(r, e));
        r.pos = e;
        break;
      }
      case (13 << 3) | 2: { // links = 13
        const e = r.len(end);
        const l = link(r, e);
        if (l) (links ??= []).push(l);
        else (warnings ??= []).push('a link without trace or span ID was skipped');
        r.pos = e;
        break;
      }
      case (15 << 3) | 2: { // status = 15
        const e = r.len(end);
        while (r.pos < e) {
          const t = r.varint();
          if (t === ((2 << 3) | 2)) statusMessage = r.string(e); // Status.message = 2
          else if (t === ((3 << 3) | 0)) { const c = r.varint(); statusCode = c === 1 ? 'ok' : c === 2 ? 'error' : 'unset'; } // code = 3
          else r.skip(t & 7, e);
        }
        r.pos = e;
        break;
      }
      case (16 << 3) | 5: flags = r.fixed32(); break; // flags = 16
      default: r.skip(tag & 7, end);
    }
  }
  if (traceId === '' || isAllZeroId(traceId)) throw new BadSpan('trace_id is missing or all zeros');
  if (spanId === '' || isAllZeroId(spanId)) throw new BadSpan('span_id is missing or all zeros');
  if (!haveStart) throw new BadSpan('start_time_unix_nano is missing');
  const startNs = sHi < 0x200000 ? BigInt(sHi * TWO32 + sLo) : (BigInt(sHi) << 32n) | BigInt(sLo);
  let durationNs = 0;
  if (!haveEnd) (warnings ??= []).push('end_time_unix_nano is missing: duration set to 0');
  else {
    const d = (eHi - sHi) * TWO32 + (eLo - sLo);
    if (d < 0) (warnings ??= []).push('end_time_unix_nano is before start_time_unix_nano: duration set to 0');
    else durationNs = d;
  }
  let parentRefType: 'follows_from' | undefined;
  if (links && parentId) {
    // As in otlp-json.ts: a follows_from link to the parent in FIRST position marks a FOLLOWS_FROM parent.
    const l = links[0]!;
    if (l.type === 'follows_from' && l.spanId === parentId && l.traceId === traceId && l.attributes.length === 0) { parentRefType = 'follows_from'; links.shift(); }
  }
  const kindName = KIND_BY_NUMBER[kind];
  if (kindName === undefined) (warnings ??= []).push(`unknown span kind ${kind}`);
  const s = makeSpan(traceId, spanId, parentId !== '' && !isAllZeroId(parentId) ? parentId : undefined, name, kindName ?? 'unspecified', resource, scope,
    statusCode === 'unset' && statusMessage === undefined ? STATUS_UNSET : makeStatus(statusCode, statusMessage, b),
    startNs, durationNs, attributes ?? NO_ATTRIBUTES, events ?? NO_EVENTS, links && links.length ? links : NO_LINKS, flags !== 0 ? flags : undefined);
  if (parentRefType) s.parentRefType = parentRefType;
  if (traceState !== '') s.traceState = traceState;
  if (warnings) s.warnings = warnings;
  return s;
}

function event(r: Reader, end: number): SpanEvent {
  let lo = 0, hi = 0, name = '';
  let list: Attr[] | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 1: r.fixed64(); lo = r.lo; hi = r.hi; break; // time_unix_nano = 1
      case (2 << 3) | 2: name = r.internedString(end); break; // name = 2
      case (3 << 3) | 2: { // attributes = 3
        const e = r.len(end);
        const kv = keyValue(r, e, 0);
        if (kv) (list ??= []).push(kv);
        r.pos = e;
        break;
      }
      default: r.skip(tag & 7, end);
    }
  }
  const timeNs = hi < 0x200000 ? BigInt(hi * TWO32 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
  return { timeNs, name, attributes: list ?? NO_ATTRIBUTES };
}

// Its first cases read as span()'s do because trace.proto numbers a Link's trace_id, span_id, trace_state (1 to 3)
// as it numbers a Span's, and its attributes are a KeyValue list read as span()'s and event()'s are. They stay spelled
// out in each switch like every other case: this is the decoder's per-field inner loop (bench/parse.mjs times it,
// the proto column), and one switch per message keeps each field one jump away.
function link(r: Reader, end: number): SpanLink | undefined {
  let traceId = '', spanId = '', traceState = '';
  let list: Attr[] | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 2: traceId = id(r, end, 32); break; // trace_id = 1
      case (2 << 3) | 2: spanId = id(r, end, 16); break; // span_id = 2
      case (3 << 3) | 2: traceState = r.string(end); break; // trace_state = 3
      case (4 << 3) | 2: { // attributes = 4
        const e = r.len(end);
        const kv = keyValue(r, e, 0);
        if (kv) (list ??= []).push(kv);
        r.pos = e;
        break;
      }
      default: r.skip(tag & 7, end); // dropped_attributes_count = 5, flags = 6
    }
  }
  if (traceId === '' || spanId === '') return undefined;
  let type: LinkType = 'link';
  let attributes: Attributes = list ?? NO_ATTRIBUTES;
  if (list) {
    const i = list.findIndex(a => a.key === REF_TYPE_KEY);
    if (i >= 0) {
      const v = list[i]!.value;
      if (v === 'follows_from' || v === 'child_of') {
        type = v;
        list.splice(i, 1);
        attributes = list.length ? list : NO_ATTRIBUTES;
      }
    }
  }
  const l: Mutable<SpanLink> = { traceId, spanId, type, attributes };
  if (traceState !== '') l.traceState = traceState;
  return l;
}

/** KeyValue message → Attr; undefined when it has no key. */
function keyValue(r: Reader, end: number, depth: number): Attr | undefined {
  let key: string | undefined;
  let value: AttrValue = '';
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) key = r.internedString(end); // key = 1
    else if (tag === ((2 << 3) | 2)) { // value = 2
      const e = r.len(end);
      value = anyValue(r, e, depth);
      r.pos = e;
    } else r.skip(tag & 7, end);
  }
  if (key === undefined) return undefined;
  return typeof value === 'object' ? { key, value } : r.b.sharedAttr(r.b.keyEntry(key), value);
}

function anyValue(r: Reader, end: number, depth: number): AttrValue {
  let value: AttrValue = '';
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 2: value = r.string(end); break; // string_value = 1
      case (2 << 3) | 0: value = r.varint() !== 0; break; // bool_value = 2
      case (3 << 3) | 0: value = r.int64(); break; // int_value = 3
      case (4 << 3) | 1: value = r.double(); break; // double_value = 4
      case (5 << 3) | 2: { // array_value = 5 → ArrayValue.values = 1
        const e = r.len(end);
        if (depth >= MAX_VALUE_DEPTH) throw new ProtoError('attribute value nested too deeply', r.pos);
        const out: AttrValue[] = [];
        while (r.pos < e) {
          const t = r.varint();
          if (t === ((1 << 3) | 2)) { const ve = r.len(e); out.push(anyValue(r, ve, depth + 1)); r.pos = ve; } else r.skip(t & 7, e);
        }
        value = { array: out };
        break;
      }
      case (6 << 3) | 2: { // kvlist_value = 6 → KeyValueList.values = 1
        const e = r.len(end);
        if (depth >= MAX_VALUE_DEPTH) throw new ProtoError('attribute value nested too deeply', r.pos);
        const out: Attr[] = [];
        while (r.pos < e) {
          const t = r.varint();
          if (t === ((1 << 3) | 2)) { const ve = r.len(e); const kv = keyValue(r, ve, depth + 1); if (kv) out.push(kv); r.pos = ve; } else r.skip(t & 7, e);
        }
        value = { kvlist: out };
        break;
      }
      case (7 << 3) | 2: { // bytes_value = 7
        const e = r.len(end);
        value = { bytes: bytesToBase64(r.buf.subarray(r.pos, e)) };
        r.pos = e;
        break;
      }
      default: r.skip(tag & 7, end);
    }
  }
  return value;
}

// ---- index: what an OTLP receiver needs from an export request, without building the spans ------------------

/**
 * An export request read only as far as a trace store needs: per span its trace, IDs, times, error status and name,
 * and where its bytes are, so that a store can keep each trace's own bytes (`traceRequestBytes`) and decode them
 * when the trace is viewed. Building every span, attribute and event object is most of a full decode's cost; this
 * walks them only to check their framing. A span is accepted here exactly when `decodeOtlpProtobuf` would return
 * it (the same checks, in the same order), and a request fails here exactly when it would fail there, so a span
 * acknowledged to an exporter is always found again by the full decoder. Columns are typed arrays so that a parse
 * worker can transfer them.
 */
export interface OtlpProtoIndex {
  /** Spans accepted. */
  readonly count: number;
  /** Distinct trace IDs (hex), in order of first appearance. */
  readonly traceIds: readonly string[];
  /** Per span: index into traceIds. */
  readonly traceOf: Uint32Array;
  /** Per span: index of its (resource, scope) group; see `groups`. */
  readonly groupOf: Uint32Array;
  /** Per span: byte range of the Span message's content in the request. */
  readonly spanAt: Uint32Array;
  readonly spanEnd: Uint32Array;
  /** Per span: span ID (hex as the full decoder writes it). */
  readonly spanIds: readonly string[];
  /** Per span: 1 when it has no parent. */
  readonly parentless: Uint8Array;
  /** Per span: start, unix ns (unsigned, as OTLP's fixed64). */
  readonly startNs: BigUint64Array;
  readonly durationNs: Float64Array;
  /** Per span: 1 for status ERROR. */
  readonly error: Uint8Array;
  /** Per span: byte range of its name (UTF-8) in the request; see `indexedSpanName`. Decoded only when wanted. */
  readonly nameAt: Uint32Array;
  readonly nameEnd: Uint32Array;
  /** Per span: where its field starts in its ScopeSpans (the tag), so adjacent spans can be copied in one piece. */
  readonly spanTag: Uint32Array;
  /** Service names (see `groups`). */
  readonly strings: readonly string[];
  /**
   * Per group, 5 numbers: byte range of the Resource message content (-1, -1 when absent), of the scope message
   * content (-1, -1 when absent), and the index into strings of the service name (-1 when unnamed).
   */
  readonly groups: Int32Array;
  /** Spans the full decoder would skip (each a "span skipped" warning there). */
  readonly skipped: number;
}

/** An index of no spans (a request with nothing to store). */
export function emptyOtlpProtoIndex(): OtlpProtoIndex {
  return new IndexBuilder().finish();
}

/**
 * Indexes an OTLP protobuf ExportTraceServiceRequest (see OtlpProtoIndex). Throws TraceParseError as the decoder does.
 * (The receiver's JSON transcoder builds the same index while it writes; its tests hold the two equal.)
 */
export function indexOtlpProtobuf(bytes: Uint8Array): OtlpProtoIndex {
  const b = new Builder('otlp-proto');
  if (bytes.length === 0) throw new TraceParseError('empty input: expected an OTLP protobuf ExportTraceServiceRequest', 'byte 0');
  const r = new Reader(bytes, b);
  const x = new IndexBuilder();
  walkRequest(bytes, r, e => indexResourceSpans(r, e, x), () => x.count);
  if (x.count === 0 && x.skipped > 0) {
    throw new TraceParseError(`no readable span: ${x.firstSkipped}` + (x.skipped > 1 ? ` (and ${x.skipped - 1} more bad spans)` : ''), x.firstSkippedPath);
  }
  return x.finish();
}

/** Strings numbered in order of first appearance (an index's trace IDs and service names). */
export class Interner {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  of(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) { i = this.list.length; this.list.push(s); this.index.set(s, i); }
    return i;
  }
}

class IndexBuilder {
  count = 0;
  skipped = 0;
  firstSkipped = '';
  firstSkippedPath = '';
  private readonly traceIds = new Interner();
  readonly traceOf: number[] = [];
  readonly groupOf: number[] = [];
  readonly spanAt: number[] = [];
  readonly spanEnd: number[] = [];
  readonly spanIds: string[] = [];
  readonly parentless: number[] = [];
  readonly startLo: number[] = [];
  readonly startHi: number[] = [];
  readonly durationNs: number[] = [];
  /** The trace of the span before, and where its ID bytes are (the next span's trace is usually the same). */
  lastTrace = -1;
  lastTraceAt = 0;
  lastTraceEnd = 0;
  readonly error: number[] = [];
  readonly nameAt: number[] = [];
  readonly nameEnd: number[] = [];
  readonly spanTag: number[] = [];
  private readonly strings = new Interner();
  readonly groups: number[] = [];

  str(s: string): number {
    return this.strings.of(s);
  }

  trace(id: string): number {
    return this.traceIds.of(id);
  }

  skip(path: string, message: string): void {
    if (this.skipped++ === 0) { this.firstSkipped = message; this.firstSkippedPath = path; }
  }

  finish(): OtlpProtoIndex {
    return {
      // (new TypedArray(array) copies an array directly; TypedArray.from goes through its iterator.)
      count: this.count, traceIds: this.traceIds.list, traceOf: new Uint32Array(this.traceOf), groupOf: new Uint32Array(this.groupOf),
      spanAt: new Uint32Array(this.spanAt), spanEnd: new Uint32Array(this.spanEnd), spanIds: this.spanIds,
      parentless: new Uint8Array(this.parentless), startNs: startColumn(this.startLo, this.startHi), durationNs: new Float64Array(this.durationNs),
      error: new Uint8Array(this.error), nameAt: new Uint32Array(this.nameAt), nameEnd: new Uint32Array(this.nameEnd),
      spanTag: new Uint32Array(this.spanTag), strings: this.strings.list, groups: new Int32Array(this.groups),
      skipped: this.skipped,
    };
  }
}

/** The name of span `i` of an index of `bytes`, as the decoder reads it. */
export function indexedSpanName(bytes: Uint8Array, index: OtlpProtoIndex, i: number): string {
  return utf8(bytes, index.nameAt[i]!, index.nameEnd[i]!);
}

/** Unix ns from uint32 halves into a BigUint64Array, through a byte view (no BigInt per span). */
function startColumn(lo: readonly number[], hi: readonly number[]): BigUint64Array {
  const out = new BigUint64Array(lo.length);
  const words = new Uint32Array(out.buffer);
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  for (let i = 0; i < lo.length; i++) {
    words[2 * i + (littleEndian ? 0 : 1)] = lo[i]!;
    words[2 * i + (littleEndian ? 1 : 0)] = hi[i]!;
  }
  return out;
}

function indexResourceSpans(r: Reader, end: number, x: IndexBuilder): void {
  let resource: Resource | undefined;
  let resAt = -1, resEnd = -1;
  const groups: number[] = [];
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3, wire = tag & 7;
    if (wire === 2 && (field === 1 || field === 2 || field === 1000)) {
      const e = r.len(end);
      if (field === 1) { resAt = r.pos; resEnd = e; resource = readResource(r, e); } // as resourceSpans(): the last one counts
      else groups.push(r.pos, e);
      r.pos = e;
    } else r.skip(wire, end);
  }
  resource ??= r.b.resource(undefined, NO_ATTRIBUTES);
  const service = resource.serviceName;
  for (let i = 0; i < groups.length; i += 2) {
    r.pos = groups[i]!;
    indexScopeSpans(r, groups[i + 1]!, x, resAt, resEnd, service);
  }
}

function indexScopeSpans(r: Reader, end: number, x: IndexBuilder, resAt: number, resEnd: number, service: string): void {
  let scopeAt = -1, scopeEnd = -1;
  const spans: number[] = []; // [tag, start, end]…
  while (r.pos < end) {
    const tagAt = r.pos;
    const tag = r.varint();
    const field = tag >>> 3, wire = tag & 7;
    if (wire === 2 && field === 1) {
      const e = r.len(end);
      scopeAt = r.pos; scopeEnd = e;
      readScope(r, e); // checked as the decoder checks it
      r.pos = e;
    } else if (wire === 2 && field === 2) {
      const e = r.len(end);
      spans.push(tagAt, r.pos, e);
      r.pos = e;
    } else r.skip(wire, end);
  }
  if (spans.length === 0) return;
  const group = x.groups.length / 5;
  x.groups.push(resAt, resEnd, scopeAt, scopeEnd, x.str(service));
  for (let i = 0; i < spans.length; i += 3) {
    const start = spans[i + 1]!;
    r.pos = start;
    try {
      indexSpan(r, spans[i + 2]!, x, group, spans[i]!);
    } catch (err) {
      // As scopeSpans(): whatever goes wrong inside one span skips that span only.
      if (err instanceof ProtoError) x.skip(`byte ${err.offset}`, err.message);
      else x.skip(`byte ${start}`, err instanceof BadSpan ? err.message : err instanceof RangeError ? 'span is nested too deeply' : String((err as Error)?.message ?? err));
    }
  }
}

function indexSpan(r: Reader, end: number, x: IndexBuilder, group: number, tagAt: number): void {
  const at = r.pos;
  const buf = r.buf;
  // IDs are kept as byte ranges and turned into hex only when needed: the trace ID usually repeats span after span
  // (its string is reused), and the parent ID only matters as present or not.
  let tAt = 0, tEnd = 0, sAt = 0, sEnd = 0, pAt = 0, pEnd = 0;
  let nAt = 0, nEnd = 0;
  let sLo = 0, sHi = 0, eLo = 0, eHi = 0, haveStart = false, haveEnd = false;
  let error = 0;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 2: tEnd = r.len(end); tAt = r.pos; r.pos = tEnd; break;
      case (2 << 3) | 2: sEnd = r.len(end); sAt = r.pos; r.pos = sEnd; break;
      case (3 << 3) | 2: r.pos = r.len(end); break; // trace_state: a string, no check beyond its length
      case (4 << 3) | 2: pEnd = r.len(end); pAt = r.pos; r.pos = pEnd; break;
      case (5 << 3) | 2: nEnd = r.len(end); nAt = r.pos; r.pos = nEnd; break; // name: decoded only if a list shows it
      case (6 << 3) | 0: r.varint(); break;
      case (7 << 3) | 1: r.fixed64(); sLo = r.lo; sHi = r.hi; haveStart = true; break;
      case (8 << 3) | 1: r.fixed64(); eLo = r.lo; eHi = r.hi; haveEnd = true; break;
      case (9 << 3) | 2: { const e = r.len(end); checkKeyValue(r, e, 0); r.pos = e; break; }
      case (11 << 3) | 2: { const e = r.len(end); checkEvent(r, e); r.pos = e; break; }
      case (13 << 3) | 2: { const e = r.len(end); checkLink(r, e); r.pos = e; break; }
      case (15 << 3) | 2: {
        const e = r.len(end);
        while (r.pos < e) {
          const t = r.varint();
          if (t === ((2 << 3) | 2)) r.pos = r.len(e);
          else if (t === ((3 << 3) | 0)) error = r.varint() === 2 ? 1 : 0;
          else r.skip(t & 7, e);
        }
        r.pos = e;
        break;
      }
      case (16 << 3) | 5: r.fixed32(); break;
      default: r.skip(tag & 7, end);
    }
  }
  // The decoder's checks, on the bytes: an empty or all-zero ID is what makes its hex '' or all zeros.
  if (zeroBytes(buf, tAt, tEnd)) throw new BadSpan('trace_id is missing or all zeros');
  if (zeroBytes(buf, sAt, sEnd)) throw new BadSpan('span_id is missing or all zeros');
  if (!haveStart) throw new BadSpan('start_time_unix_nano is missing');
  let durationNs = 0;
  if (haveEnd) {
    const d = (eHi - sHi) * TWO32 + (eLo - sLo);
    if (d >= 0) durationNs = d;
  }
  let trace = x.lastTrace;
  if (trace < 0 || !sameBytes(buf, tAt, tEnd, x.lastTraceAt, x.lastTraceEnd)) {
    trace = x.trace(idBytesToHex(buf, tAt, tEnd, 32));
    x.lastTrace = trace; x.lastTraceAt = tAt; x.lastTraceEnd = tEnd;
  }
  x.traceOf.push(trace);
  x.groupOf.push(group);
  x.spanAt.push(at);
  x.spanEnd.push(end);
  x.spanIds.push(sEnd - sAt === 8 ? hex8(buf, sAt) : idBytesToHex(buf, sAt, sEnd, 16));
  x.parentless.push(zeroBytes(buf, pAt, pEnd) ? 1 : 0);
  x.startLo.push(sLo);
  x.startHi.push(sHi);
  x.durationNs.push(durationNs);
  x.error.push(error);
  x.nameAt.push(nAt);
  x.nameEnd.push(nEnd);
  x.spanTag.push(tagAt);
  x.count++;
}

const HEX_CODES = Array.from('0123456789abcdef', c => c.charCodeAt(0));

/** The hex of 8 bytes as one flat string (one allocation; concatenating 8 pairs makes a rope to flatten later). */
export function hex8(b: Uint8Array, at: number): string {
  const h = HEX_CODES;
  return String.fromCharCode(
    h[b[at]! >> 4]!, h[b[at]! & 15]!, h[b[at + 1]! >> 4]!, h[b[at + 1]! & 15]!, h[b[at + 2]! >> 4]!, h[b[at + 2]! & 15]!, h[b[at + 3]! >> 4]!, h[b[at + 3]! & 15]!,
    h[b[at + 4]! >> 4]!, h[b[at + 4]! & 15]!, h[b[at + 5]! >> 4]!, h[b[at + 5]! & 15]!, h[b[at + 6]! >> 4]!, h[b[at + 6]! & 15]!, h[b[at + 7]! >> 4]!, h[b[at + 7]! & 15]!);
}

/** True when bytes[at, end) is empty or all zeros. */
function zeroBytes(buf: Uint8Array, at: number, end: number): boolean {
  for (let i = at; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

function sameBytes(buf: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let i = 0; i < aEnd - a; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

// The checks below walk what keyValue/anyValue/event/link read, with the same Reader calls (so the same errors at
// the same places), and build nothing.

function checkKeyValue(r: Reader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2)) r.pos = r.len(end);
    else if (tag === ((2 << 3) | 2)) { const e = r.len(end); checkAnyValue(r, e, depth); r.pos = e; } else r.skip(tag & 7, end);
  }
}

function checkAnyValue(r: Reader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 2: r.pos = r.len(end); break;
      case (2 << 3) | 0: r.varint(); break;
      case (3 << 3) | 0: r.varint(); break; // int64: the same varint framing and errors as r.int64()
      case (4 << 3) | 1: r.fixed64(); break; // double: 8 bytes checked against the buffer, as r.double()
      case (5 << 3) | 2: checkNested(r, r.len(end), depth, checkAnyValue); break; // ArrayValue { repeated AnyValue values = 1; }
      case (6 << 3) | 2: checkNested(r, r.len(end), depth, checkKeyValue); break; // KeyValueList { repeated KeyValue values = 1; }
      case (7 << 3) | 2: r.pos = r.len(end); break;
      default: r.skip(tag & 7, end);
    }
  }
}

/** An ArrayValue or KeyValueList (content up to `end`): each of its values (field 1) checked one level deeper. */
function checkNested(r: Reader, end: number, depth: number, check: (r: Reader, end: number, depth: number) => void): void {
  if (depth >= MAX_VALUE_DEPTH) throw new ProtoError('attribute value nested too deeply', r.pos);
  while (r.pos < end) {
    const t = r.varint();
    if (t === ((1 << 3) | 2)) { const ve = r.len(end); check(r, ve, depth + 1); r.pos = ve; } else r.skip(t & 7, end);
  }
}

function checkEvent(r: Reader, end: number): void {
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 1: r.fixed64(); break;
      case (2 << 3) | 2: r.pos = r.len(end); break;
      case (3 << 3) | 2: { const e = r.len(end); checkKeyValue(r, e, 0); r.pos = e; break; }
      default: r.skip(tag & 7, end);
    }
  }
}

function checkLink(r: Reader, end: number): void {
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | 2: case (2 << 3) | 2: case (3 << 3) | 2: r.pos = r.len(end); break;
      case (4 << 3) | 2: { const e = r.len(end); checkKeyValue(r, e, 0); r.pos = e; break; }
      default: r.skip(tag & 7, end);
    }
  }
}

/**
 * One trace's spans as an ExportTraceServiceRequest of their own: for each run of `spans` (indexes into `index`, in
 * order) from the same (resource, scope) group, a ResourceSpans with that resource and scope, copied byte for byte
 * from `bytes` (the request `index` was made from). `decodeOtlpProtobuf` of the result gives exactly those spans.
 */
export function traceRequestBytes(bytes: Uint8Array, index: OtlpProtoIndex, spans: ArrayLike<number>): Uint8Array {
  const g = index.groups;
  const tag = index.spanTag, spanEnd = index.spanEnd;
  // First pass: sizes of each ResourceSpans run. A span is copied with its own field framing (tag and length, as
  // they are in the request), so spans adjacent in the request are copied as one piece.
  let total = 0;
  const runs: number[] = []; // [startIndexInSpans, endIndexInSpans, resourceSpansContentSize, scopeSpansContentSize]
  for (let i = 0; i < spans.length;) {
    const group = index.groupOf[spans[i]!]!;
    let j = i;
    let scopeContent = 0;
    const scopeLen = g[group * 5 + 2]! >= 0 ? g[group * 5 + 3]! - g[group * 5 + 2]! : -1;
    if (scopeLen >= 0) scopeContent += 1 + varintSize(scopeLen) + scopeLen;
    while (j < spans.length && index.groupOf[spans[j]!] === group) {
      scopeContent += spanEnd[spans[j]!]! - tag[spans[j]!]!;
      j++;
    }
    const resLen = g[group * 5]! >= 0 ? g[group * 5 + 1]! - g[group * 5]! : -1;
    const rsContent = (resLen >= 0 ? 1 + varintSize(resLen) + resLen : 0) + 1 + varintSize(scopeContent) + scopeContent;
    runs.push(i, j, rsContent, scopeContent);
    total += 1 + varintSize(rsContent) + rsContent;
    i = j;
  }
  const out = new Uint8Array(total);
  // Plain views: a Node Buffer's subarray builds a Buffer object each time.
  const src = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const put = (fieldTag: number, at: number, end: number) => {
    out[o++] = fieldTag;
    o = writeVarint(out, o, end - at);
    out.set(src.subarray(at, end), o);
    o += end - at;
  };
  for (let k = 0; k < runs.length; k += 4) {
    const group = index.groupOf[spans[runs[k]!]!]!;
    out[o++] = 0x0a; // ExportTraceServiceRequest.resource_spans = 1
    o = writeVarint(out, o, runs[k + 2]!);
    if (g[group * 5]! >= 0) put(0x0a, g[group * 5]!, g[group * 5 + 1]!); // ResourceSpans.resource = 1
    out[o++] = 0x12; // ResourceSpans.scope_spans = 2
    o = writeVarint(out, o, runs[k + 3]!);
    if (g[group * 5 + 2]! >= 0) put(0x0a, g[group * 5 + 2]!, g[group * 5 + 3]!); // ScopeSpans.scope = 1
    // ScopeSpans.spans = 2, each with its framing from the request; adjacent ones in one copy.
    for (let i = runs[k]!; i < runs[k + 1]!;) {
      const from = tag[spans[i]!]!;
      let to = spanEnd[spans[i]!]!;
      i++;
      while (i < runs[k + 1]! && tag[spans[i]!] === to) { to = spanEnd[spans[i]!]!; i++; }
      out.set(src.subarray(from, to), o);
      o += to - from;
    }
  }
  return out;
}

function varintSize(n: number): number {
  let s = 1;
  while (n >= 0x80) { n = Math.floor(n / 128); s++; }
  return s;
}

function writeVarint(out: Uint8Array, o: number, n: number): number {
  while (n >= 0x80) { out[o++] = (n & 0x7f) | 0x80; n = Math.floor(n / 128); }
  out[o++] = n;
  return o;
}
