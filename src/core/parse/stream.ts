// Reading a trace document as its bytes arrive: each span is normalized as soon as its JSON is complete, so the
// spans read so far can be drawn while the rest is still on the wire, and a document larger than any string V8 can
// hold (a 1,000,000-span trace is about 1 GB of JSON) is read at all. The result is the same as parseTraceDocument's
// for the same bytes.
//
// Spans are streamed where the formats keep them: Jaeger `data[i].spans` / a bare trace's `spans` / a bare span
// array, OTLP `resourceSpans[r].scopeSpans[s].spans` (also under `trace`, `result`, Tempo `batches`, legacy
// `instrumentationLibrarySpans`), Zipkin's top-level array. Everything around them (processes, resources, scopes)
// is small and read whole. Documents of any other shape (snake_case OTLP, one object with no span arrays) are built
// whole by the same reader and normalized at the end exactly as parseTraceDocument does; JSON Lines, protobuf and
// broken documents are given to parseTraceDocument itself, from the bytes kept for that (only the first
// RETAIN_BYTES are kept: past that a broken document is reported with the stream's own message).
//
// Differences from the whole-document path, both for documents that keep their parts in an unusual order: a Jaeger
// span read before its trace's `processes` (Jaeger's own API writes them after the spans) gets its service when the
// processes arrive (a process that never does leaves the span's service unknown, without the per-span warning); an
// OTLP resource or scope written after its spans is not seen by them (protobuf's JSON mapping writes it before).
import { NO_ATTRIBUTES, TraceParseError, UNKNOWN_SERVICE, type ParseResult, type Resource, type Scope, type SourceFormat, type Span } from '../model';
import { canonicalTraceId } from '../ids';
import { Builder, isObject } from './builder';
import { JsonStreamError, JsonStreamReader, type JsonPath, type JsonStreamSink } from './json-stream';
import { jaegerSpan, readProcesses } from './jaeger';
import { otlpSpan, readResource, readScope, zResource, zScope } from './otlp-json';
import { fillMissingStarts, readOne, type Mutable } from './zipkin';
import { asParseError, detectValue, parseTraceDocument, readJsonInput, SOURCE_FORMATS } from './index';
import { check, pathOf } from './zod-path';

/** Bytes kept for parseTraceDocument in case the stream cannot be read as it goes (JSON Lines, errors). */
export const RETAIN_BYTES = 64 * 1024 * 1024;

export interface TraceStreamOptions {
  readonly format?: 'auto' | SourceFormat;
  /** Stop reading spans after this many (the rest of the document is still checked): for documents too big to open. */
  readonly maxSpans?: number;
}

const OTLP_LISTS = new Set(['resourceSpans', 'batches']);
const OTLP_GROUPS = new Set(['scopeSpans', 'instrumentationLibrarySpans']);

type Placeholder = { -readonly [K in keyof Resource]: Resource[K] };

interface JaegerTrace {
  readonly traceId: string | undefined;
  /** Processes by ID; before the trace's `processes` arrived, stand-ins filled in when they do. */
  readonly processes: Map<string, Resource | string>;
  readonly stand: Map<string, Placeholder> | undefined;
  firstTraceId: string | undefined;
}

interface OtlpGroup {
  readonly resource: Resource;
  readonly scope: Scope | undefined;
}

export class TraceStreamParser implements JsonStreamSink {
  private readonly reader: JsonStreamReader;
  private readonly format: 'auto' | SourceFormat;
  private readonly maxSpans: number;
  private b: Builder | undefined;
  /** Bytes kept for a fallback to parseTraceDocument; undefined once more than RETAIN_BYTES arrived. */
  private retained: Uint8Array[] | undefined = [];
  private retainedBytes = 0;
  /** The stream cannot be read as it goes: everything is given to parseTraceDocument at the end. */
  private whole: 'proto' | 'fallback' | undefined;
  private failure: unknown;
  private started = false;
  private spans = 0;
  private dropped = 0;
  private readonly jaegerTraces = new WeakMap<object, JaegerTrace>();
  private readonly otlpGroups = new WeakMap<object, OtlpGroup>();
  private readonly otlpResources = new WeakMap<object, Resource>();
  /** Zipkin: every span (for the missing-start repair at the end) and those missing a start. */
  private readonly zipkinAll: Span[] = [];
  private readonly zipkinPending: Array<Mutable<Span>> = [];
  private readonly zipkinResources = new Map<string, Resource>();
  private rootArrayFormat: SourceFormat | undefined;

  constructor(opts: TraceStreamOptions = {}) {
    this.format = opts.format ?? 'auto';
    if (this.format !== 'auto' && !SOURCE_FORMATS.includes(this.format)) throw new TraceParseError(`unknown format "${String(this.format)}" (expected one of auto, ${SOURCE_FORMATS.join(', ')})`, '$');
    this.maxSpans = opts.maxSpans ?? Infinity;
    this.reader = new JsonStreamReader(this);
    if (this.format === 'otlp-proto') this.whole = 'proto';
  }

  /** Spans read so far (before the end: what a snapshot holds). */
  get spanCount(): number { return this.spans; }
  /** Spans left out because of maxSpans. */
  get droppedSpans(): number { return this.dropped; }
  /** Bytes read so far. */
  get bytesRead(): number { return this.reader.offset; }
  /** True when the stream is read as it goes (snapshots possible); false while undecided or for whole documents. */
  get streaming(): boolean { return this.b !== undefined && this.whole === undefined; }

  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.retained) {
      this.retainedBytes += chunk.length;
      if (this.retainedBytes <= RETAIN_BYTES || this.whole) this.retained.push(chunk);
      else this.retained = undefined;
    }
    if (this.whole) return;
    if (!this.started) {
      // Decide from the first bytes: JSON text starts with `{` or `[` (after a byte-order mark and blanks).
      let i = 0;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
      while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09)) i++;
      if (i === chunk.length) return; // only blanks so far (kept in `retained`, read with the next chunk)
      this.started = true;
      const c = chunk[i];
      if (c !== 0x7b && c !== 0x5b) { this.whole = 'proto'; return; }
      // Blanks before (in earlier chunks) and the byte-order mark are not given to the reader.
      chunk = chunk.subarray(i);
    }
    try {
      this.reader.write(chunk);
    } catch (err) {
      this.giveUp(err);
    }
  }

  /** The spans read so far as traces (copies), or undefined when the stream is not read as it goes. */
  snapshot(): ParseResult | undefined {
    return this.streaming ? this.b!.snapshot() : undefined;
  }

  /** The whole document. Throws TraceParseError. */
  finish(): ParseResult {
    if (this.whole) return this.wholeDocument();
    let root: unknown;
    try {
      root = this.reader.finish();
    } catch (err) {
      this.giveUp(err);
      return this.wholeDocument();
    }
    try {
      if (!this.b) return readJsonInput({ docs: [{ value: root, path: '$' }], lines: false }, this.format);
      this.finishEnvelope(root);
      if (this.zipkinPending.length) fillMissingStarts(this.zipkinPending, this.b, this.zipkinAll);
      if (this.dropped > 0) this.b.warn('$', `only the first ${this.spans} spans were read; ${this.dropped} more were left out`);
      return this.b.finish();
    } catch (err) {
      throw asParseError(err);
    }
  }

  private giveUp(err: unknown): void {
    if (err instanceof TraceParseError || err instanceof JsonStreamError || err instanceof RangeError) {
      this.whole = 'fallback';
      this.failure = err;
      return;
    }
    throw err;
  }

  private wholeDocument(): ParseResult {
    if (this.retained) {
      const all = concat(this.retained, this.retainedBytes);
      if (this.whole === 'fallback' || all.length > 0 || !this.failure) return parseTraceDocument(all, { format: this.format });
    }
    const err = this.failure;
    if (err instanceof TraceParseError) throw err;
    if (err instanceof JsonStreamError) throw new TraceParseError(`not valid JSON (${err.message})`, `byte ${err.offset}`);
    throw asParseError(err ?? new Error('the document is larger than can be kept and could not be read as it arrived'));
  }

  // ---- JsonStreamSink ----

  streamArray(path: JsonPath): boolean {
    if (path.length === 0) return this.format === 'auto' || this.format === 'jaeger' || this.format === 'zipkin';
    if (path[path.length - 1] !== 'spans') return false;
    const f = this.pathFormat(path);
    return f !== undefined && (this.format === 'auto' || this.format === f || (f !== 'zipkin' && f !== 'jaeger' && (this.format === 'otlp' || this.format === 'jaeger-v3')));
  }

  /** The format a `spans` array at this path belongs to, or undefined for shapes read whole. */
  private pathFormat(path: JsonPath): SourceFormat | undefined {
    if (path.length === 1) return 'jaeger'; // a bare Jaeger trace {traceID, spans, processes}
    if (path.length === 3 && path[0] === 'data' && typeof path[1] === 'number') return 'jaeger';
    let k = 0;
    let v3 = false;
    if (path[0] === 'trace') k = 1;
    else if (path[0] === 'result') { k = 1; v3 = true; }
    if (path.length === k + 5 && OTLP_LISTS.has(path[k] as string) && typeof path[k + 1] === 'number' && OTLP_GROUPS.has(path[k + 2] as string) && typeof path[k + 3] === 'number') {
      if (v3 && path[k] !== 'resourceSpans') return undefined;
      return v3 ? 'jaeger-v3' : 'otlp';
    }
    return undefined;
  }

  element(value: unknown, path: JsonPath, index: number, containers: readonly unknown[]): void {
    if (this.spans >= this.maxSpans) { this.dropped++; return; }
    if (path.length === 0) return this.rootElement(value, index);
    const f = this.pathFormat(path)!;
    const b = this.builder(this.format === 'auto' ? f : this.format);
    const base = pathOf('$', path);
    if (f === 'jaeger') return this.jaegerElement(value, base, index, containers[containers.length - 1] as Record<string, unknown>, b);
    this.otlpElement(value, base, index, containers, b);
  }

  closed(path: JsonPath, value: unknown): void {
    if (!this.b || !isObject(value)) return;
    const t = this.jaegerTraces.get(value);
    if (t) this.closeJaegerTrace(t, value, pathOf('$', path));
  }

  private builder(f: SourceFormat): Builder {
    if (!this.b) {
      this.b = new Builder(f);
      // Committed to reading as it goes: nothing more to keep for a fallback beyond RETAIN_BYTES.
    }
    return this.b;
  }

  // ---- Jaeger ----

  private jaegerElement(s: unknown, base: string, index: number, trace: Record<string, unknown>, b: Builder): void {
    let t = this.jaegerTraces.get(trace);
    if (!t) {
      const id = typeof trace.traceID === 'string' && trace.traceID !== '' ? canonicalTraceId(trace.traceID) : undefined;
      if (isObject(trace.processes)) t = { traceId: id, processes: readProcesses(trace.processes, base.slice(0, -'.spans'.length), b), stand: undefined, firstTraceId: undefined };
      else {
        const stand = new Map<string, Placeholder>();
        t = { traceId: id, processes: new StandInProcesses(stand), stand, firstTraceId: undefined };
      }
      this.jaegerTraces.set(trace, t);
    }
    if (t.firstTraceId === undefined && isObject(s) && typeof s.traceID === 'string') t.firstTraceId = canonicalTraceId(s.traceID);
    if (b.readSpan(base, index, jaegerSpan, s, t.traceId, t.processes)) this.spans++;
  }

  private closeJaegerTrace(t: JaegerTrace, trace: Record<string, unknown>, path: string): void {
    const b = this.b!;
    if (t.stand) {
      const real = readProcesses(isObject(trace.processes) ? trace.processes : undefined, path, b);
      for (const [id, p] of t.stand) {
        const r = real.get(id);
        if (r !== undefined && typeof r !== 'string') { p.serviceName = r.serviceName; p.attributes = r.attributes; }
      }
    }
    const w = trace.warnings;
    if (Array.isArray(w) && w.length) {
      const id = t.traceId ?? t.firstTraceId;
      const texts = w.filter((x): x is string => typeof x === 'string');
      if (id && texts.length) b.addTraceWarnings(id, texts);
    }
  }

  // ---- OTLP ----

  private otlpElement(s: unknown, base: string, index: number, containers: readonly unknown[], b: Builder): void {
    const group = containers[containers.length - 1] as Record<string, unknown>;
    let g = this.otlpGroups.get(group);
    if (!g) {
      // The resource and scope as far as they arrived: protobuf's JSON mapping writes them before the spans.
      const groupPath = base.slice(0, -'.spans'.length);
      const rsPath = groupPath.replace(/\.(scopeSpans|instrumentationLibrarySpans)\[\d+\]$/, '');
      g = { resource: this.resourceOf(containers[containers.length - 3] as Record<string, unknown>, rsPath), scope: this.scopeOf(group, groupPath) };
      this.otlpGroups.set(group, g);
    }
    if (b.readSpan(base, index, otlpSpan, s, g.resource, g.scope)) this.spans++;
  }

  /** The resource of a resourceSpans entry (shared by its scopeSpans). */
  private resourceOf(rs: Record<string, unknown>, path: string): Resource {
    let res = this.otlpResources.get(rs);
    if (res) return res;
    const r = check(zResource, rs.resource, `${path}.resource`);
    if (!r.ok) this.b!.warn(r.path, `resource ignored: ${r.message}`);
    res = r.ok ? readResource(r.data, this.b!, () => `${path}.resource`) : this.b!.resource(undefined, NO_ATTRIBUTES);
    this.otlpResources.set(rs, res);
    return res;
  }

  private scopeOf(group: Record<string, unknown>, path: string): Scope | undefined {
    const raw = group.instrumentationLibrary ?? group.scope;
    const key = group.instrumentationLibrary !== undefined && group.instrumentationLibrary !== null ? 'instrumentationLibrary' : 'scope';
    const r = check(zScope, raw, `${path}.${key}`);
    if (!r.ok) { this.b!.warn(r.path, `scope ignored: ${r.message}`); return undefined; }
    return readScope(r.data, this.b!, () => `${path}.${key}`);
  }

  // ---- a top-level array: Jaeger spans with inline processes, or Zipkin ----

  private rootElement(value: unknown, index: number): void {
    let f = this.rootArrayFormat;
    if (!f) {
      f = this.format === 'auto' ? detectValue([value], '$') : this.format;
      if (f !== 'jaeger' && f !== 'zipkin') throw new TraceParseError(`expected ${f} but the document is an array`, '$');
      this.rootArrayFormat = f;
    }
    const b = this.builder(f);
    if (f === 'jaeger') {
      if (b.readSpan('$', index, jaegerSpan, value, undefined, undefined)) this.spans++;
      return;
    }
    if (Array.isArray(value)) {
      for (let j = 0; j < value.length; j++) this.zipkinSpan(value[j], `$[${index}][${j}]`, b);
    } else if (isObject(value)) {
      this.zipkinSpan(value, `$[${index}]`, b);
    } else {
      throw new TraceParseError(`Zipkin document: expected a span object or an array of spans at $[${index}]`, `$[${index}]`);
    }
  }

  private zipkinSpan(s: unknown, path: string, b: Builder): void {
    if (this.spans >= this.maxSpans) { this.dropped++; return; }
    const before = this.zipkinAll.length;
    readOne(s, path, this.zipkinResources, b, this.zipkinPending, this.zipkinAll);
    this.spans += this.zipkinAll.length - before;
  }

  private finishEnvelope(root: unknown): void {
    const b = this.b!;
    if (isObject(root) && Array.isArray(root.errors)) {
      for (const e of root.errors) {
        if (!isObject(e)) continue;
        b.warn('$.errors', `Jaeger reported an error${typeof e.traceID === 'string' && e.traceID ? ` for trace ${e.traceID}` : ''}: ${typeof e.msg === 'string' && e.msg ? e.msg : '(no message)'}`);
      }
    }
  }
}

/** Processes of a Jaeger trace whose `processes` have not arrived: a stand-in Resource per ID, filled in later. */
class StandInProcesses extends Map<string, Resource | string> {
  constructor(private readonly stand: Map<string, Placeholder>) { super(); }
  override get(id: string): Resource | string | undefined {
    let p = this.stand.get(id);
    if (!p) { p = { serviceName: UNKNOWN_SERVICE, attributes: NO_ATTRIBUTES }; this.stand.set(id, p); }
    return p;
  }
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Parses a document given as chunks, reading spans as they arrive (tests; the worker drives the parser itself). */
export function parseTraceChunks(chunks: Iterable<Uint8Array>, opts: TraceStreamOptions = {}): ParseResult {
  const p = new TraceStreamParser(opts);
  for (const c of chunks) p.write(c);
  return p.finish();
}
