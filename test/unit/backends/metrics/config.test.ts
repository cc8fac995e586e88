// The metric sources setting parser, the factory, the query cache key, and the pure parts of the Prometheus client
// (metric name discovery, the time axis, PromQL string/regex escaping). The Prometheus query itself is tested
// against a real Prometheus in test/integration/backends/fleet-prometheus.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricSource, fleetQueryKey, parseMetricSources } from '../../../../src/backends/metrics/index';
import { PrometheusMetricSource, histogramCandidates, promRange } from '../../../../src/backends/metrics/prometheus';
import { promString, regexLiteral, setMatcher } from '../../../../src/backends/metrics/promql';
import type { FleetQuery } from '../../../../src/core/fleet/types';

test('parseMetricSources keeps valid entries and names the field of each bad one', () => {
  const r = parseMetricSources([
    { name: 'prod', type: 'prometheus', url: 'https://prom.example/', tenant: 'team-a', timeoutMs: 5000 },
    { name: 'spm', type: 'jaeger-spm', url: 'http://127.0.0.1:16686' },
    { name: 'x', type: 'graphite', url: 'http://h' },
    { name: 'y', type: 'prometheus', url: 'ftp://h' },
    { name: 'prod', type: 'tempo-metrics', url: 'http://h:3200' },
    { name: 'z', type: 'prometheus', url: 'http://h', timeoutMs: 5 },
  ], 'spanscope.fleet.sources');
  assert.deepEqual(r.sources.map(s => s.name), ['prod', 'spm']);
  assert.equal(r.sources[0]!.tenant, 'team-a');
  assert.equal(r.problems.length, 4);
  assert.match(r.problems[0]!, /^spanscope\.fleet\.sources\[2\]\.type:/);
  assert.match(r.problems[1]!, /^spanscope\.fleet\.sources\[3\]\.url: must be an http or https URL/);
  assert.match(r.problems[2]!, /\[4\]: the name "prod" is used twice/);
  assert.match(r.problems[3]!, /\[5\]\.timeoutMs/);
  assert.deepEqual(parseMetricSources({ a: 1 }, 's').problems, ['s must be a list']);
  assert.deepEqual(parseMetricSources(undefined, 's'), { sources: [], problems: [] });
});

test('createMetricSource builds the client of the type, named like the trace backends', () => {
  const s = createMetricSource({ name: 'prod', type: 'prometheus', url: 'http://127.0.0.1:9' });
  assert.ok(s instanceof PrometheusMetricSource);
  assert.equal(s.displayName, 'Prometheus (prod)');
  assert.equal(typeof s.exemplars, 'function');
  s.dispose();
});

test('fleetQueryKey: filter order does not matter, anything else that changes the answer does', () => {
  const src = { type: 'prometheus' as const, name: 'p', url: 'http://h' };
  const q: FleetQuery = { window: { startMs: 0, endMs: 3_600_000, stepMs: 60_000 }, services: ['a', 'b'], spanNames: ['x'], maxSeries: 50 };
  assert.equal(fleetQueryKey(src, q), fleetQueryKey(src, { ...q, services: ['b', 'a', 'a'] }));
  assert.notEqual(fleetQueryKey(src, q), fleetQueryKey(src, { ...q, maxSeries: 51 }));
  assert.notEqual(fleetQueryKey(src, q), fleetQueryKey(src, { ...q, window: { ...q.window, endMs: 3_660_000 } }));
  assert.notEqual(fleetQueryKey(src, q), fleetQueryKey({ ...src, tenant: 't' }, q));
  assert.notEqual(fleetQueryKey(src, q), fleetQueryKey(src, { ...q, spanNames: ['x', 'y'] }));
  // A value holding the separator of another field must not collide.
  assert.notEqual(fleetQueryKey(src, { ...q, services: ['a","b'] }), fleetQueryKey(src, q));
});

test('histogramCandidates ranks the spanmetrics histogram of every connector naming first, with its unit', () => {
  const c = histogramCandidates([
    'http_server_duration_seconds_bucket', 'traces_span_metrics_duration_milliseconds_bucket', 'traces_span_metrics_calls_total',
  ]);
  assert.equal(c[0]!.bucket, 'traces_span_metrics_duration_milliseconds_bucket');
  assert.equal(c[0]!.unit, 'ms');
  assert.equal(c[0]!.calls, 'traces_span_metrics_calls_total');
  assert.deepEqual(histogramCandidates(['duration_seconds_bucket', 'calls_total']).map(x => [x.base, x.unit, x.calls]), [['duration_seconds', 's', 'calls_total']]);
  assert.deepEqual(histogramCandidates(['traces_spanmetrics_latency_bucket', 'traces_spanmetrics_calls_total']).map(x => [x.unit, x.calls]), [['ms', 'traces_spanmetrics_calls_total']]);
  assert.deepEqual(histogramCandidates(['myns_duration_milliseconds_bucket', 'myns_calls_total']).map(x => x.calls), ['myns_calls_total']);
  assert.deepEqual(histogramCandidates(['up', 'duration_milliseconds_count']), []);
});

test('promRange: whole-second steps ending at the window end, at most 500 points', () => {
  assert.deepEqual(promRange({ startMs: 1_000_000, endMs: 1_600_500, stepMs: 60_000 }), { startS: 1000, endS: 1600, stepS: 60, rangeS: 600 });
  const fine = promRange({ startMs: 0, endMs: 86_400_000, stepMs: 1000 });
  assert.ok((fine.endS - fine.startS) / fine.stepS <= 500);
  assert.equal(fine.endS, 86_400);
});

test('PromQL literals hold any text: quotes, backslashes, newlines, regex metacharacters, lone surrogates', () => {
  assert.equal(promString('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
  assert.equal(promString('x\uD800y'), '"x\uFFFDy"');
  assert.equal(regexLiteral('GET /a.b|c(d)*[e]{2}^$?+\\'), 'GET /a\\.b\\|c\\(d\\)\\*\\[e\\]\\{2\\}\\^\\$\\?\\+\\\\');
  assert.equal(setMatcher('span_name', ['a', 'a']), 'span_name="a"');
  assert.equal(setMatcher('span_name', ['a.b', 'c']), 'span_name=~"a\\\\.b|c"');
});
