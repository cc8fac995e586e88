// Shared machinery for every parser: string interning, one Resource per process/resource and one Scope per scope,
// traces grouped in order of first appearance, warnings with paths, and the "one bad span" rule.
//
// The model must not keep references into the parsed JSON (heap budget): everything here copies what it keeps
// into fresh, small objects, and interns keys and short repeated strings so 100k spans share them.
import {
  NO_ATTRIBUTES, TraceParseError, UNKNOWN_SERVICE,
  type Attr, type AttrValue, type Attributes, type ParseResult, type ParseWarning, type Resource, type Scope,
  type SourceFormat, type Span, type Trace,
} from '../model';
import { isAllZeroId } from '../ids';

/** Thrown inside a span normalizer: the span is dropped and a warning with this path is recorded. */
export class BadSpan extends Error {
  constructor(message: string, readonly relPath: string = '') {
    super(message);
  }
}

/**
 * Longest string that is interned. Only keys and names go through `intern` (they repeat across 100k spans and
 * JSON.parse gives each occurrence its own copy); attribute string values are kept as parsed: most long ones are
 * unique (URLs with IDs, SQL, stack traces) and V8 already internalizes short JSON string values, so a Map lookup per
 * value cost more time (≈10% of the Jaeger path) than it saved heap.
 */
const INTERN_MAX = 64;
const SHARED_VALUE_MAX = 32;
const SHARED_VALUES_PER_KEY = 128;

export interface KeyEntry {
  readonly key: string;
  /** Shared attributes by value; null once the key proved high-cardinality. */
  values: Map<string | boolean | number | bigint, Attr> | null;
}

/** Deepest nesting of array/kvlist attribute values we follow; deeper data is cut with a warning. */
export const MAX_VALUE_DEPTH = 32;

export class Builder {
  private readonly strings = new Map<string, string>();
  private readonly resources = new Map<string, Resource>();
  private readonly scopes = new Map<string, Scope>();
  private readonly traceSpans = new Map<string, Span[]>();
  private readonly traceWarnings = new Map<string, string[]>();
  readonly warnings: ParseWarning[] = [];
  private badSpans = 0;
  private firstBad: ParseWarning | undefined;
  /** Cap on stored warnings so a document of 1M broken spans cannot explode memory. */
  private static readonly MAX_WARNINGS = 1000;

  constructor(readonly format: SourceFormat) {}

  /** The path of the item being read, set by the loops so span readers need no per-span closure for messages. */
  atBase = '$';
  atIndex = 0;
  readonly here = (): string => `${this.atBase}[${this.atIndex}]`;

  /** The same string object for equal strings (keys, names, short values). */
  intern(s: string): string {
    if (s.length > INTERN_MAX) return s;
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    this.strings.set(s, s);
    return s;
  }

  private readonly keys = new Map<string, KeyEntry>();

  /** The interned key and its cache of shared attributes. */
  keyEntry(raw: string): KeyEntry {
    let e = this.keys.get(raw);
    if (e === undefined) {
      const key = this.intern(raw);
      e = { key, values: new Map() };
      this.keys.set(key, e);
    }
    return e;
  }

  /**
   * An attribute with a small primitive value, shared by every span that has the same key and value (the model is
   * read-only). Low-cardinality attributes (methods, status codes, db.system, flags…) make up most of a trace, so this
   * saves most Attr allocations; a key that shows many distinct values stops being cached.
   */
  sharedAttr(e: KeyEntry, value: string | boolean | number | bigint): Attr {
    const vals = e.values;
    // (-0 is not cached: a Map treats it as 0.)
    if (vals === null || (typeof value === 'string' && value.length > SHARED_VALUE_MAX) || Object.is(value, -0)) return { key: e.key, value };
    let a = vals.get(value);
    if (a === undefined) {
      if (vals.size >= SHARED_VALUES_PER_KEY) { e.values = null; return { key: e.key, value }; }
      a = { key: e.key, value };
      vals.set(value, a);
    }
    return a;
  }

  /** Like sharedAttr for an int64 given as its JSON form (decimal string or number); undefined when unreadable. */
  sharedInt(e: KeyEntry, raw: string | number, read: (raw: unknown) => bigint | undefined): Attr | undefined {
    const vals = e.values;
    if (vals === null) { const v = read(raw); return v === undefined ? undefined : { key: e.key, value: v }; }
    // Cache keys for ints are tagged so they cannot collide with string values of the same key.
    const ck = typeof raw === 'number' ? -raw - 0.5 : '\u0000' + raw;
    let a = vals.get(ck);
    if (a === undefined) {
      const v = read(raw);
      if (v === undefined) return undefined;
      a = { key: e.key, value: v };
      if (vals.size >= SHARED_VALUES_PER_KEY) e.values = null;
      else vals.set(ck, a);
    }
    return a;
  }

  warn(path: string, message: string): void {
    if (this.warnings.length < Builder.MAX_WARNINGS) this.warnings.push({ path, message });
    else if (this.warnings.length === Builder.MAX_WARNINGS) this.warnings.push({ path, message: 'more warnings omitted' });
  }

  /** Record a dropped span. */
  badSpan(path: string, err: unknown): void {
    const message = err instanceof BadSpan ? err.message : err instanceof RangeError ? 'span is nested too deeply' : `unreadable span: ${String((err as Error)?.message ?? err)}`;
    const full = err instanceof BadSpan && err.relPath ? path + err.relPath : path;
    this.badSpans++;
    const w = { path: full, message: `span skipped: ${message}` };
    if (!this.firstBad) this.firstBad = w;
    this.warn(w.path, w.message);
  }

  /** One Resource object per distinct (service, attributes). `key` identifies the source object cheaply when given. */
  resource(serviceName: string | undefined, attributes: Attributes, key?: string): Resource {
    const k = key ?? resourceKey(serviceName, attributes);
    const hit = this.resources.get(k);
    if (hit) return hit;
    const r: Resource = { serviceName: serviceName ? this.intern(serviceName) : UNKNOWN_SERVICE, attributes };
    this.resources.set(k, r);
    return r;
  }

  scope(name: string, version: string | undefined, attributes: Attributes): Scope {
    const k = attributes.length === 0 ? `${name}\u0000${version ?? '\u0001'}` : `${name}\u0000${version ?? '\u0001'}\u0000${attrsKey(attributes)}`;
    const hit = this.scopes.get(k);
    if (hit) return hit;
    const s: Scope = version === undefined
      ? { name: this.intern(name), attributes }
      : { name: this.intern(name), version: this.intern(version), attributes };
    this.scopes.set(k, s);
    return s;
  }

  /**
   * Reads the span at `base[index]` with `read(s, a, c, this, this.here)` and keeps it, or records it as skipped
   * (at its path) when `read` throws. True when it was kept. The JSON readers (Jaeger, OTLP, whole and streamed)
   * frame every span this way. `read` and its arguments come separately rather than as one closure so that a span
   * costs no closure of its own.
   */
  readSpan<A, C>(base: string, index: number, read: (s: unknown, a: A, c: C, b: Builder, where: () => string) => Span, s: unknown, a: A, c: C): boolean {
    this.atBase = base;
    this.atIndex = index;
    try {
      this.addSpan(read(s, a, c, this, this.here));
      return true;
    } catch (err) {
      this.badSpan(this.here(), err);
      return false;
    }
  }

  addSpan(span: Span): void {
    const list = this.traceSpans.get(span.traceId);
    if (list) list.push(span);
    else this.traceSpans.set(span.traceId, [span]);
  }

  addTraceWarnings(traceId: string, warnings: readonly string[]): void {
    if (warnings.length === 0) return;
    const list = this.traceWarnings.get(traceId);
    if (list) list.push(...warnings);
    else this.traceWarnings.set(traceId, [...warnings]);
  }

  spanCount(): number {
    let n = 0;
    for (const l of this.traceSpans.values()) n += l.length;
    return n;
  }

  /**
   * The traces read so far, for drawing while the document is still being read: span lists are copied (reading goes
   * on) and nothing is checked.
   */
  snapshot(): ParseResult {
    const traces: Trace[] = [];
    for (const [traceId, spans] of this.traceSpans) {
      traces.push({ traceId, spans: spans.slice(), format: this.format, warnings: this.traceWarnings.get(traceId)?.slice() ?? NO_STRINGS });
    }
    return { traces, format: this.format, warnings: this.warnings.slice() };
  }

  /** The result; throws when the document had spans but none could be read. */
  finish(): ParseResult {
    if (this.traceSpans.size === 0 && this.badSpans > 0 && this.firstBad) {
      throw new TraceParseError(`no readable span: ${this.firstBad.message.replace(/^span skipped: /, '')}` +
        (this.badSpans > 1 ? ` (and ${this.badSpans - 1} more bad spans)` : ''), this.firstBad.path);
    }
    const traces: Trace[] = [];
    for (const [traceId, spans] of this.traceSpans) {
      traces.push({ traceId, spans, format: this.format, warnings: this.traceWarnings.get(traceId) ?? NO_STRINGS });
    }
    return { traces, format: this.format, warnings: this.warnings };
  }
}

const NO_STRINGS: readonly string[] = Object.freeze([]);

function resourceKey(serviceName: string | undefined, attributes: Attributes): string {
  return `${serviceName ?? ''}\u0000${attrsKey(attributes)}`;
}

function attrsKey(attributes: Attributes): string {
  let s = '';
  for (const a of attributes) s += `${a.key}\u0001${valueKey(a.value)}\u0002`;
  return s;
}

function valueKey(v: AttrValue): string {
  switch (typeof v) {
    case 'string': return 's' + v;
    case 'number': return 'd' + String(v);
    case 'bigint': return 'i' + v.toString();
    case 'boolean': return v ? 'T' : 'F';
    default:
      if ('bytes' in v) return 'b' + v.bytes;
      if ('array' in v) return 'a[' + v.array.map(valueKey).join('\u0003') + ']';
      return 'k{' + attrsKey(v.kvlist) + '}';
  }
}

/** A readonly attribute list, or the shared empty one. */
export function attrs(list: Attr[]): Attributes {
  return list.length === 0 ? NO_ATTRIBUTES : list;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property read that never walks the prototype (`__proto__`/`constructor` keys in data stay data). */
export function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** A span's trace or span ID in canonical form (`canon`); a missing, non-string, empty or all-zero one is a BadSpan. */
export function requiredId(v: unknown, field: string, canon: (s: string) => string): string {
  if (typeof v !== 'string') throw new BadSpan(v === undefined ? `${field} is missing` : `${field} must be a string, got ${describe(v)}`, `.${field}`);
  const id = canon(v);
  if (id === '') throw new BadSpan(`${field} is empty`, `.${field}`);
  if (isAllZeroId(id)) throw new BadSpan(`${field} is all zeros (invalid)`, `.${field}`);
  return id;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return v.length > 40 ? `a string ("${v.slice(0, 40)}…")` : `a string ("${v}")`;
  return `${typeof v} ${String(v)}`;
}

/** `$.a.b` or `$["weird key"]` path segment for a key. */
export function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

type MutableSpan = { -readonly [K in keyof Span]: Span[K] };

/**
 * A Span with the optional fields that are usually present written in the object literal itself: properties added
 * after creation go to a separate, growing property store (an extra allocation per span, measurable at 100k spans).
 * Absent optional fields stay absent (not `undefined`), so spans compare and serialize as plain data.
 */
export function makeSpan(
  traceId: string, spanId: string, parentId: string | undefined, name: string, kind: Span['kind'], resource: Resource,
  scope: Scope | undefined, status: Span['status'], startNs: bigint, durationNs: number, attributes: Span['attributes'],
  events: Span['events'], links: Span['links'], flags: number | undefined,
): MutableSpan {
  const mask = (parentId !== undefined ? 1 : 0) | (scope !== undefined ? 2 : 0) | (flags !== undefined ? 4 : 0);
  switch (mask) {
    case 0: return { traceId, spanId, name, kind, resource, status, startNs, durationNs, attributes, events, links };
    case 1: return { traceId, spanId, parentId, name, kind, resource, status, startNs, durationNs, attributes, events, links };
    case 2: return { traceId, spanId, name, kind, resource, scope, status, startNs, durationNs, attributes, events, links };
    case 3: return { traceId, spanId, parentId, name, kind, resource, scope, status, startNs, durationNs, attributes, events, links };
    case 4: return { traceId, spanId, name, kind, resource, status, startNs, durationNs, attributes, events, links, flags };
    case 5: return { traceId, spanId, parentId, name, kind, resource, status, startNs, durationNs, attributes, events, links, flags };
    case 6: return { traceId, spanId, name, kind, resource, scope, status, startNs, durationNs, attributes, events, links, flags };
    default: return { traceId, spanId, parentId, name, kind, resource, scope, status, startNs, durationNs, attributes, events, links, flags };
  }
}
