// One export request, whatever the transport: decode with the core's OTLP parser, refuse spans that cannot be
// stored (no valid trace/span ID, or skipped by the parser), merge the rest into the store, and say what the
// OTLP answer is. The HTTP and gRPC front ends only translate this outcome into their status codes.
import type { Trace } from '../../core/model';
import { TraceParseError } from '../../core/model';
import { parseTraceDocument } from '../../core/parse/index';
import type { ParsePool } from './parse-pool';
import type { TraceStore } from './store';
import { summaryTraces } from './summaries';

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

const TRACE_ID = /^(?!0+$)[0-9a-f]{32}$/;
const SPAN_ID = /^(?!0+$)[0-9a-f]{16}$/;

/** Decodes and stores on this thread. */
export function ingest(store: TraceStore, body: Uint8Array, encoding: ExportEncoding): IngestOutcome {
  const early = precheck(store, body, encoding);
  if (early) return early;
  let parsed: Parsed;
  try {
    const result = parseTraceDocument(body, { format: formatOf(encoding) });
    let skipped = 0;
    for (const w of result.warnings) if (w.message.startsWith('span skipped')) skipped++;
    parsed = { traces: result.traces, skipped };
  } catch (err) {
    return parseFailure(err, body, encoding);
  }
  return storeParsed(store, parsed, body, encoding, false);
}

/** Decodes in a worker of `pool` (the store keeps the bytes and decodes views itself), stores on this thread. */
export async function ingestWith(pool: ParsePool, store: TraceStore, body: Uint8Array, encoding: ExportEncoding): Promise<IngestOutcome> {
  const early = precheck(store, body, encoding);
  if (early) return early;
  let parsed: Parsed;
  try {
    const batch = await pool.parse(body, formatOf(encoding));
    parsed = { traces: summaryTraces(batch, formatOf(encoding)), skipped: batch.skipped };
  } catch (err) {
    if (!(err instanceof TraceParseError)) return { kind: 'unavailable', message: `the receiver's parse worker failed (${(err as Error).message}); retry` };
    return parseFailure(err, body, encoding);
  }
  return storeParsed(store, parsed, body, encoding, true);
}

interface Parsed {
  readonly traces: readonly Trace[];
  readonly skipped: number;
}

function formatOf(encoding: ExportEncoding): 'otlp' | 'otlp-proto' {
  return encoding === 'proto' ? 'otlp-proto' : 'otlp';
}

function precheck(store: TraceStore, body: Uint8Array, encoding: ExportEncoding): IngestOutcome | undefined {
  if (store.isFull) return { kind: 'full', received: 0, message: 'the Spanscope trace store is full; retry later or clear it' };
  // An empty protobuf message is a valid ExportTraceServiceRequest with no spans (exporters and probes send it).
  if (body.length === 0 && encoding === 'proto') return okEmpty();
  return undefined;
}

function parseFailure(err: unknown, body: Uint8Array, encoding: ExportEncoding): IngestOutcome {
  if (err instanceof TraceParseError) {
    if (encoding === 'json' && isEmptyJsonRequest(body)) return okEmpty();
    return { kind: 'bad', message: `invalid OTLP ${encoding === 'proto' ? 'protobuf' : 'JSON'} at ${err.path}: ${err.message}` };
  }
  throw err;
}

function storeParsed(store: TraceStore, parsed: Parsed, body: Uint8Array, encoding: ExportEncoding, summariesOnly: boolean): IngestOutcome {
  const { traces, skipped } = parsed;
  let invalid = 0;
  const valid: Trace[] = [];
  let received = skipped;
  for (const t of traces) {
    received += t.spans.length;
    if (!TRACE_ID.test(t.traceId)) { invalid += t.spans.length; continue; }
    let bad = 0;
    for (const s of t.spans) if (!SPAN_ID.test(s.spanId)) bad++;
    if (bad === 0) valid.push(t);
    else {
      invalid += bad;
      const spans = t.spans.filter(s => SPAN_ID.test(s.spanId));
      if (spans.length) valid.push({ ...t, spans });
    }
  }

  // The store keeps the request bytes rather than the decoded spans (see TraceStore).
  const added = store.add(valid, { bytes: body, format: formatOf(encoding), summariesOnly });
  if (added.accepted === 0 && added.refused > 0) {
    return { kind: 'full', received, message: 'the Spanscope trace store is full; retry later or clear it' };
  }
  const parts: string[] = [];
  if (invalid) parts.push(`${invalid} span(s) without a valid trace or span ID`);
  if (skipped) parts.push(`${skipped} unreadable span(s)`);
  if (added.refused) parts.push(`${added.refused} span(s) refused: the trace store is full`);
  return {
    kind: 'ok', received, accepted: added.accepted, duplicates: added.duplicates,
    rejected: invalid + skipped + added.refused, message: parts.join('; '),
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
