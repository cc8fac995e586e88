import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { compareTraces } from '../../../../src/core/analysis/compare';
import type { TraceDiff } from '../../../../src/core/analysis/compare';
import { tableFromAnalysis } from '../../../../src/core/analysis/graph';
import { parseTraceDocument } from '../../../../src/core/parse/index';
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../../../bench/gen-trace.mjs';
import { trace } from '../../../support/builders';
import type { SpanSpec } from '../../../support/builders';
import { REAL_FIXTURES } from '../../../support/paths';

const tbl = (specs: SpanSpec[]) => tableFromAnalysis(analyzeTrace(trace(specs)));
const row = (d: TraceDiff, name: string, occ = 0) => d.rows.find(r => r.name === name && r.occurrence === occ)!;

/** Each span of A and of B appears in exactly one row, and rows are in preorder with consistent depths. */
function checkInvariants(d: TraceDiff, aCount: number, bCount: number): void {
  const seenA = new Uint8Array(aCount), seenB = new Uint8Array(bCount);
  d.rows.forEach((r, k) => {
    if (r.a >= 0) { assert.equal(seenA[r.a], 0); seenA[r.a] = 1; }
    if (r.b >= 0) { assert.equal(seenB[r.b], 0); seenB[r.b] = 1; }
    if (r.parent >= 0) {
      assert.ok(r.parent < k, 'parent before child');
      assert.equal(r.depth, d.rows[r.parent]!.depth + 1);
    } else assert.equal(r.depth, 0);
    assert.equal(r.deltaNs, r.bNs - r.aNs);
  });
  assert.ok(seenA.every(x => x === 1) && seenB.every(x => x === 1), 'every span in one row');
  const c = d.counts;
  assert.equal(c.same + c.changed + c.added + c.removed, d.rows.length);
}

test('spans align by (service, operation) path and occurrence; added, removed, changed and deltas', () => {
  const A: SpanSpec[] = [
    { id: 'r', name: 'GET /cart', service: 'web', start: 0, dur: 1000 },
    { id: 'q1', parent: 'r', name: 'SELECT', service: 'db', start: 10, dur: 100 },
    { id: 'q2', parent: 'r', name: 'SELECT', service: 'db', start: 200, dur: 100 },
    { id: 'q3', parent: 'r', name: 'SELECT', service: 'db', start: 400, dur: 100 },
    { id: 'old', parent: 'r', name: 'legacy', service: 'web', start: 600, dur: 50 },
  ];
  const B: SpanSpec[] = [
    { id: 'R', name: 'GET /cart', service: 'web', start: 0, dur: 2000 },
    { id: 'Q1', parent: 'R', name: 'SELECT', service: 'db', start: 10, dur: 100 },
    { id: 'Q2', parent: 'R', name: 'SELECT', service: 'db', start: 200, dur: 900, status: 'error' },
    { id: 'Q3', parent: 'R', name: 'SELECT', service: 'db', start: 1200, dur: 105 },
    { id: 'new', parent: 'R', name: 'cache', service: 'redis', start: 1400, dur: 300 },
    { id: 'newkid', parent: 'new', name: 'GET', service: 'redis', start: 1410, dur: 200 },
  ];
  const d = compareTraces(tbl(A), tbl(B));
  checkInvariants(d, A.length, B.length);
  assert.deepEqual(d.counts, { same: 2, changed: 2, added: 2, removed: 1 });
  assert.equal(row(d, 'GET /cart').status, 'changed');
  assert.equal(row(d, 'GET /cart').deltaNs, 1_000_000);
  assert.equal(row(d, 'SELECT', 0).status, 'same');
  const q2 = row(d, 'SELECT', 1);
  assert.deepEqual([q2.status, q2.deltaNs, q2.aError, q2.bError], ['changed', 800_000, false, true]);
  assert.equal(row(d, 'SELECT', 2).status, 'same', '5 µs of 105 is within 10 %');
  assert.equal(row(d, 'legacy').status, 'removed');
  assert.equal(row(d, 'legacy').deltaNs, -50_000);
  assert.equal(row(d, 'cache').status, 'added');
  assert.equal(row(d, 'GET').depth, 2);
  assert.equal(d.rows[row(d, 'GET').parent]!.name, 'cache');
  // root: +1000 µs, children together +800 +5 −50 +300 = +1055 µs → its own change is −55 µs
  assert.equal(row(d, 'GET /cart').selfDeltaNs, -55_000);
  assert.equal(row(d, 'cache').selfDeltaNs, 100_000, 'cache 300 minus its added child 200');
  assert.deepEqual(d.regressions.map(x => x.name), ['SELECT', 'GET', 'cache'], 'unchanged rows are not listed');
  assert.equal(d.regressions[0]!.selfDeltaNs, 800_000);
  assert.deepEqual(d.improvements.map(x => x.name), ['GET /cart', 'legacy']);
  assert.equal(d.aDurationNs, 1_000_000);
  assert.equal(d.bDurationNs, 2_000_000);
});

test('a subtree that moved under another parent counts as removed there and added here', () => {
  const d = compareTraces(
    tbl([{ id: 'r', name: 'root' }, { id: 'a', parent: 'r', name: 'A' }, { id: 'x', parent: 'a', name: 'X', dur: 10 }]),
    tbl([{ id: 'r', name: 'root' }, { id: 'a', parent: 'r', name: 'A' }, { id: 'b', parent: 'r', name: 'B', start: 1 }, { id: 'x', parent: 'b', name: 'X', dur: 10 }]),
  );
  checkInvariants(d, 3, 4);
  assert.deepEqual(d.rows.filter(r => r.name === 'X').map(r => r.status).sort(), ['added', 'removed']);
});

test('real: every fixture compared with itself is all `same` with zero deltas', () => {
  for (const f of ['jaeger-v1/jaeger-ui--genaiTestTrace.json', 'zipkin/zipkin--messaging-kafka.json', 'jaeger-v1/jaeger--ui_01.json', 'zipkin/zipkin--messaging2.json', 'jaeger-v1/jaeger-ui--TraceGraph-testTrace.json']) {
    for (const t of parseTraceDocument(readFileSync(join(REAL_FIXTURES, f))).traces) {
      const a = tableFromAnalysis(analyzeTrace(t)), b = tableFromAnalysis(analyzeTrace(t));
      const d = compareTraces(a, b);
      checkInvariants(d, a.spanCount, b.spanCount);
      assert.equal(d.counts.same, a.spanCount, f);
      assert.ok(d.rows.every(r => r.deltaNs === 0 && r.a === r.b), f);
      assert.deepEqual([d.regressions.length, d.improvements.length], [0, 0]);
    }
  }
});

test('real: genai trace vs the same trace with one span slower and one dropped', () => {
  const t = parseTraceDocument(readFileSync(join(REAL_FIXTURES, 'jaeger-v1/jaeger-ui--genaiTestTrace.json'))).traces[0]!;
  const leaves = t.spans.filter(s => !t.spans.some(c => c.parentId === s.spanId));
  const slow = leaves[3]!, dropped = leaves[5]!;
  const b = { ...t, spans: t.spans.filter(s => s !== dropped).map(s => (s === slow ? { ...s, durationNs: s.durationNs + 5e9 } : s)) };
  const d = compareTraces(tableFromAnalysis(analyzeTrace(t)), tableFromAnalysis(analyzeTrace(b)));
  assert.deepEqual([d.counts.changed > 0, d.counts.removed, d.counts.added], [true, 1, 0]);
  assert.equal(d.regressions[0]!.name, slow.name);
  assert.equal(d.regressions[0]!.selfDeltaNs, 5e9);
  assert.equal(d.rows.find(r => r.status === 'removed')!.name, dropped.name);
});

test('generated traces (seeds 1 and 2, 2,000 spans): every span in exactly one row', () => {
  const prep = (seed: number) => tableFromAnalysis(analyzeTrace(parseTraceDocument(JSON.stringify(generateTrace({ n: 2000, seed }) as unknown)).traces[0]!));
  const a = prep(1), b = prep(2);
  const d = compareTraces(a, b);
  checkInvariants(d, a.spanCount, b.spanCount);
  assert.ok(d.regressions.length > 0 && d.regressions.length <= 10);
  for (let k = 1; k < d.regressions.length; k++) assert.ok(d.regressions[k - 1]!.selfDeltaNs >= d.regressions[k]!.selfDeltaNs);
});
