import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTree } from '../../../../src/core/analysis/tree';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { skewAdjustment } from '../../../../src/core/analysis/skew';
import { SpanFlag } from '../../../../src/core/analysis/types';
import { trace } from '../../../support/builders';

test('a server that starts before its client is centred inside it (latency = half the difference)', () => {
  // client 1000..1100 µs, server seen at 900..980 (80 µs): latency (100-80)/2 = 10 → server moves to 1010
  const t = trace([
    { id: 'c', start: 1000, dur: 100, kind: 'client', service: 'a' },
    { id: 's', parent: 'c', start: 900, dur: 80, kind: 'server', service: 'b' },
    { id: 'k', parent: 's', start: 910, dur: 10, service: 'b' },
    { id: 'o', parent: 's', start: 920, dur: 10, kind: 'client', service: 'b' },
    { id: 'os', parent: 'o', start: 1021, dur: 8, kind: 'server', service: 'c' },
  ]);
  const tree = buildTree(t);
  assert.equal(tree.skewNs[1], 110_000);
  assert.ok(tree.flags[1]! & SpanFlag.Skewed);
  assert.equal(tree.skewNs[2], 110_000, 'same service below the server moves with it');
  assert.ok(!(tree.flags[2]! & SpanFlag.Skewed));
  assert.equal(tree.skewNs[3], 110_000);
  // o adjusted: 1030..1040; os at 1021 starts before → own correction against the adjusted client, not carried
  assert.equal(tree.skewNs[4], (1030 + 1 - 1021) * 1000);
  assert.ok(tree.flags[4]! & SpanFlag.Skewed);

  const raw = analyzeTrace(t);
  const adj = analyzeTrace(t, { skew: 'adjust' });
  assert.equal(raw.skew, 'raw');
  assert.ok(adj.findings.some(f => f.kind === 'clock-skew' && f.spanIndex === 1 && /before/.test(f.message)));
  // raw: the server lies outside the client, so the client's self time is its whole duration
  assert.equal(raw.selfTimeNs[0], 100_000);
  assert.equal(adj.selfTimeNs[0], 20_000);
});

test('a server inside its client is not touched; neither is an INTERNAL child starting early', () => {
  assert.equal(skewAdjustment('client', 0, 100, 'server', 10, 80), 0);
  assert.equal(skewAdjustment('internal', 100, 100, 'server', 0, 10), 0);
  assert.equal(skewAdjustment('server', 100, 100, 'internal', 0, 10), 0);
});

test('a server that ends after its client but is longer than it: pushed apart by the 1 µs minimum', () => {
  assert.equal(skewAdjustment('client', 0, 50_000, 'server', 40_000, 60_000), 1000 - 40_000);
});

test('one-way (no duration) and a consumer before its producer move just after the caller start', () => {
  assert.equal(skewAdjustment('client', 5000, 0, 'server', 1000, 0), 5000 - 1000 + 1000);
  assert.equal(skewAdjustment('producer', 5000, 10, 'consumer', 1000, 10), 5000);
  assert.equal(skewAdjustment('producer', 5000, 10, 'consumer', 9000, 10), 0, 'a consumer after its producer is normal');
});

test('one machine, one clock: a server that outlives its client on the same host is neither shifted nor flagged', () => {
  // client 0..100 µs, server 10..130 µs (it went on after answering): a skew by Zipkin's rule, unless same host
  const withHost = (t: ReturnType<typeof trace>, hosts: Record<string, { key: string; value: string }[]>) => ({
    ...t, spans: t.spans.map(s => ({ ...s, resource: { ...s.resource, attributes: hosts[s.resource.serviceName!] ?? [] } })),
  });
  const base = trace([
    { id: 'c', start: 0, dur: 100, kind: 'client', service: 'gateway' },
    { id: 's', parent: 'c', start: 10, dur: 120, kind: 'server', service: 'orders' },
  ]);
  const same = buildTree(withHost(base, { gateway: [{ key: 'host.name', value: 'laptop' }], orders: [{ key: 'host.name', value: 'laptop' }] }));
  assert.equal(same.skewNs[1], 0);
  assert.ok(!(same.flags[1]! & SpanFlag.Skewed));
  // Jaeger's process tag names the machine as well
  const jaeger = buildTree(withHost(base, { gateway: [{ key: 'hostname', value: 'h1' }], orders: [{ key: 'hostname', value: 'h1' }] }));
  assert.equal(jaeger.skewNs[1], 0);
  // Different machines, or a machine unknown on one side: Zipkin's correction as before
  const cases: Record<string, { key: string; value: string }[]>[] = [{ gateway: [{ key: 'host.name', value: 'a' }], orders: [{ key: 'host.name', value: 'b' }] }, { gateway: [{ key: 'host.name', value: 'a' }] }, {}];
  for (const hosts of cases) {
    const t = buildTree(withHost(base, hosts));
    assert.notEqual(t.skewNs[1], 0, JSON.stringify(hosts));
    assert.ok(t.flags[1]! & SpanFlag.Skewed);
  }
});
