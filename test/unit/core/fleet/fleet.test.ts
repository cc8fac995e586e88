// Fleet figures onto the code: windows and the lens text, the sparkline, placing series through the real mapping
// engine (code attributes or service + span name), combining series on one line, the Hot Spots rankings, and the
// cache that makes one query serve every surface of a file view.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { MappingEngine } from '../../../../src/core/mapping/engine/engine';
import { FleetCache, isAbortError } from '../../../../src/core/fleet/cache';
import { fleetLensText, fleetWindow, formatRate, formatRatio, parseWindow, shiftWindow, sparkline, windowLabel } from '../../../../src/core/fleet/format';
import { combineLine, factsFromFleetKey, FleetIndex, fleetKeyId, locateFleet, spanKindOf, type FleetLocated } from '../../../../src/core/fleet/locate';
import { regressions, slowest } from '../../../../src/core/fleet/rank';
import type { FleetKey, FleetStats } from '../../../../src/core/fleet/types';
import { createSyntaxService } from '../../../../src/worker/syntax';
import { memoryWorkspace } from '../../../support/mappingWorkspace';

const W = { startMs: 0, endMs: 3_600_000, stepMs: 120_000 };
const st = (key: Partial<FleetKey>, p: Partial<FleetStats> = {}): FleetStats => ({ key: { service: 'shop', spanName: 'op', ...key }, window: W, ...p });

test('windows: parsed, labelled, aligned to the minute and shifted for the baseline', () => {
  assert.equal(parseWindow('24h'), 86_400_000);
  assert.equal(parseWindow(' 15m '), 900_000);
  assert.equal(parseWindow('7d'), 7 * 86_400_000);
  for (const bad of ['', '1', 'h', '1.5h', '-1h', '30s', '200d', '1h30m', 42, undefined]) assert.equal(parseWindow(bad), undefined, String(bad));
  assert.equal(windowLabel(86_400_000), '24h');
  assert.equal(windowLabel(7 * 86_400_000), '7d');
  assert.equal(windowLabel(5_400_000), '90m');
  const w = fleetWindow(1_000_004_001, 3_600_000);
  assert.equal(w.endMs, 1_000_005_000, 'rounded up: the freshest samples are inside');
  assert.equal(w.endMs - w.startMs, 3_600_000);
  assert.deepEqual(fleetWindow(999_990_001, 3_600_000), w, 'moments apart: the same window');
  assert.notDeepEqual(fleetWindow(999_990_000, 3_600_000), w);
  assert.equal(w.stepMs, 120_000);
  assert.deepEqual(shiftWindow(w, 86_400_000), { startMs: w.startMs - 86_400_000, endMs: w.endMs - 86_400_000, stepMs: w.stepMs });
});

test('lens text: p95, rate and error ratio with the window; missing figures are left out, never 0', () => {
  assert.equal(fleetLensText({ p95Ms: 1200, callsPerSec: 40, errorRatio: 0.02 }, '24h'), 'fleet p95 1.2 s · 40/s · 2% err (24h)');
  assert.equal(fleetLensText({ p95Ms: 180 }, '1h'), 'fleet p95 180 ms (1h)');
  assert.equal(fleetLensText({ p50Ms: 3, callsPerSec: 0.5 }, '1h'), 'fleet p50 3 ms · 30/min (1h)');
  assert.equal(formatRate(0.0005), '1.8/h');
  assert.equal(formatRate(250.4), '250/s');
  assert.equal(formatRatio(0.004), '0.4%');
  assert.equal(formatRatio(0), '0%');
});

test('sparkline: lowest ▁ highest █, gaps where no sample, bucketed to the width', () => {
  const pts = [1, 2, 3, 8].map((value, t) => ({ t, value }));
  assert.equal(sparkline(pts), '▁▂▃█');
  assert.equal(sparkline([{ t: 0, value: 5 }, { t: 1, value: NaN }, { t: 2, value: 5 }]), '▄·▄');
  assert.equal(sparkline(Array.from({ length: 300 }, (_, t) => ({ t, value: t })), 30).length, 30);
  assert.equal(sparkline([]), '');
  assert.equal(sparkline([{ t: 0, value: NaN }]), '·');
});

test('facts from a key: code attributes when present, else service + span name with the kind', () => {
  assert.deepEqual(factsFromFleetKey({ service: 's', spanName: 'GET /x', spanKind: 'SPAN_KIND_SERVER' }), { service: 's', name: 'GET /x', kind: 'server', attributes: {}, stackTraces: [] });
  const f = factsFromFleetKey({ service: 's', spanName: 'n', codeFunction: 'com.a.B.c', codeFilePath: 'src/B.java', codeLine: 0 });
  assert.deepEqual(f.code, { filePath: 'src/B.java', function: 'com.a.B.c' }, 'a line 0 is no line');
  assert.equal(spanKindOf('Client'), 'client');
  assert.equal(spanKindOf('weird'), 'unspecified');
});

const syntax = createSyntaxService();
after(() => syntax.dispose());

test('series placed by the real mapping engine: span name → tracer.startActiveSpan line, code.function → its definition, unknown → unplaced', async () => {
  const js = '/ws/web/checkout.js';
  const java = '/ws/shop/src/main/java/com/example/shop/OrderService.java';
  const files = {
    [js]: 'const tracer = require("x");\n\nfunction checkout() {\n  return tracer.startActiveSpan("checkout", span => {\n    span.end();\n  });\n}\nconsole.log("checkout");\n',
    [java]: 'package com.example.shop;\n\npublic class OrderService {\n    public long placeOrder(String item) {\n        return 1;\n    }\n}\n',
  };
  const engine = new MappingEngine(memoryWorkspace(['/ws'], files, syntax));
  const stats = [
    st({ service: 'web', spanName: 'checkout' }, { p95Ms: 120 }),
    st({ service: 'shop', spanName: 'OrderService.placeOrder', codeFunction: 'com.example.shop.OrderService.placeOrder' }, { p95Ms: 900 }),
    st({ service: 'shop', spanName: 'nowhere-to-be-found' }, { p95Ms: 1 }),
  ];
  let calls = 0;
  const { located, unplaced } = await locateFleet(stats, f => { calls++; return engine.mapSpans(f); });
  assert.equal(calls, 1, 'one engine call for every series');
  const byName = new Map(located.map(l => [l.stats.key.spanName, l]));
  assert.equal(byName.get('checkout')?.file, js);
  assert.equal(byName.get('checkout')?.line, 4);
  assert.equal(byName.get('checkout')?.byCodeAttributes, false);
  assert.equal(byName.get('OrderService.placeOrder')?.file, java);
  assert.equal(byName.get('OrderService.placeOrder')?.line, 4);
  assert.equal(byName.get('OrderService.placeOrder')?.byCodeAttributes, true);
  assert.deepEqual(unplaced.map(u => u.stats.key.spanName), ['nowhere-to-be-found']);
  const index = new FleetIndex(located, unplaced);
  assert.deepEqual(index.linesOf(js).map(l => l.line), [4]);
  assert.deepEqual(index.linesOf('/ws/other.js'), []);
});

const loc = (s: FleetStats, file = '/f.ts', line = 1): FleetLocated => ({ stats: s, file, line, confidence: 'high', reason: '', byCodeAttributes: false });

test('series on one line: the slowest p95, summed rate, error ratio weighted by calls', () => {
  const l = combineLine(3, [loc(st({ spanName: 'a' }, { p95Ms: 10, callsPerSec: 30, errorRatio: 0 })), loc(st({ spanName: 'b' }, { p95Ms: 200, callsPerSec: 10, errorRatio: 0.4 }))]);
  assert.equal(l.p95Ms, 200);
  assert.equal(l.callsPerSec, 40);
  assert.ok(Math.abs(l.errorRatio! - 0.1) < 1e-9);
  assert.equal(l.series[0]!.stats.key.spanName, 'b', 'slowest first');
  const none = combineLine(1, [loc(st({}, {}))]);
  assert.equal(none.p95Ms, undefined);
  assert.equal(none.errorRatio, undefined, 'no error figure is not 0% errors');
});

test('Hot Spots: slowest by p95; regressions by p95 ratio against the baseline, noise and new series left out', () => {
  const a = loc(st({ spanName: 'a' }, { p95Ms: 300 }), '/a.ts', 1);
  const b = loc(st({ spanName: 'b' }, { p95Ms: 900 }), '/b.ts', 2);
  const c = loc(st({ spanName: 'c' }, { p95Ms: 50 }), '/c.ts', 3);
  const d = loc(st({ spanName: 'd' }, {}), '/d.ts', 4);
  assert.deepEqual(slowest([a, b, c, d], 2).map(x => x.stats.key.spanName), ['b', 'a']);
  const base = [st({ spanName: 'a' }, { p95Ms: 100 }), st({ spanName: 'b' }, { p95Ms: 600 }), st({ spanName: 'c' }, { p95Ms: 48 }), st({ spanName: 'd' }, { p95Ms: 5 })];
  const r = regressions([a, b, c, d, loc(st({ spanName: 'new' }, { p95Ms: 1 }))], base, 10);
  assert.deepEqual(r.map(x => [x.current.stats.key.spanName, x.ratio]), [['a', 3], ['b', 1.5]]);
  assert.equal(fleetKeyId(st({ spanName: 'a' }).key), fleetKeyId({ service: 'shop', spanName: 'a' }));
});

test('cache: concurrent callers share one query; fresh answers are reused until they expire; failures are not cached', async () => {
  let now = 0;
  const cache = new FleetCache<number>(60_000, () => now);
  let runs = 0;
  const run = async () => { runs++; await new Promise(r => setImmediate(r)); return runs; };
  const [x, y] = await Promise.all([cache.get('k', run), cache.get('k', run)]);
  assert.equal(x, 1); assert.equal(y, 1); assert.equal(runs, 1);
  assert.equal(await cache.get('k', run), 1);
  now = 60_001;
  assert.equal(await cache.get('k', run), 2, 'expired: asked again');
  await assert.rejects(cache.get('bad', async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await cache.get('bad', async () => 7), 7);
  assert.equal(cache.started, 4);
});

test('cache: the query is aborted only when every waiting caller gave up', async () => {
  const cache = new FleetCache<string>(60_000);
  let querySignal: AbortSignal | undefined;
  let release!: () => void;
  const run = (signal: AbortSignal) => { querySignal = signal; return new Promise<string>((resolve, reject) => { release = () => resolve('ok'); signal.addEventListener('abort', () => reject(new Error('aborted'))); }); };
  const one = new AbortController(), two = new AbortController();
  const p1 = cache.get('k', run, one.signal);
  const p2 = cache.get('k', run, two.signal);
  one.abort();
  await assert.rejects(p1, e => isAbortError(e));
  assert.equal(querySignal!.aborted, false, 'the other caller still waits');
  release();
  assert.equal(await p2, 'ok');
  const three = new AbortController();
  const p3 = cache.get('k2', run, three.signal);
  three.abort();
  await assert.rejects(p3, e => isAbortError(e));
  assert.equal(querySignal!.aborted, true, 'the last caller gone: the query stops');
});
