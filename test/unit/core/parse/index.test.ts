import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceDocument, detectFormat } from '../../../../src/core/parse/index';
import { encodeOtlpProtobuf } from '../../../../src/core/otlp/proto';
import { TraceParseError } from '../../../../src/core/model';
import { assertParseError, otlpDoc, otlpSpan } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);

test('bytes: UTF-8 JSON text (with or without BOM and leading blanks) is JSON, anything else protobuf', () => {
  const text = otlpDoc([otlpSpan()]);
  assert.equal(parseTraceDocument(enc(text)).format, 'otlp');
  assert.equal(parseTraceDocument(enc('\ufeff \n' + text)).format, 'otlp');
  const bin = encodeOtlpProtobuf(parseTraceDocument(text).traces);
  const r = parseTraceDocument(bin);
  assert.equal(r.format, 'otlp-proto');
  assert.equal(r.traces[0]!.spans[0]!.name, 'op');
  assert.equal(detectFormat(bin), 'otlp-proto');
  // '{' followed by invalid UTF-8: not JSON text, and not a valid protobuf either
  assertParseError(new Uint8Array([0x7b, 0xff, 0xfe]), /invalid OTLP protobuf/, /^byte \d+$/);
  assertParseError(enc('  \n\t'), /empty input/);
});

test('format option: named formats, protobuf only from bytes, unknown names refused', () => {
  const text = otlpDoc([otlpSpan()]);
  const bin = encodeOtlpProtobuf(parseTraceDocument(text).traces);
  assert.equal(parseTraceDocument(bin, { format: 'otlp-proto' }).traces.length, 1);
  assert.throws(() => parseTraceDocument(text, { format: 'otlp-proto' }), (e: unknown) => e instanceof TraceParseError && /must be bytes/.test(e.message));
  assert.throws(() => parseTraceDocument(bin, { format: 'otlp' }), (e: unknown) => e instanceof TraceParseError && /not UTF-8 JSON/.test(e.message));
  assert.throws(() => parseTraceDocument(text, { format: 'xml' as never }), (e: unknown) => e instanceof TraceParseError && /unknown format "xml"/.test(e.message));
  assert.throws(() => parseTraceDocument('[{"traceId":"1","id":"2","timestamp":1}]', { format: 'jaeger' }), TraceParseError);
});

test('syntax errors say line and column; truncated documents say so', () => {
  assert.throws(() => parseTraceDocument('{\n  "resourceSpans": [\n    x\n  ]\n}'), (e: unknown) => e instanceof TraceParseError && /not valid JSON/.test(e.message) && /line 3/.test(e.path));
  assert.throws(() => parseTraceDocument('{"data":[{"traceID":"1","spans":['), (e: unknown) => e instanceof TraceParseError && /truncated JSON/.test(e.message));
});

test('firstSyntaxErrorOffset finds the offending character', async () => {
  const { firstSyntaxErrorOffset } = await import('../../../../src/core/parse/json-text');
  assert.equal(firstSyntaxErrorOffset('{"a": [1, 2, x]}'), 13);
  assert.equal(firstSyntaxErrorOffset('{"a" 1}'), 5);
  assert.equal(firstSyntaxErrorOffset('[1,]'), 3);
  assert.equal(firstSyntaxErrorOffset('{"a":1}'), undefined);
  assert.equal(firstSyntaxErrorOffset('{"a":[{"b":"c"}, true, null, -1.5e3]} x'), 38);
  assert.equal(firstSyntaxErrorOffset('[1, 2'), undefined, 'truncated: no offending character');
  assert.equal(firstSyntaxErrorOffset('['.repeat(100000)), undefined, 'deep nesting does not overflow');
});
