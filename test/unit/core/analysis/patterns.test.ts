// The performance findings on hand-built traces (times in µs; 1000 = 1 ms), each with the traps that must
// not trigger it: dependent sequential calls, a single slow call, calls that already run in parallel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { classifyBackoff, pathTemplate, statementTemplate } from '../../../../src/core/analysis/patterns';
import type { Finding, FindingKind } from '../../../../src/core/analysis/types';
import type { SpanSpec } from '../../../support/builders';
import { trace } from '../../../support/builders';
import type { Trace } from '../../../../src/core/model';

const ids = (t: Trace, list: readonly number[]) => list.map(i => t.spans[i]!.spanId);
const of = (t: Trace, kind: FindingKind): Finding[] => analyzeTrace(t).findings.filter(f => f.kind === kind);
const ms = (x: number) => x * 1000;
const http = (path: string, port = 8081) => ({ 'http.request.method': 'GET', 'url.full': `http://127.0.0.1:${port}${path}`, 'server.address': '127.0.0.1', 'server.port': port });

test('templates: literals of statements and ids of paths are replaced', () => {
  assert.equal(statementTemplate("SELECT * FROM t1 WHERE id = 42 AND name = 'bob''s' AND x IN (1, 2, 3)"), 'SELECT * FROM t1 WHERE id = ? AND name = ? AND x IN (?)');
  assert.equal(pathTemplate('http://h:1/api/v1/items/123/reviews?x=1'), '/api/v1/items/{id}/reviews');
  assert.equal(pathTemplate('/orders/5b8efff7-9803-8103-d269-b633813fc60c'), '/orders/{id}');
});

test('N+1 groups by callee: 1 call to /customer is not counted with 10 calls to /route', () => {
  const specs: SpanSpec[] = [{ id: 'r', name: 'GET /dispatch', kind: 'server', start: 0, dur: ms(120) }];
  specs.push({ id: 'c', parent: 'r', name: 'HTTP GET', kind: 'client', start: ms(1), dur: ms(5), attrs: http('/customer?id=1', 8081) });
  for (let i = 0; i < 10; i++) specs.push({ id: `q${i}`, parent: 'r', name: 'HTTP GET', kind: 'client', start: ms(10 + i * 10), dur: ms(9), attrs: http(`/route?from=${i}`, 8083) });
  const t = trace(specs);
  const f = of(t, 'n-plus-one');
  assert.equal(f.length, 1);
  assert.deepEqual(ids(t, f[0]!.relatedSpanIndices), specs.slice(2).map(s => s.id));
  assert.equal(f[0]!.totalNs, ms(90) * 1000);
  assert.equal(f[0]!.savingNs, ms(81) * 1000);
  assert.match(f[0]!.message, /made 10 calls to GET \/route on 127\.0\.0\.1:8083, 90 ms in total \(83% of the parent's 120 ms\), one after another/);
  // a sequential N+1 is told once, as N+1, not again as a sequential chain
  assert.equal(of(t, 'sequential-chain').length, 0);
});

test('a sequential N+1 whose calls brush against each other is still told once: its pieces are not chains', () => {
  // Found in a node-shop capture: 8 sequential calls, one of which started 0.3 ms before a short previous call ended.
  // The N+1 rule (slack from the later call) still read them as one after another; the chain rule (slack from the
  // shorter call) cut the run there, and each half was reported again as a sequential chain.
  const specs: SpanSpec[] = [{ id: 'r', name: 'request handler', kind: 'server', start: 0, dur: ms(60) }];
  const durs = [5, 5, 5, 2, 10, 5, 5, 5];
  let at = ms(1);
  durs.forEach((d, i) => {
    const begin = i === 4 ? at - ms(0.3) : at;
    specs.push({ id: `q${i}`, parent: 'r', name: 'GET', kind: 'client', start: begin, dur: ms(d), attrs: http(`/item/${i + 1}`, 39191) });
    at = begin + ms(d);
  });
  const t = trace(specs);
  const f = of(t, 'n-plus-one');
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /made 8 calls.*one after another/);
  assert.deepEqual(of(t, 'sequential-chain'), []);
});

test("Node's millisecond start stamps: a sequential N+1 whose calls seem to overlap by up to 1 ms is still one after another", () => {
  // Node's SDK stamps a start with Date.now() and adds a precise duration, so every span sits up to 1 ms early. Built
  // here as Node records it: calls of about 6 ms, each starting 40 µs after the previous one really ended, every start
  // cut down to its millisecond (CI read a capture like this as "in parallel (at most 2 at a time)", twice in a row).
  const build = (offMs: number) => {
    const specs: SpanSpec[] = [{ id: 'r', name: 'request handler', kind: 'server', start: 0, dur: ms(70) }];
    // real starts (ms): early and late in their millisecond by turns, so some calls lose 0.02 ms and the next 0.95
    const real = [1.02, 7.95, 14.02, 20.95, 27.02, 33.95, 40.02, 46.95, 53.02];
    for (let i = 0; i < 8; i++) {
      const d = real[i + 1]! - real[i]! - 0.04;
      specs.push({ id: `q${i}`, parent: 'r', name: 'GET', kind: 'client', start: ms(Math.floor(real[i]!) + offMs), dur: ms(d), attrs: http(`/item/${i + 1}`, 37249) });
    }
    return trace(specs);
  };
  const node = build(0);
  const starts = node.spans.slice(1).map(s => s.startNs);
  const ends = node.spans.slice(1).map(s => s.startNs + BigInt(s.durationNs));
  assert.ok(starts.some((s, i) => i > 0 && ends[i - 1]! - s > 600_000n), 'the trace has calls that seem to overlap by more than the precise-clock slack');
  const f = of(node, 'n-plus-one');
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /made 8 calls.*one after another/);
  assert.deepEqual(of(node, 'sequential-chain'), []);
  assert.deepEqual(of(node, 'concurrency-limit'), []);
  // the same overlaps from a precise clock (starts off whole milliseconds) are real: those calls did run together
  const precise = of(build(0.0005), 'n-plus-one');
  assert.match(precise[0]!.message, /in parallel \(at most 2 at a time\)/);
});

test('N+1 in parallel says so; 4 calls are not an N+1; different statements are not grouped', () => {
  const specs: SpanSpec[] = [{ id: 'r', start: 0, dur: ms(100) }];
  for (let i = 0; i < 6; i++) specs.push({ id: `p${i}`, parent: 'r', kind: 'client', name: 'SELECT', start: ms(1), dur: ms(20), attrs: { 'db.system': 'mysql', 'db.statement': `SELECT * FROM items WHERE id = ${i}` } });
  for (let i = 0; i < 4; i++) specs.push({ id: `f${i}`, parent: 'r', kind: 'client', name: 'SELECT', start: ms(30 + i * 10), dur: ms(5), attrs: { 'db.system': 'mysql', 'db.statement': `SELECT * FROM users WHERE id = ${i}` } });
  const t = trace(specs);
  const f = of(t, 'n-plus-one');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.relatedSpanIndices.length, 6);
  assert.match(f[0]!.message, /6 calls to mysql statement "SELECT \* FROM items WHERE id = \?".*in parallel \(at most 6 at a time\)/);
});

test('sequential chains: every independent chain, ranked by saving; dependent calls are not one', () => {
  const t = trace([
    { id: 'r', start: 0, dur: ms(400) },
    // independent fan-out: 4 different services, each right after the previous one
    { id: 'a', parent: 'r', kind: 'client', name: 'GET /price', start: ms(0), dur: ms(40), attrs: http('/price', 1) },
    { id: 'b', parent: 'r', kind: 'client', name: 'GET /stock', start: ms(40.2), dur: ms(40), attrs: http('/stock', 2) },
    { id: 'c', parent: 'r', kind: 'client', name: 'GET /tax', start: ms(80.3), dur: ms(40), attrs: http('/tax', 3) },
    { id: 'd', parent: 'r', kind: 'client', name: 'GET /ship', start: ms(120.5), dur: ms(40), attrs: http('/ship', 4) },
    // dependent: each waits for work on the previous result (20 ms between calls)
    { id: 'x', parent: 'r', kind: 'client', name: 'GET /auth', start: ms(170), dur: ms(30), attrs: http('/auth', 5) },
    { id: 'y', parent: 'r', kind: 'client', name: 'GET /user', start: ms(220), dur: ms(30), attrs: http('/user', 6) },
    { id: 'z', parent: 'r', kind: 'client', name: 'GET /orders', start: ms(270), dur: ms(30), attrs: http('/orders', 7) },
    // a second, smaller independent chain
    { id: 'k', parent: 'r', kind: 'client', name: 'cache get', start: ms(310), dur: ms(20), attrs: { 'db.system': 'redis', 'db.statement': 'GET a' } },
    { id: 'l', parent: 'r', kind: 'client', name: 'cache get', start: ms(330), dur: ms(20), attrs: { 'db.system': 'redis', 'db.statement': 'GET b' } },
    { id: 'm', parent: 'r', kind: 'client', name: 'cache get', start: ms(350), dur: ms(20), attrs: { 'db.system': 'redis', 'db.statement': 'GET c' } },
  ]);
  const f = of(t, 'sequential-chain');
  assert.deepEqual(f.map(x => ids(t, x.relatedSpanIndices)), [['a', 'b', 'c', 'd'], ['k', 'l', 'm']]);
  assert.equal(f[0]!.savingNs, ms(120) * 1000);
  assert.equal(f[1]!.savingNs, ms(40) * 1000);
  assert.match(f[0]!.message, /ran 4 child spans strictly one after another.*save up to 120 ms/);
});

test('sequential chains: parallel calls and a single slow call are not chains', () => {
  const t = trace([
    { id: 'r', start: 0, dur: ms(200) },
    { id: 'a', parent: 'r', kind: 'client', start: ms(0), dur: ms(40), attrs: http('/a', 1) },
    { id: 'b', parent: 'r', kind: 'client', start: ms(1), dur: ms(40), attrs: http('/b', 2) },
    { id: 'c', parent: 'r', kind: 'client', start: ms(2), dur: ms(40), attrs: http('/c', 3) },
    { id: 's', parent: 'r', kind: 'client', start: ms(50), dur: ms(140), attrs: http('/slow', 4) },
  ]);
  assert.deepEqual(of(t, 'sequential-chain'), []);
  assert.deepEqual(of(t, 'concurrency-limit'), []);
  assert.deepEqual(of(t, 'n-plus-one'), []);
});

test('bottleneck: the span holding the critical path, with the lock-wait event that explains it', () => {
  const t = trace([
    { id: 'r', kind: 'server', start: 0, dur: ms(100) },
    { id: 'q', parent: 'r', kind: 'client', name: 'UPDATE stock', start: ms(5), dur: ms(80), attrs: { 'db.system': 'mysql', 'db.statement': 'UPDATE stock SET n = n - 1 WHERE id = 7' },
      events: [{ name: 'Waiting for lock behind 9 transactions', at: 0, attrs: { 'lock.wait_ms': 70 } }] },
    { id: 'o', parent: 'r', kind: 'client', start: ms(86), dur: ms(5) },
  ]);
  const f = of(t, 'bottleneck');
  assert.equal(f.length, 1);
  assert.deepEqual(ids(t, [f[0]!.spanIndex]), ['q']);
  assert.equal(f[0]!.severity, 'high');
  assert.match(f[0]!.message, /holds 80% of the critical path.*Waiting for lock behind 9 transactions/);
});

test('bottleneck: none when the work is spread, none for sub-millisecond traces', () => {
  const spread = trace([
    { id: 'r', kind: 'server', start: 0, dur: ms(100) },
    ...[0, 1, 2, 3, 4].map(i => ({ id: `c${i}`, parent: 'r', kind: 'client' as const, start: ms(i * 20), dur: ms(19), attrs: http(`/x${'abcde'[i]}`, i) })),
  ]);
  assert.deepEqual(of(spread, 'bottleneck'), []);
  const tiny = trace([{ id: 'r', start: 0, dur: 1000 }, { id: 'c', parent: 'r', start: 0, dur: 900 }]);
  assert.deepEqual(of(tiny, 'bottleneck'), []);
  // the one service a request calls, doing its job: its server span holds the path, but nothing waits there
  const leaf = trace([
    { id: 'r', kind: 'server', start: 0, dur: ms(40) },
    { id: 'c', parent: 'r', kind: 'client', start: ms(1), dur: ms(38), attrs: http('/tax') },
    { id: 's', parent: 'c', kind: 'server', service: 'tax', start: ms(2), dur: ms(36) },
  ]);
  assert.deepEqual(of(leaf, 'bottleneck'), []);
  // a call without events holding 40% of a 100 ms trace is the usual critical leaf, not a finding…
  const usual = trace([{ id: 'r', kind: 'server', start: 0, dur: ms(100) }, { id: 'c', parent: 'r', kind: 'client', start: ms(1), dur: ms(40) }]);
  assert.deepEqual(of(usual, 'bottleneck'), []);
  // …but holding 80 ms of it is, events or not
  const slow = trace([{ id: 'r', kind: 'server', start: 0, dur: ms(100) }, { id: 'c', parent: 'r', kind: 'client', start: ms(1), dur: ms(80) }]);
  assert.equal(of(slow, 'bottleneck').length, 1);
  // a call whose server answered in 20 ms of its 80: client-side overhead, not named without events
  const overhead = trace([
    { id: 'r', kind: 'server', start: 0, dur: ms(100) },
    { id: 'c', parent: 'r', kind: 'client', start: ms(1), dur: ms(80) },
    { id: 's', parent: 'c', kind: 'server', service: 'b', start: ms(30), dur: ms(20) },
  ]);
  assert.deepEqual(of(overhead, 'bottleneck'), []);
});

test('retry: failed attempts, exponential backoff, the last one succeeded; error origin says it was recovered', () => {
  const t = trace([
    { id: 'r', kind: 'server', start: 0, dur: ms(200) },
    { id: 'a1', parent: 'r', kind: 'client', start: ms(0), dur: ms(10), status: 'error', attrs: http('/flaky'), events: [{ name: 'exception', attrs: { 'exception.type': 'TimeoutError', 'exception.message': 'redis timeout' } }], statusMessage: 'An error occurred' },
    { id: 'a2', parent: 'r', kind: 'client', start: ms(30), dur: ms(10), status: 'error', attrs: http('/flaky') },
    { id: 'a3', parent: 'r', kind: 'client', start: ms(80), dur: ms(10), status: 'error', attrs: http('/flaky') },
    { id: 'a4', parent: 'r', kind: 'client', start: ms(170), dur: ms(10), attrs: http('/flaky') },
  ]);
  const f = of(t, 'retry');
  assert.equal(f.length, 1);
  assert.deepEqual(ids(t, f[0]!.relatedSpanIndices), ['a1', 'a2', 'a3', 'a4']);
  assert.match(f[0]!.message, /4 times: 3 failed attempts were retried, and the last attempt succeeded\. Backoff: exponential \(waits 20 ms, 40 ms, 80 ms/);
  assert.equal(f[0]!.savingNs, ms(140) * 1000);
  // the waits are the retry's, not a bottleneck of the parent's own work; attempts are no sequential chain
  assert.deepEqual(of(t, 'bottleneck'), []);
  assert.deepEqual(of(t, 'sequential-chain'), []);
  const e = of(t, 'error-origin');
  assert.match(e[0]!.message, /failed here: "TimeoutError: redis timeout".*attempt 1 of 4 .*attempt 4 succeeded, so the caller recovered/);
  assert.equal(e[0]!.severity, 'low');
});

test('retry: not for an N+1 loop where one item failed, nor for one failure without a repeat', () => {
  const specs: SpanSpec[] = [{ id: 'r', start: 0, dur: ms(100) }];
  for (let i = 0; i < 6; i++) specs.push({ id: `i${i}`, parent: 'r', kind: 'client', start: ms(i * 10), dur: ms(9), attrs: http(`/items/${i}`), ...(i === 2 ? { status: 'error' as const } : {}) });
  const t = trace(specs);
  assert.deepEqual(of(t, 'retry'), []);
  assert.equal(of(t, 'n-plus-one').length, 1);
  // a loop over a parameterised statement (the same text every time) where one item failed is no retry either
  const loop: SpanSpec[] = [{ id: 'r', start: 0, dur: ms(100) }];
  for (let i = 0; i < 6; i++) loop.push({ id: `s${i}`, parent: 'r', kind: 'client', start: ms(i * 10), dur: ms(9), attrs: { 'db.system': 'mysql', 'db.statement': 'SELECT * FROM items WHERE id = ?' }, ...(i === 2 ? { status: 'error' as const } : {}) });
  assert.deepEqual(of(trace(loop), 'retry'), []);
});

test('retry storm: attempts multiply down the chain', () => {
  const specs: SpanSpec[] = [{ id: 'r', kind: 'server', service: 'front', start: 0, dur: ms(300) }];
  for (let a = 0; a < 3; a++) {
    const s = a * 100;
    specs.push({ id: `f${a}`, parent: 'r', service: 'front', kind: 'client', start: ms(s), dur: ms(60), attrs: http('/mid'), ...(a < 2 ? { status: 'error' as const } : {}) });
    specs.push({ id: `m${a}`, parent: `f${a}`, service: 'mid', kind: 'server', start: ms(s + 1), dur: ms(58), ...(a < 2 ? { status: 'error' as const } : {}) });
    for (let b = 0; b < 3; b++) specs.push({ id: `b${a}${b}`, parent: `m${a}`, service: 'mid', kind: 'client', start: ms(s + 2 + b * 15), dur: ms(10), attrs: http('/db', 9), ...(b < 2 || a < 2 ? { status: 'error' as const } : {}) });
  }
  const f = of(trace(specs), 'retry');
  const top = f.find(x => x.relatedSpanIndices.length === 3 && /front/.test(x.message))!;
  assert.match(top.message, /retry storm.*up to 9 calls/);
  assert.equal(top.severity, 'high');
});

test('backoff classes', () => {
  assert.equal(classifyBackoff([0, 1000, 500]), 'immediate');
  assert.equal(classifyBackoff([ms(20), ms(21), ms(19)].map(x => x * 1000)), 'fixed');
  assert.equal(classifyBackoff([ms(10), ms(20), ms(40)].map(x => x * 1000)), 'exponential');
});

test('concurrency limit: 10 calls never more than 3 at a time, k and the time lost', () => {
  const specs: SpanSpec[] = [{ id: 'r', start: 0, dur: ms(200) }];
  for (let i = 0; i < 10; i++) {
    const wave = Math.floor(i / 3);
    specs.push({ id: `w${i}`, parent: 'r', kind: 'client', start: ms(wave * 40.1 + (i % 3) * 0.1), dur: ms(40), attrs: http(`/work/${i}`) });
  }
  const t = trace(specs);
  const f = of(t, 'concurrency-limit');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.relatedSpanIndices.length, 10);
  assert.match(f[0]!.message, /10 calls to GET \/work\/\{id\} on 127\.0\.0\.1:8081 that overlap but never more than 3 at a time/);
  // from the first start (0) to the last end (120.3 + 40): 160.3 ms, all at once 40 ms
  assert.equal(Math.round(f[0]!.savingNs! / 1e6 * 10) / 10, 120.3);
});

test('concurrency limit on a busy host: queued calls that start 15 ms after a slot frees still waited for it', () => {
  // 9 calls of 80 ms through a pool of 3, as java-shop's /pool on a 2-core machine at load average 10: the pool's
  // thread picks the next call up 15 ms after a slot frees (under 1 ms on an idle host)
  const pooled = (delay: number): Trace => {
    const specs: SpanSpec[] = [{ id: 'r', start: 0, dur: ms(400) }];
    for (let i = 0; i < 9; i++) {
      const wave = Math.floor(i / 3);
      specs.push({ id: `w${i}`, parent: 'r', kind: 'client', start: ms(wave * (80 + delay) + (i % 3) * 0.2), dur: ms(80), attrs: http(`/work/${i}`) });
    }
    return trace(specs);
  };
  const f = of(pooled(15), 'concurrency-limit');
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /9 calls to GET \/work\/\{id\} on 127\.0\.0\.1:8081 that overlap but never more than 3 at a time/);
  // a caller that works 35 ms between waves (more than a quarter of a call) is not waiting for a slot
  assert.deepEqual(of(pooled(35), 'concurrency-limit'), []);
});

test('concurrency limit: not for all-at-once calls, nor a staggered launch', () => {
  const all: SpanSpec[] = [{ id: 'r', start: 0, dur: ms(100) }];
  for (let i = 0; i < 8; i++) all.push({ id: `a${i}`, parent: 'r', kind: 'client', start: ms(i * 0.1), dur: ms(40), attrs: http('/w') });
  assert.deepEqual(of(trace(all), 'concurrency-limit'), []);
  const stagger: SpanSpec[] = [{ id: 'r', start: 0, dur: ms(300) }];
  // one new call every 25 ms, each 40 ms long: at most 2 overlap, but no call waits for another to end
  for (let i = 0; i < 8; i++) stagger.push({ id: `s${i}`, parent: 'r', kind: 'client', start: ms(i * 25), dur: ms(40), attrs: http('/w') });
  assert.deepEqual(of(trace(stagger), 'concurrency-limit'), []);
});

test('error origin: the exception event before the status message; where it was caught', () => {
  const t = trace([
    { id: 'r', kind: 'server', start: 0, dur: ms(50) },
    { id: 'h', parent: 'r', start: ms(1), dur: ms(40) },
    { id: 'c', parent: 'h', kind: 'client', start: ms(2), dur: ms(10), status: 'error', statusMessage: 'An error occurred', events: [{ name: 'exception', attrs: { 'exception.type': 'redis.TimeoutError', 'exception.message': 'redis timeout' } }] },
  ]);
  const e = of(t, 'error-origin');
  assert.match(e[0]!.message, /"redis\.TimeoutError: redis timeout".*caught in "op-h" \(svc\), which did not fail/);
  assert.equal(e[0]!.severity, 'low');
});
