import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParseResult, Span } from '../../../../src/core/model';
import { summarize, summaryTraces } from '../../../../src/backends/receiver/summaries';

const res = (serviceName: string) => ({ serviceName, attributes: [] });
function span(spanId: string, o: Partial<Span> = {}): Span {
  return {
    traceId: 'a'.repeat(32), spanId, name: 'op', kind: 'server', resource: res('svc'), status: { code: 'unset' },
    startNs: 1_767_000_000_123_456_789n, durationNs: 42, attributes: [{ key: 'k', value: 'v' }], events: [], links: [], ...o,
  };
}

test('summaries carry exactly what the store indexes, through the columnar form', () => {
  const spans = [
    span('00000000000000a1', { name: 'GET /', resource: res('gateway') }),
    span('00000000000000a2', { parentId: '00000000000000a1', status: { code: 'error', message: 'x' }, startNs: 18_446_744_073_709_551_615n, durationNs: 2 ** 52 }),
    span('opaque-span-id-longer-than-16', { parentId: '00000000000000a2', name: 'ünïcode 🚀' }),
  ];
  const result: ParseResult = {
    format: 'otlp-proto',
    traces: [{ traceId: 'a'.repeat(32), spans, format: 'otlp-proto', warnings: [] }, { traceId: 'b'.repeat(32), spans: [span('00000000000000b1', { traceId: 'b'.repeat(32) })], format: 'otlp-proto', warnings: [] }],
    warnings: [{ path: '$.x', message: 'span skipped: bad' }, { path: '$.y', message: 'other' }],
  };
  const batch = structuredClone(summarize(result));
  assert.equal(batch.skipped, 1);
  const back = summaryTraces(batch, 'otlp-proto');
  assert.deepEqual(back.map(t => t.traceId), ['a'.repeat(32), 'b'.repeat(32)]);
  const project = (s: Span) => ({ spanId: s.spanId, parentId: s.parentId, name: s.name, service: s.resource.serviceName, startNs: s.startNs, durationNs: s.durationNs, error: s.status.code === 'error' });
  assert.deepEqual(back[0]!.spans.map(project), spans.map(project));
  assert.equal(back[0]!.spans[0]!.parentId, undefined);
  assert.equal('parentId' in back[0]!.spans[0]!, false);
});
