// What a parse worker sends back for one export request: per trace, the few fields of each span that the store
// indexes (the store keeps the request bytes and decodes them again when a trace is viewed), laid out in columns
// (fixed-width ID strings, typed arrays, a small string table) so the structured clone between threads costs little.
// Plain data only: this module runs on both sides.
import type { ParseResult, Span, Trace } from '../../core/model';

export interface TraceSummary {
  readonly traceId: string;
  readonly count: number;
  /** Span IDs, each padded to `idWidth` characters (canonical IDs are 16 hex; opaque ones may be longer). */
  readonly spanIds: string;
  /** Parent span IDs, same width; all spaces for a root. */
  readonly parentIds: string;
  readonly idWidth: number;
  /** Unsigned: OTLP times are fixed64, and a signed column would wrap times ≥ 2^63 ns (the span then vanished). */
  readonly startNs: BigUint64Array;
  readonly durationNs: Float64Array;
  readonly error: Uint8Array;
  /** Indexes into BatchSummary.strings. */
  readonly name: Uint32Array;
  readonly service: Uint32Array;
}

export interface BatchSummary {
  readonly traces: readonly TraceSummary[];
  readonly strings: readonly string[];
  /** Spans the parser skipped (warnings "span skipped: …"). */
  readonly skipped: number;
}

export function summarize(result: ParseResult): BatchSummary {
  let skipped = 0;
  for (const w of result.warnings) if (w.message.startsWith('span skipped')) skipped++;
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string) => {
    let i = index.get(s);
    if (i === undefined) { i = strings.length; strings.push(s); index.set(s, i); }
    return i;
  };
  const traces = result.traces.map((t): TraceSummary => {
    const n = t.spans.length;
    let idWidth = 16;
    for (const s of t.spans) idWidth = Math.max(idWidth, s.spanId.length, s.parentId?.length ?? 0);
    const startNs = new BigUint64Array(n);
    const durationNs = new Float64Array(n);
    const error = new Uint8Array(n);
    const name = new Uint32Array(n);
    const service = new Uint32Array(n);
    let spanIds = '';
    let parentIds = '';
    for (let i = 0; i < n; i++) {
      const s = t.spans[i]!;
      spanIds += s.spanId.padEnd(idWidth, ' ');
      parentIds += (s.parentId ?? '').padEnd(idWidth, ' ');
      startNs[i] = s.startNs;
      durationNs[i] = s.durationNs;
      error[i] = s.status.code === 'error' ? 1 : 0;
      name[i] = str(s.name);
      service[i] = str(s.resource.serviceName);
    }
    return { traceId: t.traceId, count: n, spanIds, parentIds, idWidth, startNs, durationNs, error, name, service };
  });
  return { traces, strings, skipped };
}

/** The typed arrays' buffers, to transfer instead of copy. */
export function transferList(batch: BatchSummary): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const t of batch.traces) out.push(t.startNs.buffer as ArrayBuffer, t.durationNs.buffer as ArrayBuffer, t.error.buffer as ArrayBuffer, t.name.buffer as ArrayBuffer, t.service.buffer as ArrayBuffer);
  return out;
}

const NONE: readonly never[] = Object.freeze([]);

/** Model-shaped stand-ins for the store's index (never shown: the store decodes the source bytes for views). */
export function summaryTraces(batch: BatchSummary, format: Trace['format']): Trace[] {
  const resources = new Map<number, Span['resource']>();
  return batch.traces.map(t => {
    const spans: Span[] = [];
    const w = t.idWidth;
    for (let i = 0; i < t.count; i++) {
      const svc = t.service[i]!;
      let resource = resources.get(svc);
      if (!resource) resources.set(svc, (resource = { serviceName: batch.strings[svc]!, attributes: NONE }));
      const parentId = t.parentIds.slice(i * w, (i + 1) * w).trimEnd();
      spans.push({
        traceId: t.traceId, spanId: t.spanIds.slice(i * w, (i + 1) * w).trimEnd(), ...(parentId ? { parentId } : {}),
        name: batch.strings[t.name[i]!]!, kind: 'unspecified', resource, status: { code: t.error[i] ? 'error' : 'unset' },
        startNs: t.startNs[i]!, durationNs: t.durationNs[i]!, attributes: NONE, events: NONE, links: NONE,
      });
    }
    return { traceId: t.traceId, format, warnings: NONE, spans };
  });
}
