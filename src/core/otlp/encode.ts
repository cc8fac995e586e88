// The model as spec OTLP JSON (TracesData): lowercase hex IDs, int enums, int64 as decimal strings, grouped by
// resource and scope in document order. parseTraceDocument(JSON.stringify(traceToOtlpJson(x))) gives back x except
// for what OTLP cannot carry: the source format, trace/span warnings, and Zipkin's `shared` flag.
// Jaeger reference types survive as the `opentracing.ref_type` link attribute (Jaeger's own OTLP convention):
// a FOLLOWS_FROM parent is written as parentSpanId plus a follows_from link to the parent.
import type { Attr, AttrValue, Attributes, Scope, Span, SpanEvent, SpanLink, Trace } from '../model';
import { REF_TYPE_KEY } from '../parse/otlp-json';
import { groupSpans, resourceAttributesForOtlp } from './group';

const KIND_NUMBER = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS_NUMBER = { unset: 0, ok: 1, error: 2 } as const;

export function traceToOtlpJson(traces: readonly Trace[]): unknown {
  return {
    resourceSpans: groupSpans(traces).map(rg => ({
      resource: { attributes: attributesJson(resourceAttributesForOtlp(rg.resource)) },
      scopeSpans: rg.scopes.map(sg => {
        const g: Record<string, unknown> = {};
        if (sg.scope) g.scope = scopeJson(sg.scope);
        g.spans = sg.spans.map(spanJson);
        return g;
      }),
    })),
  };
}

function scopeJson(s: Scope): unknown {
  const o: Record<string, unknown> = { name: s.name };
  if (s.version !== undefined) o.version = s.version;
  if (s.attributes.length) o.attributes = attributesJson(s.attributes);
  return o;
}

function spanJson(s: Span): unknown {
  const o: Record<string, unknown> = { traceId: s.traceId, spanId: s.spanId };
  if (s.traceState !== undefined) o.traceState = s.traceState;
  if (s.parentId !== undefined) o.parentSpanId = s.parentId;
  if (s.flags !== undefined) o.flags = s.flags;
  o.name = s.name;
  o.kind = KIND_NUMBER[s.kind];
  o.startTimeUnixNano = s.startNs.toString();
  o.endTimeUnixNano = (s.startNs + BigInt(s.durationNs)).toString();
  if (s.attributes.length) o.attributes = attributesJson(s.attributes);
  if (s.events.length) o.events = s.events.map(eventJson);
  const links = linksOf(s);
  if (links.length) o.links = links.map(linkJson);
  const st: Record<string, unknown> = {};
  if (s.status.message !== undefined) st.message = s.status.message;
  if (s.status.code !== 'unset') st.code = STATUS_NUMBER[s.status.code];
  o.status = st;
  return o;
}

/** The span's links plus, for a FOLLOWS_FROM parent, the link that carries the reference type. */
export function linksOf(s: Span): readonly SpanLink[] {
  if (s.parentRefType !== 'follows_from' || s.parentId === undefined) return s.links;
  return [{ traceId: s.traceId, spanId: s.parentId, type: 'follows_from', attributes: [] }, ...s.links];
}

/** Link attributes including the reference type for Jaeger-typed links. */
export function linkAttributes(l: SpanLink): Attributes {
  return l.type === 'link' ? l.attributes : [...l.attributes, { key: REF_TYPE_KEY, value: l.type }];
}

function eventJson(e: SpanEvent): unknown {
  const o: Record<string, unknown> = { timeUnixNano: e.timeNs.toString(), name: e.name };
  if (e.attributes.length) o.attributes = attributesJson(e.attributes);
  return o;
}

function linkJson(l: SpanLink): unknown {
  const o: Record<string, unknown> = { traceId: l.traceId, spanId: l.spanId };
  if (l.traceState !== undefined) o.traceState = l.traceState;
  const attrs = linkAttributes(l);
  if (attrs.length) o.attributes = attributesJson(attrs);
  return o;
}

function attributesJson(attrs: Attributes): unknown[] {
  return attrs.map(keyValueJson);
}

function keyValueJson(a: Attr): unknown {
  return { key: a.key, value: anyValueJson(a.value) };
}

/** AttrValue → OTLP JSON AnyValue (doubles that JSON cannot hold as the strings proto3 JSON uses). */
export function anyValueJson(v: AttrValue): unknown {
  switch (typeof v) {
    case 'string': return { stringValue: v };
    case 'boolean': return { boolValue: v };
    case 'bigint': return { intValue: v.toString() };
    case 'number': return { doubleValue: Number.isFinite(v) ? v : String(v) };
    default:
      if ('bytes' in v) return { bytesValue: v.bytes };
      if ('array' in v) return { arrayValue: { values: v.array.map(anyValueJson) } };
      return { kvlistValue: { values: v.kvlist.map(keyValueJson) } };
  }
}
