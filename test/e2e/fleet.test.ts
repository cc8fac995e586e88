// Issue 20 in real VS Code (code-server) against the real pipeline: an OpenTelemetry JS SDK app → the OpenTelemetry
// Collector with the spanmetrics connector → a real Prometheus (both built by the project's installers), the same
// spans also sent to the editor's embedded OTLP receiver (the trace store the examples open from). Spanscope reads
// Prometheus as its metric source: the fleet's p95 must show as a CodeLens on the right lines of a demo file — the
// line starting each span (found by the mapping engine from service + span name), the function a series' code
// attributes name — and nowhere else (a log line with a span's name gets nothing); the hover shows the figures with
// a sparkline, and its "Open example traces" link opens a trace of that very operation in the waterfall.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createMetricSource } from '../../src/backends/metrics';
import { fleetWindow } from '../../src/core/fleet/format';
import { commandTitle } from '../support/e2e/contributions';
import { lensesByLine } from '../support/e2e/editor';
import { E2E_TEST, withWorkbench } from '../support/e2e/session';
import { poll } from '../support/e2e/workbench';
import { OTELCOL_SKIP, PROMETHEUS_SKIP, runApp, startPrometheus, startSpanmetricsCollector, waitFor, type AppOperation } from '../support/backends/fleet-pipeline';

const refresh = commandTitle('spanscope.fleet.refresh');
const SHOP = 'src/shop.js';
const REFUNDS = 'src/refunds.js';
const SHOP_JS = `const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('shop');

function checkout(cart) {
  return tracer.startActiveSpan('checkout', span => {
    try { return chargeCard(cart) && reserveStock(cart); } finally { span.end(); }
  });
}

function chargeCard(cart) {
  return tracer.startActiveSpan('charge card', span => {
    try { return cart.total > 0; } finally { span.end(); }
  });
}

function reserveStock(cart) {
  console.log('audit', cart.id);
  return tracer.startActiveSpan('reserve stock', span => {
    try { return cart.items.length > 0; } finally { span.end(); }
  });
}

module.exports = { checkout };
`;
const REFUNDS_JS = `// Instrumented by an agent that records code.function.name and code.file.path.

function refund(order) {
  return order.total;
}

module.exports = { refund };
`;

const OPS: (AppOperation & { file: string; marker: string; p95: [number, number] })[] = [
  // The p95 range is the histogram bucket the duration falls in (the connector's buckets: …, 200, 400 ms, …).
  { service: 'shop', name: 'checkout', durationMs: 300, count: 8, errors: 2, file: SHOP, marker: "startActiveSpan('checkout'", p95: [200, 400] },
  { service: 'shop', name: 'charge card', durationMs: 40, count: 8, file: SHOP, marker: "startActiveSpan('charge card'", p95: [25, 50] },
  { service: 'shop', name: 'reserve stock', durationMs: 5, count: 8, file: SHOP, marker: "startActiveSpan('reserve stock'", p95: [4, 6] },
  { service: 'billing', name: 'POST /refunds', durationMs: 120, count: 5, codeFunction: 'refund', codeFile: REFUNDS, file: REFUNDS, marker: 'function refund(', p95: [100, 200] },
];
// Its name is only in a console.log: no lens may land there.
const DECOY: AppOperation = { service: 'shop', name: 'audit', durationMs: 900, count: 4 };

/** Sends every span to both exporters (the collector for metrics, the editor's receiver for the traces). */
function both(a: SpanExporter, b: SpanExporter): SpanExporter {
  return {
    export: (spans, done) => {
      let left = 2;
      let failed: Parameters<typeof done>[0] | undefined;
      const one = (r: Parameters<typeof done>[0]) => { if (r.code !== 0) failed = r; if (--left === 0) done(failed ?? r); };
      a.export(spans, one);
      b.export(spans, one);
    },
    shutdown: async () => { await Promise.all([a.shutdown(), b.shutdown()]); },
    forceFlush: async () => { await Promise.all([a.forceFlush?.(), b.forceFlush?.()]); },
  };
}

/** "fleet p95 312 ms · …" → 312; "fleet p95 1.2 s" → 1200. */
function p95Of(lens: string): number | undefined {
  const m = /fleet p95 ([\d.]+) (ms|s|µs)\b/.exec(lens);
  if (!m) return undefined;
  const v = Number(m[1]);
  return m[2] === 's' ? v * 1000 : m[2] === 'µs' ? v / 1000 : v;
}

test('fleet p95 from the real spanmetrics → Prometheus pipeline on the right lines; the hover\'s example link opens a matching trace', {
  ...E2E_TEST,
  timeout: 420_000,
  skip: E2E_TEST.skip || PROMETHEUS_SKIP || OTELCOL_SKIP || (!refresh && !process.env.CI ? 'Refresh Fleet Latency is not contributed' : false),
}, async t => {
  const prometheus = await startPrometheus();
  const collector = await startSpanmetricsCollector(prometheus.url);
  t.after(async () => { await collector.stop(); await prometheus.stop(); });
  await withWorkbench(t, {
    workspace: 'basic',
    settings: { 'spanscope.metricSources': [{ name: 'fleet', type: 'prometheus', url: prometheus.url }], 'spanscope.fleet.window': '1h' },
    prepareWorkspace: ws => {
      mkdirSync(join(ws, 'src'), { recursive: true });
      writeFileSync(join(ws, SHOP), SHOP_JS);
      writeFileSync(join(ws, REFUNDS), REFUNDS_JS);
    },
  }, async s => {
    // The app: two rounds (a rate needs a counter that moved between two samples), every span to the collector and
    // to the editor's receiver.
    const exporter = () => both(new OTLPTraceExporter({ url: `${collector.url}/v1/traces` }), new OTLPTraceExporter({ url: `http://127.0.0.1:${s.receiverPort}/v1/traces` }));
    const source = createMetricSource({ name: 'probe', type: 'prometheus', url: prometheus.url });
    const traceIds = new Map<string, string[]>();
    const run = async () => {
      for (const [op, ids] of await runApp([...OPS, DECOY], exporter)) traceIds.set(op.name, [...(traceIds.get(op.name) ?? []), ...ids]);
    };
    // The receiver starts with the workbench: it must listen before the app sends to it.
    await waitFor('the embedded receiver listening', async () => {
      const res = await fetch(`http://127.0.0.1:${s.receiverPort}/v1/traces`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status > 0;
    }, 60_000);
    await run();
    await waitFor('the spanmetrics series in Prometheus', async () => (await source.discover()).services.includes('billing'), 120_000, prometheus.log);
    await run();
    await waitFor('figures for every operation', async () => {
      const r = await source.query({ window: fleetWindow(Date.now() + 60_000, 3_600_000), maxSeries: 100 });
      return OPS.every(op => r.stats.some(x => x.key.spanName === op.name && x.p95Ms !== undefined));
    }, 120_000, prometheus.log);
    source.dispose();
    // Anything asked before the figures were there is cached for a while: ask again.
    await s.wb.runCommand(refresh!);

    for (const file of [SHOP, REFUNDS]) {
      await s.wb.openFile(file);
      const text = readFileSync(join(s.workspace, file), 'utf8').split('\n');
      const want = OPS.filter(op => op.file === file);
      const lenses = await poll(async () => {
        const l = (await lensesByLine(s)).filter(x => x.lens.includes('fleet'));
        return l.length >= want.length ? l : undefined;
      }, 60_000, `fleet lenses in ${file}`);
      t.diagnostic(`${file}: ${JSON.stringify(lenses)}`);
      assert.equal(lenses.length, want.length, `one fleet lens per operation in ${file}: ${JSON.stringify(lenses)}`);
      for (const op of want) {
        const line = text.find(l => l.includes(op.marker))!.trim();
        const lens = lenses.find(x => x.line.trim() === line);
        assert.ok(lens, `no fleet lens above "${line}": ${JSON.stringify(lenses)}`);
        assert.match(lens.lens, /^fleet p95 .+ \(1h\)$/);
        const p95 = p95Of(lens.lens)!;
        assert.ok(p95 > op.p95[0] && p95 <= op.p95[1], `${op.name}: p95 ${p95} ms outside the bucket ${op.p95.join('–')} ms (${lens.lens})`);
        if (op.errors) assert.match(lens.lens, /\d+% err/);
      }
      assert.ok(!lenses.some(x => x.line.includes('console.log')), 'a lens on the console.log line');
    }
    await s.flowScreenshot('fleet-lenses');

    // The hover of the checkout line: the figures, a sparkline, the window, and the example link.
    await s.wb.openFile(SHOP);
    // On the line's text (a hover needs a position inside the text, not the empty rest of the line).
    await s.page.locator('.part.editor .view-line', { hasText: "startActiveSpan('checkout'" }).first().hover({ position: { x: 80, y: 8 } });
    const hover = s.page.locator('.monaco-hover', { hasText: 'Open example traces' });
    const hoverText = await poll(async () => {
      const h = await hover.allInnerTexts();
      return h.find(x => x.includes('checkout')) ?? undefined;
    }, 20_000, 'the fleet hover of the checkout line');
    t.diagnostic(hoverText);
    for (const expected of ['Spanscope fleet', 'last 1h', 'p95', 'checkout', 'shop']) assert.ok(hoverText.includes(expected), `hover lacks ${expected}: ${hoverText}`);
    assert.match(hoverText, /[▁▂▃▄▅▆▇█·]{2,}/, 'a sparkline');
    await hover.locator('a', { hasText: 'Open example traces' }).first().click();

    // A waterfall opens on one of the app's checkout traces (its header shows the trace ID).
    const checkoutIds = traceIds.get('checkout')!;
    const frame = await s.wb.frameWithText(new RegExp(checkoutIds.join('|')), 30_000);
    const body = await frame.evaluate(() => document.body.innerText);
    assert.ok(body.includes('checkout'), `the opened trace is not a checkout trace: ${body.slice(0, 300)}`);
    assert.ok(!(traceIds.get('charge card') ?? []).some(id => body.includes(id)), 'a trace of another operation opened');
    t.diagnostic(`opened ${checkoutIds.find(id => body.includes(id))}`);
    await s.flowScreenshot('fleet-example-trace');
  });
});
