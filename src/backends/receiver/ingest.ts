// One export request, whatever the transport: decode with the core's OTLP parser, refuse spans that cannot be
// stored (no valid trace/span ID, or skipped by the parser), merge the rest into the store, and say what the
// OTLP answer is. The HTTP and gRPC front ends only translate this outcome into their status codes.
import type { Trace } from '../../core/model';
import { TraceParseError } from '../../core/model';
import { parseTraceDocument } from '../../core/parse/index';
import type { TraceStore } from './store';

export type ExportEncoding = 'proto' | 'json';

export type IngestOutcome =
  /** 200; `rejected` > 0 becomes an ExportTraceServiceResponse.partialSuccess. */
  | { readonly kind: 'ok'; readonly received: number; readonly accepted: number; readonly duplicates: number; readonly rejected: number; readonly message: string }
  /** 400 / INVALID_ARGUMENT: the client must not retry. */
  | { readonly kind: 'bad'; readonly message: string }
  /** 429 / UNAVAILABLE with a retry delay: the store is full and may not evict. */
  | { readonly kind: 'full'; readonly received: number; readonly message: string };

const TRACE_ID = /^(?!0+$)[0-9a-f]{32}$/;
const SPAN_ID = /^(?!0+$)[0-9a-f]{16}$/;

export function ingest(store: TraceStore, body: Uint8Array, encoding: ExportEncoding): IngestOutcome {
  if (store.isFull) return { kind: 'full', received: 0, message: 'the Spanscope trace store is full; retry later or clear it' };
  // An empty protobuf message is a valid ExportTraceServiceRequest with no spans (exporters and probes send it).
  if (body.length === 0 && encoding === 'proto') return okEmpty();

  let traces: readonly Trace[];
  let skipped = 0;
  try {
    const result = parseTraceDocument(body, { format: encoding === 'proto' ? 'otlp-proto' : 'otlp' });
    traces = result.traces;
    for (const w of result.warnings) if (w.message.startsWith('span skipped')) skipped++;
  } catch (err) {
    if (err instanceof TraceParseError) {
      if (encoding === 'json' && isEmptyJsonRequest(body)) return okEmpty();
      return { kind: 'bad', message: `invalid OTLP ${encoding === 'proto' ? 'protobuf' : 'JSON'} at ${err.path}: ${err.message}` };
    }
    throw err;
  }

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
  const added = store.add(valid, { bytes: body, format: encoding === 'proto' ? 'otlp-proto' : 'otlp' });
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
