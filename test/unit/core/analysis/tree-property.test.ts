// Random span sets with every bad shape at once (orphans, duplicate and shared IDs, cycles, self-parents,
// zero and huge durations): the tree covers every span exactly once, parents are consistent with children,
// and the analysis neither throws nor loops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildTree } from '../../../../src/core/analysis/tree';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { summarizeTrace } from '../../../../src/core/analysis/summary';
import { trace, type SpanSpec } from '../../../support/builders';

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer', 'unspecified'] as const;
const spanArb = (idPool: number) => fc.record({
  id: fc.integer({ min: 0, max: idPool }).map(i => `s${i}`),
  parent: fc.option(fc.integer({ min: 0, max: idPool + 3 }).map(i => `s${i}`), { nil: undefined }),
  kind: fc.constantFrom(...KINDS),
  service: fc.constantFrom('a', 'b', 'c'),
  start: fc.integer({ min: -1000, max: 1000 }),
  dur: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 })),
  shared: fc.boolean(),
  followsFrom: fc.boolean(),
  status: fc.constantFrom(undefined, 'error' as const, 'ok' as const),
});

test('any span set gives a complete, consistent tree and an analysis', () => {
  fc.assert(fc.property(fc.array(spanArb(30), { maxLength: 60 }), fc.constantFrom('otlp', 'zipkin', 'jaeger') as fc.Arbitrary<'otlp' | 'zipkin' | 'jaeger'>, (specs, format) => {
    const t = trace(specs.map(s => ({ ...s, status: s.status ?? undefined }) as SpanSpec), format);
    const tree = buildTree(t);
    const n = t.spans.length;
    assert.equal(tree.preorder.length, n);
    assert.equal(new Set(tree.preorder).size, n);
    for (let i = 0; i < n; i++) {
      const p = tree.parent[i]!;
      if (p >= 0) {
        assert.ok(tree.children[p]!.includes(i));
        assert.equal(tree.depth[i], tree.depth[p]! + 1);
      } else assert.ok(tree.roots.includes(i));
    }
    for (const mode of ['raw', 'adjust'] as const) {
      const a = analyzeTrace(t, { skew: mode });
      const s = summarizeTrace(a);
      assert.equal(s.spanCount, n);
      assert.ok(a.criticalPath.length <= n);
      for (const x of a.selfTimeNs) assert.ok(x >= 0 && Number.isFinite(x));
      assert.ok(Number.isFinite(s.durationUs));
    }
  }), { numRuns: 300, seed: 42 });
});
