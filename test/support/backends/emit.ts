// Puts a small trace into a real backend with the real OpenTelemetry JS SDK (BasicTracerProvider + an exporter).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SpanKind, SpanStatusCode, context as otelContext, trace as otelTrace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Trace } from '../../../src/core/model';

export interface EmittedTrace {
  readonly traceId: string;
  readonly rootSpanId: string;
  readonly childSpanId: string;
  readonly service: string;
  readonly rootName: string;
  readonly childName: string;
}

/**
 * Three spans — a SERVER root, a CLIENT child with an error, and an INTERNAL grandchild — started a second ago.
 * `bits64` makes a trace ID whose high half is zero (what Jaeger/Zipkin 64-bit tracers produce), so the 16-digit
 * forms of the ID can be tested too.
 */
export async function emitTrace(exporter: SpanExporter, service: string, opts: { bits64?: boolean; tag?: string } = {}): Promise<EmittedTrace> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.0.0' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(opts.bits64 ? {
      idGenerator: {
        generateTraceId: () => '0000000000000000' + nonZeroHex(8),
        generateSpanId: () => nonZeroHex(8),
      },
    } : {}),
  });
  const tracer = provider.getTracer('spanscope-backend-tests', '1.0.0');
  const rootName = `GET /checkout/${randomBytes(3).toString('hex')}`;
  const childName = 'SELECT orders';
  const now = Date.now();
  const root = tracer.startSpan(rootName, {
    kind: SpanKind.SERVER,
    startTime: now - 1000,
    attributes: { 'http.request.method': 'GET', 'http.response.status_code': 500, 'test.tag': opts.tag ?? 'none' },
  });
  const ctx = otelTrace.setSpan(otelContext.active(), root);
  const child = tracer.startSpan(childName, { kind: SpanKind.CLIENT, startTime: now - 900, attributes: { 'db.system': 'postgresql', 'code.function': 'loadOrders' } }, ctx);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'connection lost' });
  const grand = tracer.startSpan('decode rows', { kind: SpanKind.INTERNAL, startTime: now - 800 }, otelTrace.setSpan(ctx, child));
  grand.end(now - 700);
  child.end(now - 600);
  root.end(now - 100);
  await provider.forceFlush();
  await provider.shutdown();
  return {
    traceId: root.spanContext().traceId,
    rootSpanId: root.spanContext().spanId,
    childSpanId: child.spanContext().spanId,
    service,
    rootName,
    childName,
  };
}

/** `trace` is `t` as a backend gives it back: its ID, all three spans, the child under the root and in error. */
export function assertReadBack(trace: Trace, t: EmittedTrace): void {
  assert.equal(trace.traceId, t.traceId);
  assert.equal(trace.spans.length, 3);
  const child = trace.spans.find(s => s.spanId === t.childSpanId);
  assert.ok(child, `no span ${t.childSpanId} in ${JSON.stringify(trace.spans.map(s => s.spanId))}`);
  assert.equal(child.parentId, t.rootSpanId);
  assert.equal(child.status.code, 'error');
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const b = randomBytes(bytes);
    if (b.some(x => x !== 0) && b[0] !== 0) return b.toString('hex');
  }
}

/** Every accepted way a user may paste this trace's ID (and what span, if any, it names). */
export function idForms(t: EmittedTrace, urls: { jaeger: string; zipkin: string; tempo: string; grafana: string }): Array<{ label: string; text: string; spanId?: string }> {
  const id = t.traceId;
  const short = id.startsWith('0000000000000000') ? id.slice(16) : undefined;
  const span = t.childSpanId;
  const panes = { x1: { datasource: 'tempo', queries: [{ refId: 'A', queryType: 'traceql', query: id }], range: { from: 'now-1h', to: 'now' } } };
  const forms: Array<{ label: string; text: string; spanId?: string }> = [
    { label: 'raw hex', text: id },
    { label: 'UPPERCASE hex', text: id.toUpperCase() },
    { label: 'base64', text: Buffer.from(id, 'hex').toString('base64') },
    { label: 'traceparent', text: `traceparent: 00-${id}-${span}-01`, spanId: span },
    { label: 'uber-trace-id', text: `uber-trace-id: ${id}:${span}:0:1`, spanId: span },
    { label: 'B3 single', text: `b3: ${id}-${span}-1`, spanId: span },
    { label: 'X-B3-TraceId', text: `X-B3-TraceId: ${id}` },
    { label: 'Jaeger UI URL', text: `${urls.jaeger}/trace/${id}?uiFind=${span}`, spanId: span },
    { label: 'Grafana Explore URL', text: `${urls.grafana}/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}&orgId=1` },
    { label: 'Tempo URL', text: `${urls.tempo}/api/traces/${id}` },
    { label: 'Zipkin URL', text: `${urls.zipkin}/zipkin/traces/${id}` },
    { label: 'log line', text: `2026-01-01T00:00:00Z ERROR checkout failed trace_id=${id} span_id=${span} user=42`, spanId: span },
    { label: 'JSON log line', text: `{"level":"error","traceId":"${id}","msg":"boom"}` },
  ];
  if (short) {
    forms.push(
      { label: '16-digit hex', text: short },
      { label: 'leading zeros stripped', text: short.replace(/^0+/, '') },
      { label: 'uber-trace-id 64-bit', text: `${short}:${span}:0:1`, spanId: span },
      { label: 'B3 64-bit', text: `${short}-${span}-1`, spanId: span },
      { label: 'Zipkin URL 64-bit', text: `${urls.zipkin}/zipkin/traces/${short}` },
    );
  }
  return forms;
}
