// One export request, whatever the transport: index it (OTLP protobuf: indexOtlpProtobuf reads only what the store
// needs and checks the rest; OTLP JSON: transcoded to protobuf in one walk when it has the plain exporter shape, the
// transcoder building the index as it writes, else parsed and re-encoded, so the store keeps compact bytes), refuse
// spans that cannot be stored (no valid trace/span ID, or skipped by the parser), merge the rest into the store,
// and say what the OTLP answer is. The HTTP and gRPC front ends only translate this outcome into their status codes.
// `prepare` is the CPU-heavy half and runs in a parse worker when there is one (ingest-worker.ts).
import type { Trace } from '../../core/model';
import { TraceParseError } from '../../core/model';
import { encodeOtlpProtobuf } from '../../core/otlp/proto';
import { parseTraceDocument } from '../../core/parse/index';
import { emptyOtlpProtoIndex, indexOtlpProtobuf, type OtlpProtoIndex } from '../../core/parse/otlp-proto';
import { transcodeOtlpJson } from '../../core/parse/otlp-json-transcode';
import type { ParsePool } from './parse-pool';
import type { TraceStore } from './store';

export type ExportEncoding = 'proto' | 'json';

export type IngestOutcome =
  /** 200; `rejected` > 0 becomes an ExportTraceServiceResponse.partialSuccess. */
  | { readonly kind: 'ok'; readonly received: number; readonly accepted: number; readonly duplicates: number; readonly rejected: number; readonly message: string }
  /** 400 / INVALID_ARGUMENT: the client must not retry. */
  | { readonly kind: 'bad'; readonly message: string }
  /** 429 / UNAVAILABLE with a retry delay: the store is full and may not evict. */
  | { readonly kind: 'full'; readonly received: number; readonly message: string }
  /** 503 / UNAVAILABLE: a parse worker failed (it is replaced); the client should retry. */
  | { readonly kind: 'unavailable'; readonly message: string };

/** A request read and checked, ready for the store: plain data (typed arrays), so a worker can send it back. */
export interface Prepared {
  /** The OTLP protobuf bytes `index` refers to: the request itself, or (JSON) its spans re-encoded. */
  readonly bytes: Uint8Array;
  readonly index: OtlpProtoIndex;
  /** Per span of the index: 1 when its trace or span ID is not a valid OTLP ID (rejected). */
  readonly exclude: Uint8Array | undefined;
  /** Spans rejected for invalid IDs, and spans the parser could not read. */
  readonly invalid: number;
  readonly skipped: number;
}

const TRACE_ID = /^(?!0+$)[0-9a-f]{32}$/;
const SPAN_ID = /^(?!0+$)[0-9a-f]{16}$/;

/**
 * Reads an export request into a Prepared. Throws TraceParseError for a request that is not OTLP at all (answered
 * 400); a request of nothing (an empty protobuf message, `{}`) is a Prepared of no spans.
 */
export function prepare(body: Uint8Array, encoding: ExportEncoding): Prepared {
  if (body.length === 0 && encoding === 'proto') return { bytes: body, index: emptyOtlpProtoIndex(), exclude: undefined, invalid: 0, skipped: 0 };
  if (encoding === 'proto') {
    const index = indexOtlpProtobuf(body);
    // IDs from bytes are lowercase hex and never all zeros (the indexer skips those spans): only the length can be wrong.
    let exclude: Uint8Array | undefined;
    let invalid = 0;
    for (let i = 0; i < index.count; i++) {
      if (index.traceIds[index.traceOf[i]!]!.length === 32 && index.spanIds[i]!.length === 16) continue;
      (exclude ??= new Uint8Array(index.count))[i] = 1;
      invalid++;
    }
    return { bytes: body, index, exclude, invalid, skipped: index.skipped };
  }
  // The plain exporter shape goes straight to protobuf (no trace model); anything else, including everything
  // malformed, takes the full parser below, which says what is wrong and which spans it could not read.
  const fast = transcodeOtlpJson(body);
  if (fast) {
    // The transcoder indexed the bytes as it wrote them (what indexOtlpProtobuf would read from them, without a
    // second walk); a request it took has every span it wrote in the index, none skipped: anything else would be
    // a bug there, and the full parser below is the safe answer.
    const index = fast.index;
    if (index.count === fast.spans && index.skipped === 0) return { bytes: fast.bytes, index, exclude: undefined, invalid: 0, skipped: 0 };
  }
  let result;
  try {
    result = parseTraceDocument(body, { format: 'otlp' });
  } catch (err) {
    if (err instanceof TraceParseError && isEmptyJsonRequest(body)) return { bytes: new Uint8Array(0), index: emptyOtlpProtoIndex(), exclude: undefined, invalid: 0, skipped: 0 };
    throw err;
  }
  let skipped = 0;
  for (const w of result.warnings) if (w.message.startsWith('span skipped')) skipped++;
  let invalid = 0;
  const valid: Trace[] = [];
  for (const t of result.traces) {
    if (!TRACE_ID.test(t.traceId)) { invalid += t.spans.length; continue; }
    const spans = t.spans.filter(s => SPAN_ID.test(s.spanId));
    invalid += t.spans.length - spans.length;
    if (spans.length) valid.push(spans.length === t.spans.length ? t : { ...t, spans });
  }
  if (valid.length === 0) return { bytes: new Uint8Array(0), index: emptyOtlpProtoIndex(), exclude: undefined, invalid, skipped };
  const bytes = encodeOtlpProtobuf(valid);
  const index = indexOtlpProtobuf(bytes);
  // A span the model holds but its protobuf cannot carry (a start time of 0 is "unset" there) is refused and said so
  return { bytes, index, exclude: undefined, invalid, skipped: skipped + index.skipped };
}

/** Reads and stores on this thread. */
export function ingest(store: TraceStore, body: Uint8Array, encoding: ExportEncoding): IngestOutcome {
  if (store.isFull) return fullOutcome(0);
  let prepared: Prepared;
  try {
    prepared = prepare(body, encoding);
  } catch (err) {
    return parseFailure(err, encoding);
  }
  return storePrepared(store, prepared, encoding);
}

/** Reads in a worker of `pool`, stores on this thread. */
export async function ingestWith(pool: ParsePool, store: TraceStore, body: Uint8Array, encoding: ExportEncoding): Promise<IngestOutcome> {
  if (store.isFull) return fullOutcome(0);
  if (body.length === 0 && encoding === 'proto') return okEmpty();
  let prepared: Prepared;
  try {
    prepared = await pool.prepare(body, encoding);
  } catch (err) {
    if (!(err instanceof TraceParseError)) return { kind: 'unavailable', message: `the receiver's parse worker failed (${(err as Error).message}); retry` };
    return parseFailure(err, encoding);
  }
  return storePrepared(store, prepared, encoding);
}

function parseFailure(err: unknown, encoding: ExportEncoding): IngestOutcome {
  if (err instanceof TraceParseError) return { kind: 'bad', message: `invalid OTLP ${encoding === 'proto' ? 'protobuf' : 'JSON'} at ${err.path}: ${err.message}` };
  throw err;
}

function fullOutcome(received: number): IngestOutcome {
  return { kind: 'full', received, message: 'the Spanscope trace store is full; retry later or clear it' };
}

/** Stores a Prepared request and says what to answer. */
export function storePrepared(store: TraceStore, p: Prepared, encoding: ExportEncoding): IngestOutcome {
  const received = p.index.count + p.skipped + (encoding === 'json' ? p.invalid : 0);
  const added = p.index.count - (encoding === 'proto' ? p.invalid : 0) > 0
    ? store.addIndexed(p.bytes, p.index, { format: encoding === 'proto' ? 'otlp-proto' : 'otlp', ...(p.exclude ? { exclude: p.exclude } : {}) })
    : { accepted: 0, duplicates: 0, refused: 0 };
  if (added.accepted === 0 && added.refused > 0) return fullOutcome(received);
  const parts: string[] = [];
  if (p.invalid) parts.push(`${p.invalid} span(s) without a valid trace or span ID`);
  if (p.skipped) parts.push(`${p.skipped} unreadable span(s)`);
  if (added.refused) parts.push(`${added.refused} span(s) refused: the trace store is full`);
  return {
    kind: 'ok', received, accepted: added.accepted, duplicates: added.duplicates,
    rejected: p.invalid + p.skipped + added.refused, message: parts.join('; '),
  };
}

function okEmpty(): IngestOutcome {
  return { kind: 'ok', received: 0, accepted: 0, duplicates: 0, rejected: 0, message: '' };
}
/** `{}` or `{"resourceSpans":[]}`: a valid request with nothing in it, which a file parser may call "no traces". */
function isEmptyJsonRequest(body: Uint8Array): boolean {
  if (body.length > 256) return false;
  try {
    const v: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
    const rs = (v as { resourceSpans?: unknown }).resourceSpans;
    return Object.keys(v).every(k => k === 'resourceSpans') && (rs === undefined || (Array.isArray(rs) && rs.length === 0));
  } catch {
    return false;
  }
}
