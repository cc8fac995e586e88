// findTraceInBackends and createBackend against in-process servers: the Tempo API stand-in, a server that never
// answers, and a closed port.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { createBackend, findTraceInBackends, TraceNotFoundError } from '../../../src/backends/registry';
import { CancelledError } from '../../../src/backends/http/errors';
import { JaegerBackend } from '../../../src/backends/jaeger/client';
import { TempoBackend } from '../../../src/backends/tempo/client';
import { ZipkinBackend } from '../../../src/backends/zipkin/client';
import { backendDisplayName } from '../../../src/backends/types';
import { startTempoStandIn, type TempoStandIn } from '../../support/backends/tempo-standin';
import { emitTrace, type EmittedTrace } from '../../support/backends/emit';

let tempo: TempoStandIn;
let sent: EmittedTrace;
let silent: http.Server;
let silentUrl: string;
const hanging = new Set<http.ServerResponse>();

before(async () => {
  tempo = await startTempoStandIn();
  sent = await emitTrace(new OTLPTraceExporter({ url: `${tempo.url}/v1/traces` }), 'registry');
  silent = http.createServer((_req, res) => { hanging.add(res); });
  await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
after(async () => {
  await tempo.close();
  for (const r of hanging) r.destroy();
  silent.closeAllConnections();
  await new Promise<void>(r => silent.close(() => r()));
});

test('createBackend makes the client of each type, named "Type (name)"', () => {
  const j = createBackend({ name: 'local', type: 'jaeger', url: 'http://127.0.0.1:1' });
  const t = createBackend({ name: 'prod', type: 'tempo', url: 'http://127.0.0.1:1', tenant: 'a' });
  const z = createBackend({ name: 'zipkin', type: 'zipkin', url: 'http://127.0.0.1:1' });
  assert.ok(j instanceof JaegerBackend && t instanceof TempoBackend && z instanceof ZipkinBackend);
  assert.deepEqual([j.displayName, t.displayName, z.displayName], ['Jaeger (local)', 'Tempo (prod)', 'Zipkin']);
  assert.equal(backendDisplayName({ name: '', type: 'tempo' }), 'Tempo');
  for (const b of [j, t, z]) b.dispose();
});

test('a source that never answers does not hold up the one that has the trace', async () => {
  const slow = createBackend({ name: 'stuck', type: 'jaeger', url: silentUrl });
  const fast = createBackend({ name: 'prod', type: 'tempo', url: tempo.url });
  const found = await findTraceInBackends(sent.traceId, [slow, fast]);
  assert.equal(found.source, 'Tempo (prod)');
  assert.equal(found.trace.spans.length, 3);
  slow.dispose();
  fast.dispose();
});

test('cancelling the whole search rejects with CancelledError at once', async () => {
  const slow = createBackend({ name: 'stuck', type: 'jaeger', url: silentUrl });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const t0 = Date.now();
  await assert.rejects(findTraceInBackends(sent.traceId, [slow], ac.signal), CancelledError);
  assert.ok(Date.now() - t0 < 1000);
  slow.dispose();
});

test('no sources: TraceNotFoundError that says no backend is configured', async () => {
  await assert.rejects(findTraceInBackends(sent.traceId, []), (e: unknown) => e instanceof TraceNotFoundError && /no backend is configured/.test(e.message));
});

test('a timeout in one source and not-found in another: not everywhere-not-found, both named', async () => {
  const slow = createBackend({ name: 'stuck', type: 'zipkin', url: silentUrl, timeoutMs: 200 }, undefined, { retries: 0 });
  const fast = createBackend({ name: 'prod', type: 'tempo', url: tempo.url });
  const missing = '1234567890abcdef1234567890abcdef';
  await assert.rejects(findTraceInBackends(missing, [slow, fast]), (e: unknown) => {
    assert.ok(e instanceof TraceNotFoundError);
    assert.equal(e.everywhereNotFound, false);
    assert.equal(e.message, `Trace ${missing} not found in Tempo (prod); Zipkin (stuck): timed out.`);
    return true;
  });
  slow.dispose();
  fast.dispose();
});
