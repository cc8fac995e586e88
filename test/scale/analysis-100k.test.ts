// 100,000 spans through the analysis: the span tree, wide and as one deep chain (no recursion to overflow, nothing
// quadratic), and the critical path down a 100k-deep chain. Large inputs, so they run in the full suite and not in
// the quick unit loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrace } from '../../src/core/analysis/analyze';
import { buildTree } from '../../src/core/analysis/tree';
import { trace } from '../support/builders';

test('100k spans (wide and a deep chain) build fast and completely', () => {
  const specs = [];
  for (let i = 0; i < 100_000; i++) {
    specs.push({ id: `s${i}`, parent: i === 0 ? undefined : i % 2 ? `s${i - 1}` : `s${(i * 7919) % i}`, start: i, dur: 10 });
  }
  const t = trace(specs);
  const t0 = performance.now();
  const tree = buildTree(t);
  const ms = performance.now() - t0;
  assert.equal(tree.preorder.length, 100_000);
  assert.equal(new Set(tree.preorder).size, 100_000);
  // a generous bound: it catches quadratic behaviour (minutes at 100k), not a loaded CI machine
  assert.ok(ms < 10_000, `took ${ms} ms`);
  const chain = trace(Array.from({ length: 100_000 }, (_, i) => ({ id: `c${i}`, parent: i ? `c${i - 1}` : undefined, start: i, dur: 1e6 - i })));
  const deep = buildTree(chain);
  assert.equal(deep.depth[99_999], 65_535);
  assert.equal(deep.preorder[99_999], 99_999);
});

test('the critical path survives a 100k-deep chain', () => {
  const chain = trace(Array.from({ length: 100_000 }, (_, i) => ({ id: `c${i}`, parent: i ? `c${i - 1}` : undefined, start: i, dur: 1e6 - 2 * i })));
  assert.equal(analyzeTrace(chain).criticalPath.length, 100_000);
});
