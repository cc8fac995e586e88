// OTLP JSON export request → OTLP protobuf bytes in one pass over the request's bytes, without JSON.parse and
// without building the trace model.
//
// Why: the receiver stores protobuf bytes plus an index (store.addIndexed). A JSON request used to be parsed with
// JSON.parse, read into the full model (spans, interned attributes, resources), encoded again with protobufjs and
// then indexed: hundreds of thousands of short-lived objects per second under load. Here the JSON text is scanned
// once and the protobuf written as it goes; strings are copied byte for byte (escapes decoded, UTF-8 checked).
// The store's index of those bytes (OtlpProtoIndex: per span its trace, IDs, times, status, where its bytes and name
// are; per (resource, scope) group their ranges and service name) is built in the same pass, so the bytes are not
// walked again by indexOtlpProtobuf (that second walk was about a fifth of the JSON path's time). One thing makes
// this delicate: a message's length is written when it ends (Writer.end), and a length of 128 or more needs more
// than the one byte reserved, so the message's content moves and every position recorded inside it with it. A
// span's own positions are stored once its length is written; a ScopeSpans or ResourceSpans moves those of its
// spans and groups by the shift Writer.end reports. The tests hold the index equal to indexOtlpProtobuf's of the
// same bytes.
//
// It is deliberately narrow. It accepts only the plain, well-formed shape OTLP exporters send (camelCase fields,
// hex IDs, enum numbers or names, int64 as decimal strings or safe integers) and answers `undefined` for anything
// else: a JSON syntax error, unknown, repeated or snake_case fields, nulls, invalid or all-zero IDs, malformed
// times, values the model would skip or warn about, lone surrogates, invalid UTF-8, an empty request. The caller
// then takes the full parser, which reports exactly what is wrong (syntax errors with their position, warnings,
// skipped spans, partial success), so the fast path can never accept less strictly or drop silently; for what it
// accepts, the bytes decode to the same spans the model path stored (test/unit/core/parse/otlp-json-transcode.test.ts
// checks both on mutated requests).
//
// Pure: no Node built-ins (src/core).
import { UNKNOWN_SERVICE } from '../model';
import { idBytesToHex } from '../ids';
import { hex8, Interner, type OtlpProtoIndex } from './otlp-proto';

/** Thrown inside the scan when the input is outside the fast shape; caught at the top, never escapes. */
class Unusual {
  private constructor() { /* one instance */ }
  static readonly it = new Unusual();
}
function unusual(): never {
  throw Unusual.it;
}

/** Deeper AnyValue nesting goes to the full parser (its own limit decides). */
const MAX_DEPTH = 16;

/** The writers' shared scratch buffer (see Writer's constructor), made on first use. */
const SCRATCH_BYTES = 1 << 21;
let scratch: Uint8Array | undefined;

/** A growable byte buffer with protobuf primitives; nested messages get their length written when they end. */
class Writer {
  buf: Uint8Array;
  pos = 0;
  /** buf's DataView (replaced with buf when it grows). */
  view: DataView;

  constructor(capacity: number) {
    // One scratch buffer serves request after request (finish() copies the message out): a fresh one per request
    // was an allocation of the request's size, zeroed, whose only use was to be copied from. A larger request gets
    // a buffer of its own. (The scan is synchronous: no two Writers use the scratch at once.)
    const size = Math.max(256, capacity);
    this.buf = size <= SCRATCH_BYTES ? (scratch ??= new Uint8Array(SCRATCH_BYTES)) : new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A tag and varint of up to 32 bits (field numbers and lengths here are small). */
  varint(n: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    while (n > 0x7f) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    this.pos = p;
  }

  /** A 64-bit varint from its two 32-bit halves (int64 two's complement for negatives). */
  varint64(lo: number, hi: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    lo >>>= 0;
    hi >>>= 0;
    while (hi > 0 || lo > 0x7f) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[p++] = lo;
    this.pos = p;
  }

  fixed32(n: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, n >>> 0, true);
    this.pos += 4;
  }

  fixed64(lo: number, hi: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, lo >>> 0, true);
    this.view.setUint32(this.pos + 4, hi >>> 0, true);
    this.pos += 8;
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** Writes `n` as a varint of exactly `width` bytes at pos (width is its minimal size). */
  lengthAt(n: number, width: number): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 1; i < width; i++) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p] = n;
  }

  /** Starts a nested message: reserves one length byte; returns where its content starts. */
  begin(tag: number): number {
    this.varint(tag);
    this.ensure(1);
    this.pos++;
    return this.pos;
  }

  /**
   * Ends the nested message begun at `start`: writes its length, moving the content when it needs more bytes.
   * Returns how far the content moved (0 for a length under 128): every position recorded inside it moves as much.
   */
  end(start: number): number {
    const len = this.pos - start;
    if (len < 0x80) {
      this.buf[start - 1] = len;
      return 0;
    }
    const width = len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
    this.ensure(width - 1);
    this.buf.copyWithin(start + width - 1, start, this.pos);
    this.pos = start - 1;
    this.lengthAt(len, width);
    this.pos = start - 1 + width + len;
    return width - 1;
  }

  finish(): Uint8Array {
    // A copy of just the message: the store keeps these bytes, a worker moves their whole buffer, and the scratch
    // buffer is written again by the next request.
    return this.buf.slice(0, this.pos);
  }
}

// ---- field names: each JSON key is matched by a hash of its bytes, then compared byte for byte ------------------

const KEYS = [
  'resourceSpans', 'resource', 'scopeSpans', 'schemaUrl', 'attributes', 'droppedAttributesCount', 'scope', 'spans',
  'name', 'version', 'traceId', 'spanId', 'traceState', 'parentSpanId', 'flags', 'kind', 'startTimeUnixNano',
  'endTimeUnixNano', 'events', 'links', 'status', 'droppedEventsCount', 'droppedLinksCount', 'code', 'message',
  'timeUnixNano', 'key', 'value', 'stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue',
  'values',
] as const;
const enum K {
  resourceSpans, resource, scopeSpans, schemaUrl, attributes, droppedAttributesCount, scope, spans,
  name, version, traceId, spanId, traceState, parentSpanId, flags, kind, startTimeUnixNano,
  endTimeUnixNano, events, links, status, droppedEventsCount, droppedLinksCount, code, message,
  timeUnixNano, key, value, stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue,
  values,
}
const KEY_BYTES: Uint8Array[] = KEYS.map(k => Uint8Array.from(k, c => c.charCodeAt(0)));
/** A member name matched in place (literal()): its bytes, and their first 4·n as little-endian 32-bit words, which
 * are compared a word at a time (these three are read several times per attribute of every span). */
interface Literal { readonly bytes: Uint8Array; readonly words: Uint32Array }
function literalOf(text: string): Literal {
  const bytes = Uint8Array.from(text, c => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return { bytes, words: Uint32Array.from({ length: bytes.length >> 2 }, (_, i) => view.getUint32(4 * i, true)) };
}
const MEMBER_KEY = literalOf('"key":');
const MEMBER_VALUE = literalOf('"value":');
const MEMBER_STRING_VALUE = literalOf('"stringValue":');

/** The keys by their first two bytes: CANDIDATES[BY_PREFIX[b0 << 8 | b1]...] are their ids, -1 ending each list (at
 * most three share a prefix, e.g. spanId and spans), so a key is found by comparing a few names, not by scanning it
 * first (this runs for every member of every object). BY_PREFIX is -1 where no key starts so. */
const BY_PREFIX = new Int16Array(1 << 16).fill(-1);
const CANDIDATES: number[] = [];
{
  const lists = new Map<number, number[]>();
  KEY_BYTES.forEach((k, id) => {
    const prefix = (k[0]! << 8) | k[1]!;
    const l = lists.get(prefix);
    if (l) l.push(id); else lists.set(prefix, [id]);
  });
  for (const [prefix, ids] of lists) { BY_PREFIX[prefix] = CANDIDATES.length; CANDIDATES.push(...ids, -1); }
}
const CANDIDATE_IDS = Int8Array.from(CANDIDATES);

const KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return unusual();
}

/** Hex digit values by byte; 0xff for every other byte. */
const HEX = new Uint8Array(256).fill(0xff);
for (let c = 0; c < 16; c++) { HEX['0123456789abcdef'.charCodeAt(c)] = c; HEX['0123456789ABCDEF'.charCodeAt(c)] = c; }

/** 1 for the bytes a JSON string holds as they are: printable ASCII but the quote and the backslash. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) if (c !== 0x22 && c !== 0x5c) PLAIN[c] = 1;

const DOUBLE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

class Scanner {
  p = 0;
  spans = 0;
  readonly w: Writer;
  /** The index of the bytes written, filled span by span (see the OTLP section below). */
  readonly x: IndexColumns;
  /** 64-bit scratch: [start lo, start hi, end lo, end hi, other lo, other hi]. */
  private readonly n = new Uint32Array(6);
  /** The trace ID bytes of the span before, and its index in x.traceIds (-1 before the first span): spans of one trace
   * usually follow each other, so its hex string is made once. A copy: the bytes written move as lengths are inserted. */
  private readonly lastTraceId = new Uint8Array(16);
  private lastTrace = -1;
  /** The current resource's service name as the indexer reads it: its first service.name attribute with a string
   * value; undefined until one is seen. */
  private service: string | undefined;
  /** The request's bytes, for reading 32 bits at a time (literal()). */
  private readonly view: DataView;

  constructor(private readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    // Protobuf is smaller than its JSON (IDs halve, field names and quotes vanish): the JSON's size is room enough.
    this.w = new Writer(b.length + 64);
    // Exporters' spans take 500 bytes of JSON or more (gen-trace's about 850): rarely a column to grow
    this.x = new IndexColumns(16 + (b.length >> 9));
  }

  // ---- JSON grammar ------------------------------------------------------------------------------------------

  // Blanks are checked where they may stand (`if (this.b[this.p]! <= 0x20) this.ws()`): every blank is ≤ 0x20, and
  // compact JSON (what exporters send) has none, so that is one comparison in place of a call, many times per span.
  private ws(): void {
    const b = this.b;
    let p = this.p;
    for (;;) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.p = p;
  }

  /** Consumes `c` (after blanks) and the blanks after it. */
  private open(c: number): void {
    const b = this.b;
    if (b[this.p]! <= 0x20) this.ws();
    if (b[this.p] !== c) unusual();
    if (b[++this.p]! <= 0x20) this.ws();
  }

  /** Right after open: true (and consumed) when the object or array is empty. */
  private empty(close: number): boolean {
    if (this.b[this.p] !== close) return false;
    this.p++;
    return true;
  }

  /** After a member or element: true for a comma (another follows), false for `close`. */
  private more(close: number): boolean {
    const b = this.b;
    if (b[this.p]! <= 0x20) this.ws();
    const c = b[this.p++];
    if (c === 0x2c) { if (b[this.p]! <= 0x20) this.ws(); return true; }
    if (c === close) return false;
    return unusual();
  }

  /** The member name `pat` (its quotes and colon) exactly at p: consumed with the blanks after it; else false. */
  private literal(pat: Literal): boolean {
    const b = this.b;
    const p = this.p;
    const bytes = pat.bytes, words = pat.words;
    if (p + bytes.length > b.length) return false;
    const v = this.view;
    for (let i = 0; i < words.length; i++) if (v.getUint32(p + 4 * i, true) !== words[i]) return false;
    for (let i = 4 * words.length; i < bytes.length; i++) if (b[p + i] !== bytes[i]) return false;
    this.p = p + bytes.length;
    if (b[this.p]! <= 0x20) this.ws();
    return true;
  }

  /** A member's key and its colon; the key's id. A key whose bit is in `seen` (the caller's mask of the ids met so far
   * in this object, a plain number: no object per JSON object) is a repeat, and unusual. */
  private key(seen: number): number {
    const b = this.b;
    if (b[this.p] !== 0x22) unusual();
    const from = this.p + 1;
    // Escapes, control and non-ASCII characters are in no OTLP field name: a key is exactly one of KEYS, then a quote
    let at = BY_PREFIX[(b[from]! << 8) | b[from + 1]!]!;
    if (at < 0) unusual();
    let id: number;
    let k: Uint8Array;
    find: for (;;) {
      id = CANDIDATE_IDS[at++]!;
      if (id < 0) unusual();
      k = KEY_BYTES[id]!;
      if (b[from + k.length] !== 0x22) continue;
      for (let i = 2; i < k.length; i++) if (k[i] !== b[from + i]) continue find;
      break;
    }
    const p = from + k.length;
    // JSON.parse keeps the last of repeated keys; protobuf would keep all of a repeated field: leave it to the parser
    const bit = 1 << (id & 31);
    if (seen & bit) unusual();
    this.p = p + 1;
    this.open(0x3a);
    return id;
  }

  /** The body of a JSON string at p (at its quote), decoded into the writer as UTF-8; p ends after the closing quote. */
  private stringBody(): void {
    const b = this.b;
    const len = b.length;
    if (b[this.p] !== 0x22) unusual();
    let p = this.p + 1;
    // Decoded text is never longer than its JSON
    this.w.ensure(len - p + 8);
    const o = this.w.buf;
    const iv = this.view, ov = this.w.view;
    let q = this.w.pos;
    for (;;) {
      // the common case first: a run of printable ASCII copied as is, four bytes at a time while all four are (none
      // has its top bit, none is below 0x20, none is a quote or a backslash: exact tests on the 32-bit word, each
      // "some byte is zero / below n" in one subtraction), then byte by byte (b[len] is undefined: PLAIN[undefined] too)
      while (p + 4 <= len) {
        const x = iv.getUint32(p, true);
        const quote = x ^ 0x22222222, slash = x ^ 0x5c5c5c5c;
        if ((x | ((x - 0x20202020) & ~x) | ((quote - 0x01010101) & ~quote) | ((slash - 0x01010101) & ~slash)) & 0x80808080) break;
        ov.setUint32(q, x, true);
        p += 4;
        q += 4;
      }
      let c = b[p]!;
      while (PLAIN[c] === 1) { o[q++] = c; c = b[++p]!; }
      if (p >= len) unusual();
      if (c === 0x22) break;
      if (c === 0x5c) {
        const e = b[p + 1];
        p += 2;
        switch (e) {
          case 0x22: o[q++] = 0x22; break;
          case 0x5c: o[q++] = 0x5c; break;
          case 0x2f: o[q++] = 0x2f; break;
          case 0x62: o[q++] = 0x08; break;
          case 0x66: o[q++] = 0x0c; break;
          case 0x6e: o[q++] = 0x0a; break;
          case 0x72: o[q++] = 0x0d; break;
          case 0x74: o[q++] = 0x09; break;
          case 0x75: {
            let u = this.hex4(p);
            p += 4;
            if (u >= 0xdc00 && u <= 0xdfff) unusual(); // a lone low surrogate
            if (u >= 0xd800 && u <= 0xdbff) {
              if (b[p] !== 0x5c || b[p + 1] !== 0x75) unusual(); // a lone high surrogate
              const lo = this.hex4(p + 2);
              if (lo < 0xdc00 || lo > 0xdfff) unusual();
              p += 6;
              u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
              o[q++] = 0xf0 | (u >> 18);
              o[q++] = 0x80 | ((u >> 12) & 0x3f);
              o[q++] = 0x80 | ((u >> 6) & 0x3f);
              o[q++] = 0x80 | (u & 0x3f);
            } else if (u < 0x80) {
              o[q++] = u;
            } else if (u < 0x800) {
              o[q++] = 0xc0 | (u >> 6);
              o[q++] = 0x80 | (u & 0x3f);
            } else {
              o[q++] = 0xe0 | (u >> 12);
              o[q++] = 0x80 | ((u >> 6) & 0x3f);
              o[q++] = 0x80 | (u & 0x3f);
            }
            break;
          }
          default: unusual();
        }
        continue;
      }
      if (c < 0x20) unusual(); // raw control characters are a JSON syntax error
      // A multi-byte UTF-8 sequence: checked (RFC 3629: no overlongs, surrogates or values past U+10FFFF), then copied
      let n: number, lo = 0x80, hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) n = 1;
      else if (c >= 0xe0 && c <= 0xef) { n = 2; if (c === 0xe0) lo = 0xa0; else if (c === 0xed) hi = 0x9f; }
      else if (c >= 0xf0 && c <= 0xf4) { n = 3; if (c === 0xf0) lo = 0x90; else if (c === 0xf4) hi = 0x8f; }
      else return unusual();
      const c1 = b[p + 1];
      if (c1 === undefined || c1 < lo || c1 > hi) unusual();
      for (let k = 2; k <= n; k++) {
        const ck = b[p + k];
        if (ck === undefined || ck < 0x80 || ck > 0xbf) unusual();
      }
      for (let k = 0; k <= n; k++) o[q++] = b[p + k]!;
      p += n + 1;
    }
    this.p = p + 1;
    this.w.pos = q;
  }

  private hex4(p: number): number {
    const b = this.b;
    return (hexVal(b[p]!) << 12) | (hexVal(b[p + 1]!) << 8) | (hexVal(b[p + 2]!) << 4) | hexVal(b[p + 3]!);
  }

  /** A string field; an empty one is not written when `skipEmpty` (the model reads both the same). Returns its length. */
  private string(tag: number, skipEmpty: boolean): number {
    const w = this.w;
    const save = w.pos;
    const at = w.begin(tag);
    this.stringBody();
    const len = w.pos - at;
    if (len === 0 && skipEmpty) w.pos = save;
    else w.end(at);
    return len;
  }

  /** A string that is checked but not kept (schemaUrl: the model drops it too). */
  private skipString(): void {
    const save = this.w.pos;
    this.stringBody();
    this.w.pos = save;
  }

  /**
   * A hex ID of `bytes` bytes as a bytes field; all zeros: unusual, or (allowZero, a parent) not written. Returns where
   * its bytes are in the writer, -1 when not written.
   */
  private hexId(tag: number, bytes: 8 | 16, allowEmpty: boolean): number {
    const b = this.b;
    let p = this.p;
    if (b[p] !== 0x22) unusual();
    p++;
    if (allowEmpty && b[p] === 0x22) { this.p = p + 1; return -1; }
    const w = this.w;
    const save = w.pos;
    w.varint(tag);
    w.ensure(bytes + 1);
    const o = w.buf;
    let q = w.pos;
    o[q++] = bytes;
    let any = 0, bad = 0;
    for (let i = 0; i < bytes; i++) {
      const hi = HEX[b[p]!]!, lo = HEX[b[p + 1]!]!;
      bad |= hi | lo;
      p += 2;
      const v = (hi << 4) | (lo & 15);
      o[q++] = v;
      any |= v;
    }
    // (a byte past the end reads as undefined: HEX[undefined] is undefined, and undefined | 0 is 0, so check p too)
    if (bad > 15 || p > b.length) unusual();
    if (b[p] !== 0x22) unusual();
    this.p = p + 1;
    if (any === 0) {
      // An all-zero parent is read as no parent by the model; an all-zero trace or span ID is invalid
      if (!allowEmpty) unusual();
      w.pos = save;
      return -1;
    }
    w.pos = q;
    return q - bytes;
  }

  /** A JSON integer (no fraction or exponent) of at most 15 digits: exact as a double. */
  private int(): number {
    const b = this.b;
    let p = this.p;
    const neg = b[p] === 0x2d;
    if (neg) p++;
    const from = p;
    let v = 0;
    for (;;) {
      const c = b[p]!;
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      p++;
    }
    const digits = p - from;
    if (digits === 0 || digits > 15 || (digits > 1 && b[from] === 0x30)) unusual();
    const c = b[p];
    if (c === 0x2e || c === 0x65 || c === 0x45) unusual();
    this.p = p;
    return neg ? -v : v;
  }

  /** A JSON number of any form. */
  private double(): number {
    const b = this.b;
    let p = this.p;
    let s = '';
    for (;;) {
      const c = b[p]!;
      if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) { s += String.fromCharCode(c); p++; } else break;
    }
    if (!DOUBLE.test(s)) unusual();
    this.p = p;
    return Number(s);
  }

  /** An enum: a number 0..names.length-1 or one of the names. */
  private enumValue(names: readonly string[]): number {
    const b = this.b;
    if (b[this.p] !== 0x22) {
      const v = this.int();
      if (v < 0 || v >= names.length) unusual();
      return v;
    }
    const from = this.p + 1;
    let p = from;
    while (p < b.length && b[p] !== 0x22) p++;
    if (p >= b.length) unusual();
    this.p = p + 1;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (name.length !== p - from) continue;
      let same = true;
      for (let k = 0; k < name.length && same; k++) same = name.charCodeAt(k) === b[from + k];
      if (same) return i;
    }
    return unusual();
  }

  /** A uint64 (decimal string or safe integer) into n[at], n[at + 1]. */
  private u64(at: number): void {
    const b = this.b;
    const n = this.n;
    if (b[this.p] !== 0x22) {
      const v = this.int();
      if (v < 0 || Object.is(v, -0)) unusual();
      n[at] = v % 0x100000000;
      n[at + 1] = Math.floor(v / 0x100000000);
      return;
    }
    this.p = this.digits64(this.p + 1, at);
  }

  /** Decimal digits from p up to a closing quote (1–20 of them, < 2^64) into n[at], n[at + 1]; returns after the quote. */
  private digits64(p: number, at: number): number {
    const b = this.b;
    const n = this.n;
    const from = p;
    // The first 15 digits in a double (exact below 2^53), then four 16-bit limbs, little end first: limbs =
    // limbs * 10 + digit, with carries, for the digits left (a nanosecond time has 19)
    let v = 0;
    for (let c = b[p]!; p - from < 15 && c >= 0x30 && c <= 0x39; c = b[++p]!) v = v * 10 + (c - 0x30);
    // (v < 2^53: its two 32-bit halves are exact; a double's `%` would be a call to fmod)
    const hi = Math.floor(v / 0x100000000), lo = v - hi * 0x100000000;
    let l0 = lo & 0xffff, l1 = lo >>> 16, l2 = hi & 0xffff, l3 = hi >>> 16;
    for (;;) {
      const c = b[p];
      if (c === 0x22) break;
      if (c === undefined || c < 0x30 || c > 0x39) unusual();
      l0 = l0 * 10 + (c - 0x30);
      l1 = l1 * 10 + (l0 >>> 16); l0 &= 0xffff;
      l2 = l2 * 10 + (l1 >>> 16); l1 &= 0xffff;
      l3 = l3 * 10 + (l2 >>> 16); l2 &= 0xffff;
      if (l3 > 0xffff) unusual();
      p++;
    }
    if (p === from || p - from > 20) unusual();
    n[at] = ((l1 << 16) | l0) >>> 0;
    n[at + 1] = ((l3 << 16) | l2) >>> 0;
    return p + 1;
  }

  /** An int64 (decimal string with optional '-', or safe integer) into n[4], n[5] as two's complement. */
  private i64(): void {
    const b = this.b;
    const n = this.n;
    let neg = false;
    if (b[this.p] !== 0x22) {
      const v = this.int();
      neg = v < 0;
      const abs = Math.abs(v);
      n[4] = abs % 0x100000000;
      n[5] = Math.floor(abs / 0x100000000);
    } else {
      neg = b[this.p + 1] === 0x2d;
      const from = this.p + (neg ? 2 : 1);
      let p = from;
      while (b[p] !== 0x22 && p < b.length) p++;
      // |min int64| = max + 1 is left to the full parser: one edge value is not worth a special case
      const digits = p - from;
      if (digits === 0 || digits > 19) unusual();
      if (digits === 19 && compareDigits(b, from, MAX_I64) > 0) unusual();
      this.p = this.digits64(from, 4);
    }
    if (neg) {
      const lo = n[4]!, hi = n[5]!;
      const nlo = (~lo + 1) >>> 0;
      n[4] = nlo;
      n[5] = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    }
  }

  /** A count the model does not keep (dropped*Count): checked, not written. */
  private count(): void {
    const v = this.int();
    if (v < 0 || v > 0xffffffff) unusual();
  }

  // ---- OTLP -----------------------------------------------------------------------------------------------------

  request(): void {
    let seen = 0;
    this.open(0x7b);
    if (this.empty(0x7d)) unusual();
    do {
      if (this.key(seen) !== K.resourceSpans) unusual();
      seen |= 1 << (K.resourceSpans & 31);
      this.open(0x5b);
      if (this.empty(0x5d)) unusual();
      do this.resourceSpans(); while (this.more(0x5d));
    } while (this.more(0x7d));
    this.ws();
    if (this.p !== this.b.length || this.spans === 0) unusual();
  }

  /**
   * An object's members, `{` next: each key's id goes to `member`, which reads the value. A repeated key is unusual.
   * Returns the ids' bits seen. Used for the request's outer levels and for every event and link of a span: a same-run
   * A/B over a 100k-span trace sent as 1,000-span requests (15 interleaved runs each) put events and links read
   * through here at 0.996x and 1.006x the time of their loops spelled out, within noise. span() and status() still
   * spell their loops out; nobody has measured them against this.
   */
  private members(member: (kid: number) => void): number {
    let seen = 0;
    this.open(0x7b);
    if (this.empty(0x7d)) return seen;
    do {
      const kid = this.key(seen);
      seen |= 1 << (kid & 31);
      member(kid);
    } while (this.more(0x7d));
    return seen;
  }

  /** An array's elements, `[` next, each read by `element`. */
  private elements(element: () => void): void {
    this.open(0x5b);
    if (!this.empty(0x5d)) do element(); while (this.more(0x5d));
  }

  private resourceSpans(): void {
    const w = this.w;
    const x = this.x;
    const at = w.begin((1 << 3) | 2);
    const firstSpan = x.count, firstGroup = x.groups.length;
    let resAt = -1, resEnd = -1;
    this.service = undefined;
    this.members(kid => {
      switch (kid) {
        case K.resource: {
          const r = w.begin((1 << 3) | 2);
          this.members(k => {
            if (k === K.attributes) {
              // As attributes(), each KeyValue then read back for the service name (a few per request: the hot
              // keyValue() stays as it is)
              this.open(0x5b);
              if (!this.empty(0x5d)) {
                do {
                  const from = w.pos;
                  this.keyValue((1 << 3) | 2, 0);
                  this.service ??= serviceName(w.buf, from);
                } while (this.more(0x5d));
              }
            } else if (k === K.droppedAttributesCount) this.count();
            else unusual();
          });
          resAt = r + w.end(r);
          resEnd = w.pos;
          break;
        }
        case K.scopeSpans: this.elements(() => this.scopeSpans()); break;
        case K.schemaUrl: this.skipString(); break; // not kept by the model either
        default: unusual();
      }
    });
    const d = w.end(at);
    // This resource's groups get its range and service name only now (JSON may put the resource after its
    // scopeSpans), and everything recorded inside moves by d. The service is added to the strings once the first
    // group has it, as the indexer adds it.
    const g = x.groups;
    if (g.length === firstGroup) return;
    const service = x.str(this.service || UNKNOWN_SERVICE); // ('' is no name, as for the decoder)
    for (let i = firstGroup; i < g.length; i += 5) {
      g[i] = resAt < 0 ? -1 : resAt + d;
      g[i + 1] = resAt < 0 ? -1 : resEnd + d;
      if (g[i + 2]! >= 0) { g[i + 2] = g[i + 2]! + d; g[i + 3] = g[i + 3]! + d; }
      g[i + 4] = service;
    }
    if (d > 0) this.shiftSpans(firstSpan, d);
  }

  /** Moves the positions recorded for the spans from `from` on by `d`: an enclosing message's length was inserted
   * before them (Writer.end). */
  private shiftSpans(from: number, d: number): void {
    const x = this.x;
    for (let i = from; i < x.count; i++) {
      x.spanTag[i] = x.spanTag[i]! + d;
      x.spanAt[i] = x.spanAt[i]! + d;
      x.spanEnd[i] = x.spanEnd[i]! + d;
      x.nameAt[i] = x.nameAt[i]! + d;
      x.nameEnd[i] = x.nameEnd[i]! + d;
    }
  }

  private scopeSpans(): void {
    const w = this.w;
    const x = this.x;
    const at = w.begin((2 << 3) | 2);
    const firstSpan = x.count;
    let scopeAt = -1, scopeEnd = -1;
    this.members(kid => {
      switch (kid) {
        case K.scope: {
          const s = w.begin((1 << 3) | 2);
          this.members(k => {
            switch (k) {
              case K.name: this.string((1 << 3) | 2, true); break;
              case K.version: this.string((2 << 3) | 2, true); break;
              case K.attributes: this.attributes((3 << 3) | 2, 0); break;
              case K.droppedAttributesCount: this.count(); break;
              default: unusual();
            }
          });
          scopeAt = s + w.end(s);
          scopeEnd = w.pos;
          break;
        }
        // the spans themselves: a plain loop (the hot path)
        case K.spans:
          this.open(0x5b);
          if (!this.empty(0x5d)) do this.span(); while (this.more(0x5d));
          break;
        case K.schemaUrl: this.skipString(); break;
        default: unusual();
      }
    });
    const d = w.end(at);
    // A group for a ScopeSpans with spans, as the indexer makes them (its spans already point at it: see span());
    // the resource's range and service name are filled in when the ResourceSpans ends
    if (x.count === firstSpan) return;
    if (d > 0) this.shiftSpans(firstSpan, d);
    x.groups.push(-1, -1, scopeAt < 0 ? -1 : scopeAt + d, scopeAt < 0 ? -1 : scopeEnd + d, -1);
  }

  private span(): void {
    const w = this.w;
    const n = this.n;
    const tagAt = w.pos;
    const at = w.begin((2 << 3) | 2);
    // What the index needs, where it was written (these positions hold until this span's own length is written:
    // nested messages written meanwhile move only their own content)
    let traceAt = 0, spanIdAt = 0, nameAt = 0, nameEnd = 0, parentless = 1, error = 0;
    let seen = 0;
    this.open(0x7b);
    if (this.empty(0x7d)) unusual();
    do {
      const kid = this.key(seen);
      seen |= 1 << (kid & 31);
      switch (kid) {
        case K.traceId: traceAt = this.hexId((1 << 3) | 2, 16, false); break;
        case K.spanId: spanIdAt = this.hexId((2 << 3) | 2, 8, false); break;
        case K.traceState: this.string((3 << 3) | 2, true); break;
        // '' is a root; an all-zero parent is one too (the model reads it as no parent, and so not written)
        case K.parentSpanId: parentless = this.hexId((4 << 3) | 2, 8, true) < 0 ? 1 : 0; break;
        case K.flags: {
          const v = this.int();
          if (v < 0 || v > 0xffffffff) unusual();
          if (v !== 0) { w.varint((16 << 3) | 5); w.fixed32(v); }
          break;
        }
        case K.name: { const len = this.string((5 << 3) | 2, false); nameEnd = w.pos; nameAt = nameEnd - len; break; }
        case K.kind: { const kind = this.enumValue(KIND_NAMES); if (kind !== 0) { w.varint(6 << 3); w.varint(kind); } break; }
        case K.startTimeUnixNano: this.u64(0); break;
        case K.endTimeUnixNano: this.u64(2); break;
        case K.attributes: this.attributes((9 << 3) | 2, 0); break;
        case K.events:
          this.open(0x5b);
          if (!this.empty(0x5d)) do this.event(); while (this.more(0x5d));
          break;
        case K.links:
          this.open(0x5b);
          if (!this.empty(0x5d)) do this.link(); while (this.more(0x5d));
          break;
        case K.status: error = this.status() === 2 ? 1 : 0; break;
        case K.droppedAttributesCount: case K.droppedEventsCount: case K.droppedLinksCount: this.count(); break;
        default: unusual();
      }
    } while (this.more(0x7d));
    const must = (1 << K.traceId) | (1 << K.spanId) | (1 << K.name) | (1 << K.startTimeUnixNano) | (1 << K.endTimeUnixNano);
    if ((seen & must) !== must) unusual();
    // The model warns and sets the duration to 0 for an end before the start: the full parser's case. A start of 0
    // is "missing" once in protobuf (the decoder skips such a span), and the model holds a duration as a double
    // (exact below 2^53 ns, 104 days): the full parser's cases too.
    if (n[3]! < n[1]! || (n[3] === n[1] && n[2]! < n[0]!)) unusual();
    if ((n[0] === 0 && n[1] === 0) || n[3]! - n[1]! >= 0x1fffff) unusual();
    w.varint((7 << 3) | 1); w.fixed64(n[0]!, n[1]!);
    w.varint((8 << 3) | 1); w.fixed64(n[2]!, n[3]!);
    // The index entry, as indexOtlpProtobuf makes it from these bytes. IDs first, while their positions hold.
    const x = this.x;
    const o = w.buf;
    let trace = this.lastTrace;
    if (trace < 0 || !sameId(o, traceAt, this.lastTraceId)) {
      trace = x.trace(idBytesToHex(o, traceAt, traceAt + 16, 32));
      this.lastTraceId.set(o.subarray(traceAt, traceAt + 16));
      this.lastTrace = trace;
    }
    x.spanIds.push(hex8(o, spanIdAt));
    const d = w.end(at);
    const i = x.count++;
    if (i === x.capacity) x.grow();
    x.traceOf[i] = trace;
    x.groupOf[i] = x.groups.length / 5; // the group its ScopeSpans adds when it ends
    x.spanAt[i] = at + d;
    x.spanEnd[i] = w.pos;
    x.parentless[i] = parentless;
    x.startWords[2 * i + LO] = n[0]!;
    x.startWords[2 * i + HI] = n[1]!;
    x.durationNs[i] = (n[3]! - n[1]!) * TWO32 + (n[2]! - n[0]!); // the end is not before the start (checked above)
    x.error[i] = error;
    x.nameAt[i] = nameAt + d;
    x.nameEnd[i] = nameEnd + d;
    x.spanTag[i] = tagAt;
    this.spans++;
  }

  /** A span's status; returns its code (0, unset, when it has none). */
  private status(): number {
    const w = this.w;
    const at = w.begin((15 << 3) | 2);
    let seen = 0;
    let code = 0;
    this.open(0x7b);
    if (!this.empty(0x7d)) {
      do {
        const k = this.key(seen);
        seen |= 1 << (k & 31);
        if (k === K.code) { code = this.enumValue(STATUS_NAMES); if (code !== 0) { w.varint(3 << 3); w.varint(code); } }
        else if (k === K.message) this.string((2 << 3) | 2, true);
        else unusual();
      } while (this.more(0x7d));
    }
    w.end(at);
    return code;
  }

  private event(): void {
    const w = this.w;
    const at = w.begin((11 << 3) | 2);
    const seen = this.members(kid => {
      switch (kid) {
        case K.timeUnixNano: this.u64(4); w.varint((1 << 3) | 1); w.fixed64(this.n[4]!, this.n[5]!); break;
        case K.name: this.string((2 << 3) | 2, true); break;
        case K.attributes: this.attributes((3 << 3) | 2, 0); break;
        case K.droppedAttributesCount: this.count(); break;
        default: unusual();
      }
    });
    // The model skips an event without a time (with a warning): the full parser's case
    if (!(seen & (1 << K.timeUnixNano))) unusual();
    w.end(at);
  }

  private link(): void {
    const w = this.w;
    const at = w.begin((13 << 3) | 2);
    const seen = this.members(kid => {
      switch (kid) {
        case K.traceId: this.hexId((1 << 3) | 2, 16, false); break;
        case K.spanId: this.hexId((2 << 3) | 2, 8, false); break;
        case K.traceState: this.string((3 << 3) | 2, true); break;
        case K.attributes: this.attributes((4 << 3) | 2, 0); break;
        // The model keeps neither a link's flags nor its dropped count; nor did its re-encoding
        case K.droppedAttributesCount: this.count(); break;
        case K.flags: this.count(); break;
        default: unusual();
      }
    });
    const must = (1 << K.traceId) | (1 << K.spanId);
    if ((seen & must) !== must) unusual();
    w.end(at);
  }

  /** A KeyValue list, each entry as field `tag`. */
  private attributes(tag: number, depth: number): void {
    this.open(0x5b);
    if (this.empty(0x5d)) return;
    do this.keyValue(tag, depth); while (this.more(0x5d));
  }

  private keyValue(tag: number, depth: number): void {
    const w = this.w;
    const at = w.begin(tag);
    this.open(0x7b);
    if (this.empty(0x7d)) unusual();
    // The key first, then the value (the usual order; the other is left to the full parser). An empty key is no key
    // in protobuf (the decoder skips that attribute with a warning), a missing value reads as '' in the model: both
    // the full parser's cases.
    // (Two different keys in a fixed order: no repeat to check. The usual spelling is matched in place first.)
    if (!this.literal(MEMBER_KEY) && this.key(0) !== K.key) unusual();
    if (this.string((1 << 3) | 2, false) === 0) unusual();
    if (!this.more(0x7d)) unusual();
    if (!this.literal(MEMBER_VALUE) && this.key(0) !== K.value) unusual();
    this.anyValue((2 << 3) | 2, depth);
    if (this.more(0x7d)) unusual();
    w.end(at);
  }

  private anyValue(tag: number, depth: number): void {
    if (depth >= MAX_DEPTH) unusual();
    const w = this.w;
    const at = w.begin(tag);
    this.open(0x7b);
    if (this.empty(0x7d)) unusual(); // an empty AnyValue: the full parser's case
    const b = this.b;
    // one member only (checked below): no repeat to check; the most common one matched in place first
    const kid = this.literal(MEMBER_STRING_VALUE) ? K.stringValue : this.key(0);
    switch (kid) {
      case K.stringValue: this.string((1 << 3) | 2, false); break;
      case K.boolValue:
        if (b[this.p] === 0x74 && b[this.p + 1] === 0x72 && b[this.p + 2] === 0x75 && b[this.p + 3] === 0x65) { this.p += 4; w.varint(2 << 3); w.varint(1); }
        else if (b[this.p] === 0x66 && b[this.p + 1] === 0x61 && b[this.p + 2] === 0x6c && b[this.p + 3] === 0x73 && b[this.p + 4] === 0x65) { this.p += 5; w.varint(2 << 3); w.varint(0); }
        else unusual();
        break;
      case K.intValue: this.i64(); w.varint(3 << 3); w.varint64(this.n[4]!, this.n[5]!); break;
      case K.doubleValue: { const v = this.double(); w.varint((4 << 3) | 1); w.double(v); break; }
      case K.arrayValue: case K.kvlistValue: {
        const kv = kid === K.kvlistValue;
        const a = w.begin(kv ? (6 << 3) | 2 : (5 << 3) | 2);
        this.open(0x7b);
        if (!this.empty(0x7d)) {
          if (this.key(0) !== K.values) unusual(); // the one member: no repeat to check
          this.open(0x5b);
          if (!this.empty(0x5d)) {
            do {
              if (kv) this.keyValue((1 << 3) | 2, depth + 1);
              else this.anyValue((1 << 3) | 2, depth + 1);
            } while (this.more(0x5d));
          }
          if (this.more(0x7d)) unusual();
        }
        w.end(a);
        break;
      }
      // bytesValue (base64) and anything else: the full parser
      default: unusual();
    }
    // exactly one value of the oneof
    if (this.more(0x7d)) unusual();
    w.end(at);
  }
}

const TWO32 = 0x100000000;

/** Where a start time's low and high 32 bits go among a BigUint64Array's words on this machine. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1, HI = LITTLE_ENDIAN ? 1 : 0;

/**
 * The OtlpProtoIndex of the bytes written, filled as they are: the same columns and tables indexOtlpProtobuf's
 * builder makes from the bytes (the tests hold the two equal). The per-span columns are typed arrays written in
 * place, doubled when full and cut to length at the end, rather than arrays copied into typed arrays at the end as
 * the indexer does: this runs for every span of every JSON request, and it is measurably cheaper.
 */
class IndexColumns {
  count = 0;
  capacity: number;
  traceOf: Uint32Array;
  groupOf: Uint32Array;
  spanAt: Uint32Array;
  spanEnd: Uint32Array;
  parentless: Uint8Array;
  /** Start times as the 32-bit words of a BigUint64Array (LO, HI). */
  startWords: Uint32Array;
  durationNs: Float64Array;
  error: Uint8Array;
  nameAt: Uint32Array;
  nameEnd: Uint32Array;
  spanTag: Uint32Array;
  readonly spanIds: string[] = [];
  private readonly traceIds = new Interner();
  /** Service names, in order of first use by a group. */
  private readonly strings = new Interner();
  /** Per group 5 numbers, as OtlpProtoIndex.groups. */
  readonly groups: number[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
    this.traceOf = new Uint32Array(capacity);
    this.groupOf = new Uint32Array(capacity);
    this.spanAt = new Uint32Array(capacity);
    this.spanEnd = new Uint32Array(capacity);
    this.parentless = new Uint8Array(capacity);
    this.startWords = new Uint32Array(2 * capacity);
    this.durationNs = new Float64Array(capacity);
    this.error = new Uint8Array(capacity);
    this.nameAt = new Uint32Array(capacity);
    this.nameEnd = new Uint32Array(capacity);
    this.spanTag = new Uint32Array(capacity);
  }

  grow(): void {
    const c = this.capacity * 2;
    this.traceOf = grown(this.traceOf, new Uint32Array(c));
    this.groupOf = grown(this.groupOf, new Uint32Array(c));
    this.spanAt = grown(this.spanAt, new Uint32Array(c));
    this.spanEnd = grown(this.spanEnd, new Uint32Array(c));
    this.parentless = grown(this.parentless, new Uint8Array(c));
    this.startWords = grown(this.startWords, new Uint32Array(2 * c));
    this.durationNs = grown(this.durationNs, new Float64Array(c));
    this.error = grown(this.error, new Uint8Array(c));
    this.nameAt = grown(this.nameAt, new Uint32Array(c));
    this.nameEnd = grown(this.nameEnd, new Uint32Array(c));
    this.spanTag = grown(this.spanTag, new Uint32Array(c));
    this.capacity = c;
  }

  /** The index of a trace ID (hex), added on first use. */
  trace(id: string): number {
    return this.traceIds.of(id);
  }

  /** The index of a service name in `strings`, added on first use. */
  str(s: string): number {
    return this.strings.of(s);
  }

  /** The index: each column cut to the spans written, in a buffer of its own (a parse worker transfers them). */
  finish(): OtlpProtoIndex {
    const n = this.count;
    return {
      count: n, traceIds: this.traceIds.list, traceOf: this.traceOf.slice(0, n), groupOf: this.groupOf.slice(0, n),
      spanAt: this.spanAt.slice(0, n), spanEnd: this.spanEnd.slice(0, n), spanIds: this.spanIds,
      parentless: this.parentless.slice(0, n), startNs: new BigUint64Array(this.startWords.slice(0, 2 * n).buffer),
      durationNs: this.durationNs.slice(0, n), error: this.error.slice(0, n), nameAt: this.nameAt.slice(0, n),
      nameEnd: this.nameEnd.slice(0, n), spanTag: this.spanTag.slice(0, n), strings: this.strings.list,
      groups: new Int32Array(this.groups), skipped: 0,
    };
  }
}

/** `to` with `from` copied to its start. */
function grown<T extends Uint8Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
const SERVICE_NAME = Uint8Array.from('service.name', c => c.charCodeAt(0));
/** As the protobuf decoder's (a leading U+FEFF kept, as there), so that the service name read here is the one the
 * indexer reads from the same bytes. */
const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The service name in the resource attribute written at b[at], as the decoder reads it: the string value when the
 * key is service.name, else undefined. The bytes are keyValue()'s: the KeyValue's tag (one byte) and length, its key
 * (field 1), then its value (field 2), an AnyValue of one field.
 */
function serviceName(b: Uint8Array, at: number): string | undefined {
  let p = skipVarint(b, at + 1);
  if (b[p + 1] !== SERVICE_NAME.length) return undefined; // the key's tag, then its length
  p += 2;
  for (let i = 0; i < SERVICE_NAME.length; i++) if (b[p + i] !== SERVICE_NAME[i]) return undefined;
  p = skipVarint(b, p + SERVICE_NAME.length + 1); // the value's tag and length
  if (b[p++] !== ((1 << 3) | 2)) return undefined; // AnyValue.string_value = 1: the only value that names a service
  let len = 0;
  for (let shift = 1; ; shift *= 128) {
    const c = b[p++]!;
    len += (c & 0x7f) * shift;
    if (c < 0x80) break;
  }
  return textDecoder.decode(b.subarray(p, p + len));
}

/** The position after the varint at b[p]. */
function skipVarint(b: Uint8Array, p: number): number {
  while (b[p]! >= 0x80) p++;
  return p + 1;
}

/** True when the 16 bytes at b[at] are `id`. */
function sameId(b: Uint8Array, at: number, id: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (b[at + i] !== id[i]) return false;
  return true;
}

const MAX_I64 = Uint8Array.from('9223372036854775807', c => c.charCodeAt(0));
/** Compares 19 digits at b[from] with `digits`. */
function compareDigits(b: Uint8Array, from: number, digits: Uint8Array): number {
  for (let i = 0; i < digits.length; i++) {
    const d = b[from + i]! - digits[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export interface Transcoded {
  /** An OTLP protobuf ExportTraceServiceRequest. */
  readonly bytes: Uint8Array;
  /** Spans written (all of the request's). */
  readonly spans: number;
  /** The index of `bytes`, built while writing them: exactly what `indexOtlpProtobuf(bytes)` returns, without
   * walking the bytes again. */
  readonly index: OtlpProtoIndex;
}

/**
 * The protobuf ExportTraceServiceRequest for an OTLP JSON request in the plain exporter shape, or undefined when the
 * request is anything else (then parse it with the full parser, which also says what is wrong with it).
 */
export function transcodeOtlpJson(body: Uint8Array): Transcoded | undefined {
  // A byte-order mark, JSON Lines, syntax errors: the full parser's messages
  if (body.length === 0 || (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf)) return undefined;
  const s = new Scanner(body);
  try {
    s.request();
  } catch (err) {
    if (err === Unusual.it) return undefined;
    // a stack overflow cannot happen below MAX_DEPTH, but an allocation can fail on a huge request
    if (err instanceof RangeError) return undefined;
    throw err;
  }
  return { bytes: s.w.finish(), spans: s.spans, index: s.x.finish() };
}
