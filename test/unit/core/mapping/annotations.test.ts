import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateLocations } from '../../../../src/core/mapping/aggregate';
import { percentileSorted } from '../../../../src/core/units/percentile';
import { formatDuration } from '../../../../src/core/units/duration';
import { heatByRank, heatByShare } from '../../../../src/core/mapping/heat';
import { annotateFile, annotationText, FileSpans, lensText, planDecorations } from '../../../../src/core/mapping/lineAnnotations';
import { codeLine, fromEditorLine, toEditorLine } from '../../../../src/core/mapping/lines';

const MS = 1_000_000;

test('1-based code lines become 0-based editor lines in one place; bad lines are refused', () => {
  assert.equal(toEditorLine(codeLine(1)!), 0);
  assert.equal(fromEditorLine(toEditorLine(codeLine(182)!)), 182);
  assert.equal(codeLine('42'), 42);
  assert.equal(codeLine(42n), 42);
  for (const bad of [0, -1, 1.5, '4x', NaN, 1e12, undefined, null]) assert.equal(codeLine(bad), undefined, String(bad));
});

test('durations read the way people write them', () => {
  assert.equal(formatDuration(850), '850 ns');
  assert.equal(formatDuration(12_500), '12.5 µs');
  assert.equal(formatDuration(182 * MS), '182 ms');
  assert.equal(formatDuration(1.5 * MS), '1.5 ms');
  assert.equal(formatDuration(1_250_000_000), '1.25 s');
  assert.equal(formatDuration(125_000_000_000), '2m 05s');
});

test('nearest-rank percentiles and per-location aggregation', () => {
  const sorted = Float64Array.from({ length: 20 }, (_, i) => i + 1);
  assert.equal(percentileSorted(sorted, 0.5), 10);
  assert.equal(percentileSorted(sorted, 0.95), 19);
  assert.equal(percentileSorted(new Float64Array(0), 0.5), 0);
  const stats = aggregateLocations([
    { key: 'a', durationNs: 30, selfNs: 10, error: false, traceIndex: 0 },
    { key: 'a', durationNs: 10, selfNs: 5, error: true, traceIndex: 1 },
    { key: 'a', durationNs: 20, selfNs: 5, error: false, traceIndex: 1 },
    { key: 'b', durationNs: 7, selfNs: 7, error: false, traceIndex: 2 },
  ]);
  assert.deepEqual(stats.get('a'), { count: 3, errors: 1, errorRate: 1 / 3, totalNs: 60, selfTotalNs: 20, p50Ns: 20, p95Ns: 30, maxNs: 30, traces: 2 });
  assert.equal(stats.get('b')?.traces, 1);
});

test('heat by share of the trace and by rank within the file', () => {
  assert.deepEqual([0, 0.049, 0.05, 0.15, 0.3, 0.49, 0.5, 1.7].map(heatByShare), [0, 0, 1, 2, 3, 3, 4, 4]);
  assert.deepEqual([...heatByRank([10, 20, 30, 40, 50])], [0, 1, 2, 3, 4]);
  assert.deepEqual([...heatByRank([5, 5, 5, 5])], [4, 4, 4, 4], 'equal values share the level their group reaches');
  assert.deepEqual([...heatByRank([0, 0, 100])], [0, 0, 4], 'zero is never hot');
  assert.deepEqual([...heatByRank([])], []);
});

test('a file\'s lines get totals, share, calls, errors and heat; lines past the end are counted, not drawn', () => {
  const s = new FileSpans(2); // grows past its capacity
  s.push(codeLine(12)!, 100 * MS, 40 * MS, false, 0);
  s.push(codeLine(12)!, 60 * MS, 60 * MS, false, 1);
  s.push(codeLine(12)!, 22 * MS, 22 * MS, true, 2);
  s.push(codeLine(3)!, 5 * MS, 5 * MS, false, 3);
  s.push(codeLine(999)!, 5 * MS, 5 * MS, false, 4);
  const a = annotateFile(s, { kind: 'trace', traceDurationNs: 480 * MS }, 100);
  assert.equal(a.outOfRange, 1);
  assert.deepEqual(a.lines.map(l => [l.line, annotationText(l, a.mode), l.heat]), [
    [2, '5 ms · 1% · 1 call', 0],
    [11, '182 ms · 38% · 3 calls · 1 error', 3],
  ]);
  const l12 = a.lines[1]!;
  assert.deepEqual([l12.p50Ns, l12.p95Ns, l12.maxNs, l12.selfTotalNs, l12.errors], [60 * MS, 100 * MS, 100 * MS, 122 * MS, 1]);
  assert.deepEqual([...a.order.subarray(l12.from, l12.to)].sort(), [0, 1, 2]);
  const agg = annotateFile(s, { kind: 'aggregate' }, 100);
  assert.deepEqual(agg.lines.map(l => [annotationText(l, agg.mode), l.heat]), [['p95 5 ms · 1 call', 2], ['p95 100 ms · 3 calls · 1 error', 4]]);
  const plan = planDecorations(a, { inline: true });
  assert.deepEqual(plan.heat.map(h => [...h]), [[2], [], [], [], []], 'the error line takes the error mark, not a heat mark');
  assert.deepEqual(plan.error, [11]);
  assert.deepEqual(plan.inline.map(x => x.line), [2, 11]);
  assert.deepEqual(planDecorations(a, { inline: true, visible: [{ from: 300 as never, to: 400 as never }] }).inline, []);
  assert.deepEqual(planDecorations(a, { inline: false }).inline, []);
  assert.equal(lensText({ count: 42, errors: 2, p50Ns: 12 * MS, p95Ns: 180 * MS }), 'p50 12 ms · p95 180 ms · 42 spans · 2 errors');
  assert.equal(lensText({ count: 1, errors: 0, p50Ns: 12 * MS, p95Ns: 12 * MS }), 'p50 12 ms · p95 12 ms · 1 span');
});

test('per-line percentiles equal nearest-rank over each line\'s durations, for small and large groups', () => {
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const s = new FileSpans();
  const byLine = new Map<number, number[]>();
  for (let i = 0; i < 5000; i++) {
    // Line 1 gets many spans (native sort path), the others a few (insertion sort path).
    const line = rnd() < 0.3 ? 1 : 2 + Math.floor(rnd() * 200);
    const d = Math.floor(rnd() * 1e6);
    s.push(codeLine(line)!, d, 0, false, i);
    byLine.set(line, [...(byLine.get(line) ?? []), d]);
  }
  const a = annotateFile(s, { kind: 'aggregate' });
  assert.equal(a.lines.length, byLine.size);
  for (const l of a.lines) {
    const ds = Float64Array.from(byLine.get(l.line + 1)!).sort();
    assert.deepEqual([l.count, l.p50Ns, l.p95Ns, l.maxNs], [ds.length, percentileSorted(ds, 0.5), percentileSorted(ds, 0.95), ds[ds.length - 1]]);
  }
});
