import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr } from '../../../../src/core/model';
import { parseTraceDocument, detectFormat } from '../../../../src/core/parse/index';
import { T1, allSpans, assertParseError, fixture, otlpDoc, otlpSpan } from './helpers';

test('OTLP JSON: IDs, times in ns, kind and status ints, scope and resource shared', () => {
  const text = otlpDoc([otlpSpan(), otlpSpan({ spanId: 'B7AD6B7169203332', parentSpanId: 'b7ad6b7169203331', kind: 3, status: { code: 2, message: 'boom' } })]);
  const r = parseTraceDocument(text);
  assert.equal(r.format, 'otlp');
  assert.equal(r.traces.length, 1);
  const [a, b] = r.traces[0]!.spans;
  assert.equal(a!.traceId, T1);
  assert.equal(a!.startNs, 1700000000000000000n);
  assert.equal(a!.durationNs, 1_000_000);
  assert.equal(a!.kind, 'server');
  assert.equal(a!.parentId, undefined);
  assert.deepEqual(a!.status, { code: 'unset' });
  assert.equal(b!.spanId, 'b7ad6b7169203332');
  assert.equal(b!.parentId, 'b7ad6b7169203331');
  assert.deepEqual(b!.status, { code: 'error', message: 'boom' });
  assert.equal(a!.resource, b!.resource);
  assert.equal(a!.scope, b!.scope);
  assert.deepEqual(a!.scope, { name: 'lib', version: '1', attributes: [] });
  assert.equal(a!.resource.serviceName, 'svc');
});

test('Tempo v1 batches with legacy instrumentationLibrarySpans, base64 IDs, enum names, arrays and kvlists', () => {
  const r = parseTraceDocument(fixture('tempo-v1-batches-legacy-base64.json'));
  assert.equal(r.format, 'otlp');
  const [root, child] = r.traces[0]!.spans;
  assert.equal(root!.traceId, '000102030405060708090a0b0c0d0e0f');
  assert.equal(root!.spanId, '0000000000000001');
  assert.equal(child!.parentId, '0000000000000001');
  assert.equal(root!.kind, 'server');
  assert.equal(child!.kind, 'client');
  assert.deepEqual(root!.status, { code: 'error', message: 'payment declined' });
  assert.deepEqual(child!.status, { code: 'ok' });
  assert.deepEqual(root!.scope, { name: 'io.opentelemetry.spring-webmvc-6.0', version: '2.8.0', attributes: [] });
  assert.equal(attr(root!.attributes, 'http.response.status_code'), 500n);
  assert.deepEqual(attr(root!.attributes, 'retry.delays'), { array: [0.5, 1.5] });
  assert.deepEqual(attr(root!.attributes, 'nested'), { kvlist: [{ key: 'list', value: { array: ['a', { kvlist: [{ key: 'deep', value: -9223372036854775808n }] }] } }] });
  assert.deepEqual(attr(root!.attributes, 'payload'), { bytes: '3q2+7w==' });
  assert.equal(attr(root!.attributes, 'empty'), '');
  assert.deepEqual(attr(root!.resource.attributes, 'host.ports'), { array: [8080n, 9090n] });
  assert.deepEqual(attr(root!.resource.attributes, 'k8s'), { kvlist: [{ key: 'pod', value: 'checkout-7d9' }, { key: 'ready', value: true }] });
  assert.equal(child!.events[0]!.name, 'retry');
  assert.equal(child!.events[0]!.timeNs, 1700000000015000000n);
  assert.deepEqual(child!.links, [{ traceId: 'ffffffffffffffffffffffffffffffff', spanId: 'ffffffffffffffff', type: 'link', attributes: [{ key: 'link.reason', value: 'batch' }] }]);
  // a JSON number for an int64 time loses precision in JSON.parse itself; we keep what arrives
  const diff = child!.startNs - 1700000000010000000n;
  assert.ok(diff > -1000n && diff < 1000n);
});

test('Tempo v2 {trace:…} and an empty trace (Tempo v2 not found)', () => {
  const r = parseTraceDocument(fixture('tempo-v2-trace-partial.json'));
  assert.equal(r.format, 'otlp');
  assert.equal(r.traces[0]!.traceId, '00000000000000000000000000000001');
  assert.equal(r.traces[0]!.spans[0]!.status.code, 'unset');
  assert.deepEqual(parseTraceDocument('{"trace":{}}').traces, []);
});

test('snake_case proto field names (Grafana/Tempo paths)', () => {
  const [s] = allSpans(fixture('grafana-snake-case.json'));
  assert.equal(s!.traceId, '00000000000000000000000000000002');
  assert.equal(s!.spanId, '0000000000000003');
  assert.equal(s!.parentId, '0000000000000004');
  assert.equal(s!.kind, 'client');
  assert.equal(s!.resource.serviceName, 'db-proxy');
  assert.equal(attr(s!.attributes, 'db.rows'), 7n);
  assert.equal(attr(s!.attributes, 'cached'), false);
  assert.deepEqual(attr(s!.attributes, 'tags'), { array: ['x'] });
  assert.deepEqual(s!.status, { code: 'error', message: 'timeout' });
  assert.equal(s!.scope?.version, '1.0');
});

test('ExportTraceServiceRequest JSON Lines: several documents, traces in order of first appearance', () => {
  const t2 = 'ffffffffffffffffffffffffffffff01';
  const lines = [
    otlpDoc([otlpSpan({ traceId: t2, spanId: '0000000000000001' })]),
    otlpDoc([otlpSpan({ spanId: '0000000000000002' })]),
    '',
    otlpDoc([otlpSpan({ traceId: t2, spanId: '0000000000000003' })]),
  ].join('\n');
  const r = parseTraceDocument(lines);
  assert.deepEqual(r.traces.map(t => [t.traceId, t.spans.map(s => s.spanId)]), [
    [t2, ['0000000000000001', '0000000000000003']],
    [T1, ['0000000000000002']],
  ]);
  assertParseError(lines + '\n{"resourceSpans": [', /truncated JSON|not valid JSON/, /^line 5/);
});

test('one bad span among good ones: kept good ones, a warning with the JSON path', () => {
  const r = parseTraceDocument(otlpDoc([otlpSpan(), otlpSpan({ spanId: 42 }), otlpSpan({ spanId: '0000000000000000' }), 'nope']));
  assert.equal(r.traces[0]!.spans.length, 1);
  assert.deepEqual(r.warnings.map(w => w.path), [
    '$.resourceSpans[0].scopeSpans[0].spans[1].spanId',
    '$.resourceSpans[0].scopeSpans[0].spans[2].spanId',
    '$.resourceSpans[0].scopeSpans[0].spans[3]',
  ]);
  assert.match(r.warnings[0]!.message, /spanId must be a string/);
});

test('all spans bad → TraceParseError at the first one; bad attribute → warning, span kept', () => {
  assertParseError(otlpDoc([otlpSpan({ startTimeUnixNano: 'yesterday' })]), /no readable span: startTimeUnixNano is not an unsigned integer/, '$.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano');
  const r = parseTraceDocument(otlpDoc([otlpSpan({ attributes: [{ key: 'ok', value: { intValue: '1' } }, { key: 'bad', value: { intValue: 'x' } }, { nokey: 1 }] })]));
  assert.deepEqual(r.traces[0]!.spans[0]!.attributes, [{ key: 'ok', value: 1n }]);
  assert.deepEqual(r.warnings.map(w => w.path), ['$.resourceSpans[0].scopeSpans[0].spans[0].attributes[1]', '$.resourceSpans[0].scopeSpans[0].spans[0].attributes[2]']);
});

test('wrong shapes are TraceParseErrors with a path', () => {
  assertParseError('{"resourceSpans": 5}', /expected array/, '$.resourceSpans');
  assertParseError('', /empty input/);
  assertParseError('   \n ', /empty input/);
  assertParseError('{"resourceSpans": [', /truncated JSON/);
  assertParseError('hello', /not valid JSON/);
  assertParseError('{"foo": 1}', /unknown trace format.*"foo"/, '$');
  assertParseError('42', /unknown trace format/);
  assertParseError('{"error":{"httpCode":404,"message":"trace not found"}}', /error response.*trace not found/);
  const r = parseTraceDocument('{"resourceSpans":[{"scopeSpans":"x"}, {"scopeSpans":[{"spans":[' + JSON.stringify(otlpSpan()) + ']}]}]}');
  assert.equal(r.traces.length, 1);
  assert.equal(r.warnings[0]!.path, '$.resourceSpans[0].scopeSpans');
  assert.equal(r.traces[0]!.spans[0]!.resource.serviceName, 'unknown_service');
});

test('times: missing end → duration 0 with a span warning; end before start too; numbers accepted', () => {
  const [a, b, c] = allSpans(otlpDoc([
    otlpSpan({ endTimeUnixNano: undefined }),
    otlpSpan({ spanId: '0000000000000002', endTimeUnixNano: '1' }),
    otlpSpan({ spanId: '0000000000000003', startTimeUnixNano: 1000, endTimeUnixNano: 3500 }),
  ]));
  assert.equal(a!.durationNs, 0);
  assert.match(a!.warnings![0]!, /endTimeUnixNano is missing/);
  assert.equal(b!.durationNs, 0);
  assert.match(b!.warnings![0]!, /before/);
  assert.equal(c!.startNs, 1000n);
  assert.equal(c!.durationNs, 2500);
});

test('links typed with opentracing.ref_type (Jaeger OTLP translator) and a FOLLOWS_FROM parent', () => {
  const [s] = allSpans(otlpDoc([otlpSpan({
    parentSpanId: '00000000000000aa',
    links: [
      { traceId: T1, spanId: '00000000000000aa', attributes: [{ key: 'opentracing.ref_type', value: { stringValue: 'follows_from' } }] },
      { traceId: 'ab'.repeat(16), spanId: '00000000000000bb', traceState: 'k=v', attributes: [{ key: 'opentracing.ref_type', value: { stringValue: 'child_of' } }] },
    ],
  })]));
  assert.equal(s!.parentRefType, 'follows_from');
  assert.deepEqual(s!.links, [{ traceId: 'ab'.repeat(16), spanId: '00000000000000bb', type: 'child_of', attributes: [], traceState: 'k=v' }]);
});

test('detectFormat', () => {
  assert.equal(detectFormat(otlpDoc([])), 'otlp');
  assert.equal(detectFormat('{"result":{"resourceSpans":[]}}'), 'jaeger-v3');
  assert.equal(detectFormat('{"batches":[]}'), 'otlp');
  assert.equal(detectFormat('{"data":[]}'), 'jaeger');
  assert.equal(detectFormat('[{"traceID":"1","spanID":"2"}]'), 'jaeger');
  assert.equal(detectFormat('[{"traceId":"1","id":"2"}]'), 'zipkin');
  assert.equal(detectFormat('[[{"traceId":"1","id":"2"}]]'), 'zipkin');
  assert.equal(detectFormat(new TextEncoder().encode('\ufeff{"resourceSpans":[]}')), 'otlp');
  assert.equal(detectFormat(new Uint8Array([0x0a, 0x00])), 'otlp-proto');
});

test('an explicit format skips detection but still validates', () => {
  assert.equal(parseTraceDocument(otlpDoc([otlpSpan()]), { format: 'otlp' }).traces.length, 1);
  assert.throws(() => parseTraceDocument('{"data":[]}', { format: 'otlp' }), /not an OTLP trace document/);
}, );

test('durations from decimal strings are exact (fast path and bigint path agree)', async () => {
  const fc = (await import('fast-check')).default;
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 63n) }), fc.bigInt({ min: 0n, max: 1n << 52n }), (start, dur) => {
    const end = start + dur;
    const [s] = allSpans(otlpDoc([otlpSpan({ startTimeUnixNano: start.toString(), endTimeUnixNano: end.toString() })]));
    assert.equal(s!.startNs, start);
    assert.equal(s!.durationNs, Number(dur));
  }), { numRuns: 300 });
  // carries across the 15-digit boundary and length changes
  for (const [a, b] of [['1699999999999999999', '1700000000000000001'], ['999999999999999999', '1000000000000000000'], ['1700000000000000000', '1700000000000000000']]) {
    const [s] = allSpans(otlpDoc([otlpSpan({ startTimeUnixNano: a, endTimeUnixNano: b })]));
    assert.equal(s!.durationNs, Number(BigInt(b!) - BigInt(a!)));
  }
});

test('shared attribute objects keep values exact: -0 and 0, 1 and 1n and "1" stay distinct', () => {
  const kv = (v: unknown) => [{ key: 'x', value: v }];
  const spans = allSpans(otlpDoc([
    otlpSpan({ spanId: '0000000000000001', attributes: kv({ doubleValue: 0 }) }),
    otlpSpan({ spanId: '0000000000000002', attributes: kv({ doubleValue: '-0' }) }), // JSON.stringify would write -0 as 0
    otlpSpan({ spanId: '0000000000000003', attributes: kv({ intValue: '1' }) }),
    otlpSpan({ spanId: '0000000000000004', attributes: kv({ stringValue: '1' }) }),
    otlpSpan({ spanId: '0000000000000005', attributes: kv({ doubleValue: 1 }) }),
    otlpSpan({ spanId: '0000000000000006', attributes: kv({ intValue: 1 }) }),
    otlpSpan({ spanId: '0000000000000007', attributes: kv({ stringValue: '1' }) }),
  ]));
  const values = spans.map(s => s.attributes[0]!.value);
  assert.ok(Object.is(values[0], 0) && Object.is(values[1], -0));
  assert.deepEqual(values.slice(2), [1n, '1', 1, 1n, '1']);
  assert.equal(spans[3]!.attributes[0], spans[6]!.attributes[0], 'equal scalar attributes are one shared object');
});
