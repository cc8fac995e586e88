import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr } from '../../../../src/core/model';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { allSpans, assertParseError } from './helpers';

const TID = '00000000000000000000000000000abc';
function jspan(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceID: 'abc', spanID: '1', operationName: 'op', references: [], startTime: 1700000000000001, duration: 1500, tags: [], logs: [], processID: 'p1', ...over };
}
const env = (spans: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ data: [{ traceID: 'abc', spans, processes: { p1: { serviceName: 'api', tags: [{ key: 'host.name', type: 'string', value: 'h1' }] } }, ...extra }], total: 0, limit: 0, offset: 0, errors: null });

test('envelope: IDs padded, µs → ns, process → shared resource with service.name', () => {
  const r = parseTraceDocument(env([jspan(), jspan({ spanID: '2', references: [{ refType: 'CHILD_OF', traceID: 'abc', spanID: '1' }] })]));
  assert.equal(r.format, 'jaeger');
  const [a, b] = r.traces[0]!.spans;
  assert.equal(a!.traceId, TID);
  assert.equal(a!.spanId, '0000000000000001');
  assert.equal(a!.startNs, 1700000000000001000n);
  assert.equal(a!.durationNs, 1_500_000);
  assert.equal(b!.parentId, '0000000000000001');
  assert.equal(a!.resource, b!.resource);
  assert.deepEqual(a!.resource, { serviceName: 'api', attributes: [{ key: 'service.name', value: 'api' }, { key: 'host.name', value: 'h1' }] });
});

test('tags: typed values, int64 above 2^53 as a string, binary, error "true", OTel tags lifted out', () => {
  const [s] = allSpans(env([jspan({ tags: [
    { key: 'big', type: 'int64', value: '9223372036854775807' },
    { key: 'n', type: 'int64', value: 42 },
    { key: 'f', type: 'float64', value: 1.5 },
    { key: 'b', type: 'binary', value: 'AAAwOQ==' },
    { key: 'error', type: 'bool', value: 'true' },
    { key: 'http.status_code', type: 'int64', value: 500 },
    { key: 'span.kind', type: 'string', value: 'client' },
    { key: 'otel.scope.name', type: 'string', value: 'lib' },
    { key: 'otel.scope.version', type: 'string', value: '2' },
    { key: 'otel.status_description', type: 'string', value: 'bad' },
  ] })]));
  assert.equal(attr(s!.attributes, 'big'), 9223372036854775807n);
  assert.equal(attr(s!.attributes, 'n'), 42n);
  assert.equal(attr(s!.attributes, 'f'), 1.5);
  assert.deepEqual(attr(s!.attributes, 'b'), { bytes: 'AAAwOQ==' });
  assert.equal(attr(s!.attributes, 'error'), true);
  assert.equal(attr(s!.attributes, 'span.kind'), undefined);
  assert.equal(attr(s!.attributes, 'otel.scope.name'), undefined);
  assert.equal(s!.kind, 'client');
  assert.deepEqual(s!.scope, { name: 'lib', version: '2', attributes: [] });
  assert.deepEqual(s!.status, { code: 'error', message: 'bad' });
});

test('status: HTTP 500 alone is not an error; otel.status_code wins over the error tag', () => {
  const [a, b] = allSpans(env([
    jspan({ tags: [{ key: 'http.status_code', type: 'int64', value: 500 }] }),
    jspan({ spanID: '2', tags: [{ key: 'error', type: 'bool', value: true }, { key: 'otel.status_code', type: 'string', value: 'OK' }] }),
  ]));
  assert.equal(a!.status.code, 'unset');
  assert.equal(b!.status.code, 'ok');
});

test('references: FOLLOWS_FROM parent, other refs become typed links, cross-trace refs', () => {
  const [s, t] = allSpans(env([
    jspan({ spanID: '5', references: [{ refType: 'FOLLOWS_FROM', traceID: 'abc', spanID: '1' }, { refType: 'FOLLOWS_FROM', traceID: 'def', spanID: '9' }] }),
    jspan({ spanID: '6', references: [{ refType: 'FOLLOWS_FROM', traceID: 'abc', spanID: '2' }, { refType: 'CHILD_OF', traceID: 'abc', spanID: '1' }] }),
  ]));
  assert.equal(s!.parentId, '0000000000000001');
  assert.equal(s!.parentRefType, 'follows_from');
  assert.deepEqual(s!.links, [{ traceId: '00000000000000000000000000000def', spanId: '0000000000000009', type: 'follows_from', attributes: [] }]);
  assert.equal(t!.parentId, '0000000000000001', 'CHILD_OF wins over an earlier FOLLOWS_FROM');
  assert.equal(t!.parentRefType, undefined);
  assert.deepEqual(t!.links.map(l => [l.spanId, l.type]), [['0000000000000002', 'follows_from']]);
});

test('logs → events named by the event field; bare span array with inline process', () => {
  const [s] = allSpans(env([jspan({ logs: [{ timestamp: 1700000000000002, fields: [{ key: 'event', type: 'string', value: 'retry' }, { key: 'n', type: 'int64', value: 2 }] }] })]));
  assert.deepEqual(s!.events, [{ timeNs: 1700000000000002000n, name: 'retry', attributes: [{ key: 'n', value: 2n }] }]);
  const dump = parseTraceDocument(JSON.stringify([{ ...jspan(), processID: undefined, process: { serviceName: 'inline', tags: [] } }]));
  assert.equal(dump.format, 'jaeger');
  assert.equal(dump.traces[0]!.spans[0]!.resource.serviceName, 'inline');
});

test('missing process, bad spans, errors in the envelope', () => {
  const r = parseTraceDocument(env([jspan({ processID: 'p9' }), jspan({ spanID: 7 }), jspan({ startTime: 'x' })]));
  assert.equal(r.traces[0]!.spans.length, 1);
  assert.equal(r.traces[0]!.spans[0]!.resource.serviceName, 'unknown_service');
  assert.match(r.traces[0]!.spans[0]!.warnings![0]!, /process "p9"|process a string/);
  assert.deepEqual(r.warnings.map(w => w.path), ['$.data[0].spans[1].spanID', '$.data[0].spans[2].startTime']);
  assertParseError('{"data":[{"spans":5}]}', /expected an array of spans/, '$.data[0].spans');
  assertParseError('{"data":"x"}', /Jaeger envelope/, '$.data');
  assert.deepEqual(parseTraceDocument('{"data":[],"errors":null}').traces, []);
  assert.deepEqual(parseTraceDocument('{"data":null}').traces, []);
});

test('a trace with several trace IDs and trace warnings', () => {
  const r = parseTraceDocument(env([jspan(), jspan({ traceID: 'def', spanID: '2' })], { warnings: ['clock skew adjusted'] }));
  assert.deepEqual(r.traces.map(t => t.traceId), [TID, '00000000000000000000000000000def']);
  assert.deepEqual(r.traces[0]!.warnings, ['clock skew adjusted']);
});
