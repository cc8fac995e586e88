import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { latencyDistribution, latencyThresholds } from '../../../../src/core/analysis/distribution';
import { tableFromAnalysis } from '../../../../src/core/analysis/graph';
import type { SpanTable } from '../../../../src/core/analysis/graph';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { trace } from '../../../support/builders';
import { REAL_FIXTURES } from '../../../support/paths';
import { assertFields } from '../../../support/assert';

/** 40 traces of `GET /x` taking 1..40 ms; the 4 slowest ran in region eu, 2 of the 36 others too. */
function traces(): SpanTable[] {
  const out: SpanTable[] = [];
  for (let k = 1; k <= 40; k++) {
    const region = k > 36 || k === 3 || k === 10 ? 'eu' : 'us';
    const t = trace([
      { id: 'r', name: 'GET /x', service: 'web', kind: 'server', dur: k * 1000, attrs: { region, 'http.route': '/x', 'request.id': `id-${k}` }, ...(k === 40 ? { status: 'error' as const } : {}) },
      { id: 'c', parent: 'r', name: 'db', service: 'web', dur: 10 },
    ]);
    out.push(tableFromAnalysis(analyzeTrace({ ...t, traceId: k.toString(16).padStart(32, '0') })));
  }
  return out;
}

test('histogram, percentiles, examples and the attribute over-represented in the slow ones', () => {
  const d = latencyDistribution(traces(), { service: 'web', name: 'GET /x' });
  // Nearest rank: every percentile is a duration some span took (the 20th, 38th and 40th of 40). 1 ms to 40 ms is a
  // wide range: a log scale.
  assertFields(d, { sampleCount: 40, traceCount: 40, minNs: 1e6, maxNs: 40e6, p50Ns: 20e6, p95Ns: 38e6, p99Ns: 40e6, scale: 'log' });
  assert.equal(d.buckets.reduce((n, b) => n + b.count, 0), 40);
  assert.equal(d.buckets.reduce((n, b) => n + b.errors, 0), 1);
  for (const b of d.buckets) {
    assert.ok(b.x0 < b.x1);
    if (b.count) assert.ok(b.example && b.example.durationNs >= b.x0 && b.example.durationNs <= b.x1, 'the example lies in its bucket');
  }
  // p90 = 36 ms (the 36th of 40): the slow ones are 37..40 ms, all in eu; 2 of the other 36 are in eu
  assert.equal(d.slowCount, 4);
  const top = d.slowAttributes[0]!;
  assert.deepEqual([top.key, top.value, top.slowCount, top.restCount], ['region', 'eu', 4, 2]);
  assert.ok(Math.abs(top.score - (1 - 2 / 36)) < 1e-12);
  assert.ok(!d.slowAttributes.some(a => a.key === 'http.route'), 'a value everyone has is not different');
  assert.ok(!d.slowAttributes.some(a => a.key === 'request.id'), 'unique values are below the minimum support');
  assert.deepEqual(d.slowest.slice(0, 2).map(s => [s.durationNs, s.error]), [[40e6, true], [39e6, false]]);
  assert.equal(d.slowest[0]!.traceId, (40).toString(16).padStart(32, '0'));
});

test('no samples, one sample, equal durations', () => {
  const none = latencyDistribution(traces(), { service: 'web', name: 'nope' });
  assert.deepEqual([none.sampleCount, none.buckets.length, none.slowAttributes.length], [0, 0, 0]);
  const db = latencyDistribution(traces(), { service: 'web', name: 'db' });
  assert.equal(db.sampleCount, 40);
  assert.equal(db.slowCount, 0, 'nothing is slower than everything else');
  assert.equal(db.buckets.reduce((n, b) => n + b.count, 0), 40);
});

test('thresholds: 1-2-5-style steps per decade for wide ranges, none (d3 nice ticks) for narrow ones', () => {
  const { scale, thresholds } = latencyThresholds(1e3, 1e9, 30);
  assert.equal(scale, 'log');
  assert.ok(thresholds.length >= 15 && thresholds.length <= 40, String(thresholds.length));
  for (let k = 1; k < thresholds.length; k++) assert.ok(thresholds[k]! > thresholds[k - 1]!);
  assert.ok(thresholds.includes(1e6));
  assert.equal(latencyThresholds(10, 15).scale, 'linear');
});

test('real: the Kafka fixture’s on-message operation across its trace', () => {
  const tables = parseTraceDocument(readFileSync(join(REAL_FIXTURES, 'zipkin/zipkin--messaging-kafka.json'))).traces.map(t => tableFromAnalysis(analyzeTrace(t)));
  const d = latencyDistribution(tables, { service: 'serviceb', name: 'on-message' });
  assert.equal(d.sampleCount, 3);
  assert.equal(d.buckets.reduce((n, b) => n + b.errors, 0), 3);
  assert.ok(d.p50Ns > 0);
});
