// The receiver's bounded in-memory trace store.
//
// Spans of one trace usually arrive in many export batches (one per service, per flush), so the store merges by
// trace ID and drops a span it already holds (same span ID and start: a retried export after a timeout resends
// the same spans). Three bounds — traces, spans and estimated bytes — are enforced by evicting whole traces,
// oldest first; with the 'keep-errors-and-slow' policy the traces a developer most likely wants (an error, or
// slower than `slowTraceMs`) are evicted last, as tail sampling would keep them, but only while they hold at
// most `keepShare` of the capacity so that fresh ordinary traces still get in.
import type { Span, SourceFormat, Trace } from '../../core/model';
import { spanEndNs } from '../../core/model';
import { encodeOtlpProtobuf } from '../../core/otlp/proto';
import { parseTraceDocument } from '../../core/parse/index';
import { Emitter, type Event } from './emitter';

export type EvictionPolicy = 'oldest' | 'keep-errors-and-slow';

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
  readonly spans: Span[];
  /** `${spanId}/${startNs}` of every span held. */
  readonly keys: Set<string>;
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
  root: Span | undefined;
  cached: Trace | undefined;
}

const DEFAULTS = {
  maxTraces: 2000,
  maxSpans: 200_000,
  maxBytes: 256 * 1024 * 1024,
  slowTraceMs: 1000,
  keepShare: 0.5,
  completeAfterMs: 5000,
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
  private readonly now: () => number;

  private readonly entries = new Map<string, Entry>();
  /** Eviction queues in first-seen order: ordinary traces, and (policy keep-errors-and-slow) error/slow ones. */
  private readonly normal = new Map<string, Entry>();
  private readonly kept = new Map<string, Entry>();
  /** Traces not yet completed, in order of last update (re-inserted on every update). */
  private readonly open = new Map<string, Entry>();

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
  /** A trace ID seen for the first time. */
  readonly onTraceAdded: Event<string> = this._onTraceAdded.event;
  /** New spans merged into a trace already held (late spans: refresh an open view). */
  readonly onTraceUpdated: Event<string> = this._onTraceUpdated.event;
  /** A whole trace evicted to make room (or removed by `clear`). */
  readonly onTraceEvicted: Event<string> = this._onTraceEvicted.event;
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
    this.now = options.now ?? Date.now;
    if (this.completeAfterMs > 0 && (options.autoSweep ?? true)) {
      this.timer = setInterval(() => this.sweep(), Math.max(50, Math.min(1000, this.completeAfterMs / 4)));
      this.timer.unref?.();
    }
  }

  /** Merges the spans of these traces into the store. Events fire after the whole call. */
  add(traces: readonly Trace[]): AddResult {
    let accepted = 0;
    let duplicates = 0;
    let refused = 0;
    const added = new Set<string>();
    const updated = new Set<string>();
    const evicted: string[] = [];
    const now = this.now();

    for (const trace of traces) {
      let entry = this.entries.get(trace.traceId);
      // Spans new to the store (also de-duplicated within the batch itself).
      const fresh: Span[] = [];
      const freshKeys: string[] = [];
      const batchKeys = new Set<string>();
      for (const span of trace.spans) {
        const key = `${span.spanId}/${span.startNs}`;
        if (entry?.keys.has(key) || batchKeys.has(key)) { duplicates++; continue; }
        batchKeys.add(key);
        fresh.push(span);
        freshKeys.push(key);
      }
      if (fresh.length === 0) continue;

      let costs = fresh.map(estimateSpanBytes);
      let cost = sum(costs);
      const needTrace = entry ? 0 : 1;
      if (!this.fits(needTrace, fresh.length, cost)) {
        if (this.evictWhenFull) {
          while (!this.fits(needTrace, fresh.length, cost)) {
            const victim = this.pickVictim(trace.traceId);
            if (!victim) break;
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
          freshKeys.length = n;
          costs = costs.slice(0, n);
          cost = c;
          if (n === 0) continue;
        }
      }

      if (!entry) {
        entry = {
          traceId: trace.traceId,
          spans: [],
          keys: new Set(),
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
          cached: undefined,
        };
        this.entries.set(trace.traceId, entry);
        this.normal.set(trace.traceId, entry);
        added.add(trace.traceId);
      } else if (!added.has(trace.traceId)) {
        updated.add(trace.traceId);
      }

      for (let i = 0; i < fresh.length; i++) {
        const span = fresh[i]!;
        entry.spans.push(span);
        entry.keys.add(freshKeys[i]!);
        if (span.status.code === 'error') entry.errorCount++;
        if (betterRoot(span, entry.root)) entry.root = span;
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
        this.keptSpans += entry.spans.length;
        this.keptBytes += entry.bytes;
      }
      accepted += fresh.length;
    }
    this.duplicateSpans += duplicates;

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

  get(traceId: string): Trace | undefined {
    const e = this.entries.get(traceId);
    if (!e) return undefined;
    e.cached ??= { traceId: e.traceId, spans: e.spans.slice(), format: e.format, warnings: e.warnings.slice() };
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
    if (this.kept.delete(e.traceId)) {
      this.keptSpans -= e.spans.length;
      this.keptBytes -= e.bytes;
    }
    this.spanCount -= e.spans.length;
    this.byteCount -= e.bytes;
    this.evictedTraces++;
    this.evictedSpans += e.spans.length;
  }
}

function oldest(queue: Map<string, Entry>, protect: string): Entry | undefined {
  for (const e of queue.values()) if (e.traceId !== protect) return e;
  return undefined;
}

/** The span a list shows for a trace is the earliest parentless span, else the earliest span. */
function betterRoot(s: Span, best: Span | undefined): boolean {
  if (!best) return true;
  const isRoot = s.parentId === undefined;
  const bestIsRoot = best.parentId === undefined;
  return (isRoot && !bestIsRoot) || (isRoot === bestIsRoot && s.startNs < best.startNs);
}

function listItem(e: Entry): TraceListItem {
  return {
    traceId: e.traceId,
    rootService: e.root?.resource.serviceName ?? '',
    rootName: e.root?.name ?? '',
    startNs: e.minStart,
    durationNs: Number(e.maxEnd - e.minStart),
    spanCount: e.spans.length,
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
