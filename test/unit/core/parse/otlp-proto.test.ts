// OTLP protobuf: payloads from the real OpenTelemetry JS serializer (the one @opentelemetry/exporter-trace-otlp-proto
// sends) decoded by our hand-written decoder, cross-checked against the same spans serialized as OTLP JSON by the
// real JSON serializer and against the pbjs code generated from proto/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { REAL_FIXTURES } from '../../../support/paths';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { attr, TraceParseError, type ParseResult } from '../../../../src/core/model';
import { decodeExportTraceServiceResponse, encodeExportTraceServiceResponse, encodeOtlpProtobuf } from '../../../../src/core/otlp/proto';
import { opentelemetry } from '../../../../src/core/proto/otlp.js';

function realSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.2.3', 'host.cores': 8 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('spanscope-test', '0.9.0');
  const t0 = 1_700_000_000_123; // ms
  const root = tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: t0, attributes: { 'http.request.method': 'POST', 'http.response.status_code': 500, ratio: 0.25, ok: false, tags: ['a', 'b'], big: 2 ** 40 } });
  root.addEvent('exception', { 'exception.type': 'Error', 'exception.message': 'boom' }, t0 + 5);
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  const link: Link = { context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 }, attributes: { why: 'batch' } };
  const ctx = { traceId: root.spanContext().traceId, spanId: root.spanContext().spanId, traceFlags: 1 };
  const child = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, startTime: t0 + 1, links: [link] }, trace.setSpanContext(ROOT_CONTEXT, ctx));
  child.setStatus({ code: SpanStatusCode.OK });
  child.end(t0 + 3);
  root.end(t0 + 10);
  return exporter.getFinishedSpans();
}

test('decodes the real OTel JS protobuf serializer output; same model as its JSON serializer output', () => {
  const spans = realSpans();
  const bin = ProtobufTraceSerializer.serializeRequest(spans)!;
  const fromProto = parseTraceDocument(bin);
  assert.equal(fromProto.format, 'otlp-proto');
  assert.deepEqual(fromProto.warnings, []);
  const ss = fromProto.traces.flatMap(t => [...t.spans]);
  assert.equal(ss.length, 2);
  const root = ss.find(s => s.name === 'POST /checkout')!;
  const child = ss.find(s => s.name === 'SELECT orders')!;
  assert.equal(root.traceId, spans[0]!.spanContext().traceId);
  assert.equal(child.parentId, root.spanId);
  assert.equal(root.kind, 'server');
  assert.equal(child.kind, 'client');
  assert.equal(root.startNs, 1_700_000_000_123_000_000n);
  assert.equal(root.durationNs, 10_000_000);
  assert.equal(child.durationNs, 2_000_000);
  assert.deepEqual(root.status, { code: 'error', message: 'boom' });
  assert.deepEqual(child.status, { code: 'ok' });
  assert.equal(attr(root.attributes, 'http.response.status_code'), 500n);
  assert.equal(attr(root.attributes, 'ratio'), 0.25);
  assert.equal(attr(root.attributes, 'ok'), false);
  assert.equal(attr(root.attributes, 'big'), 2n ** 40n);
  assert.deepEqual(attr(root.attributes, 'tags'), { array: ['a', 'b'] });
  assert.equal(root.events[0]!.name, 'exception');
  assert.equal(root.events[0]!.timeNs, 1_700_000_000_128_000_000n);
  assert.deepEqual(child.links, [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', type: 'link', attributes: [{ key: 'why', value: 'batch' }] }]);
  assert.equal(root.resource.serviceName, 'checkout');
  assert.equal(attr(root.resource.attributes, 'host.cores'), 8n);
  assert.deepEqual(root.scope, { name: 'spanscope-test', version: '0.9.0', attributes: [] });
  assert.equal(root.flags, 1 + 0x100, 'W3C flags + has-is-remote bit as the SDK writes them');

  const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!);
  const fromJson = parseTraceDocument(json);
  assert.equal(fromJson.format, 'otlp');
  assert.deepEqual(fromProto.traces.map(t => t.spans), fromJson.traces.map(t => t.spans));
});

function strip(r: ParseResult): unknown {
  return r.traces.map(t => t.spans.map(s => { const { warnings: _w, shared: _s, ...rest } = s; return rest; }));
}

test('encodeOtlpProtobuf round trip: decode(encode(x)) = x for every real fixture', () => {
  const files = ['otlp/jaeger--memory-otel_traces_01.json', 'jaeger-v1/jaeger--ui_01.json', 'jaeger-v1/jaeger-ui--genaiTestTrace.json', 'zipkin/zipkin--messaging-kafka.json', 'otlp/jaeger--integration-span_tags_trace.json'];
  for (const f of files) {
    const first = parseTraceDocument(readFileSync(join(REAL_FIXTURES, f), 'utf8'));
    const bin = encodeOtlpProtobuf(first.traces);
    const second = parseTraceDocument(bin);
    assert.equal(second.format, 'otlp-proto');
    assert.deepEqual(strip(second), strip(first), f);
    // the pbjs-generated decoder reads our bytes too (same field numbers on both sides)
    const m = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.decode(bin);
    assert.equal(m.resourceSpans.flatMap(r => (r.scopeSpans ?? []).flatMap(s => s.spans ?? [])).length, first.traces.reduce((n, t) => n + t.spans.length, 0));
  }
});

test('hand-written decoder agrees with the generated decoder on the real serializer payload', () => {
  const bin = ProtobufTraceSerializer.serializeRequest(realSpans())!;
  const m = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.decode(bin);
  const gen = m.resourceSpans.flatMap(r => (r.scopeSpans ?? []).flatMap(s => s.spans ?? [])).map(s => s!);
  const ours = parseTraceDocument(bin).traces.flatMap(t => [...t.spans]);
  assert.deepEqual(ours.map(s => s.name), gen.map(s => s.name));
  const hex = (b: Uint8Array) => Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
  assert.deepEqual(ours.map(s => s.spanId), gen.map(s => hex(s.spanId!)));
  const ns = (v: unknown) => { const l = v as { low: number; high: number }; return (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0); };
  assert.deepEqual(ours.map(s => s.startNs), gen.map(s => ns(s.startTimeUnixNano)));
  assert.deepEqual(ours.map(s => s.attributes.length), gen.map(s => s.attributes!.length));
});

test('legacy instrumentation_library_spans (field 1000) and unknown fields are read', () => {
  const W = (globalThis as unknown as { Buffer: typeof Buffer }).Buffer;
  // Build: ResourceSpans{ 1000: InstrumentationLibrarySpans{ 1: {name:"old"}, 2: Span{...} }, 99: "x" }
  const span = opentelemetry.proto.trace.v1.Span.encode({ traceId: W.from('0102030405060708090a0b0c0d0e0f10', 'hex'), spanId: W.from('0102030405060708', 'hex'), name: 'legacy', startTimeUnixNano: { low: 1, high: 0, unsigned: true } as never, endTimeUnixNano: { low: 11, high: 0, unsigned: true } as never }).finish();
  const ils = opentelemetry.proto.trace.v1.InstrumentationLibrarySpans.encode({ instrumentationLibrary: { name: 'old-lib', version: '0.1' }, spans: [] }).finish();
  const ilsFull = W.concat([ils, W.from([0x12, span.length]), span]);
  const rs = W.concat([W.from([0xc2, 0x3e, ilsFull.length]), ilsFull, W.from([0x9a, 0x06, 0x01, 0x78])]);
  const req = W.concat([W.from([0x0a, rs.length]), rs]);
  const [s] = parseTraceDocument(new Uint8Array(req)).traces[0]!.spans;
  assert.equal(s!.name, 'legacy');
  assert.equal(s!.durationNs, 10);
  assert.deepEqual(s!.scope, { name: 'old-lib', version: '0.1', attributes: [] });
});

test('bad protobuf is a TraceParseError with a byte offset; a bad span among good ones warns', () => {
  const bin = ProtobufTraceSerializer.serializeRequest(realSpans())!;
  assert.throws(() => parseTraceDocument(bin.subarray(0, bin.length - 7)), (e: unknown) => e instanceof TraceParseError && /byte \d+/.test(e.path));
  assert.throws(() => parseTraceDocument(new Uint8Array([0x0b, 0x01])), TraceParseError);
  assert.throws(() => parseTraceDocument(new Uint8Array([0x1f, 0x8b, 0x08])), /gzip/);
  assert.throws(() => parseTraceDocument(new Uint8Array([])), /empty/);
  // a span without span_id between two good ones
  const good = opentelemetry.proto.trace.v1.Span.encode({ traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), name: 'g', startTimeUnixNano: { low: 5, high: 0 } as never }).finish();
  const bad = opentelemetry.proto.trace.v1.Span.encode({ traceId: new Uint8Array(16).fill(1), name: 'b' }).finish();
  const ss = (x: Uint8Array) => [0x12, x.length, ...x];
  const scope = [...ss(good), ...ss(bad), ...ss(good)];
  const rs = [0x12, scope.length, ...scope];
  const req = new Uint8Array([0x0a, rs.length, ...rs]);
  const r = parseTraceDocument(req);
  assert.equal(r.traces[0]!.spans.length, 2);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!.message, /span_id is missing/);
  assert.match(r.warnings[0]!.path, /^byte \d+$/);
});

test('ExportTraceServiceResponse encode/decode, checked against the OTel JS response deserializer', () => {
  assert.deepEqual(encodeExportTraceServiceResponse({}), new Uint8Array(0));
  const bytes = encodeExportTraceServiceResponse({ rejectedSpans: 3, errorMessage: 'too big' });
  assert.deepEqual(decodeExportTraceServiceResponse(bytes), { rejectedSpans: 3, errorMessage: 'too big' });
  assert.deepEqual(decodeExportTraceServiceResponse(new Uint8Array(0)), { rejectedSpans: 0, errorMessage: '' });
  const theirs = ProtobufTraceSerializer.deserializeResponse(bytes) as { partialSuccess?: { rejectedSpans?: unknown; errorMessage?: string } };
  assert.equal(Number(theirs.partialSuccess?.rejectedSpans), 3);
  assert.equal(theirs.partialSuccess?.errorMessage, 'too big');
});

test('the real OTLPTraceExporter (proto over HTTP) sends what we decode and accepts our ExportTraceServiceResponse', async () => {
  const bodies: Uint8Array[] = [];
  const server = createServer((req, res) => {
    const chunks: Uint8Array[] = [];
    req.on('data', (c: Uint8Array) => chunks.push(c));
    req.on('end', () => {
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const body = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) { body.set(c, o); o += c.length; }
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end(encodeExportTraceServiceResponse({ rejectedSpans: 0, errorMessage: '' }));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces`, compression: 'none' as never });
    const result = await new Promise<{ code: number; error?: Error }>(r => exporter.export(realSpans(), r));
    await exporter.shutdown();
    assert.equal(result.code, 0, `export failed: ${String(result.error)}`);
    assert.equal(bodies.length, 1);
    const parsed = parseTraceDocument(bodies[0]!);
    assert.equal(parsed.format, 'otlp-proto');
    assert.deepEqual(parsed.traces.flatMap(t => t.spans.map(s => s.name)).sort(), ['POST /checkout', 'SELECT orders']);
  } finally {
    await new Promise<void>(r => server.close(() => r()));
  }
});
