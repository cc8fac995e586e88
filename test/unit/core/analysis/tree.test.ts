import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTree } from '../../../../src/core/analysis/tree';
import { SpanFlag } from '../../../../src/core/analysis/types';
import { trace, span, TRACE_ID } from '../../../support/builders';
import type { Trace } from '../../../../src/core/model';

const ids = (t: Trace, list: ArrayLike<number>) => Array.from(list, i => t.spans[i]!.spanId);
const has = (flags: Uint16Array, i: number, f: number) => (flags[i]! & f) !== 0;

test('children are sorted by start, roots by start, preorder is depth-first', () => {
  const t = trace([
    { id: 'c', parent: 'r', start: 50, dur: 10 },
    { id: 'r', start: 0, dur: 100 },
    { id: 'b', parent: 'r', start: 10, dur: 10 },
    { id: 'b1', parent: 'b', start: 11, dur: 2 },
    { id: 'r2', start: -5, dur: 1 },
  ]);
  const tree = buildTree(t);
  assert.deepEqual(ids(t, tree.children[1]!), ['b', 'c']);
  assert.deepEqual(ids(t, tree.roots), ['r2', 'r']);
  assert.deepEqual(ids(t, tree.preorder), ['r2', 'r', 'b', 'b1', 'c']);
  assert.equal(tree.depth[3], 2);
  assert.equal(tree.parent[0], 1);
  assert.equal(tree.relStartNs[4], 0);
  assert.equal(tree.durationNs, 105_000);
  assert.equal(tree.indexOf('b1'), 3);
  assert.equal(tree.indexOf('nope'), -1);
});

test('orphans are kept at top level and flagged', () => {
  const t = trace([{ id: 'a', parent: 'missing', start: 0, dur: 5 }, { id: 'b', parent: 'a', start: 1, dur: 1 }]);
  const tree = buildTree(t);
  assert.deepEqual(tree.roots, [0]);
  assert.ok(has(tree.flags, 0, SpanFlag.Orphan));
  assert.ok(!has(tree.flags, 1, SpanFlag.Orphan));
  assert.equal(tree.parent[1], 0);
});

test('a Zipkin shared server half becomes the child of its client half and takes the children', () => {
  const t = trace([
    { id: 'root', start: 0, dur: 100, kind: 'server', service: 'a' },
    { id: 'x', parent: 'root', start: 10, dur: 50, kind: 'client', service: 'a' },
    { id: 'x', parent: 'root', start: 12, dur: 40, kind: 'server', service: 'b', shared: true },
    { id: 'y', parent: 'x', start: 13, dur: 5, service: 'b' },
  ], 'zipkin');
  const tree = buildTree(t);
  assert.equal(tree.parent[2], 1);
  assert.equal(tree.parent[3], 2);
  assert.ok(has(tree.flags, 2, SpanFlag.SharedServerHalf));
  assert.ok(!has(tree.flags, 1, SpanFlag.Duplicate) && !has(tree.flags, 2, SpanFlag.Duplicate));
  assert.equal(tree.indexOf('x'), 1);
  assert.deepEqual(ids(t, tree.preorder), ['root', 'x', 'x', 'y']);
});

test('true duplicates are kept and flagged; their children attach to the first', () => {
  const t = trace([
    { id: 'r', start: 0, dur: 100 },
    { id: 'd', parent: 'r', start: 10, dur: 10 },
    { id: 'd', parent: 'r', start: 30, dur: 10 },
    { id: 'k', parent: 'd', start: 31, dur: 1 },
  ]);
  const tree = buildTree(t);
  assert.ok(has(tree.flags, 1, SpanFlag.Duplicate) && has(tree.flags, 2, SpanFlag.Duplicate));
  assert.equal(tree.parent[2], 0);
  assert.equal(tree.parent[3], 1);
  assert.equal(tree.preorder.length, 4);
});

test('cycles are broken at their earliest span and flagged, without hanging', () => {
  const t = trace([
    { id: 'a', parent: 'c', start: 5, dur: 1 },
    { id: 'b', parent: 'a', start: 3, dur: 1 },
    { id: 'c', parent: 'b', start: 4, dur: 1 },
    { id: 's', parent: 's', start: 9, dur: 1 },
    { id: 'k', parent: 'a', start: 6, dur: 1 },
  ]);
  const tree = buildTree(t);
  assert.ok(has(tree.flags, 1, SpanFlag.CycleBroken));
  assert.equal(tree.parent[1], -1);
  assert.ok(has(tree.flags, 3, SpanFlag.CycleBroken));
  assert.deepEqual(ids(t, tree.preorder), ['b', 'c', 'a', 'k', 's']);
});

test('FOLLOWS_FROM parents are parents; children that outlive their parent are flagged, not skewed', () => {
  const t = trace([
    { id: 'r', start: 0, dur: 10, kind: 'producer' },
    { id: 'f', parent: 'r', start: 5, dur: 100, followsFrom: true, kind: 'consumer' },
  ]);
  const tree = buildTree(t);
  assert.equal(tree.parent[1], 0);
  assert.ok(has(tree.flags, 1, SpanFlag.OutlivesParent));
  assert.ok(!has(tree.flags, 1, SpanFlag.Skewed));
});

test('several roots and empty traces', () => {
  const tree = buildTree(trace([{ id: 'a' }, { id: 'b' }, { id: 'c', parent: '0000000000000000' }]));
  assert.equal(tree.roots.length, 3);
  const empty = buildTree({ traceId: TRACE_ID, spans: [], format: 'otlp', warnings: [] });
  assert.equal(empty.preorder.length, 0);
  assert.equal(empty.durationNs, 0);
});

test('errors: status error; Jaeger/Zipkin error tag true or "true", any Zipkin error tag (even empty)', () => {
  const t = trace([
    { id: 'a', status: 'error' },
    { id: 'b', attrs: { error: true } },
    { id: 'c', attrs: { error: 'true' } },
    { id: 'd', attrs: { error: '' } },
    { id: 'e', attrs: { error: false } },
  ]);
  const f = buildTree({ ...t, format: 'jaeger' }).flags;
  assert.deepEqual([0, 1, 2, 3, 4].map(i => has(f, i, SpanFlag.Error)), [true, true, true, false, false]);
  const z = buildTree({ ...t, format: 'zipkin' }).flags;
  assert.ok(has(z, 3, SpanFlag.Error));
  const o = buildTree(t).flags;
  assert.deepEqual([0, 1, 2, 3, 4].map(i => has(o, i, SpanFlag.Error)), [true, false, false, false, false], 'OTLP: the status only');
});

test('a span whose parent is itself is a cycle too', () => {
  const tree = buildTree(trace([span({ id: 'a', parent: 'a' })].map(s => ({ id: s.spanId, parent: s.parentId }))));
  assert.deepEqual(tree.roots, [0]);
  assert.ok(has(tree.flags, 0, SpanFlag.CycleBroken));
});
