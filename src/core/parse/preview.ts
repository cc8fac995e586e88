// A first look at a big JSON trace document: the same document with every span after the first `maxSpans` left
// out, found by a byte scan that builds no objects. Parsing that preview takes milliseconds where the whole
// document takes seconds, so a view can draw its first rows while the whole is still being parsed.
//
// Spans are the elements of arrays under a `spans` key (Jaeger v1 traces, OTLP scope spans, Tempo batches) and of
// a top-level array (Zipkin v2). Everything else (Jaeger `processes`, OTLP resources and scopes) is kept whole, so
// the preview parses with the same readers as the document and its spans keep their services.

export interface DocumentPreview {
  /** The document without the left-out spans (still valid JSON of the same format). */
  readonly bytes: Uint8Array;
  readonly keptSpans: number;
  /** Spans in the whole document (elements of span arrays; the parse may still drop invalid ones). */
  readonly totalSpans: number;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const OPEN_OBJ = 0x7b, CLOSE_OBJ = 0x7d, OPEN_ARR = 0x5b, CLOSE_ARR = 0x5d;
const SPANS_KEY = [0x73, 0x70, 0x61, 0x6e, 0x73]; // spans
/** Objects nested deeper than this are skipped whole: no trace format keeps its span arrays that deep. */
const MAX_WALK_DEPTH = 32;

class Malformed extends Error {}

/** Byte classes for skipComposite: 1 quote, 2 opening bracket, 3 closing bracket, 0 anything else. */
const CLASS = new Uint8Array(256);
CLASS[QUOTE] = 1;
CLASS[OPEN_OBJ] = CLASS[OPEN_ARR] = 2;
CLASS[CLOSE_OBJ] = CLASS[CLOSE_ARR] = 3;

/**
 * An object or array, without looking inside: `p` at its opening bracket → the position after its closing one.
 * The scan's hot path (it runs over every left-out span), hence a plain function over a byte-class table.
 */
function skipComposite(b: Uint8Array, p: number): number {
  const n = b.length;
  let depth = 0;
  while (p < n) {
    const k = CLASS[b[p]!]!;
    if (k === 0) { p++; continue; }
    if (k === 1) {
      p++;
      for (;;) {
        if (p >= n) throw new Malformed();
        const s = b[p]!;
        if (s === QUOTE) break;
        p += s === BACKSLASH ? 2 : 1;
      }
    } else if (k === 2) {
      depth++;
    } else if (--depth === 0) {
      return p + 1;
    }
    p++;
  }
  throw new Malformed();
}

class Scanner {
  pos = 0;
  kept = 0;
  total = 0;
  /** Kept byte ranges as [start, end) pairs, in order; `from` is where the current range starts. */
  readonly ranges: number[] = [];
  from = 0;

  constructor(private readonly b: Uint8Array, private readonly maxSpans: number) {}

  ws(): void {
    const b = this.b;
    let p = this.pos;
    for (let c = b[p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
    this.pos = p;
  }

  /** pos at an opening quote → pos after the closing one. */
  string(): void {
    const b = this.b, n = b.length;
    let p = this.pos + 1;
    for (;;) {
      if (p >= n) throw new Malformed();
      const c = b[p]!;
      if (c === QUOTE) { this.pos = p + 1; return; }
      p += c === BACKSLASH ? 2 : 1;
    }
  }

  /** Any value, without looking inside: pos at its first byte → pos after its last. */
  skip(): void {
    const b = this.b, n = b.length;
    const c0 = b[this.pos];
    if (c0 === QUOTE) { this.string(); return; }
    if (c0 !== OPEN_OBJ && c0 !== OPEN_ARR) {
      let p = this.pos;
      for (let c = b[p]; p < n && c !== COMMA && c !== CLOSE_ARR && c !== CLOSE_OBJ && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09; c = b[++p]);
      if (p === this.pos) throw new Malformed();
      this.pos = p;
      return;
    }
    this.pos = skipComposite(b, this.pos);
  }

  expect(c: number): void {
    if (this.b[this.pos] !== c) throw new Malformed();
    this.pos++;
  }

  value(spanArray: boolean, depth: number): void {
    const c = this.b[this.pos];
    if (c === OPEN_OBJ && depth < MAX_WALK_DEPTH) this.object(depth + 1);
    else if (c === OPEN_ARR && depth < MAX_WALK_DEPTH) this.array(spanArray, depth + 1);
    else this.skip();
  }

  object(depth: number): void {
    const b = this.b;
    this.pos++;
    this.ws();
    if (b[this.pos] === CLOSE_OBJ) { this.pos++; return; }
    for (;;) {
      if (b[this.pos] !== QUOTE) throw new Malformed();
      const keyStart = this.pos + 1;
      this.string();
      const isSpans = this.pos - 1 - keyStart === SPANS_KEY.length && SPANS_KEY.every((k, i) => b[keyStart + i] === k);
      this.ws();
      this.expect(COLON);
      this.ws();
      this.value(isSpans, depth);
      this.ws();
      const c = b[this.pos];
      this.pos++;
      if (c === CLOSE_OBJ) return;
      if (c !== COMMA) throw new Malformed();
      this.ws();
    }
  }

  array(spanArray: boolean, depth: number): void {
    const b = this.b;
    const open = this.pos;
    this.pos++;
    this.ws();
    if (b[this.pos] === CLOSE_ARR) { this.pos++; return; }
    let lastKeptEnd = open + 1;
    let cut = false;
    for (;;) {
      if (!spanArray) {
        this.value(false, depth);
      } else {
        this.total++;
        if (this.kept < this.maxSpans) {
          this.kept++;
          this.skip();
          lastKeptEnd = this.pos;
        } else {
          if (!cut) {
            // Keep up to the end of the last kept span (its comma goes too) and resume at this array's `]`.
            cut = true;
            this.ranges.push(this.from, lastKeptEnd);
          }
          this.skip();
        }
      }
      this.ws();
      const c = b[this.pos];
      if (c === CLOSE_ARR) {
        if (cut) this.from = this.pos;
        this.pos++;
        return;
      }
      if (c !== COMMA) throw new Malformed();
      this.pos++;
      this.ws();
    }
  }
}

/**
 * The preview of a JSON trace document, or undefined when there is nothing to gain (no more than `maxSpans` spans)
 * or the input is not a single JSON object or array (JSON Lines, protobuf, malformed: the full parse reports those).
 */
export function previewJsonDocument(input: Uint8Array, maxSpans: number): DocumentPreview | undefined {
  const s = new Scanner(input, Math.max(0, Math.floor(maxSpans)));
  try {
    if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) s.pos = 3;
    s.ws();
    const c = input[s.pos];
    if (c === OPEN_OBJ) s.object(1);
    else if (c === OPEN_ARR) s.array(true, 1);
    else return undefined;
    s.ws();
    if (s.pos !== input.length) return undefined;
  } catch (err) {
    // Malformed input, or nesting deep enough to exhaust the stack: no preview, the full parse says what is wrong.
    if (err instanceof Malformed || err instanceof RangeError) return undefined;
    throw err;
  }
  if (s.total <= s.kept) return undefined;
  s.ranges.push(s.from, input.length);
  let size = 0;
  for (let i = 0; i < s.ranges.length; i += 2) size += s.ranges[i + 1]! - s.ranges[i]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < s.ranges.length; i += 2) {
    out.set(input.subarray(s.ranges[i]!, s.ranges[i + 1]!), at);
    at += s.ranges[i + 1]! - s.ranges[i]!;
  }
  return { bytes: out, keptSpans: s.kept, totalSpans: s.total };
}
