// Zipkin v2 JSON: a span array (/api/v2/trace/{id}) or an array of span arrays (/api/v2/traces).
// Timestamps and durations are µs. The server half of an RPC may share the client's span ID (`shared: true`): both are
// kept with the same span ID and the server half has `shared` set (the tree builder pairs them).
// An `error` tag means error status even when its value is empty (Zipkin's rule); its value is the status message.
// A span without `kind` is a local span: 'internal'. localEndpoint.serviceName is the resource; remoteEndpoint becomes
// the span attributes `peer.service`, `network.peer.address`, `network.peer.port`.
import { NO_ATTRIBUTES, TraceParseError, type Attr, type Resource, type Span, type SpanEvent, type SpanKind, type SpanLink } from '../model';
import { canonicalSpanId, canonicalTraceId, isAllZeroId } from '../ids';
import { BadSpan, Builder, describe, isObject, makeSpan, requiredId } from './builder';
import { kindName, makeStatus, microsToNanos } from './values';
import * as z from '../schema';
import { validate } from './zod-path';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const NO_EVENTS: readonly SpanEvent[] = Object.freeze([]);
const NO_LINKS: readonly SpanLink[] = Object.freeze([]);

// zod checks the document's structure: an array of spans or of span arrays (spans themselves are checked by hand).
const zDoc = z.array(z.union([z.custom<unknown[]>(v => Array.isArray(v)), z.custom<Record<string, unknown>>(v => isObject(v), 'expected a span object or an array of spans')]));

export function readZipkinDocument(doc: unknown, base: string, b: Builder): void {
  if (!Array.isArray(doc)) throw new TraceParseError(`expected a Zipkin span array, got ${describe(doc)}`, base);
  validate(zDoc, doc, base, 'Zipkin document');
  const resources = new Map<string, Resource>();
  const pending: Array<Mutable<Span>> = [];
  const all: Span[] = [];
  for (let i = 0; i < doc.length; i++) {
    const x = doc[i];
    if (Array.isArray(x)) {
      for (let j = 0; j < x.length; j++) readOne(x[j], `${base}[${i}][${j}]`, resources, b, pending, all);
    } else readOne(x, `${base}[${i}]`, resources, b, pending, all);
  }
  fillMissingStarts(pending, b, all);
}

export function readOne(s: unknown, path: string, resources: Map<string, Resource>, b: Builder, pending: Array<Mutable<Span>>, all: Span[]): void {
  try {
    const span = zipkinSpan(s, resources, b, path, pending);
    all.push(span);
    b.addSpan(span);
  } catch (err) {
    b.badSpan(path, err);
  }
}

function zipkinSpan(s: unknown, resources: Map<string, Resource>, b: Builder, path: string, pending: Array<Mutable<Span>>): Span {
  if (!isObject(s)) throw new BadSpan(`expected a span object, got ${describe(s)}`);
  const traceId = requiredId(s.traceId, 'traceId', canonicalTraceId);
  const spanId = requiredId(s.id, 'id', canonicalSpanId);
  let parentId: string | undefined;
  if (typeof s.parentId === 'string' && s.parentId !== '') {
    const p = canonicalSpanId(s.parentId);
    if (!isAllZeroId(p)) parentId = p;
  }
  let warnings: string[] | undefined;
  const events: SpanEvent[] = [];
  const anns = s.annotations;
  if (Array.isArray(anns)) {
    for (let i = 0; i < anns.length; i++) {
      const a = anns[i];
      if (!isObject(a) || typeof a.value !== 'string') { b.warn(`${path}.annotations[${i}]`, 'annotation skipped: expected {timestamp, value}'); continue; }
      try {
        events.push({ timeNs: microsToNanos(a.timestamp, 'timestamp'), name: b.intern(a.value), attributes: NO_ATTRIBUTES });
      } catch (err) {
        b.warn(`${path}.annotations[${i}].timestamp`, `annotation skipped: ${(err as Error).message}`);
      }
    }
  }
  let startNs: bigint;
  let missingStart = false;
  if (s.timestamp === undefined || s.timestamp === null) {
    // Zipkin allows spans without a timestamp (a half reported without timing; the smartthings trace has 84).
    // The first annotation gives one; otherwise it is filled in after the document is read (see fillMissingStarts).
    if (events.length > 0) {
      startNs = events.reduce((m, e) => (e.timeNs < m ? e.timeNs : m), events[0]!.timeNs);
      (warnings ??= []).push('timestamp is missing: the first annotation is used');
    } else {
      startNs = 0n;
      missingStart = true;
    }
  } else startNs = microsToNanos(s.timestamp, 'timestamp');
  let durationNs = 0;
  const d = s.duration;
  if (typeof d === 'number' && Number.isFinite(d) && d >= 0) durationNs = Math.round(d * 1000);
  else if (d !== undefined && d !== null) (warnings ??= []).push(`duration ${describe(d)} is not a non-negative number: set to 0`);
  const name = typeof s.name === 'string' ? b.intern(s.name) : '';
  let kind: SpanKind = 'internal';
  if (s.kind !== undefined && s.kind !== null) {
    const k = kindName(s.kind);
    if (k === undefined) (warnings ??= []).push(`unknown kind ${describe(s.kind)}`);
    else kind = k;
  }

  const le = s.localEndpoint;
  const service = isObject(le) && typeof le.serviceName === 'string' && le.serviceName !== '' ? le.serviceName : undefined;
  let resource = resources.get(service ?? '');
  if (!resource) {
    resource = b.resource(service, service === undefined ? NO_ATTRIBUTES : [{ key: 'service.name', value: b.intern(service) }]);
    resources.set(service ?? '', resource);
  }

  const attrs: Attr[] = [];
  let error: string | undefined;
  const tags = s.tags;
  if (isObject(tags)) {
    for (const key of Object.keys(tags)) {
      const v = tags[key];
      const value = typeof v === 'string' ? b.intern(v) : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (key === 'error') error = value;
      attrs.push({ key: b.intern(key), value });
    }
  } else if (tags !== undefined && tags !== null) b.warn(`${path}.tags`, `tags must be an object, got ${describe(tags)}; ignored`);
  const re = s.remoteEndpoint;
  if (isObject(re)) {
    if (typeof re.serviceName === 'string' && re.serviceName !== '') attrs.push({ key: 'peer.service', value: b.intern(re.serviceName) });
    const ip = typeof re.ipv4 === 'string' ? re.ipv4 : typeof re.ipv6 === 'string' ? re.ipv6 : undefined;
    if (ip) attrs.push({ key: 'network.peer.address', value: b.intern(ip) });
    if (typeof re.port === 'number' && Number.isInteger(re.port)) attrs.push({ key: 'network.peer.port', value: BigInt(re.port) });
  }
  const status = makeStatus(error !== undefined ? 'error' : 'unset', error, b);
  const span = makeSpan(traceId, spanId, parentId, name, kind, resource, undefined, status, startNs, durationNs,
    attrs.length ? attrs : NO_ATTRIBUTES, events.length ? events : NO_EVENTS, NO_LINKS, undefined);
  if (s.shared === true) span.shared = true;
  if (warnings) span.warnings = warnings;
  if (missingStart) pending.push(span);
  return span;
}

/**
 * Spans without any timestamp take the start of the other half with the same span ID, else of their parent, else the
 * trace's earliest start, with a warning saying so; their duration stays as given (0 when absent).
 */
export function fillMissingStarts(pending: Array<Mutable<Span>>, b: Builder, all: readonly Span[]): void {
  if (pending.length === 0) return;
  const byId = new Map<string, Span>();
  const minByTrace = new Map<string, bigint>();
  const missing = new Set<Span>(pending);
  for (const s of all) {
    if (missing.has(s)) continue;
    const k = s.traceId + s.spanId;
    if (!byId.has(k)) byId.set(k, s);
    const m = minByTrace.get(s.traceId);
    if (m === undefined || s.startNs < m) minByTrace.set(s.traceId, s.startNs);
  }
  for (const s of pending) {
    const twin = byId.get(s.traceId + s.spanId);
    const parent = s.parentId ? byId.get(s.traceId + s.parentId) : undefined;
    const from = twin ? 'the span with the same ID' : parent ? 'its parent' : 'the earliest span of the trace';
    s.startNs = twin?.startNs ?? parent?.startNs ?? minByTrace.get(s.traceId) ?? 0n;
    s.warnings = [...(s.warnings ?? []), `timestamp is missing: start taken from ${from}`];
  }
  void b;
}
