// OTLP protobuf (binary ExportTraceServiceRequest / TracesData: both are `repeated ResourceSpans = 1`).
//
// Hand-written decoder guided by proto/opentelemetry/proto/**/*.proto, straight into the model. Chosen over the
// generated pbjs code (src/core/proto/otlp.js, used for encoding and as the test oracle) because: (1) pbjs turns
// fixed64 timestamps into Long objects (or lossy numbers when `long` is not loadable, as in esbuild bundles), while the
// model needs exact bigint ns; (2) it allocates a message object per span, attribute and AnyValue which we would copy
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
const textDecoder = new TextDecoder('utf-8');

/** Decodes an OTLP protobuf ExportTraceServiceRequest / TracesData. Throws TraceParseError at a byte offset. */
export function decodeOtlpProtobuf(bytes: Uint8Array): ParseResult {
  const b = new Builder('otlp-proto');
  if (bytes.length === 0) throw new TraceParseError('empty input: expected an OTLP protobuf ExportTraceServiceRequest', 'byte 0');
  const r = new Reader(bytes, b);
  try {
    const end = bytes.length;
    let sawResourceSpans = false;
    while (r.pos < end) {
      const tagAt = r.pos;
      const tag = r.varint();
      const field = tag >>> 3, wire = tag & 7;
      if (field === 1 && wire === 2) { // TracesData.resource_spans = 1
        const e = r.len(end);
        resourceSpans(r, e);
        r.pos = e;
        sawResourceSpans = true;
      } else if (field === 0) {
        throw new ProtoError('field number 0 is invalid', tagAt);
      } else {
        r.skip(wire, end);
      }
    }
    if (!sawResourceSpans && b.spanCount() === 0 && bytes.length > 0 && !looksLikeProtobuf(bytes)) {
      throw new ProtoError('not an OTLP protobuf message (no resourceSpans field)', 0);
    }
  } catch (err) {
    if (err instanceof ProtoError) throw new TraceParseError(`invalid OTLP protobuf: ${err.message} at byte ${err.offset}`, `byte ${err.offset}`);
    if (err instanceof TraceParseError) throw err;
    if (err instanceof RangeError) throw new TraceParseError('invalid OTLP protobuf: nested too deeply', 'byte 0');
    throw err;
  }
  return b.finish();
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
