// The Tempo TraceQL-metrics source against the Tempo stand-in (Tempo itself may not be used here; the stand-in answers
// /api/metrics/query_range and /api/metrics/query in Tempo's documented format, computing the figures from the spans
// it holds). Spans come from the real OpenTelemetry JS SDK over OTLP/HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { createMetricSource } from '../../../src/backends/metrics/index';
import { TempoMetricSource } from '../../../src/backends/metrics/tempoMetrics';
import { NotFoundError, TimeoutError, UnauthorizedError } from '../../../src/backends/http/errors';
import type { FleetQuery, FleetStats } from '../../../src/core/fleet/types';
import { startTempoStandIn, type TempoStandIn } from '../../support/backends/tempo-standin';
import { runApp, type AppOperation } from '../../support/backends/fleet-pipeline';

const TENANT = 'team-a';
let tempo: TempoStandIn;
let source: TempoMetricSource;
let silent: http.Server;
const hanging = new Set<http.ServerResponse>();
const t0 = Date.now();

const FAST: AppOperation = { service: 'checkout', name: 'GET /fast', durationMs: 5, count: 60 };
const SLOW: AppOperation = { service: 'checkout', name: 'GET /slow', durationMs: 300, count: 20, errors: 5 };
// Names that are regexes and PromQL/TraceQL syntax: unescaped, they would match the decoys or break the query.
const HOSTILE: AppOperation = { service: 'pay.ments', name: 'charge|refund (v2) "x" && {y}', durationMs: 50, count: 10, errors: 10 };
const DECOY_SERVICE: AppOperation = { service: 'payXments', name: 'charge', durationMs: 50, count: 7 };
const DECOY_NAME: AppOperation = { service: 'pay.ments', name: 'charge', durationMs: 50, count: 3 };

before(async () => {
  tempo = await startTempoStandIn({ multitenancy: true });
  await runApp([FAST, SLOW, HOSTILE, DECOY_SERVICE, DECOY_NAME], () => new OTLPTraceExporter({ url: tempo.otlpUrl, headers: { 'X-Scope-OrgID': TENANT } }));
  source = new TempoMetricSource({ name: 'tempo', type: 'tempo-metrics', url: tempo.url, tenant: TENANT });
  silent = http.createServer((_req, res) => { hanging.add(res); });
  await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
});
after(async () => {
  source?.dispose();
  for (const r of hanging) r.destroy();
  silent?.closeAllConnections();
  await new Promise<void>(r => silent?.close(() => r()));
  await tempo?.close();
});

function windowQuery(over: Partial<FleetQuery> = {}): FleetQuery {
  // Ten minutes ending a little after the spans (they all ended within the last seconds).
  return { window: { startMs: t0 - 600_000, endMs: Date.now() + 2000, stepMs: 60_000 }, maxSeries: 50, ...over };
}

function find(stats: readonly FleetStats[], op: AppOperation): FleetStats | undefined {
  return stats.find(s => s.key.service === op.service && s.key.spanName === op.name);
}

test('Tempo metrics: p50/p95/p99, calls/s and error ratio per (service, span name) from 4 requests', async () => {
  const before = tempo.requests.length;
  const q = windowQuery();
  const r = await source.query(q);
  assert.equal(r.requests, 4);
  assert.equal(tempo.requests.length - before, 4, 'the client says what it cost');
  assert.equal(r.truncated, false);
  const fast = find(r.stats, FAST)!;
  const slow = find(r.stats, SLOW)!;
  assert.ok(fast && slow, `keys: ${r.stats.map(s => JSON.stringify(s.key)).join(' ')}`);
  assert.ok(Math.abs(fast.p95Ms! - 5) < 0.5, `fast p95 ${fast.p95Ms}`);
  assert.ok(Math.abs(slow.p95Ms! - 300) < 1, `slow p95 ${slow.p95Ms}`);
  assert.ok(slow.p50Ms! <= slow.p95Ms! && slow.p95Ms! <= slow.p99Ms!);
  const seconds = (r.stats[0]!.window.endMs - r.stats[0]!.window.startMs) / 1000;
  assert.ok(Math.abs(fast.callsPerSec! - 60 / seconds) < 1e-6, `fast calls/s ${fast.callsPerSec} vs ${60 / seconds}`);
  assert.equal(fast.errorRatio, 0);
  assert.ok(Math.abs(slow.errorRatio! - 0.25) < 1e-9, `slow error ratio ${slow.errorRatio}`);
  // The sparkline: one point per step, the spans' step holding the p95, the others empty.
  assert.ok(slow.p95Series!.length >= 10 && slow.p95Series!.length <= 12, `${slow.p95Series!.length} points`);
  const filled = slow.p95Series!.filter(p => Number.isFinite(p.value));
  assert.ok(filled.length >= 1 && filled.length <= 2 && filled.every(p => p.value === 300), JSON.stringify(filled));
  // The busiest first.
  assert.deepEqual(r.stats[0]!.key, { service: 'checkout', spanName: 'GET /fast' });
});

test('Tempo metrics: service and span name filters are escaped (regex and TraceQL characters taken literally)', async () => {
  const one = await source.query(windowQuery({ services: [HOSTILE.service] }));
  assert.deepEqual(one.stats.map(s => s.key.spanName).sort(), [DECOY_NAME.name, HOSTILE.name].sort(), 'pay.ments only, not payXments');
  const both = await source.query(windowQuery({ services: [HOSTILE.service, 'a|b'], spanNames: [HOSTILE.name, '.*'] }));
  assert.deepEqual(both.stats.map(s => [s.key.service, s.key.spanName]), [[HOSTILE.service, HOSTILE.name]]);
  assert.equal(both.stats[0]!.errorRatio, 1);
  assert.equal(both.stats[0]!.p95Ms, 50);
});

test('Tempo metrics: maxSeries keeps the busiest keys and says it cut', async () => {
  const r = await source.query(windowQuery({ maxSeries: 2 }));
  assert.equal(r.truncated, true);
  assert.deepEqual(r.stats.map(s => s.key.spanName), ['GET /fast', 'GET /slow']);
});

test('Tempo metrics: the tenant is sent (none: 401), discovery lists its services', async () => {
  const schema = await source.discover();
  assert.deepEqual(schema.services, ['checkout', 'pay.ments', 'payXments']);
  const anonymous = createMetricSource({ name: 'anon', type: 'tempo-metrics', url: tempo.url });
  await assert.rejects(anonymous.query(windowQuery()), UnauthorizedError);
  anonymous.dispose();
  const other = createMetricSource({ name: 'b', type: 'tempo-metrics', url: tempo.url, tenant: 'team-b' });
  assert.deepEqual((await other.query(windowQuery())).stats, []);
  other.dispose();
});

test('Tempo metrics: typed errors for a wrong URL (404) and a server that never answers (timeout)', async () => {
  const wrong = createMetricSource({ name: 'w', type: 'tempo-metrics', url: `${tempo.url}/nothing-here`, tenant: TENANT });
  await assert.rejects(wrong.query(windowQuery()), NotFoundError);
  wrong.dispose();
  const port = (silent.address() as AddressInfo).port;
  const slow = createMetricSource({ name: 's', type: 'tempo-metrics', url: `http://127.0.0.1:${port}`, timeoutMs: 300 }, undefined, { retries: 0 });
  await assert.rejects(slow.query(windowQuery()), TimeoutError);
  slow.dispose();
});
