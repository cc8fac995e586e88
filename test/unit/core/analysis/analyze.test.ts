import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { N_PLUS_ONE_MIN } from '../../../../src/core/analysis/findings';
import { SpanFlag } from '../../../../src/core/analysis/types';
import { trace } from '../../../support/builders';
import type { Trace } from '../../../../src/core/model';

const ids = (t: Trace, list: readonly number[]) => list.map(i => t.spans[i]!.spanId);
const us = (ns: number) => ns / 1000;

/**
 * The analysis of `t` with its critical path in readable form: `path`, the span IDs on it in time order; `sections`,
 * each stretch of it as [span ID, start µs, end µs], latest first (the order the walk back from the end finds them).
 */
function criticalPathOf(t: Trace) {
  const a = analyzeTrace(t);
  const sections = a.criticalSections!.map(s => [t.spans[s.spanIndex]!.spanId, us(s.startNs), us(s.endNs)]);
  return { a, path: ids(t, a.criticalPath), sections };
}

test('self time subtracts the union of children clipped to the span', () => {
  const t = trace([
    { id: 'r', start: 0, dur: 100 },
    { id: 'a', parent: 'r', start: 10, dur: 30 },
    { id: 'b', parent: 'r', start: 20, dur: 30 }, // overlaps a: union 10..50
    { id: 'c', parent: 'r', start: 90, dur: 50 }, // outlives r: counts 90..100
  ]);
  const a = analyzeTrace(t);
  assert.deepEqual(Array.from(a.selfTimeNs, us), [50, 30, 30, 50]);
});

test('critical path as Jaeger walks it: last-finishing child, back through the parent, FOLLOWS_FROM left out', () => {
  const t = trace([
    { id: 'root', start: 0, dur: 100 },
    { id: 'A', parent: 'root', start: 10, dur: 30 },
    { id: 'B', parent: 'root', start: 30, dur: 60 },
    { id: 'B1', parent: 'B', start: 35, dur: 25 },
    { id: 'C', parent: 'root', start: 50, dur: 70, followsFrom: true },
  ]);
  const { a, path, sections } = criticalPathOf(t);
  assert.deepEqual(path, ['root', 'B', 'B1']);
  assert.deepEqual(sections, [
    ['root', 90, 100], ['B', 60, 90], ['B1', 35, 60], ['B', 30, 35], ['root', 0, 30],
  ]);
  assert.ok(a.tree.flags[2]! & SpanFlag.Critical);
  assert.ok(!(a.tree.flags[1]! & SpanFlag.Critical));
});

test('critical path through sequential children and a child that outlives its parent (clipped)', () => {
  const t = trace([
    { id: 'root', start: 0, dur: 100 },
    { id: 'A', parent: 'root', start: 10, dur: 20 },
    { id: 'B', parent: 'root', start: 40, dur: 50 },
    { id: 'late', parent: 'A', start: 25, dur: 200 },
  ]);
  const { path, sections } = criticalPathOf(t);
  assert.deepEqual(path, ['root', 'A', 'late', 'B']);
  assert.deepEqual(sections, [
    ['root', 90, 100], ['B', 40, 90], ['root', 30, 40], ['late', 25, 30], ['A', 10, 25], ['root', 0, 10],
  ]);
});

test('critical path picks the top-level span that ends last (a 100k-deep chain: test/scale/analysis-100k.test.ts)', () => {
  const t = trace([{ id: 'a', start: 0, dur: 10 }, { id: 'b', start: 5, dur: 50 }]);
  assert.deepEqual(criticalPathOf(t).path, ['b']);
});

test('per service and per operation stats with nearest-rank percentiles and errors', () => {
  const specs = [{ id: 'r', service: 'gw', name: 'GET /', start: 0, dur: 1000 }];
  for (let i = 1; i <= 20; i++) specs.push({ id: `q${i}`, parent: 'r', service: 'db', name: 'SELECT', start: i * 40, dur: i, ...(i === 20 ? { status: 'error' as const } : {}) } as never);
  const a = analyzeTrace(trace(specs));
  const db = a.services.find(s => s.service === 'db')!;
  assert.equal(db.count, 20);
  assert.equal(us(db.totalNs), 210);
  assert.equal(us(db.p50Ns), 10);
  assert.equal(us(db.p95Ns), 19);
  assert.equal(us(db.maxNs), 20);
  assert.equal(db.errors, 1);
  const gw = a.operations.find(o => o.operation === 'GET /')!;
  assert.equal(us(gw.selfTotalNs), 1000 - 210);
  assert.equal(a.services[0]!.service, 'gw', 'largest total first');
});

test('error origin vs propagated errors', () => {
  const t = trace([
    { id: 'r', status: 'error', start: 0, dur: 10 },
    { id: 'm', parent: 'r', status: 'error', start: 1, dur: 5 },
    { id: 'leaf', parent: 'm', status: 'error', statusMessage: 'connection refused', start: 2, dur: 1 },
    { id: 'other', parent: 'r', status: 'error', start: 7, dur: 1, events: [{ name: 'exception', attrs: { 'exception.type': 'KeyError', 'exception.stacktrace': 'Traceback (most recent call last):\n  File "/app/a.py", line 3, in main\n  File "/app/b.py", line 9, in get\nKeyError: x' } }] },
  ]);
  const a = analyzeTrace(t);
  assert.deepEqual(ids(t, a.errorOrigins), ['leaf', 'other']);
  assert.deepEqual(ids(t, a.propagatedErrors), ['r', 'm']);
  assert.equal(a.errorCount, 4);
  const origins = a.findings.filter(f => f.kind === 'error-origin');
  assert.equal(origins.length, 2);
  assert.match(origins[0]!.message, /connection refused.*2 ancestor spans report the error only because of this one/s);
  assert.deepEqual(origins[1]!.codeLocation, { source: 'stacktrace', filePath: '/app/b.py', line: 9, function: 'get' });
});

test('orphans: one finding per missing parent listing its orphans, with the code location', () => {
  const t = trace([
    { id: 'a', parent: 'gone', name: 'consume', start: 0, dur: 1, attrs: { 'code.filepath': 'src/worker.ts', 'code.lineno': 12 } },
    { id: 'b', parent: 'gone', start: 1, dur: 1 },
    { id: 'c', parent: 'lost', start: 2, dur: 1 },
  ]);
  const f = analyzeTrace(t).findings.filter(x => x.kind === 'orphan');
  assert.equal(f.length, 2);
  assert.deepEqual(f[0]!.relatedSpanIndices, [0, 1]);
  assert.match(f[0]!.message, /2 spans .*parent span gone, which is not in this trace/);
  assert.deepEqual(f[0]!.codeLocation, { source: 'code.attributes.old', filePath: 'src/worker.ts', line: 12 });
});

test('a CLIENT call whose callee service is in the trace but has no SERVER child', () => {
  const t = trace([
    { id: 'r', service: 'frontend', kind: 'server', start: 0, dur: 100 },
    { id: 'ok', parent: 'r', service: 'frontend', kind: 'client', start: 1, dur: 10, attrs: { 'server.address': 'cart-service.shop.svc:8080' } },
    { id: 'okS', parent: 'ok', service: 'cart-service', kind: 'server', start: 2, dur: 8 },
    { id: 'lost', parent: 'r', service: 'frontend', kind: 'client', start: 20, dur: 10, attrs: { 'peer.service': 'cart-service', 'code.function.name': 'CartClient.get' } },
    { id: 'db', parent: 'r', service: 'frontend', kind: 'client', start: 40, dur: 10, attrs: { 'server.address': 'orders-pg' } },
    { id: 'grpc', parent: 'r', service: 'frontend', kind: 'client', start: 60, dur: 10, attrs: { 'rpc.service': 'acme.cart.CartService' } },
    { id: 'newRoot', service: 'cart-service', kind: 'server', start: 21, dur: 5 },
  ]);
  const f = analyzeTrace(t).findings.filter(x => x.kind === 'client-without-server');
  assert.deepEqual(ids(t, f.map(x => x.spanIndex)), ['lost', 'grpc']);
  assert.match(f[0]!.message, /calls cart-service.*no cart-service server span/);
  assert.equal(f[0]!.codeLocation?.function, 'CartClient.get');
});

test('several roots from one service', () => {
  const t = trace([{ id: 'a', service: 'x', start: 0, dur: 1 }, { id: 'b', service: 'x', start: 2, dur: 1 }, { id: 'c', service: 'y', start: 3, dur: 1 }]);
  const f = analyzeTrace(t).findings.filter(x => x.kind === 'multiple-roots');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0]!.relatedSpanIndices, [0, 1]);
  assert.match(f[0]!.message, /^x started 2 root spans/);
});

test(`N+1: ≥ ${N_PLUS_ONE_MIN} sibling calls with the same statement or name, with their total`, () => {
  const specs: Parameters<typeof trace>[0] = [{ id: 'r', name: 'GET /orders', start: 0, dur: 1000 }];
  for (let i = 0; i < 6; i++) specs.push({ id: `q${i}`, parent: 'r', kind: 'client', name: `SELECT ${i}`, start: 10 + i * 100, dur: 50, attrs: { 'db.statement': 'SELECT * FROM items WHERE id = ?' } });
  for (let i = 0; i < 4; i++) specs.push({ id: `h${i}`, parent: 'r', kind: 'client', name: 'GET /price', start: 700 + i * 60, dur: 50 });
  for (let i = 0; i < 6; i++) specs.push({ id: `i${i}`, parent: 'r', kind: 'internal', name: 'map', start: 5 + i, dur: 1 });
  const t = trace(specs);
  const f = analyzeTrace(t).findings.filter(x => x.kind === 'n-plus-one');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.relatedSpanIndices.length, 6);
  assert.equal(f[0]!.totalNs, 300_000);
  // grouped by callee: the statement template names it; the message says how they ran and the saving
  assert.match(f[0]!.message, /made 6 calls to the database statement "SELECT \* FROM items WHERE id = \?", 300 µs in total \(55% of the parent's 1 ms\), one after another/);
  assert.equal(f[0]!.savingNs, 250_000);
});

test('slowest sequential chain of siblings', () => {
  const t = trace([
    { id: 'r', start: 0, dur: 1000 },
    { id: 'a', parent: 'r', start: 0, dur: 100 },
    { id: 'b', parent: 'r', start: 100, dur: 100 },
    { id: 'c', parent: 'r', start: 250, dur: 100 },
    { id: 'd', parent: 'r', start: 300, dur: 10 }, // overlaps c: breaks the chain
    { id: 'e', parent: 'r', start: 400, dur: 10 },
    { id: 'x', parent: 'd', start: 300, dur: 1 },
  ]);
  const f = analyzeTrace(t).findings.filter(x => x.kind === 'sequential-chain');
  assert.equal(f.length, 1);
  assert.deepEqual(ids(t, f[0]!.relatedSpanIndices), ['a', 'b', 'c']);
  assert.equal(f[0]!.totalNs, 300_000);
  assert.match(f[0]!.message, /ran 3 child spans strictly one after another.*300 µs in total.*save up to 200 µs/);
});

test('duplicate span IDs get one finding; findings come in a stable kind order', () => {
  const t = trace([
    { id: 'r', start: 0, dur: 10, status: 'error' },
    { id: 'd', parent: 'r', start: 1, dur: 1 },
    { id: 'd', parent: 'r', start: 2, dur: 1 },
    { id: 'o', parent: 'zz', start: 3, dur: 1 },
  ]);
  const kinds = analyzeTrace(t).findings.map(f => f.kind);
  assert.deepEqual(kinds, ['orphan', 'duplicate-span-id', 'error-origin']);
});
