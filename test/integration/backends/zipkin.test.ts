// The Zipkin client against a real Zipkin server (in-memory), fed by the OTel JS SDK's Zipkin exporter and by
// hand-written spans through POST /api/v2/spans; findTraceInBackends across several sources.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { ZipkinBackend } from '../../../src/backends/zipkin/client';
import { findTraceInBackends, TraceNotFoundError } from '../../../src/backends/registry';
import { ConnectionRefusedError, MalformedBodyError, ServerError, UnauthorizedError } from '../../../src/backends/http/errors';
import { parseTraceIdInput } from '../../../src/core/trace-id-input';
import { startFaultProxy, type FaultProxy } from '../../support/backends/fault-proxy';
import { freePort, startZipkin, stopAll, untilReadable, ZIPKIN_SKIP, type RunningServer } from '../../support/backends/servers';
import { assertReadBack, emitTrace, idForms, type EmittedTrace } from '../../support/backends/emit';

describe('Zipkin (real server)', { skip: ZIPKIN_SKIP }, () => {
  let server: RunningServer;
  let proxy: FaultProxy;
  let zipkin: ZipkinBackend;
  let sdkTrace: EmittedTrace;
  let sdkTrace64: EmittedTrace;
  const service = `payments-${process.pid}`;
  const posted = { traceId: '5af7183fb1d4cf5f', root: '6b221d5bc9e6496c', child: '352bff9a74ca9ad2' };

  before(async () => {
    server = await startZipkin();
    proxy = await startFaultProxy(server.url);
    const exporter = () => new ZipkinExporter({ url: `${server.ingestUrl}/api/v2/spans`, serviceName: service });
    sdkTrace = await emitTrace(exporter(), service, { tag: 'one' });
    sdkTrace64 = await emitTrace(exporter(), service, { bits64: true, tag: 'two' });
    // Hand-written v2 spans: client and server halves of one RPC share an ID (shared: true on the server half).
    const nowUs = Date.now() * 1000;
    const spans = [
      { traceId: posted.traceId, id: posted.root, name: 'get /api', kind: 'SERVER', timestamp: nowUs - 50_000, duration: 40_000, localEndpoint: { serviceName: 'frontend' }, tags: { 'http.path': '/api' } },
      { traceId: posted.traceId, parentId: posted.root, id: posted.child, name: 'get', kind: 'CLIENT', timestamp: nowUs - 45_000, duration: 30_000, localEndpoint: { serviceName: 'frontend' }, remoteEndpoint: { serviceName: 'backend' } },
      { traceId: posted.traceId, parentId: posted.root, id: posted.child, name: 'get', kind: 'SERVER', shared: true, timestamp: nowUs - 44_000, duration: 28_000, localEndpoint: { serviceName: 'backend' }, tags: { error: '' } },
    ];
    const res = await fetch(`${server.url}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spans) });
    assert.equal(res.status, 202);
    zipkin = new ZipkinBackend({ name: 'local', type: 'zipkin', url: server.url });
    await untilReadable(zipkin, [sdkTrace.traceId, sdkTrace64.traceId, posted.traceId.padStart(32, '0')]);
  });
  after(() => stopAll(zipkin, proxy, server));

  test('get trace sent by the OTel Zipkin exporter', async () => {
    const got = await zipkin.getTrace(sdkTrace.traceId);
    assert.equal(got.backend, 'Zipkin (local)');
    assertReadBack(got.trace, sdkTrace);
  });

  test('get the hand-posted trace: shared client/server spans, 64-bit ID', async () => {
    const got = await zipkin.getTrace(posted.traceId.padStart(32, '0'));
    assert.equal(got.trace.spans.length, 3);
    assert.equal(got.trace.spans.filter(s => s.spanId === posted.child).length, 2);
    assert.ok(got.trace.spans.some(s => s.shared));
  });

  for (const which of ['128-bit', '64-bit'] as const) {
    test(`found by ID in every accepted form (${which} trace ID)`, async () => {
      const t = which === '128-bit' ? sdkTrace : sdkTrace64;
      for (const f of idForms(t, { jaeger: 'http://localhost:16686', zipkin: server.url, tempo: 'http://tempo:3200', grafana: 'http://localhost:3000' })) {
        const input = parseTraceIdInput(f.text);
        assert.equal(input.traceId, t.traceId, f.label);
        const found = await findTraceInBackends(input.traceId, [zipkin]);
        assert.equal(found.source, 'Zipkin (local)', f.label);
        assert.equal(found.trace.spans.length, 3, f.label);
      }
    });
  }

  test('search by service, span name, annotationQuery and duration; services, span names, dependencies', async () => {
    // Zipkin accepts spans (202) before they are searchable: wait briefly for both traces to be indexed.
    let all = await zipkin.search({ service });
    for (let i = 0; i < 25 && !(all.some(s => s.traceId === sdkTrace.traceId) && all.some(s => s.traceId === sdkTrace64.traceId)); i++) {
      await new Promise(r => setTimeout(r, 200));
      all = await zipkin.search({ service });
    }
    assert.ok(all.some(s => s.traceId === sdkTrace.traceId), JSON.stringify(all.map(s => [s.traceId, s.rootName])) + ` want ${sdkTrace.traceId}`);
    assert.ok(all.some(s => s.traceId === sdkTrace64.traceId));
    const byName = await zipkin.search({ service, operation: sdkTrace64.rootName.toLowerCase() });
    assert.deepEqual(byName.map(s => s.traceId), [sdkTrace64.traceId]);
    const byTag = await zipkin.search({ service, tags: { 'test.tag': 'one' } });
    assert.deepEqual(byTag.map(s => s.traceId), [sdkTrace.traceId]);
    const slow = await zipkin.search({ service, minDurationMs: 60_000 });
    assert.deepEqual(slow, []);
    const services = await zipkin.services();
    assert.ok(services.includes(service) && services.includes('frontend') && services.includes('backend'), services.join(','));
    const names = await zipkin.operations('frontend');
    assert.deepEqual(names, ['get', 'get /api']);
    const deps = await zipkin.dependencies(new Date(), 3_600_000);
    assert.ok(Array.isArray(deps));
    const h = await zipkin.health();
    assert.equal(h.reachable, true);
    assert.equal(h.version, server.version);
  });

  test('first source that has it wins and is named; the slow one is cancelled', async () => {
    proxy.setFault({ kind: 'delay', ms: 5000 });
    const slow = new ZipkinBackend({ name: 'slow', type: 'zipkin', url: proxy.url });
    const t0 = Date.now();
    const found = await findTraceInBackends(sdkTrace.traceId, [slow, zipkin]);
    assert.equal(found.source, 'Zipkin (local)');
    assert.ok(Date.now() - t0 < 3000);
    slow.dispose();
    proxy.setFault({ kind: 'pass' });
  });

  test('not found anywhere names every source; a failing source is reported with its cause', async () => {
    const missing = 'abcdefabcdefabcdefabcdefabcdef01';
    const other = new ZipkinBackend({ name: 'other', type: 'zipkin', url: proxy.url });
    await assert.rejects(findTraceInBackends(missing, [zipkin, other]), (e: unknown) => {
      assert.ok(e instanceof TraceNotFoundError);
      assert.equal(e.message, `Trace ${missing} not found in Zipkin (local), Zipkin (other).`);
      assert.ok(e.everywhereNotFound);
      return true;
    });
    const s = net.createServer();
    const port = await freePort();
    s.close();
    const down = new ZipkinBackend({ name: 'down', type: 'zipkin', url: `http://127.0.0.1:${port}` }, undefined, { retries: 0 });
    await assert.rejects(findTraceInBackends(missing, [zipkin, down]), (e: unknown) => {
      assert.ok(e instanceof TraceNotFoundError);
      assert.equal(e.everywhereNotFound, false);
      assert.ok(e.failures[0]!.error instanceof ConnectionRefusedError);
      assert.equal(e.message, `Trace ${missing} not found in Zipkin (local); Zipkin (down): connection refused.`);
      return true;
    });
    other.dispose();
    down.dispose();
  });

  test('faults: 401, 500, garbage JSON each give their typed error', async () => {
    const via = new ZipkinBackend({ name: 'proxied', type: 'zipkin', url: proxy.url }, undefined, { retries: 0 });
    proxy.setFault({ kind: 'status', status: 401 });
    await assert.rejects(via.getTrace(sdkTrace.traceId), UnauthorizedError);
    proxy.setFault({ kind: 'status', status: 500, body: 'boom' });
    await assert.rejects(via.getTrace(sdkTrace.traceId), ServerError);
    proxy.setFault({ kind: 'garbage' });
    await assert.rejects(via.search({ service }), MalformedBodyError);
    proxy.setFault({ kind: 'pass' });
    via.dispose();
  });
});
