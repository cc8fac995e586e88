import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr } from '../../../../src/core/model';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { allSpans } from './helpers';

function z(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: '463ac35c9f6413ad', id: '72485a3953bb6124', name: 'get', timestamp: 1700000000000000, duration: 2000, localEndpoint: { serviceName: 'web' }, ...over };
}

test('µs times, kinds, shared halves keep the span ID, missing parent = root, missing kind = internal', () => {
  const r = parseTraceDocument(JSON.stringify([
    z({ kind: 'CLIENT' }),
    z({ kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'api' }, parentId: undefined }),
    z({ id: '0000000000000003', parentId: '72485a3953bb6124' }),
  ]));
  assert.equal(r.format, 'zipkin');
  const [c, s, l] = r.traces[0]!.spans;
  assert.equal(c!.traceId, '0000000000000000463ac35c9f6413ad');
  assert.equal(c!.startNs, 1700000000000000000n);
  assert.equal(c!.durationNs, 2_000_000);
  assert.equal(c!.spanId, s!.spanId);
  assert.equal(s!.shared, true);
  assert.equal(c!.shared, undefined);
  assert.equal(c!.parentId, undefined);
  assert.equal(s!.kind, 'server');
  assert.equal(l!.kind, 'internal');
  assert.equal(l!.parentId, '72485a3953bb6124');
  assert.equal(s!.resource.serviceName, 'api');
});

test('error tag: empty string still an error; tags as string attributes; annotations → events; remote endpoint', () => {
  const [a, b, c] = allSpans(JSON.stringify([
    z({ tags: { error: '', 'http.status_code': '500' } }),
    z({ id: '0000000000000002', tags: { error: 'timeout' }, annotations: [{ timestamp: 1700000000000500, value: 'ws' }] }),
    z({ id: '0000000000000003', tags: { 'http.status_code': '500' }, remoteEndpoint: { serviceName: 'db', ipv4: '10.0.0.1', port: 5432 } }),
  ]));
  assert.deepEqual(a!.status, { code: 'error' });
  assert.equal(attr(a!.attributes, 'http.status_code'), '500');
  assert.deepEqual(b!.status, { code: 'error', message: 'timeout' });
  assert.deepEqual(b!.events, [{ timeNs: 1700000000000500000n, name: 'ws', attributes: [] }]);
  assert.equal(c!.status.code, 'unset', 'HTTP 500 alone is not an error');
  assert.equal(attr(c!.attributes, 'peer.service'), 'db');
  assert.equal(attr(c!.attributes, 'network.peer.port'), 5432n);
});

test('array of traces; traces in order of first appearance; bad span warned', () => {
  const r = parseTraceDocument(JSON.stringify([[z({ traceId: 'b' })], [z({ traceId: 'a' }), z({ traceId: 'b', id: '2' }), { id: 'x' }]]));
  assert.deepEqual(r.traces.map(t => [t.traceId.slice(-1), t.spans.length]), [['b', 2], ['a', 1]]);
  assert.deepEqual(r.warnings.map(w => w.path), ['$[1][2].traceId']);
  assert.deepEqual(parseTraceDocument('[]').traces, []);
});

test('a span without timestamp takes its twin or parent start, with a warning', () => {
  const [, s, c] = allSpans(JSON.stringify([
    z({ kind: 'CLIENT' }),
    z({ kind: 'SERVER', shared: true, timestamp: undefined, duration: undefined }),
    z({ id: '0000000000000009', parentId: '72485a3953bb6124', timestamp: undefined }),
  ]));
  assert.equal(s!.startNs, 1700000000000000000n);
  assert.match(s!.warnings![0]!, /same ID/);
  assert.equal(c!.startNs, 1700000000000000000n);
});
