// The Backends view and the Traces search form over a backend manager: health → status, the form's fields →
// the backend's query (tags, TraceQL, time range), results → rows, a result opened through TraceService.
import '../../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, MemoryMemento, CancellationTokenSource } from '../../../support/host/fakeVscode';
import { trace } from '../../../support/builders';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { encodeCompactTrace } from '../../../../src/protocol/compact';
import { TraceService } from '../../../../src/host/traces/traceService';
import { backendsSource, parseTags, type BackendManagerLike } from '../../../../src/host/sidebar/backendsAdapter';

test('tags and TraceQL from the form', () => {
  assert.deepEqual(parseTags('http.status_code=500 error=true'), { tags: { 'http.status_code': '500', error: 'true' } });
  assert.deepEqual(parseTags('msg="a b"'), { tags: { msg: 'a b' } });
  assert.deepEqual(parseTags('{ span.http.status_code = 500 }'), { traceql: '{ span.http.status_code = 500 }' });
  assert.deepEqual(parseTags('  '), {});
});

test('list, search and open through a backend manager', async () => {
  const queries: unknown[] = [];
  const t = trace([{ id: 'r', name: 'GET /', service: 'gateway', dur: 50 }]);
  const manager: BackendManagerLike = {
    onDidChange: new EventEmitter<unknown>().event,
    healthSnapshot: () => [
      { config: { name: 'local', type: 'jaeger', url: 'http://127.0.0.1:16686' }, displayName: 'Jaeger (local)', health: { reachable: true, version: '1.76', latencyMs: 12.4 } },
      { config: { name: 'tempo', type: 'tempo', url: 'http://tempo:3200' }, displayName: 'Tempo', health: { reachable: false, lastError: 'connection refused' } },
      { config: { name: 'z', type: 'zipkin', url: 'http://z' }, displayName: 'Zipkin (z)', health: undefined },
    ],
    byName: name => (name === 'local' ? {
      config: { name: 'local', type: 'jaeger', url: 'x' }, displayName: 'Jaeger (local)',
      search: async q => { queries.push(q); return [{ traceId: t.traceId, rootService: 'gateway', rootName: 'GET /', durationMs: 50, spanCount: 1, startNs: 1_000_000_000_000n }]; },
      services: async () => ['gateway'],
    } : undefined),
    findTrace: async (traceId, opts) => ({ trace: { ...t, traceId }, source: 'Jaeger (local)', ...(opts.onlyBackend ? { backendName: opts.onlyBackend } : {}) }),
  };
  const traces = new TraceService(new MemoryMemento());
  const src = backendsSource(manager, tr => ({ summary: { traceId: tr.traceId }, compact: encodeCompactTrace(analyzeTrace(tr)) }), traces, () => 2_000_000);
  assert.deepEqual(src.list().map(b => [b.id, b.status, b.detail]), [['local', 'ok', '1.76 · 12 ms'], ['tempo', 'error', 'connection refused'], ['z', 'unknown', 'http://z']]);
  const token = new CancellationTokenSource().token as never;
  assert.deepEqual(await src.services!('local', token), ['gateway']);
  const results = await src.search!('local', { service: 'gateway', tags: 'error=true', minDurationMs: 10, lookbackMinutes: 15, limit: 20 }, token);
  assert.deepEqual(results, [{ traceId: t.traceId, rootService: 'gateway', rootName: 'GET /', durationNs: 50e6, spanCount: 1, errorCount: 0, startMs: 1_000_000 }]);
  const q = queries[0] as { start: Date; end: Date; tags: unknown; limit: number; service: string };
  assert.equal(q.end.getTime() - q.start.getTime(), 15 * 60_000);
  assert.deepEqual([q.service, q.tags, q.limit], ['gateway', { error: 'true' }, 20]);
  assert.deepEqual(await src.search!('nope', { lookbackMinutes: 1, limit: 1 }, token), []);
  const fetched = await src.fetch!('local', 'ab', token);
  assert.equal(fetched.summary.traceId, 'ab', 'fetched and prepared, not opened');
  const active = () => traces.active;
  assert.equal(active(), undefined);
  await src.open!('local', t.traceId);
  assert.equal(active()?.source.kind, 'backend');
  assert.equal(active()?.source.backend, 'local');
  traces.dispose();
});
