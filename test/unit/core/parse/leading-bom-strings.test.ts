// A string whose first character is U+FEFF (a byte-order mark copied into a log message, a name read from a file
// saved with one) is data like any other character. The whole-document JSON parser keeps it (JSON.parse does);
// every other reader of the same spans must keep it too: the streamed JSON reader, the protobuf decoder, and the
// receiver's JSON → protobuf transcoder with the index it builds. A TextDecoder with its default options drops a
// leading byte-order mark from whatever it decodes, which is right for a document and wrong for a field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Span } from '../../../../src/core/model';
import { encodeOtlpProtobuf } from '../../../../src/core/otlp/proto';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { decodeOtlpProtobuf, indexOtlpProtobuf, indexedSpanName } from '../../../../src/core/parse/otlp-proto';
import { transcodeOtlpJson } from '../../../../src/core/parse/otlp-json-transcode';
import { parseTraceChunks } from '../../../../src/core/parse/stream';
import { otlpSpan } from './helpers';

const BOM = '\ufeff';
const enc = new TextEncoder();

const otlp = JSON.stringify({
  resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: `${BOM}checkout` } }] },
    scopeSpans: [{ scope: { name: `${BOM}lib` }, spans: [otlpSpan({ name: `${BOM}GET /cart`, attributes: [{ key: `${BOM}k`, value: { stringValue: `${BOM}v` } }] })] }],
  }],
});
const jaeger = JSON.stringify({
  data: [{
    traceID: '0af7651916cd43dd8448eb211c80319c',
    spans: [{ traceID: '0af7651916cd43dd8448eb211c80319c', spanID: 'b7ad6b7169203331', operationName: `${BOM}GET /cart`, references: [], startTime: 1700000000000000, duration: 1000, tags: [{ key: 'k', type: 'string', value: `${BOM}v` }], logs: [], processID: 'p1' }],
    processes: { p1: { serviceName: `${BOM}checkout`, tags: [] } },
  }],
});

function only(spans: readonly Span[]): Span {
  assert.equal(spans.length, 1);
  return spans[0]!;
}

function assertKept(span: Span, label: string, scope = true): void {
  assert.equal(span.name, `${BOM}GET /cart`, `${label}: span name`);
  assert.equal(span.resource.serviceName, `${BOM}checkout`, `${label}: service name`);
  const values = span.attributes.map(a => a.value);
  assert.ok(values.includes(`${BOM}v`), `${label}: attribute value (${JSON.stringify(values)})`);
  if (scope) assert.equal(span.scope?.name, `${BOM}lib`, `${label}: scope name`);
}

test('a string that begins with U+FEFF keeps it in the whole, streamed and protobuf readers', () => {
  const whole = only(parseTraceDocument(otlp).traces[0]!.spans);
  assertKept(whole, 'whole OTLP JSON');
  for (const size of [1, 7, 64, 1 << 20]) {
    const bytes = enc.encode(otlp);
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < bytes.length; o += size) chunks.push(bytes.subarray(o, o + size));
    assertKept(only(parseTraceChunks(chunks).traces[0]!.spans), `streamed OTLP JSON in chunks of ${size}`);
    const j = enc.encode(jaeger);
    const jc: Uint8Array[] = [];
    for (let o = 0; o < j.length; o += size) jc.push(j.subarray(o, o + size));
    assertKept(only(parseTraceChunks(jc).traces[0]!.spans), `streamed Jaeger JSON in chunks of ${size}`, false);
  }
  assertKept(only(parseTraceDocument(jaeger).traces[0]!.spans), 'whole Jaeger JSON', false);
  assertKept(only(decodeOtlpProtobuf(encodeOtlpProtobuf(parseTraceDocument(otlp).traces)).traces[0]!.spans), 'OTLP protobuf');
});

test('the receiver\'s transcoder and its index keep a leading U+FEFF in names and the service', () => {
  const fast = transcodeOtlpJson(enc.encode(otlp));
  assert.ok(fast, 'the fast path took the request');
  assertKept(only(decodeOtlpProtobuf(fast.bytes).traces[0]!.spans), 'transcoded');
  assert.deepEqual(fast.index.strings, [`${BOM}checkout`]);
  assert.equal(indexedSpanName(fast.bytes, fast.index, 0), `${BOM}GET /cart`);
  assert.deepEqual(indexOtlpProtobuf(fast.bytes).strings, [`${BOM}checkout`]);
});
