// A streaming JSON reader over UTF-8 byte chunks: the bytes of a trace document are read as they arrive (from a
// socket, a file, a decompressor), in chunks cut anywhere (inside a string, an escape, a multi-byte character or a
// number), without ever holding the whole document as one string. A 1 GB trace is larger than the longest string
// V8 can hold, so JSON.parse cannot read it at all; and even a 100 MB one is only readable once it has fully arrived.
//
// What it builds: the same values as JSON.parse, except that integers too large for a double (more than 15 digits
// and not a safe integer) are given as their exact decimal text (IDs and unix nanoseconds stay exact; the trace
// readers accept decimal strings wherever they accept numbers).
//
// Streaming: the sink chooses arrays whose elements are handed over one by one as each completes (`streamArray`,
// asked for arrays outside such elements only, with their path from the root) instead of being kept: the spans of a
// trace. Everything else (the envelope around the spans: Jaeger processes, OTLP resources and scopes) is built and
// kept, with each streamed array left empty in it.
//
// Bounds for hostile input: nesting depth, and the length of one string or number token (the only things it must
// keep whole); the rest of the memory is what the sink keeps.
//
// Speed: the elements of a streamed array that are complete in the buffer are found by a scan for their closing
// braces and read in runs by one JSON.parse each (fastElements): native parsing, about twice the speed of reading
// byte by byte here. The tokenizer reads what the fast path leaves: an element cut by the end of a chunk, the
// envelope, an element with an unsafe integer, anything JSON.parse rejects (so errors keep their exact offsets).

/** A JSON syntax error (or a limit exceeded) at an absolute byte offset of the stream. */
export class JsonStreamError extends Error {
  override readonly name = 'JsonStreamError';
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
  }
}

export type JsonPath = readonly (string | number)[];

export interface JsonStreamSink {
  /** An array opens at `path` (outside streamed elements). True: hand its elements to `element` one by one. */
  streamArray(path: JsonPath): boolean;
  /**
   * One complete element of a streamed array. `containers` are the values being built from the root down to the
   * object or array that holds the streamed array (partly filled: keys after the array have not arrived yet).
   */
  element(value: unknown, path: JsonPath, index: number, containers: readonly unknown[]): void;
  /** An object or array outside streamed elements is complete (its path and value). */
  closed?(path: JsonPath, value: unknown): void;
}

export interface JsonStreamLimits {
  /** Deepest nesting of arrays and objects. Default 512 (JSON.parse's own limit is the call stack's). */
  readonly maxDepth?: number;
  /** Longest string or number token, in bytes. Default 512 MiB (the longest V8 string is 2^29 - 24 UTF-16 units). */
  readonly maxTokenBytes?: number;
}

const enum St { Value, ArrFirst, ObjFirst, Key, Colon, After, Done }
const enum Tok { None, Str, Num, Lit }

interface Frame {
  /** true: object; false: array. */
  readonly obj: boolean;
  /** The container being filled; undefined for a streamed array. */
  readonly value: Record<string, unknown> | unknown[] | undefined;
  key: string;
  index: number;
  /** This frame is (or is inside) a streamed array's element. */
  readonly inElement: boolean;
}

const SMALL_CACHE_BITS = 12;
const SMALL_MAX = 24;

// ignoreBOM: a U+FEFF that begins a string is data (a document's own byte-order mark never reaches the reader)
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The byte classes of the element scan (elementsEnd): 1 `"`, 2 `{` `[`, 3 `}` `]`, 4 a digit, 0 anything else.
 * Whitespace, commas, colons, letters of literals and the signs, dots and exponents of numbers are all 0: the scan
 * only finds where elements end; JSON.parse checks everything.
 */
const SCAN_CLASS = new Uint8Array(256);
SCAN_CLASS[0x22] = 1;
SCAN_CLASS[0x7b] = 2;
SCAN_CLASS[0x5b] = 2;
SCAN_CLASS[0x7d] = 3;
SCAN_CLASS[0x5d] = 3;
for (let c = 0x30; c <= 0x39; c++) SCAN_CLASS[c] = 4;
/** Fewest bytes of complete elements worth one JSON.parse (below, the tokenizer reads them). */
const FAST_MIN_BYTES = 4096;

/** The byte classes of the string scan: 1 for `"`, `\` and control characters, 2 for non-ASCII, 0 otherwise. */
const STR_CLASS = new Uint8Array(256);
for (let c = 0; c < 32; c++) STR_CLASS[c] = 1;
STR_CLASS[0x22] = 1;
STR_CLASS[0x5c] = 1;
for (let c = 0x80; c < 256; c++) STR_CLASS[c] = 2;

export class JsonStreamReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  /** Absolute offset of buf[0]. */
  private base = 0;
  /** A buffer of our own, holding an incomplete token and the chunks appended to it. */
  private own: Uint8Array | undefined;
  private state: St = St.Value;
  private readonly stack: Frame[] = [];
  /** Envelope path (keys and indices) of the frames outside streamed elements. */
  private readonly path: (string | number)[] = [];
  /** Values of the frames outside streamed elements (the sink's `containers`). */
  private readonly containers: unknown[] = [];
  private root: unknown = undefined;
  private finished = false;
  /** The incomplete token at buf[pos] when the last chunk ended: its kind and where its scan resumes. */
  private tok: Tok = Tok.None;
  private scanAt = 0;
  private strFlags = 0;
  private readonly maxDepth: number;
  private readonly maxToken: number;
  /** Short ASCII strings (keys, types, enum values) by a hash of their bytes: one string object each. */
  private readonly small: (string | undefined)[] = new Array<string | undefined>(1 << SMALL_CACHE_BITS);

  private readonly nativeRuns: boolean;
  private elementsByJsonParse = 0;

  /** `nativeRuns: false` reads every element with the tokenizer (tests compare both ways). */
  constructor(private readonly sink: JsonStreamSink, limits: JsonStreamLimits = {}, options: { readonly nativeRuns?: boolean } = {}) {
    this.maxDepth = limits.maxDepth ?? 512;
    this.maxToken = limits.maxTokenBytes ?? 512 * 1024 * 1024;
    this.nativeRuns = options.nativeRuns ?? true;
  }

  /** Bytes read so far. */
  get offset(): number { return this.base + this.pos; }
  /** Streamed elements read by JSON.parse so far (the rest by the tokenizer). */
  get nativeElements(): number { return this.elementsByJsonParse; }

  /** Reads a chunk. The chunk may be reused by the caller afterwards (what is kept is copied). */
  write(chunk: Uint8Array): void {
    if (this.finished) throw new JsonStreamError('data after the end of the stream', this.base + this.end);
    if (chunk.length === 0) return;
    if (this.tok !== Tok.None) {
      // Append to the incomplete token's bytes (buf[pos..end), already in `own` at 0).
      const need = this.end + chunk.length;
      let own = this.own!;
      if (own.length < need) {
        const grown = new Uint8Array(Math.max(need, own.length * 2));
        grown.set(own.subarray(0, this.end));
        own = this.own = grown;
      }
      own.set(chunk, this.end);
      this.buf = own;
      this.end = need;
    } else {
      this.base += this.end;
      this.buf = chunk;
      this.pos = 0;
      this.end = chunk.length;
    }
    this.run(false);
  }

  /** The end of the stream: the root value (streamed arrays empty in it). Throws when the document is incomplete. */
  finish(): unknown {
    if (!this.finished) {
      this.run(true);
      this.finished = true;
      if (this.state !== St.Done) throw new JsonStreamError(this.stack.length || this.state !== St.Value || this.base + this.end > 0 ? 'unexpected end of JSON input' : 'empty input', this.base + this.end);
    }
    return this.root;
  }

  private fail(message: string, at = this.pos): never {
    throw new JsonStreamError(message, this.base + at);
  }

  /** Keeps buf[pos..end) (an incomplete token) for the next chunk. */
  private keepRest(kind: Tok, scanAt: number): void {
    const len = this.end - this.pos;
    if (len > this.maxToken) this.fail(`a string or number longer than ${this.maxToken} bytes`);
    this.tok = kind;
    this.scanAt = scanAt - this.pos;
    if (this.buf === this.own) {
      if (this.pos > 0) this.own.copyWithin(0, this.pos, this.end);
    } else {
      if (!this.own || this.own.length < len * 2) this.own = new Uint8Array(Math.max(4096, len * 2));
      this.own.set(this.buf.subarray(this.pos, this.end));
    }
    this.base += this.pos;
    this.buf = this.own!;
    this.pos = 0;
    this.end = len;
  }

  private run(last: boolean): void {
    // A token cut by the previous chunk is finished first.
    if (this.tok !== Tok.None && this.resume(last) < 0) return;
    this.loop(last);
  }

  private loop(last: boolean): void {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    for (;;) {
      // whitespace
      let c = 0;
      while (p < end) {
        c = b[p]!;
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
        else break;
      }
      if (p >= end) { this.pos = p; this.tok = Tok.None; return; }
      this.pos = p;
      if (this.state === St.Done) this.fail('unexpected data after the JSON value');
      switch (this.state) {
        case St.Value:
        case St.ArrFirst: {
          if (this.state === St.ArrFirst && c === 0x5d) { p++; this.pos = p; this.close(false); continue; }
          if (c === 0x7b) {
            // Elements of a streamed array (spans) complete in the buffer are read by JSON.parse, in runs.
            const top = this.stack.length ? this.stack[this.stack.length - 1]! : undefined;
            if (top !== undefined && top.value === undefined && this.nativeRuns) {
              const q = this.fastElements(p);
              if (q > p) { p = q; continue; }
            }
            p++; this.pos = p; this.open(true); this.state = St.ObjFirst; continue;
          }
          if (c === 0x5b) { p++; this.pos = p; this.open(false); this.state = St.ArrFirst; continue; }
          if (c === 0x22) {
            const q = this.string(p + 1, p + 1, 0, last);
            if (q < 0) return;
            p = q;
            continue;
          }
          if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
            const q = this.number(p, last);
            if (q < 0) return;
            p = q;
            continue;
          }
          const q = this.literal(p, c, last);
          if (q < 0) return;
          p = q;
          continue;
        }
        case St.ObjFirst:
        case St.Key: {
          if (c === 0x7d && this.state === St.ObjFirst) { p++; this.pos = p; this.close(true); continue; }
          if (c !== 0x22) this.fail(`expected a property name, found ${show(c)}`);
          const q = this.string(p + 1, p + 1, 0, last);
          if (q < 0) return;
          p = q;
          continue;
        }
        case St.Colon:
          if (c !== 0x3a) this.fail(`expected ':', found ${show(c)}`);
          p++;
          this.state = St.Value;
          continue;
        case St.After: {
          const top = this.stack[this.stack.length - 1]!;
          if (c === 0x2c) { p++; this.state = top.obj ? St.Key : St.Value; continue; }
          if (c === (top.obj ? 0x7d : 0x5d)) { p++; this.pos = p; this.close(top.obj); continue; }
          this.fail(`expected ',' or '${top.obj ? '}' : ']'}', found ${show(c)}`);
        }
      }
    }
  }

  /**
   * The fast path for the elements of a streamed array: from the object starting at `p`, the run of elements that
   * are complete in the buffer is decoded once and read by JSON.parse (native: about twice the speed of the byte
   * by byte tokenizer), then handed to the sink one by one as the tokenizer would. Returns the position after the
   * last element read (before its `,` or `]`), or `p` when there is nothing for it here: then the tokenizer reads
   * the element, which also reports any error with its exact offset (JSON.parse's message has none), and an element
   * holding an integer a double cannot hold (kept exact as text by the tokenizer) or nested past the depth limit.
   */
  private fastElements(p: number): number {
    const b = this.buf;
    const end = this.end;
    const depthLeft = this.maxDepth - this.stack.length;
    let q = p;
    let last = p;
    let count = 0;
    for (;;) {
      const e = elementEnd(b, q, end, depthLeft, this.maxToken);
      if (e < 0) break;
      last = e;
      count++;
      // the separator: blanks, a comma, blanks, then the next element's `{` (else the run ends here)
      let k = e;
      while (k < end && (b[k] === 0x20 || b[k] === 0x0a || b[k] === 0x0d || b[k] === 0x09)) k++;
      if (k >= end || b[k] !== 0x2c) break;
      k++;
      while (k < end && (b[k] === 0x20 || b[k] === 0x0a || b[k] === 0x0d || b[k] === 0x09)) k++;
      if (k >= end || b[k] !== 0x7b) break;
      q = k;
    }
    if (count === 0 || last - p < FAST_MIN_BYTES) return p;
    let values: unknown[];
    try {
      values = JSON.parse(`[${utf8.decode(b.subarray(p, last))}]`) as unknown[];
    } catch {
      return p;
    }
    if (values.length !== count) return p;
    this.elementsByJsonParse += count;
    for (const v of values) {
      this.value(v);
      // value() leaves the state at After; the next element follows its comma
      this.state = St.Value;
    }
    this.state = St.After;
    this.pos = last;
    return last;
  }

  /** Resumes an incomplete token at the start of the buffer (after a new chunk was appended). */
  private resume(last: boolean): number {
    const kind = this.tok;
    this.tok = Tok.None;
    const p = this.pos;
    if (kind === Tok.Str) return this.string(p + 1, p + this.scanAt, this.strFlags, last);
    if (kind === Tok.Num) return this.number(p, last);
    return this.literal(p, this.buf[p]!, last);
  }

  private open(obj: boolean): void {
    const depth = this.stack.length;
    if (depth >= this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
    const parent = depth ? this.stack[depth - 1]! : undefined;
    const inElement = parent !== undefined && (parent.inElement || parent.value === undefined);
    let value: Record<string, unknown> | unknown[] | undefined;
    if (obj) value = {};
    else if (!inElement && this.sink.streamArray(this.path)) value = undefined;
    else value = [];
    if (!inElement) {
      this.containers.push(value);
      if (value === undefined) this.setInParent(parent, []);
    }
    this.stack.push({ obj, value, key: '', index: 0, inElement });
    if (!inElement) this.path.push(obj ? '' : 0);
  }

  private close(obj: boolean): void {
    const f = this.stack.pop()!;
    if (f.obj !== obj) this.fail('mismatched bracket');
    if (!f.inElement) {
      this.path.pop();
      this.containers.pop();
      if (this.sink.closed && f.value !== undefined) this.sink.closed(this.path, f.value);
      // A streamed array is already in its parent (empty); other containers are values of their parent.
      if (f.value === undefined) { this.afterValue(); return; }
    }
    this.value(f.value ?? []);
  }

  /** Puts the empty stand-in of a streamed array into its parent (so the envelope keeps its shape). */
  private setInParent(parent: Frame | undefined, v: unknown): void {
    if (!parent) { this.root = v; return; }
    if (parent.obj) setKey(parent.value as Record<string, unknown>, parent.key, v);
    else if (parent.value) (parent.value as unknown[]).push(v);
  }

  private afterValue(): void {
    const depth = this.stack.length;
    if (depth === 0) { this.state = St.Done; return; }
    const top = this.stack[depth - 1]!;
    if (!top.obj) {
      top.index++;
      if (!top.inElement) this.path[depth - 1] = top.index;
    }
    this.state = St.After;
  }

  /** A complete value: into its container, or to the sink for a streamed array's element. */
  private value(v: unknown): void {
    const depth = this.stack.length;
    if (depth === 0) { this.root = v; this.state = St.Done; return; }
    const top = this.stack[depth - 1]!;
    if (top.obj) setKey(top.value as Record<string, unknown>, top.key, v);
    else if (top.value) (top.value as unknown[]).push(v);
    else this.sink.element(v, this.path.slice(0, depth - 1), top.index, this.containers.slice(0, depth - 1));
    this.afterValue();
  }

  /**
   * The string whose content starts at `s`, scanned from `from`. Returns the position after it, or -1 when the
   * buffer ends first (kept for the next chunk).
   */
  private string(s: number, from: number, flags: number, last: boolean): number {
    const b = this.buf, end = this.end;
    let p = from;
    // flags: 1 = has an escape, 2 = has non-ASCII bytes
    for (;;) {
      while (p < end && STR_CLASS[b[p]!] === 0) p++;
      if (p >= end) break;
      const c = b[p]!;
      if (c === 0x22) {
        const text = this.stringText(s, p, flags);
        this.token(text);
        this.pos = p + 1;
        return p + 1;
      }
      if (c === 0x5c) {
        flags |= 1;
        if (p + 1 >= end) break;
        const e = b[p + 1]!;
        if (e === 0x75) {
          if (p + 6 > end) break;
          for (let k = p + 2; k < p + 6; k++) if (hexVal(b[k]!) < 0) this.fail('bad \\u escape in a string', k);
          p += 6;
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) p += 2;
        else this.fail('bad escape in a string', p + 1);
        continue;
      }
      if (c >= 0x80) { flags |= 2; p++; continue; }
      this.fail('control character in a string', p);
    }
    if (last) this.fail('unterminated string', end);
    this.strFlags = flags;
    this.pos = s - 1;
    this.keepRest(Tok.Str, p);
    return -1;
  }

  /** A string or key token is complete: where it goes depends on the state. */
  private token(text: string): void {
    if (this.state === St.ObjFirst || this.state === St.Key) {
      const depth = this.stack.length;
      this.stack[depth - 1]!.key = text;
      if (!this.stack[depth - 1]!.inElement) this.path[depth - 1] = text;
      this.state = St.Colon;
    } else {
      this.value(text);
    }
  }

  private stringText(s: number, e: number, flags: number): string {
    const b = this.buf;
    const len = e - s;
    if (flags === 0) {
      if (len <= SMALL_MAX) {
        if (len === 0) return '';
        let h = 0x811c9dc5;
        for (let k = s; k < e; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
        const slot = (h ^ (h >>> 16)) & ((1 << SMALL_CACHE_BITS) - 1);
        const hit = this.small[slot];
        if (hit !== undefined && hit.length === len) {
          let same = true;
          for (let k = 0; k < len; k++) if (hit.charCodeAt(k) !== b[s + k]) { same = false; break; }
          if (same) return hit;
        }
        const str = String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
        this.small[slot] = str;
        return str;
      }
      if (len <= 64) return String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
      return utf8.decode(b.subarray(s, e));
    }
    if ((flags & 1) === 0) return utf8.decode(b.subarray(s, e));
    // Escapes: decode the runs between them as UTF-8 (escapes are ASCII, so no character is cut), and the escapes.
    let out = '';
    let run = s;
    let p = s;
    while (p < e) {
      if (b[p] !== 0x5c) { p++; continue; }
      if (p > run) out += utf8.decode(b.subarray(run, p));
      const x = b[p + 1]!;
      switch (x) {
        case 0x22: out += '"'; p += 2; break;
        case 0x5c: out += '\\'; p += 2; break;
        case 0x2f: out += '/'; p += 2; break;
        case 0x62: out += '\b'; p += 2; break;
        case 0x66: out += '\f'; p += 2; break;
        case 0x6e: out += '\n'; p += 2; break;
        case 0x72: out += '\r'; p += 2; break;
        case 0x74: out += '\t'; p += 2; break;
        default: // u
          out += String.fromCharCode((hexVal(b[p + 2]!) << 12) | (hexVal(b[p + 3]!) << 8) | (hexVal(b[p + 4]!) << 4) | hexVal(b[p + 5]!));
          p += 6;
      }
      run = p;
    }
    if (e > run) out += utf8.decode(b.subarray(run, e));
    return out;
  }

  /** A number token at p. Returns the position after it, or -1 when it may continue in the next chunk. */
  private number(start: number, last: boolean): number {
    const b = this.buf, end = this.end;
    let p = start;
    if (b[p] === 0x2d) p++;
    if (p >= end) return this.numberCut(start, last);
    let c = b[p]!;
    if (c === 0x30) p++;
    else if (c >= 0x31 && c <= 0x39) { p++; while (p < end && (c = b[p]!) >= 0x30 && c <= 0x39) p++; }
    else this.fail('bad number', p);
    const intEnd = p;
    let frac = false;
    if (p < end && b[p] === 0x2e) {
      frac = true;
      p++;
      const d0 = p;
      while (p < end && (c = b[p]!) >= 0x30 && c <= 0x39) p++;
      if (p === d0) { if (p >= end) return this.numberCut(start, last); this.fail('bad number', p); }
    }
    if (p < end && (b[p] === 0x65 || b[p] === 0x45)) {
      frac = true;
      p++;
      if (p < end && (b[p] === 0x2b || b[p] === 0x2d)) p++;
      const d0 = p;
      while (p < end && (c = b[p]!) >= 0x30 && c <= 0x39) p++;
      if (p === d0) { if (p >= end) return this.numberCut(start, last); this.fail('bad number', p); }
    }
    if (p >= end && !last) return this.numberCut(start, last);
    if (p - start > this.maxToken) this.fail(`a number longer than ${this.maxToken} bytes`, start);
    let v: number | string;
    const neg = b[start] === 0x2d;
    const digits = intEnd - start - (neg ? 1 : 0);
    if (!frac && digits <= 15) {
      let x = 0;
      for (let k = neg ? start + 1 : start; k < intEnd; k++) x = x * 10 + (b[k]! - 0x30);
      v = neg ? (x === 0 ? -0 : -x) : x;
    } else {
      const text = String.fromCharCode.apply(null, b.subarray(start, p) as unknown as number[]);
      v = Number(text);
      // Integers a double cannot hold exactly stay exact, as text (IDs, unix nanoseconds).
      if (!frac && !Number.isSafeInteger(v)) v = text;
    }
    this.pos = p;
    this.value(v);
    return p;
  }

  private numberCut(start: number, last: boolean): number {
    if (last) this.fail('unexpected end of JSON input in a number', this.end);
    this.pos = start;
    this.keepRest(Tok.Num, start);
    return -1;
  }

  private literal(p: number, c: number, last: boolean): number {
    const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : undefined;
    if (word === undefined) this.fail(`unexpected ${show(c)}`, p);
    const b = this.buf;
    for (let k = 1; k < word.length; k++) {
      if (p + k >= this.end) {
        if (last) this.fail('unexpected end of JSON input', this.end);
        this.pos = p;
        this.keepRest(Tok.Lit, p);
        return -1;
      }
      if (b[p + k] !== word.charCodeAt(k)) this.fail(`unexpected ${show(b[p + k]!)}`, p + k);
    }
    this.pos = p + word.length;
    this.value(c === 0x74 ? true : c === 0x66 ? false : null);
    return p + word.length;
  }
}

/** Like JSON.parse: a `__proto__` key is an own data property, never the prototype. */
/**
 * Where the JSON object starting at b[p] (a `{`) ends, when it is complete before `end`: the position after its
 * closing brace. -1 when it is not complete there, nests deeper than `depthLeft`, holds a string longer than
 * `maxToken`, or holds an integer a double may not hold exactly (17 digits or more, or 16 starting with 9: past
 * 2^53), which the tokenizer keeps exact as text and JSON.parse would round.
 */
function elementEnd(b: Uint8Array, p: number, end: number, depthLeft: number, maxToken: number): number {
  let depth = 0;
  while (p < end) {
    const k = SCAN_CLASS[b[p]!]!;
    if (k === 0) { p++; continue; }
    if (k === 1) {
      const s = ++p;
      for (;;) {
        if (p >= end) return -1;
        const c = b[p]!;
        if (c === 0x22) break;
        p += c === 0x5c ? 2 : 1;
      }
      if (p - s > maxToken) return -1;
      p++;
      continue;
    }
    if (k === 2) {
      if (++depth > depthLeft) return -1;
      p++;
      continue;
    }
    if (k === 3) {
      p++;
      if (--depth === 0) return p;
      continue;
    }
    const d = p;
    while (p < end && SCAN_CLASS[b[p]!] === 4) p++;
    if (p - d >= 17 || (p - d === 16 && b[d] === 0x39)) return -1;
  }
  return -1;
}

function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function show(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** Parses a whole document given as chunks (tests, and small documents). */
export function parseJsonChunks(chunks: Iterable<Uint8Array>, limits?: JsonStreamLimits): unknown {
  const r = new JsonStreamReader({ streamArray: () => false, element: () => undefined }, limits);
  for (const c of chunks) r.write(c);
  return r.finish();
}
