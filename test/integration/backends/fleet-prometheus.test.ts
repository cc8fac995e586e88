// The real pipeline on loopback: OpenTelemetry JS SDK app → OpenTelemetry Collector (spanmetrics connector, built
// from the Go module proxy) → real Prometheus (OTLP receiver) → the Spanscope Prometheus metric source.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { JaegerSpmMetricSource } from '../../../src/backends/metrics/jaegerSpm';
import { PrometheusMetricSource } from '../../../src/backends/metrics/prometheus';
import { NotFoundError } from '../../../src/backends/http/errors';
import type { FleetQuery, FleetStats } from '../../../src/core/fleet/types';
import { JAEGER_SKIP } from '../../support/backends/servers';
import { OTELCOL_SKIP, PROMETHEUS_SKIP, runApp, startJaegerSpm, startPrometheus, startSpanmetricsCollector, waitFor, type AppOperation } from '../../support/backends/fleet-pipeline';
import type { RunningServer } from '../../support/backends/servers';

const skip = PROMETHEUS_SKIP || OTELCOL_SKIP;
let prom: RunningServer;
let otelcol: RunningServer;
let jaeger: RunningServer | undefined;
let source: PrometheusMetricSource;
let t0 = 0;
let traceIds: Map<AppOperation, string[]>;

const FAST: AppOperation = { service: 'checkout', name: 'GET /fast', durationMs: 3, count: 60, codeFunction: 'Checkout.fast', codeFile: 'src/checkout.ts' };
const SLOW: AppOperation = { service: 'checkout', name: 'GET /slow', durationMs: 300, count: 20, errors: 5, codeFunction: 'Checkout.slow', codeFile: 'src/checkout.ts' };
const HOSTILE: AppOperation = { service: 'pay.ments', name: 'charge|refund (v2) "x" \\ {y}', durationMs: 30, count: 10 };
const DECOY: AppOperation = { service: 'payXments', name: 'charge', durationMs: 30, count: 10 };
const OPS = [FAST, SLOW, HOSTILE, DECOY];

async function promQuery(q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = await res.json() as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return body.data.result;
}

async function callsOf(op: AppOperation): Promise<number> {
  const r = await promQuery(`sum(traces_span_metrics_calls_total{service_name=${JSON.stringify(op.service)}, span_name=${JSON.stringify(op.name)}})`);
  return r.length ? Number(r[0]!.value[1]) : 0;
}

before(async () => {
  if (skip) return;
  prom = await startPrometheus();
  otelcol = await startSpanmetricsCollector(prom.url);
  const exporter = (): OTLPTraceExporter => new OTLPTraceExporter({ url: `${otelcol.url}/v1/traces` });
  // One call of each first, so every series exists in Prometheus before the measured calls (a counter's first sample
  // is its base: increases are counted from there).
  await runApp(OPS.map(o => ({ ...o, count: 1, errors: 0 })), exporter);
  await waitFor('series in Prometheus', async () => (await Promise.all(OPS.map(callsOf))).every(n => n >= 1), 60_000, () => otelcol.log() + prom.log());
  await new Promise(r => setTimeout(r, 2000));
  t0 = Date.now();
  traceIds = await runApp(OPS, exporter);
  await waitFor('calls in Prometheus', async () => (await Promise.all(OPS.map(async o => (await callsOf(o)) === o.count + 1))).every(Boolean), 60_000, () => otelcol.log() + prom.log());
  // A few more flushes, so the window ends after samples that hold everything.
  await new Promise(r => setTimeout(r, 3000));
  source = new PrometheusMetricSource({ name: 'local', type: 'prometheus', url: prom.url }, undefined, undefined, { minRateWindowMs: 5000 });
  if (!JAEGER_SKIP) jaeger = await startJaegerSpm(prom.url);
});
after(async () => {
  source?.dispose();
  await jaeger?.stop();
  await otelcol?.stop();
  await prom?.stop();
});

function windowQuery(over: Partial<FleetQuery> = {}): FleetQuery {
  return { window: { startMs: t0 - 1000, endMs: Date.now(), stepMs: 2000 }, maxSeries: 50, ...over };
}

function find(stats: readonly FleetStats[], op: AppOperation): FleetStats | undefined {
  return stats.find(s => s.key.service === op.service && s.key.spanName === op.name);
}

test('Prometheus discovery finds the spanmetrics names, unit and dimensions the collector wrote', { skip }, async () => {
  const schema = await source.discover();
  assert.equal(schema.durationMetric, 'traces_span_metrics_duration_milliseconds');
  assert.equal(schema.callsMetric, 'traces_span_metrics_calls_total');
  assert.equal(schema.durationUnit, 'ms');
  for (const d of ['service_name', 'span_name', 'span_kind', 'status_code', 'code_function_name', 'code_file_path']) assert.ok(schema.dimensions.includes(d), `${d} in ${schema.dimensions.join(',')}`);
  assert.deepEqual([...schema.services].sort(), ['checkout', 'pay.ments', 'payXments']);
});

test('Prometheus: one request answers p95, calls/s and error ratio per key; the planted slow operation is slow', { skip }, async () => {
  await source.discover();
  const r = await source.query(windowQuery());
  assert.equal(r.requests, 1);
  assert.equal(r.truncated, false);
  const fast = find(r.stats, FAST)!;
  const slow = find(r.stats, SLOW)!;
  assert.ok(fast && slow, r.stats.map(s => JSON.stringify(s.key)).join(' '));
  assert.equal(slow.key.codeFunction, 'Checkout.slow');
  assert.equal(slow.key.codeFilePath, 'src/checkout.ts');
  assert.ok(slow.p95Ms! > 200 && slow.p95Ms! <= 400, `slow p95 ${slow.p95Ms}`);
  assert.ok(fast.p95Ms! > 2 && fast.p95Ms! <= 4, `fast p95 ${fast.p95Ms}`);
  assert.ok(slow.p50Ms! <= slow.p95Ms! && slow.p95Ms! <= slow.p99Ms!);
  const seconds = (slow.window.endMs - slow.window.startMs) / 1000;
  const ratio = fast.callsPerSec! / (60 / seconds);
  assert.ok(ratio > 0.6 && ratio < 1.5, `fast calls/s ${fast.callsPerSec} vs ${60 / seconds}`);
  assert.ok(Math.abs(slow.errorRatio! - 0.25) < 0.05, `slow error ratio ${slow.errorRatio}`);
  assert.equal(fast.errorRatio, 0);
  assert.ok(slow.p95Series!.some(p => Number.isFinite(p.value)), 'the sparkline has points');
});

test('Prometheus: hostile label values are matched literally', { skip }, async () => {
  await source.discover();
  const r = await source.query(windowQuery({ services: [HOSTILE.service, 'a|b'], spanNames: [HOSTILE.name, 'charge', '.*'] }));
  assert.deepEqual(r.stats.map(s => [s.key.service, s.key.spanName]), [[HOSTILE.service, HOSTILE.name]]);
  const one = await source.query(windowQuery({ services: [HOSTILE.service] }));
  assert.deepEqual(one.stats.map(s => s.key.service), [HOSTILE.service]);
});

test('Prometheus: maxSeries bounds the answer and says it cut', { skip }, async () => {
  await source.discover();
  const r = await source.query(windowQuery({ maxSeries: 1 }));
  assert.equal(r.truncated, true);
  assert.equal(r.stats.length, 1);
  assert.equal(r.stats[0]!.key.spanName, 'GET /fast');
});

test('Prometheus: a wrong URL is a NotFoundError', { skip }, async () => {
  const wrong = new PrometheusMetricSource({ name: 'w', type: 'prometheus', url: `${prom.url}/nothing` });
  await assert.rejects(wrong.discover(), NotFoundError);
  wrong.dispose();
});

test('Prometheus exemplars lead to the traces of the slow operation', { skip }, async () => {
  await source.discover();
  const r = await source.query(windowQuery({ spanNames: [SLOW.name] }));
  const ex = await source.exemplars(r.stats[0]!.key, windowQuery().window);
  assert.ok(ex.length > 0, 'exemplars stored');
  const ids = new Set(traceIds.get(SLOW));
  assert.ok(ex.every(e => ids.has(e.traceId)), JSON.stringify(ex.slice(0, 3)));
  assert.ok(ex.every(e => e.durationMs === undefined || e.durationMs === 300));
});

test('Jaeger SPM reading the same Prometheus: per-operation p95, calls/s and error ratio in 6 requests', { skip: skip || JAEGER_SKIP }, async () => {
  const spm = new JaegerSpmMetricSource({ name: 'spm', type: 'jaeger-spm', url: jaeger!.url }, undefined, undefined, { minRateWindowMs: 5000 });
  try {
    const r = await spm.query(windowQuery({ services: ['checkout', HOSTILE.service] }));
    assert.equal(r.requests, 6);
    const fast = find(r.stats, FAST)!;
    const slow = find(r.stats, SLOW)!;
    assert.ok(fast && slow, r.stats.map(s => JSON.stringify(s.key)).join(' '));
    assert.ok(slow.p95Ms! > 200 && slow.p95Ms! <= 400, `slow p95 ${slow.p95Ms}`);
    assert.ok(fast.p95Ms! <= 4, `fast p95 ${fast.p95Ms}`);
    assert.ok(Math.abs(slow.errorRatio! - 0.25) < 0.05, `slow error ratio ${slow.errorRatio}`);
    assert.ok(fast.callsPerSec! > 0);
    // Jaeger matched "pay.ments" as a regex (payXments too); only the exact service is kept.
    assert.ok(r.stats.every(s => s.key.service !== DECOY.service));
    assert.ok(find(r.stats, HOSTILE));
  } finally {
    spm.dispose();
  }
});
