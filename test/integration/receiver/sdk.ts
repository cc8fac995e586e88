// Drives the real OpenTelemetry JS SDK: a BasicTracerProvider with a BatchSpanProcessor around a real OTLP exporter
// (small batches, so one run is many export requests) and, beside it, an InMemorySpanExporter that keeps exactly
// what the SDK handed to the exporter — the reference the receiver's store is compared with.
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, context as otelContext, trace as otelTrace, type Attributes as OtelAttributes, type AttributeValue, type Link, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor,
  type ReadableSpan, type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { Attr, AttrValue, Span } from '../../../src/core/model';

export interface SentSpans {
  readonly spans: readonly ReadableSpan[];
}

const BASE_SEC = 1_767_000_000;

/**
 * Emits `traces` traces of 7 spans each with every attribute type, events, links, status and kinds, times with
 * nanosecond digits, through `exporter` in batches of `batchSize`. Returns what the SDK exported.
 */
export async function emitThroughSdk(exporter: SpanExporter, traces: number, batchSize = 5): Promise<SentSpans> {
  const reference = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'conformance-svc',
      'service.version': '1.2.3',
      'host.cores': 8,
      'deployment.weights': [0.5, 1.5],
    }),
    spanProcessors: [
      new SimpleSpanProcessor(reference),
      new BatchSpanProcessor(exporter, { maxExportBatchSize: batchSize, scheduledDelayMillis: 5, maxQueueSize: 100_000 }),
    ],
  });
  const tracer = provider.getTracer('conformance-scope', '4.5.6');
  const t = (sec: number, ns: number): HrTime => [BASE_SEC + sec, ns];
  let otherTraceLink: Link | undefined;

  for (let i = 0; i < traces; i++) {
    const s0 = 2 * i;
    const root = tracer.startSpan(`GET /orders/${i}`, {
      kind: SpanKind.SERVER,
      startTime: t(s0, 123_456_789),
      attributes: {
        'http.method': 'GET',
        'http.status_code': 200,
        'ratio': 0.25,
        'big.int': 9_007_199_254_740_991,
        'negative': -42,
        'whole.double': 3.5,
        'flag': true,
        'off': false,
        'empty': '',
        'unicode': 'çé 中文 🚀',
        'strings': ['a', 'b', ''],
        'ints': [1, 2, 3],
        'doubles': [1.5, -2.25],
        'bools': [true, false],
      },
      ...(otherTraceLink ? { links: [otherTraceLink] } : {}),
    });
    root.addEvent('request.received', { 'bytes': 512, 'path': `/orders/${i}` }, t(s0, 123_456_999));
    // Parent context for a child span without touching the global context manager.
    const parentCtx = (span: typeof root) => otelTrace.setSpan(otelContext.active(), span);
    const db = tracer.startSpan('SELECT orders', {
      kind: SpanKind.CLIENT,
      startTime: t(s0, 200_000_001),
      attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM orders WHERE id = ${i}` },
      links: [{ context: root.spanContext(), attributes: { 'link.reason': 'same-trace', 'link.n': 7 } }],
    }, parentCtx(root));
    db.addEvent('exception', { 'exception.type': 'PgError', 'exception.message': 'timeout', 'exception.stacktrace': 'PgError: timeout\n    at q (db.js:10:5)' }, t(s0, 400_000_003));
    db.setStatus({ code: SpanStatusCode.ERROR, message: 'query timed out' });
    db.end(t(s0 + 1, 7));
    const kinds = [SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER, SpanKind.CLIENT, SpanKind.INTERNAL];
    for (let k = 0; k < kinds.length; k++) {
      const child = tracer.startSpan(`step-${k}`, { kind: kinds[k]!, startTime: t(s0, 300_000_000 + k * 11) }, parentCtx(root));
      if (k === 1) child.setStatus({ code: SpanStatusCode.OK });
      child.setAttribute('step.index', k);
      child.end(t(s0, 300_000_999 + k * 13));
    }
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'downstream failed' });
    root.end(t(s0 + 1, 999_999_999));
    otherTraceLink = { context: root.spanContext(), attributes: { 'link.kind': 'previous-request' } };
  }
  await provider.forceFlush();
  // Read before shutdown: shutting the in-memory exporter down empties it.
  const spans = [...reference.getFinishedSpans()];
  await provider.shutdown();
  assert.equal(spans.length, traces * 7, 'the SDK finished every span');
  return { spans };
}

const KIND: Record<number, Span['kind']> = { 0: 'internal', 1: 'server', 2: 'client', 3: 'producer', 4: 'consumer' };
const STATUS: Record<number, Span['status']['code']> = { 0: 'unset', 1: 'ok', 2: 'error' };

function hrNs(t: HrTime): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

/** The OTLP typing the SDK's transformer applies: integral numbers are intValue (int64), others doubleValue. */
function expectedValue(v: AttributeValue): AttrValue {
  if (Array.isArray(v)) return { array: (v as unknown[]).map(x => expectedValue(x as AttributeValue)) };
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  return v as string | boolean;
}

function expectedAttrs(a: OtelAttributes): Attr[] {
  return Object.entries(a).filter(([, v]) => v !== undefined).map(([key, v]) => ({ key, value: expectedValue(v!) })).sort(byKey);
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The model span the receiver must have stored for this SDK span, in a form deepEqual can compare. */
export function expectedSpan(s: ReadableSpan): unknown {
  const sc = s.spanContext();
  return {
    traceId: sc.traceId,
    spanId: sc.spanId,
    parentId: s.parentSpanContext?.spanId,
    name: s.name,
    kind: KIND[s.kind],
    status: s.status.message ? { code: STATUS[s.status.code], message: s.status.message } : { code: STATUS[s.status.code] },
    startNs: hrNs(s.startTime),
    durationNs: Number(hrNs(s.endTime) - hrNs(s.startTime)),
    attributes: expectedAttrs(s.attributes),
    events: s.events.map(e => ({ timeNs: hrNs(e.time), name: e.name, attributes: expectedAttrs(e.attributes ?? {}) })),
    links: s.links.map(l => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: expectedAttrs(l.attributes ?? {}) })),
    resource: { serviceName: String(s.resource.attributes['service.name']), attributes: expectedAttrs(s.resource.attributes) },
    scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version },
  };
}

/** The same projection of a stored model span. */
export function storedSpan(s: Span): unknown {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentId: s.parentId,
    name: s.name,
    kind: s.kind,
    status: s.status.message ? { code: s.status.code, message: s.status.message } : { code: s.status.code },
    startNs: s.startNs,
    durationNs: s.durationNs,
    attributes: [...s.attributes].sort(byKey),
    events: s.events.map(e => ({ timeNs: e.timeNs, name: e.name, attributes: [...e.attributes].sort(byKey) })),
    links: s.links.map(l => ({ traceId: l.traceId, spanId: l.spanId, attributes: [...l.attributes].sort(byKey) })),
    resource: { serviceName: s.resource.serviceName, attributes: [...s.resource.attributes].sort(byKey) },
    scope: { name: s.scope?.name, version: s.scope?.version },
  };
}

/** Every SDK span is in the store exactly once and equals what was sent. */
export function assertStoredEqualsSent(sent: SentSpans, lookup: (traceId: string) => readonly Span[] | undefined): void {
  assert.ok(sent.spans.length > 0, 'something was sent');
  const byTrace = new Map<string, ReadableSpan[]>();
  for (const s of sent.spans) {
    const id = s.spanContext().traceId;
    byTrace.set(id, [...(byTrace.get(id) ?? []), s]);
  }
  for (const [traceId, spans] of byTrace) {
    const stored = lookup(traceId);
    assert.ok(stored, `trace ${traceId} is in the store`);
    assert.equal(stored.length, spans.length, `span count of trace ${traceId}`);
    const storedById = new Map(stored.map(s => [s.spanId, s]));
    for (const s of spans) {
      const got = storedById.get(s.spanContext().spanId);
      assert.ok(got, `span ${s.name} ${s.spanContext().spanId} stored`);
      assert.deepEqual(storedSpan(got), expectedSpan(s), `span ${s.name} of trace ${traceId}`);
    }
  }
}
