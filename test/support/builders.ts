// Small builders for hand-made Span and Trace objects in unit tests. Times are given in microseconds
// relative to a fixed base (easier to read in tests) and stored as the model's unix nanoseconds.
import type { Attr, AttrValue, Resource, Span, SpanEvent, SpanKind, StatusCode, Trace } from '../../src/core/model';
import { STATUS_UNSET } from '../../src/core/model';

export const BASE_NS = 1_700_000_000_000_000_000n;
export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

const resources = new Map<string, Resource>();
export function resource(serviceName: string): Resource {
  let r = resources.get(serviceName);
  if (!r) resources.set(serviceName, (r = { serviceName, attributes: [] }));
  return r;
}

export function attrs(o: Record<string, AttrValue>): Attr[] {
  return Object.entries(o).map(([key, value]) => ({ key, value }));
}

export interface SpanSpec {
  id: string;
  parent?: string;
  name?: string;
  service?: string;
  kind?: SpanKind;
  /** µs after BASE_NS */
  start?: number;
  /** µs */
  dur?: number;
  status?: StatusCode;
  statusMessage?: string;
  attrs?: Record<string, AttrValue>;
  events?: { name: string; at?: number; attrs?: Record<string, AttrValue> }[];
  shared?: boolean;
  followsFrom?: boolean;
}

/** Span IDs in specs may be short ("a", "1"); they are used as given (tests compare by the same strings). */
export function span(s: SpanSpec): Span {
  const startNs = BASE_NS + BigInt(Math.round((s.start ?? 0) * 1000));
  const events: SpanEvent[] = (s.events ?? []).map(e => ({
    name: e.name,
    timeNs: startNs + BigInt(Math.round((e.at ?? 0) * 1000)),
    attributes: attrs(e.attrs ?? {}),
  }));
  return {
    traceId: TRACE_ID,
    spanId: s.id,
    ...(s.parent !== undefined ? { parentId: s.parent } : {}),
    ...(s.followsFrom ? { parentRefType: 'follows_from' as const } : {}),
    name: s.name ?? `op-${s.id}`,
    kind: s.kind ?? 'internal',
    resource: resource(s.service ?? 'svc'),
    status: s.status ? { code: s.status, ...(s.statusMessage ? { message: s.statusMessage } : {}) } : STATUS_UNSET,
    startNs,
    durationNs: Math.round((s.dur ?? 0) * 1000),
    attributes: attrs(s.attrs ?? {}),
    events,
    links: [],
    ...(s.shared ? { shared: true } : {}),
  };
}

export function trace(specs: SpanSpec[], format: Trace['format'] = 'otlp'): Trace {
  return { traceId: TRACE_ID, spans: specs.map(span), format, warnings: [] };
}
