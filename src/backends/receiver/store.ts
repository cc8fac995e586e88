// The receiver's bounded in-memory trace store.
//
// Spans of one trace usually arrive in many export batches (one per service, per flush), so the store merges by
// trace ID and drops a span it already holds (same span ID and start: a retried export after a timeout resends
// the same spans). Three bounds — traces, spans and estimated bytes — are enforced by evicting whole traces,
// oldest first; with the 'keep-errors-and-slow' policy the traces a developer most likely wants (an error, or
// slower than `slowTraceMs`) are evicted last, as tail sampling would keep them, but only while they hold at
// most `keepShare` of the capacity so that fresh ordinary traces still get in.
//
// Spans that arrive as an encoded export request are kept as those request bytes (a SpanSource), not as decoded
// model objects: a span is ~0.4 KB of protobuf but ~1.2 KB of objects on the JS heap, and a heap full of retained
// span objects makes every major GC of the extension host mark them all (measured: ingest ran at half the speed).
// `get()` decodes a trace's sources again on demand and keeps the most recently viewed traces decoded, appending
// late spans to them without decoding again.
import type { Span, SourceFormat, Trace } from '../../core/model';
import { spanEndNs } from '../../core/model';
import { encodeOtlpProtobuf } from '../../core/otlp/proto';
import { parseTraceDocument } from '../../core/parse/index';
import { Emitter, type Event } from './emitter';

export type EvictionPolicy = 'oldest' | 'keep-errors-and-slow';

/** The encoded export request a batch of spans was parsed from; the store keeps these bytes instead of the spans. */
export interface SpanSource {
  readonly bytes: Uint8Array;
  readonly format: 'otlp' | 'otlp-proto';
  /**
   * The traces passed with this source are summaries (IDs, times, name, service, error status only — what a parse
   * worker sends back), so a viewed trace is decoded again instead of having them appended.
   */
  readonly summariesOnly?: boolean;
}
type Part = SpanSource | readonly Span[];

export interface TraceStoreOptions {
  /** Most traces held at once. Default 2000. */
  readonly maxTraces?: number;
  /** Most spans held at once, over all traces. Default 200 000. */
  readonly maxSpans?: number;
  /** Most estimated bytes held (see `estimateSpanBytes`). Default 256 MiB. */
  readonly maxBytes?: number;
  /** When full: true evicts whole traces to make room; false refuses new spans (the receiver answers 429). Default true. */
  readonly evictWhenFull?: boolean;
  /** Default 'keep-errors-and-slow'. */
  readonly policy?: EvictionPolicy;
  /** A trace at least this long (first start to last end) counts as slow. Default 1000 ms. */
  readonly slowTraceMs?: number;
  /** Share of each bound that kept (error/slow) traces may fill before they are evicted too. Default 0.5. */
  readonly keepShare?: number;
  /** A trace with no new span for this long is "completed" (onTraceCompleted). 0 disables. Default 5000 ms. */
  readonly completeAfterMs?: number;
  /** Run the completion sweep on a timer (unref'd). Default true when completeAfterMs > 0; tests call sweep(). */
  readonly autoSweep?: boolean;
  /** Spans kept decoded for the most recently viewed traces (get()), beyond which the oldest are dropped. Default 200 000. */
  readonly decodedCacheSpans?: number;
  /** Wall clock in ms; injectable for tests. */
  readonly now?: () => number;
}

export interface AddResult {
  /** Spans stored by this call. */
  readonly accepted: number;
  /** Spans already held (same trace, span ID and start): a retried export. Not an error. */
  readonly duplicates: number;
  /** Spans refused because the store is full and may not evict (or one trace alone exceeds a bound). */
  readonly refused: number;
}

export interface TraceListItem {
  readonly traceId: string;
  readonly rootService: string;
  readonly rootName: string;
  /** Earliest span start, unix ns. */
  readonly startNs: bigint;
  /** Earliest start to latest end. */
  readonly durationNs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  /** Wall-clock ms of the last span added. */
  readonly lastUpdateMs: number;
  readonly completed: boolean;
}

export interface TraceStoreStats {
  readonly traces: number;
  readonly spans: number;
  readonly bytes: number;
  /** Whole traces evicted to make room, and the spans they held. */
  readonly evictedTraces: number;
  readonly evictedSpans: number;
  /** Spans refused for lack of room (evictWhenFull false, or a single trace over a bound). */
  readonly refusedSpans: number;
  readonly duplicateSpans: number;
}

interface Entry {
  readonly traceId: string;
  /** Where the spans are, in arrival order; a source may also hold other traces' spans and refused ones. */
  readonly parts: Part[];
  spanCount: number;
  /** Every span held, by span ID and start: decides which decoded spans belong to the trace. */
  readonly keys: SpanKeySet;
  readonly format: SourceFormat;
  readonly warnings: string[];
  bytes: number;
  errorCount: number;
  minStart: bigint;
  maxEnd: bigint;
  lastUpdateMs: number;
  completed: boolean;
  kept: boolean;
  /** The span a list shows for the trace (see `betterRoot`), kept up to date as spans arrive. */
  root: RootSummary | undefined;
  /** The spans decoded, while the trace is in the decoded cache. */
  decoded: Span[] | undefined;
  cached: Trace | undefined;
}

interface RootSummary {
  readonly service: string;
  readonly name: string;
  readonly startNs: bigint;
  readonly isRoot: boolean;
}

/** Heap cost per stored span beyond its share of the source bytes: its key string and Set slot. */
const KEY_BYTES = 96;

const DEFAULTS = {
  maxTraces: 2000,
  maxSpans: 200_000,
  maxBytes: 256 * 1024 * 1024,
  slowTraceMs: 1000,
  keepShare: 0.5,
  completeAfterMs: 5000,
  decodedCacheSpans: 200_000,
};

export class TraceStore {
  private readonly maxTraces: number;
  private readonly maxSpans: number;
  private readonly maxBytes: number;
  private readonly evictWhenFull: boolean;
  private readonly policy: EvictionPolicy;
  private readonly slowNs: bigint;
  private readonly keepShare: number;
  private readonly completeAfterMs: number;
  private readonly decodedCacheSpans: number;
  private readonly now: () => number;

  private readonly entries = new Map<string, Entry>();
  /** Eviction queues in first-seen order: ordinary traces, and (policy keep-errors-and-slow) error/slow ones. */
  private readonly normal = new Map<string, Entry>();
  private readonly kept = new Map<string, Entry>();
  /** Traces not yet completed, in order of last update (re-inserted on every update). */
  private readonly open = new Map<string, Entry>();
  /** Traces with decoded spans, least recently viewed first. */
  private readonly decodedLru = new Map<string, Entry>();
  private decodedSpans = 0;

  private spanCount = 0;
  private byteCount = 0;
  private keptSpans = 0;
  private keptBytes = 0;
  private evictedTraces = 0;
  private evictedSpans = 0;
  private refusedSpans = 0;
  private duplicateSpans = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  private readonly _onTraceAdded = new Emitter<string>();
  private readonly _onTraceUpdated = new Emitter<string>();
  private readonly _onTraceEvicted = new Emitter<string>();
  private readonly _onTraceCompleted = new Emitter<string>();
  private readonly _onTraceEvicting = new Emitter<string>();
  /** A trace ID seen for the first time. */
  readonly onTraceAdded: Event<string> = this._onTraceAdded.event;
  /** New spans merged into a trace already held (late spans: refresh an open view). */
  readonly onTraceUpdated: Event<string> = this._onTraceUpdated.event;
  /** A whole trace evicted to make room (or removed by `clear`). */
  readonly onTraceEvicted: Event<string> = this._onTraceEvicted.event;
  /**
   * A whole trace is about to be evicted (or cleared): fired synchronously while `get()` still returns it, so that
   * whoever promised to keep it (the CLI's --out) can write it first. Listeners must not add to the store.
   */
  readonly onTraceEvicting: Event<string> = this._onTraceEvicting.event;
  /** No new span for `completeAfterMs`. Fires again if late spans arrive and the trace goes quiet again. */
  readonly onTraceCompleted: Event<string> = this._onTraceCompleted.event;

  constructor(options: TraceStoreOptions = {}) {
    this.maxTraces = positive(options.maxTraces, DEFAULTS.maxTraces);
    this.maxSpans = positive(options.maxSpans, DEFAULTS.maxSpans);
    this.maxBytes = positive(options.maxBytes, DEFAULTS.maxBytes);
    this.evictWhenFull = options.evictWhenFull ?? true;
    this.policy = options.policy ?? 'keep-errors-and-slow';
    this.slowNs = BigInt(Math.round((options.slowTraceMs ?? DEFAULTS.slowTraceMs) * 1e6));
    this.keepShare = Math.min(1, Math.max(0, options.keepShare ?? DEFAULTS.keepShare));
    this.completeAfterMs = Math.max(0, options.completeAfterMs ?? DEFAULTS.completeAfterMs);
    this.decodedCacheSpans = positive(options.decodedCacheSpans, DEFAULTS.decodedCacheSpans);
    this.now = options.now ?? Date.now;
    if (this.completeAfterMs > 0 && (options.autoSweep ?? true)) {
      this.timer = setInterval(() => this.sweep(), Math.max(50, Math.min(1000, this.completeAfterMs / 4)));
      this.timer.unref?.();
    }
  }

  /**
   * Merges the spans of these traces into the store. With `source` (the request the traces were parsed from,
   * untouched), the store keeps those bytes and decodes them again when the trace is viewed; without it, the span
   * objects themselves. Events fire after the whole call.
   */
  add(traces: readonly Trace[], source?: SpanSource): AddResult {
    let accepted = 0;
    let duplicates = 0;
    let refused = 0;
    const added = new Set<string>();
    const updated = new Set<string>();
    const evicted: string[] = [];
    const now = this.now();
    let batchSpans = 0;
    if (source) for (const t of traces) batchSpans += t.spans.length;
    // Each span's share of the request bytes (the source may also hold spans the caller dropped).
    const sharePerSpan = source && batchSpans > 0 ? Math.ceil(source.bytes.byteLength / batchSpans) + KEY_BYTES : 0;
    let kept: SpanSource | undefined;

    for (const trace of traces) {
      let entry = this.entries.get(trace.traceId);
      // Spans new to the store (also de-duplicated within the batch itself).
      const fresh: Span[] = [];
      const batchKeys = new SpanKeySet();
      for (const span of trace.spans) {
        if (entry?.keys.has(span) || !batchKeys.add(span)) { duplicates++; continue; }
        fresh.push(span);
      }
      if (fresh.length === 0) continue;

      let costs = source ? fresh.map(() => sharePerSpan) : fresh.map(estimateSpanBytes);
      let cost = sum(costs);
      const needTrace = entry ? 0 : 1;
      if (!this.fits(needTrace, fresh.length, cost)) {
        if (this.evictWhenFull) {
          while (!this.fits(needTrace, fresh.length, cost)) {
            const victim = this.pickVictim(trace.traceId);
            if (!victim) break;
            if (this._onTraceEvicting.hasListeners) this._onTraceEvicting.fire(victim.traceId);
            this.remove(victim);
            evicted.push(victim.traceId);
            updated.delete(victim.traceId);
          }
        }
        if (!this.fits(needTrace, fresh.length, cost)) {
          // Take the prefix that fits (none if even the trace slot is missing).
          let n = 0;
          let c = 0;
          if (this.fits(needTrace, 0, 0)) {
            while (n < fresh.length && this.fits(needTrace, n + 1, c + costs[n]!)) { c += costs[n]!; n++; }
          }
          refused += fresh.length - n;
          this.refusedSpans += fresh.length - n;
          fresh.length = n;
          costs = costs.slice(0, n);
          cost = c;
          if (n === 0) continue;
        }
      }

      if (!entry) {
        entry = {
          traceId: trace.traceId,
          parts: [],
          spanCount: 0,
          keys: new SpanKeySet(),
          format: trace.format,
          warnings: [...trace.warnings],
          bytes: 0,
          errorCount: 0,
          minStart: fresh[0]!.startNs,
          maxEnd: spanEndNs(fresh[0]!),
          lastUpdateMs: now,
          completed: false,
          kept: false,
          root: undefined,
          decoded: undefined,
          cached: undefined,
        };
        this.entries.set(trace.traceId, entry);
        this.normal.set(trace.traceId, entry);
        added.add(trace.traceId);
      } else if (!added.has(trace.traceId)) {
        updated.add(trace.traceId);
      }

      if (source) {
        // Our own copy of exactly these bytes: a socket chunk may be a view into a larger pooled buffer.
        kept ??= { bytes: source.bytes.byteLength === source.bytes.buffer.byteLength ? source.bytes : new Uint8Array(source.bytes), format: source.format };
        entry.parts.push(kept);
      } else {
        entry.parts.push(fresh);
      }
      if (entry.decoded && source?.summariesOnly) {
        this.dropDecoded(entry);
      } else if (entry.decoded) {
        for (const span of fresh) entry.decoded.push(span);
        this.decodedSpans += fresh.length;
      }
      entry.spanCount += fresh.length;
      for (let i = 0; i < fresh.length; i++) {
        const span = fresh[i]!;
        entry.keys.add(span);
        if (span.status.code === 'error') entry.errorCount++;
        if (betterRoot(span, entry.root)) {
          entry.root = { service: span.resource.serviceName, name: span.name, startNs: span.startNs, isRoot: span.parentId === undefined };
        }
        if (span.startNs < entry.minStart) entry.minStart = span.startNs;
        const end = spanEndNs(span);
        if (end > entry.maxEnd) entry.maxEnd = end;
      }
      entry.bytes += cost;
      entry.cached = undefined;
      entry.lastUpdateMs = now;
      entry.completed = false;
      this.open.delete(entry.traceId);
      this.open.set(entry.traceId, entry);
      this.spanCount += fresh.length;
      this.byteCount += cost;
      if (entry.kept) {
        this.keptSpans += fresh.length;
        this.keptBytes += cost;
      } else if (this.policy === 'keep-errors-and-slow' && (entry.errorCount > 0 || entry.maxEnd - entry.minStart >= this.slowNs)) {
        this.normal.delete(entry.traceId);
        this.kept.set(entry.traceId, entry);
        entry.kept = true;
        this.keptSpans += entry.spanCount;
        this.keptBytes += entry.bytes;
      }
      accepted += fresh.length;
    }
    this.duplicateSpans += duplicates;
    this.trimDecoded();

    // A trace both added and evicted within this call was never announced, so it is not retracted either.
    for (const id of evicted) if (!added.has(id)) this._onTraceEvicted.fire(id);
    for (const id of added) if (this.entries.has(id)) this._onTraceAdded.fire(id);
    for (const id of updated) if (this.entries.has(id)) this._onTraceUpdated.fire(id);
    return { accepted, duplicates, refused };
  }

  /** Whether spans for a new trace could be stored now without evicting (for the receiver's 429 pre-check). */
  get isFull(): boolean {
    return !this.evictWhenFull && (this.entries.size >= this.maxTraces || this.spanCount >= this.maxSpans || this.byteCount >= this.maxBytes);
  }

  /** The trace with every span held, in arrival order. Decodes the trace's request bytes on the first call. */
  get(traceId: string): Trace | undefined {
    const e = this.entries.get(traceId);
    if (!e) return undefined;
    if (!e.decoded) {
      e.decoded = decodeEntry(e);
      this.decodedSpans += e.decoded.length;
    }
    this.decodedLru.delete(traceId);
    this.decodedLru.set(traceId, e);
    e.cached ??= { traceId: e.traceId, spans: e.decoded.slice(), format: e.format, warnings: e.warnings.slice() };
    this.trimDecoded(e);
    return e.cached;
  }

  has(traceId: string): boolean {
    return this.entries.has(traceId);
  }

  /** Every trace held, newest (latest start) first. */
  list(): TraceListItem[] {
    const out: TraceListItem[] = [];
    for (const e of this.entries.values()) out.push(listItem(e));
    return out.sort((a, b) => (a.startNs < b.startNs ? 1 : a.startNs > b.startNs ? -1 : b.lastUpdateMs - a.lastUpdateMs));
  }

  /** The list row of one trace. */
  item(traceId: string): TraceListItem | undefined {
    const e = this.entries.get(traceId);
    return e && listItem(e);
  }

  stats(): TraceStoreStats {
    return {
      traces: this.entries.size,
      spans: this.spanCount,
      bytes: this.byteCount,
      evictedTraces: this.evictedTraces,
      evictedSpans: this.evictedSpans,
      refusedSpans: this.refusedSpans,
      duplicateSpans: this.duplicateSpans,
    };
  }

  /** Marks traces idle for `completeAfterMs` as completed and fires onTraceCompleted for each. */
  sweep(): void {
    if (this.completeAfterMs <= 0) return;
    const cutoff = this.now() - this.completeAfterMs;
    const done: string[] = [];
    for (const e of this.open.values()) {
      if (e.lastUpdateMs > cutoff) break; // `open` is ordered by last update
      done.push(e.traceId);
    }
    this.complete(done);
  }

  /** Marks every open trace completed now (shutdown flush). */
  completeAll(): void {
    this.complete([...this.open.keys()]);
  }

  /**
   * The stored traces as one OTLP protobuf ExportTraceServiceRequest of at most `maxBytes`, most recently updated
   * first (to keep across a window reload). Traces that do not fit whole are left out.
   */
  snapshot(maxBytes = 32 * 1024 * 1024): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    const newestFirst = [...this.entries.values()].sort((a, b) => b.lastUpdateMs - a.lastUpdateMs);
    for (const e of newestFirst) {
      // Concatenated protobuf messages parse as one message with the repeated fields appended.
      const bytes = encodeOtlpProtobuf([this.get(e.traceId)!]);
      if (size + bytes.length > maxBytes) continue;
      parts.push(bytes);
      size += bytes.length;
    }
    const out = new Uint8Array(size);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  /** Adds the traces of a `snapshot()` (within this store's bounds) as completed traces. Returns spans restored. */
  restore(bytes: Uint8Array): number {
    if (bytes.length === 0) return 0;
    const { traces } = parseTraceDocument(bytes, { format: 'otlp-proto' });
    const { accepted } = this.add(traces);
    this.complete(traces.map(t => t.traceId).filter(id => this.open.has(id)));
    return accepted;
  }

  /** Removes every trace; counters of evictions and refusals are kept. */
  clear(): void {
    const ids = [...this.entries.keys()];
    if (this._onTraceEvicting.hasListeners) for (const id of ids) this._onTraceEvicting.fire(id);
    for (const id of ids) this.remove(this.entries.get(id)!);
    for (const id of ids) this._onTraceEvicted.fire(id);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this._onTraceAdded.dispose();
    this._onTraceUpdated.dispose();
    this._onTraceEvicted.dispose();
    this._onTraceCompleted.dispose();
    this._onTraceEvicting.dispose();
  }

  private complete(ids: readonly string[]): void {
    for (const id of ids) {
      const e = this.entries.get(id);
      if (!e) continue;
      e.completed = true;
      this.open.delete(id);
    }
    for (const id of ids) this._onTraceCompleted.fire(id);
  }

  /** Drops the decoded spans of the least recently viewed traces beyond the cache bound (never `keep`). */
  private trimDecoded(keep?: Entry): void {
    for (const e of this.decodedLru.values()) {
      if (this.decodedSpans <= this.decodedCacheSpans) break;
      if (e === keep) continue;
      this.dropDecoded(e);
    }
  }

  private dropDecoded(e: Entry): void {
    if (!e.decoded) return;
    this.decodedSpans -= e.decoded.length;
    e.decoded = undefined;
    e.cached = undefined;
    this.decodedLru.delete(e.traceId);
  }

  private fits(newTraces: number, spans: number, bytes: number): boolean {
    return this.entries.size + newTraces <= this.maxTraces
      && this.spanCount + spans <= this.maxSpans
      && this.byteCount + bytes <= this.maxBytes;
  }

  private pickVictim(protect: string): Entry | undefined {
    const keptOverShare = this.kept.size > this.keepShare * this.maxTraces
      || this.keptSpans > this.keepShare * this.maxSpans
      || this.keptBytes > this.keepShare * this.maxBytes;
    if (keptOverShare) return oldest(this.kept, protect) ?? oldest(this.normal, protect);
    return oldest(this.normal, protect) ?? oldest(this.kept, protect);
  }

  private remove(e: Entry): void {
    this.entries.delete(e.traceId);
    this.normal.delete(e.traceId);
    this.open.delete(e.traceId);
    this.dropDecoded(e);
    if (this.kept.delete(e.traceId)) {
      this.keptSpans -= e.spanCount;
      this.keptBytes -= e.bytes;
    }
    this.spanCount -= e.spanCount;
    this.byteCount -= e.bytes;
    this.evictedTraces++;
    this.evictedSpans += e.spanCount;
  }
}

function oldest(queue: Map<string, Entry>, protect: string): Entry | undefined {
  for (const e of queue.values()) if (e.traceId !== protect) return e;
  return undefined;
}

/** The span a list shows for a trace is the earliest parentless span, else the earliest span. */
function betterRoot(s: Span, best: RootSummary | undefined): boolean {
  if (!best) return true;
  const isRoot = s.parentId === undefined;
  return (isRoot && !best.isRoot) || (isRoot === best.isRoot && s.startNs < best.startNs);
}

/** The trace's spans from its parts: each source decoded again, keeping the spans the store accepted, once. */
function decodeEntry(e: Entry): Span[] {
  const out: Span[] = [];
  const seen = new SpanKeySet();
  for (const part of e.parts) {
    const spans = isSource(part) ? decodeSource(part, e.traceId) : part;
    for (const s of spans) if (e.keys.has(s) && seen.add(s)) out.push(s);
  }
  return out;
}

/**
 * A set of (span ID, start) pairs: a retried export resends the same spans, while Zipkin's shared client/server
 * halves reuse one span ID with different starts. Keyed by span ID with the start beside it, so no bigint is
 * turned into a string on the ingest path.
 */
class SpanKeySet {
  private readonly map = new Map<string, bigint | bigint[]>();

  has(s: Span): boolean {
    const v = this.map.get(s.spanId);
    if (v === undefined) return false;
    return typeof v === 'bigint' ? v === s.startNs : v.includes(s.startNs);
  }

  /** Adds; false when it was already there. */
  add(s: Span): boolean {
    const v = this.map.get(s.spanId);
    if (v === undefined) { this.map.set(s.spanId, s.startNs); return true; }
    if (typeof v === 'bigint') {
      if (v === s.startNs) return false;
      this.map.set(s.spanId, [v, s.startNs]);
      return true;
    }
    if (v.includes(s.startNs)) return false;
    v.push(s.startNs);
    return true;
  }
}

function isSource(p: Part): p is SpanSource {
  return !Array.isArray(p);
}

function decodeSource(source: SpanSource, traceId: string): readonly Span[] {
  try {
    return parseTraceDocument(source.bytes, { format: source.format }).traces.find(t => t.traceId === traceId)?.spans ?? [];
  } catch {
    // These bytes parsed when they arrived; the parser is deterministic, so this cannot happen short of a bug.
    return [];
  }
}

function listItem(e: Entry): TraceListItem {
  return {
    traceId: e.traceId,
    rootService: e.root?.service ?? '',
    rootName: e.root?.name ?? '',
    startNs: e.minStart,
    durationNs: Number(e.maxEnd - e.minStart),
    spanCount: e.spanCount,
    errorCount: e.errorCount,
    lastUpdateMs: e.lastUpdateMs,
    completed: e.completed,
  };
}

/**
 * Rough heap cost of a span in bytes: object headers, UTF-16 strings, attribute nodes. Resource and scope objects
 * are shared by the spans of one batch and counted as a small share. Calibrated against measured heap growth
 * (bench:receiver prints the real figure per million spans).
 */
export function estimateSpanBytes(span: Span): number {
  let n = 360 + span.name.length * 2 + span.spanId.length * 2 + attrsBytes(span.attributes);
  for (const ev of span.events) n += 96 + ev.name.length * 2 + attrsBytes(ev.attributes);
  for (const l of span.links) n += 160 + attrsBytes(l.attributes);
  if (span.status.message) n += 40 + span.status.message.length * 2;
  return n;
}

function attrsBytes(attrs: Span['attributes']): number {
  let n = 16;
  for (const a of attrs) n += 48 + a.key.length * 2 + valueBytes(a.value);
  return n;
}

function valueBytes(v: Span['attributes'][number]['value']): number {
  switch (typeof v) {
    case 'string': return 24 + v.length * 2;
    case 'bigint': return 32;
    case 'number':
    case 'boolean': return 8;
    default:
      if ('bytes' in v) return 40 + v.bytes.length;
      if ('array' in v) { let n = 40; for (const x of v.array) n += 8 + valueBytes(x); return n; }
      return 40 + attrsBytes(v.kvlist);
  }
}

function positive(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
