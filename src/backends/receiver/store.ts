// The receiver's bounded in-memory trace store.
//
// Spans of one trace usually arrive in many export batches (one per service, per flush), so the store merges by
// trace ID and drops a span it already holds (same span ID and start: a retried export after a timeout resends
// the same spans). Three bounds — traces, spans and estimated bytes — are enforced by evicting whole traces,
// oldest first; with the 'keep-errors-and-slow' policy the traces a developer most likely wants (an error, or
// slower than `slowTraceMs`) are evicted last, as tail sampling would keep them, but only while they hold at
// most `keepShare` of the capacity so that fresh ordinary traces still get in.
//
// Spans that arrive as an encoded export request are kept as bytes, not as decoded model objects: a span is ~0.4 KB
// of protobuf but ~1.2 KB of objects on the JS heap, and a heap full of retained span objects makes every major GC
// of the extension host mark them all. Each trace keeps its OWN bytes: the request is indexed once
// (indexOtlpProtobuf) and each trace's new spans are copied out into a small request of their own
// (traceRequestBytes), so the bytes a trace holds are exactly the bytes it is charged for (a kept trace never pins
// the rest of its request), and viewing a trace decodes only its own spans (never the whole request once per trace).
// `get()` decodes on demand and keeps the most recently viewed traces decoded, appending late spans to them.
import type { Span, SourceFormat, Trace } from '../../core/model';
import { spanEndNs } from '../../core/model';
import { encodeOtlpProtobuf } from '../../core/otlp/proto';
import { decodeOtlpProtobuf, indexOtlpProtobuf, indexedSpanName, traceRequestBytes, type OtlpProtoIndex } from '../../core/parse/otlp-proto';
import { Emitter, type Event } from './emitter';

export type EvictionPolicy = 'oldest' | 'keep-errors-and-slow';

/** Where a trace's spans are: its own OTLP protobuf request (see traceRequestBytes), or span objects. */
type Part = Uint8Array | readonly Span[];

export interface AddIndexedOptions {
  /** The format the spans arrived in (what a viewed trace reports). Default 'otlp-proto'. */
  readonly format?: SourceFormat;
  /** Per span of the index: 1 to leave it out (the caller rejected it). */
  readonly exclude?: Uint8Array;
}

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

/** Heap cost per stored span beyond its bytes: its key string and Map slot. */
const KEY_BYTES = 96;
/** Heap cost of one kept byte array beyond its bytes: the Uint8Array and ArrayBuffer objects and the backing store's allocation. */
const CHUNK_BYTES = 160;
/**
 * Heap cost of holding a trace at all: its entry, key map, part list, root summary and its slots in the store's
 * maps (measured: ~1.3 KB of heap for a 2-span trace, of which the per-span part is counted by KEY_BYTES; bench:receiver
 * prints what kept traces really retain against what they are charged).
 */
const ENTRY_BYTES = 1152;

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
  private readonly normal = new EvictionQueue();
  private readonly kept = new EvictionQueue();
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

  /** Merges these span objects into the store (a restored or carried-over trace; requests use addIndexed). */
  add(traces: readonly Trace[]): AddResult {
    const batch = new Batch(this.now());
    for (const trace of traces) {
      const entry = this.entries.get(trace.traceId);
      // Spans new to the store (also de-duplicated within the batch itself).
      const fresh: Span[] = [];
      const batchKeys = new SpanKeySet();
      for (const span of trace.spans) {
        if (entry?.keys.has(span.spanId, span.startNs) || !batchKeys.add(span.spanId, span.startNs)) { batch.duplicates++; continue; }
        fresh.push(span);
      }
      if (fresh.length === 0) continue;
      const costs = fresh.map(estimateSpanBytes);
      if (!entry) costs[0]! += ENTRY_BYTES;
      const n = this.makeRoom(trace.traceId, entry === undefined, costs, batch);
      fresh.length = n;
      if (n === 0) continue;
      const e = this.entryFor(trace.traceId, trace.format, trace.warnings, fresh[0]!.startNs, spanEndNs(fresh[0]!), batch);
      e.parts.push(fresh);
      if (e.decoded) { for (const span of fresh) e.decoded.push(span); this.decodedSpans += fresh.length; }
      for (const span of fresh) {
        this.index(e, span.spanId, span.startNs, spanEndNs(span), span.status.code === 'error', span.parentId === undefined, span.name, undefined, 0, span.resource.serviceName);
      }
      this.account(e, fresh.length, sum(costs.slice(0, n)), batch);
    }
    return this.finishBatch(batch);
  }

  /**
   * Merges the spans of an export request (`bytes`, indexed by indexOtlpProtobuf) into the store. Each trace's new
   * spans are copied out of the request into bytes of its own, so nothing keeps `bytes` alive after this call.
   */
  addIndexed(bytes: Uint8Array, index: OtlpProtoIndex, options: AddIndexedOptions = {}): AddResult {
    const batch = new Batch(this.now());
    const format = options.format ?? 'otlp-proto';
    const exclude = options.exclude;
    // The spans of each trace, in document order: a counting sort by trace (one pass, no per-trace arrays).
    const traces = index.traceIds.length;
    const first = new Uint32Array(traces + 1);
    for (let i = 0; i < index.count; i++) if (!exclude?.[i]) first[index.traceOf[i]! + 1]!++;
    for (let t = 0; t < traces; t++) first[t + 1]! += first[t]!;
    const order = new Uint32Array(first[traces]!);
    const fill = first.slice(0, traces);
    for (let i = 0; i < index.count; i++) if (!exclude?.[i]) order[fill[index.traceOf[i]!]!++] = i;

    for (let t = 0; t < traces; t++) {
      const traceId = index.traceIds[t]!;
      const entry = this.entries.get(traceId);
      const fresh: number[] = [];
      const starts: bigint[] = [];
      // A new trace's key set doubles as the batch's own de-duplication; an existing trace needs a separate one.
      const keys = new SpanKeySet();
      for (let k = first[t]!; k < first[t + 1]!; k++) {
        const i = order[k]!;
        const id = index.spanIds[i]!;
        const start = index.startNs[i]!;
        if (entry?.keys.has(id, start) || !keys.add(id, start)) { batch.duplicates++; continue; }
        fresh.push(i);
        starts.push(start);
      }
      if (fresh.length === 0) continue;
      let chunk = traceRequestBytes(bytes, index, fresh);
      let n = fresh.length;
      const cost = (count: number, c: Uint8Array) => c.byteLength + CHUNK_BYTES + count * KEY_BYTES + (entry ? 0 : ENTRY_BYTES);
      if (!this.fits(entry ? 0 : 1, n, cost(n, chunk))) {
        // Per-span estimates decide how many fit; the bytes actually kept are then charged exactly.
        const costs = fresh.map((i, k) => index.spanEnd[i]! - index.spanTag[i]! + KEY_BYTES + (k === 0 ? (chunk.byteLength - sumSpanBytes(index, fresh)) + CHUNK_BYTES + (entry ? 0 : ENTRY_BYTES) : 0));
        n = this.makeRoom(traceId, entry === undefined, costs, batch);
        while (n > 0) {
          chunk = n === fresh.length ? chunk : traceRequestBytes(bytes, index, fresh.slice(0, n));
          if (this.fits(entry ? 0 : 1, n, cost(n, chunk))) break;
          n--;
          this.refusedSpans++;
          batch.refused++;
        }
        if (n === 0) continue;
      }
      const i0 = fresh[0]!;
      // Spans refused for lack of room leave the batch's key set, which a new trace then keeps as its own.
      for (let k = n; k < fresh.length; k++) keys.delete(index.spanIds[fresh[k]!]!, starts[k]!);
      const e = this.entryFor(traceId, format, NO_WARNINGS, starts[0]!, starts[0]! + BigInt(index.durationNs[i0]!), batch, entry ? undefined : keys);
      const addKeys = e.keys !== keys;
      e.parts.push(chunk);
      if (e.decoded) {
        // A viewed trace gets its late spans decoded from their own bytes, not the whole trace again.
        const spans = decodeChunk(chunk, traceId);
        for (const span of spans) e.decoded.push(span);
        this.decodedSpans += spans.length;
      }
      for (let k = 0; k < n; k++) {
        const i = fresh[k]!;
        const start = starts[k]!;
        const g = index.groups[index.groupOf[i]! * 5 + 4]!;
        this.index(e, addKeys ? index.spanIds[i]! : undefined, start, start + BigInt(index.durationNs[i]!), index.error[i] === 1, index.parentless[i] === 1,
          bytes, index, i, g >= 0 ? index.strings[g]! : '');
      }
      this.account(e, n, cost(n, chunk), batch);
    }
    return this.finishBatch(batch);
  }

  /** Evicts (when allowed) until `costs` fit; returns how many of them (a prefix) fit, counting the rest refused. */
  private makeRoom(traceId: string, isNew: boolean, costs: readonly number[], batch: Batch): number {
    const needTrace = isNew ? 1 : 0;
    const cost = sum(costs);
    if (this.fits(needTrace, costs.length, cost)) return costs.length;
    if (this.evictWhenFull) {
      while (!this.fits(needTrace, costs.length, cost)) {
        const victim = this.pickVictim(traceId);
        if (!victim) break;
        if (this._onTraceEvicting.hasListeners) this._onTraceEvicting.fire(victim.traceId);
        this.remove(victim);
        batch.evicted.push(victim.traceId);
        batch.updated.delete(victim.traceId);
      }
    }
    if (this.fits(needTrace, costs.length, cost)) return costs.length;
    // Take the prefix that fits (none if even the trace slot is missing).
    let n = 0;
    let c = 0;
    if (this.fits(needTrace, 0, 0)) {
      while (n < costs.length && this.fits(needTrace, n + 1, c + costs[n]!)) { c += costs[n]!; n++; }
    }
    batch.refused += costs.length - n;
    this.refusedSpans += costs.length - n;
    return n;
  }

  /** The entry of a trace, created (and announced at the end of the batch) when new. */
  private entryFor(traceId: string, format: SourceFormat, warnings: readonly string[], start: bigint, end: bigint, batch: Batch, keys?: SpanKeySet): Entry {
    let entry = this.entries.get(traceId);
    if (!entry) {
      entry = {
        traceId, parts: [], spanCount: 0, keys: keys ?? new SpanKeySet(), format, warnings: [...warnings], bytes: 0, errorCount: 0,
        minStart: start, maxEnd: end, lastUpdateMs: batch.now, completed: false, kept: false, root: undefined, decoded: undefined, cached: undefined,
      };
      this.entries.set(traceId, entry);
      this.normal.add(entry);
      batch.added.add(traceId);
    } else if (!batch.added.has(traceId)) {
      batch.updated.add(traceId);
    }
    return entry;
  }

  /**
   * Records one new span of `e` in its key set (unless already there: `spanId` undefined), counts, root and time
   * range. The name is a string, or (`name` the request bytes) read from the index only when the span becomes the root.
   */
  private index(e: Entry, spanId: string | undefined, start: bigint, end: bigint, error: boolean, parentless: boolean,
    name: string | Uint8Array, index: OtlpProtoIndex | undefined, i: number, service: string): void {
    if (spanId !== undefined) e.keys.add(spanId, start);
    if (error) e.errorCount++;
    if (betterRoot(parentless, start, e.root)) {
      e.root = { service, name: typeof name === 'string' ? name : indexedSpanName(name, index!, i), startNs: start, isRoot: parentless };
    }
    if (start < e.minStart) e.minStart = start;
    if (end > e.maxEnd) e.maxEnd = end;
  }

  /** Counts `spans` new spans costing `cost` bytes into `e` and the store, and moves `e` to the kept queue when it qualifies. */
  private account(e: Entry, spans: number, cost: number, batch: Batch): void {
    e.spanCount += spans;
    e.bytes += cost;
    e.cached = undefined;
    e.lastUpdateMs = batch.now;
    e.completed = false;
    this.open.delete(e.traceId);
    this.open.set(e.traceId, e);
    this.spanCount += spans;
    this.byteCount += cost;
    if (e.kept) {
      this.keptSpans += spans;
      this.keptBytes += cost;
    } else if (this.policy === 'keep-errors-and-slow' && (e.errorCount > 0 || e.maxEnd - e.minStart >= this.slowNs)) {
      this.normal.delete(e.traceId);
      this.kept.add(e);
      e.kept = true;
      this.keptSpans += e.spanCount;
      this.keptBytes += e.bytes;
    }
    batch.accepted += spans;
  }

  private finishBatch(batch: Batch): AddResult {
    this.duplicateSpans += batch.duplicates;
    this.trimDecoded();
    // A trace both added and evicted within this call was never announced, so it is not retracted either.
    for (const id of batch.evicted) if (!batch.added.has(id)) this._onTraceEvicted.fire(id);
    for (const id of batch.added) if (this.entries.has(id)) this._onTraceAdded.fire(id);
    for (const id of batch.updated) if (this.entries.has(id)) this._onTraceUpdated.fire(id);
    return { accepted: batch.accepted, duplicates: batch.duplicates, refused: batch.refused };
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
    // Runs while a window closes, on the extension host: the kept bytes are concatenated as they are (a trace's own
    // requests are valid ExportTraceServiceRequests, and concatenated protobuf messages parse as one), so nothing is
    // decoded; only span objects (restored or carried traces) are encoded.
    const parts: Uint8Array[] = [];
    let size = 0;
    const newestFirst = [...this.entries.values()].sort((a, b) => b.lastUpdateMs - a.lastUpdateMs);
    for (const e of newestFirst) {
      const own = e.parts.map(p => (p instanceof Uint8Array ? p : encodeOtlpProtobuf([{ traceId: e.traceId, spans: p, format: e.format, warnings: [] }])));
      const bytes = sum(own.map(p => p.byteLength));
      if (size + bytes > maxBytes) continue;
      parts.push(...own);
      size += bytes;
    }
    const out = new Uint8Array(size);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  /** Adds the traces of a `snapshot()` (within this store's bounds) as completed traces. Returns spans restored. */
  restore(bytes: Uint8Array): number {
    if (bytes.length === 0) return 0;
    const index = indexOtlpProtobuf(bytes);
    const { accepted } = this.addIndexed(bytes, index);
    this.complete(index.traceIds.filter(id => this.open.has(id)));
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
    if (keptOverShare) return this.kept.oldest(protect) ?? this.normal.oldest(protect);
    return this.normal.oldest(protect) ?? this.kept.oldest(protect);
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

/**
 * Traces in the order they entered, oldest first, for eviction. Not a Map alone: V8 leaves a hole where a Map entry
 * is deleted, and iteration walks past the holes, so taking the first entry after evicting from the front costs
 * time in proportion to the store's size (12 µs per eviction at 20,000 traces, paid on every request once the
 * store is full). Here a head index moves past removed traces once, clearing each slot it passes, and the passed
 * part of the list is cut off once it is most of it. Removed traces must not stay reachable from here: each holds
 * its own request bytes (a list that only moved its head once kept every evicted trace: 973 MB retained against
 * 69 MB charged in bench:receiver). The list is also compacted when more than half of it is removed traces.
 */
export class EvictionQueue<E extends { readonly traceId: string } = Entry> {
  private readonly members = new Map<string, E>();
  /** Oldest first; the slots before `head` are cleared (undefined). */
  private order: (E | undefined)[] = [];
  private head = 0;
  /** Removed traces still in the list at or after `head`. */
  private stale = 0;

  get size(): number { return this.members.size; }
  /** Slots of the order list, cleared ones included (for tests: bounded by about twice the size). */
  get held(): number { return this.order.length; }

  add(e: E): void {
    this.members.set(e.traceId, e);
    this.order.push(e);
  }

  delete(traceId: string): boolean {
    if (!this.members.delete(traceId)) return false;
    if (++this.stale > 1024 && this.stale * 2 > this.order.length - this.head) this.compact();
    return true;
  }

  /** The oldest trace other than `protect`. */
  oldest(protect: string): E | undefined {
    const o = this.order;
    for (let x = o[this.head]; x !== undefined && this.members.get(x.traceId) !== x; x = o[this.head]) {
      o[this.head++] = undefined;
      this.stale--;
    }
    if (this.head > 1024 && this.head * 2 > o.length) { this.order = o.slice(this.head); this.head = 0; }
    for (let i = this.head; i < this.order.length; i++) {
      const e = this.order[i]!;
      if (e.traceId !== protect && this.members.get(e.traceId) === e) return e;
    }
    return undefined;
  }

  private compact(): void {
    this.order = this.order.filter(e => e !== undefined && this.members.get(e.traceId) === e);
    this.head = 0;
    this.stale = 0;
  }
}

/** The span a list shows for a trace is the earliest parentless span, else the earliest span. */
function betterRoot(isRoot: boolean, start: bigint, best: RootSummary | undefined): boolean {
  if (!best) return true;
  return (isRoot && !best.isRoot) || (isRoot === best.isRoot && start < best.startNs);
}

/** The trace's spans from its parts, in arrival order (each part holds only spans the store accepted, once). */
function decodeEntry(e: Entry): Span[] {
  const out: Span[] = [];
  for (const part of e.parts) {
    const spans = part instanceof Uint8Array ? decodeChunk(part, e.traceId) : part;
    for (const s of spans) out.push(s);
  }
  return out;
}

/** The spans of one trace's own request bytes (see traceRequestBytes). */
function decodeChunk(bytes: Uint8Array, traceId: string): readonly Span[] {
  try {
    return decodeOtlpProtobuf(bytes).traces.find(t => t.traceId === traceId)?.spans ?? [];
  } catch {
    // These bytes were indexed (with the decoder's own checks) when they arrived: this cannot happen short of a bug.
    return [];
  }
}

function sumSpanBytes(index: OtlpProtoIndex, spans: readonly number[]): number {
  let n = 0;
  for (const i of spans) n += index.spanEnd[i]! - index.spanTag[i]!;
  return n;
}

/** What one add call did so far, and what to announce when it ends. */
class Batch {
  accepted = 0;
  duplicates = 0;
  refused = 0;
  readonly added = new Set<string>();
  readonly updated = new Set<string>();
  readonly evicted: string[] = [];
  constructor(readonly now: number) {}
}

const NO_WARNINGS: readonly string[] = Object.freeze([]);

/**
 * A set of (span ID, start) pairs: a retried export resends the same spans, while Zipkin's shared client/server
 * halves reuse one span ID with different starts. Keyed by span ID with the start beside it, so no bigint is
 * turned into a string on the ingest path.
 */
class SpanKeySet {
  private readonly map = new Map<string, bigint | bigint[]>();

  has(spanId: string, start: bigint): boolean {
    const v = this.map.get(spanId);
    if (v === undefined) return false;
    return typeof v === 'bigint' ? v === start : v.includes(start);
  }

  delete(spanId: string, start: bigint): void {
    const v = this.map.get(spanId);
    if (v === undefined) return;
    if (typeof v === 'bigint') { if (v === start) this.map.delete(spanId); return; }
    const i = v.indexOf(start);
    if (i >= 0) v.splice(i, 1);
  }

  /** Adds; false when it was already there. */
  add(spanId: string, start: bigint): boolean {
    const v = this.map.get(spanId);
    if (v === undefined) { this.map.set(spanId, start); return true; }
    if (typeof v === 'bigint') {
      if (v === start) return false;
      this.map.set(spanId, [v, start]);
      return true;
    }
    if (v.includes(start)) return false;
    v.push(start);
    return true;
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
