import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { encodeExportResponse, encodeStatus } from '../../../../src/backends/receiver/wire';

// An independent decoder built from the .proto definitions (opentelemetry-proto and googleapis).
const root = protobuf.parse(`
syntax = "proto3";
package t;
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message Status { int32 code = 1; string message = 2; }
`).root;
const Response = root.lookupType('t.ExportTraceServiceResponse');
const Status = root.lookupType('t.Status');

test('ExportTraceServiceResponse protobuf: empty on full success, partialSuccess otherwise', () => {
  assert.equal(encodeExportResponse(undefined, 'proto').length, 0);
  const bytes = encodeExportResponse({ rejectedSpans: 300, errorMessage: '300 span(s) refused: ünïcode' }, 'proto');
  const msg = Response.toObject(Response.decode(bytes), { longs: String });
  assert.deepEqual(msg, { partialSuccess: { rejectedSpans: '300', errorMessage: '300 span(s) refused: ünïcode' } });
});

test('ExportTraceServiceResponse JSON: {} or partialSuccess with int64 as a string', () => {
  assert.deepEqual(JSON.parse(encodeExportResponse(undefined, 'json').toString()), {});
  assert.deepEqual(JSON.parse(encodeExportResponse({ rejectedSpans: 2, errorMessage: 'bad ids' }, 'json').toString()),
    { partialSuccess: { rejectedSpans: '2', errorMessage: 'bad ids' } });
});

test('google.rpc.Status in both encodings', () => {
  const msg = Status.toObject(Status.decode(encodeStatus(3, 'invalid OTLP protobuf', 'proto')));
  assert.deepEqual(msg, { code: 3, message: 'invalid OTLP protobuf' });
  assert.deepEqual(JSON.parse(encodeStatus(14, 'later', 'json').toString()), { code: 14, message: 'later' });
});
