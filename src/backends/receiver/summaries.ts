// What a parse worker sends back for one export request: per trace, the few fields of each span that the store
// indexes (the store keeps the request bytes and decodes them again when a trace is viewed), so the structured
// clone between threads stays small. Plain data only: this module runs on both sides.
import type { ParseResult, Span, Trace } from '../../core/model';

export interface SpanSummary {
  readonly spanId: string;
  readonly parentId: string | undefined;
  readonly name: string;
  readonly service: string;
  readonly startNs: bigint;
  readonly durationNs: number;
  readonly error: boolean;
}

export interface TraceSummary {
  readonly traceId: string;
  readonly spans: readonly SpanSummary[];
}

export interface BatchSummary {
  readonly traces: readonly TraceSummary[];
  /** Spans the parser skipped (warnings "span skipped: …"). */
  readonly skipped: number;
}

export function summarize(result: ParseResult): BatchSummary {
  let skipped = 0;
  for (const w of result.warnings) if (w.message.startsWith('span skipped')) skipped++;
  return {
    skipped,
    traces: result.traces.map(t => ({
      traceId: t.traceId,
      spans: t.spans.map(s => ({
        spanId: s.spanId, parentId: s.parentId, name: s.name, service: s.resource.serviceName,
        startNs: s.startNs, durationNs: s.durationNs, error: s.status.code === 'error',
      })),
    })),
  };
}

const NONE: readonly never[] = Object.freeze([]);

/** Model-shaped stand-ins for the store's index (never shown: the store decodes the source bytes for views). */
export function summaryTraces(batch: BatchSummary, format: Trace['format']): Trace[] {
  const resources = new Map<string, Span['resource']>();
  return batch.traces.map(t => ({
    traceId: t.traceId,
    format,
    warnings: NONE,
    spans: t.spans.map((s): Span => {
      let resource = resources.get(s.service);
      if (!resource) resources.set(s.service, (resource = { serviceName: s.service, attributes: NONE }));
      return {
        traceId: t.traceId, spanId: s.spanId, ...(s.parentId !== undefined ? { parentId: s.parentId } : {}), name: s.name,
        kind: 'unspecified', resource, status: { code: s.error ? 'error' : 'unset' }, startNs: s.startNs, durationNs: s.durationNs,
        attributes: NONE, events: NONE, links: NONE,
      };
    }),
  }));
}
