// npm run bench:fleet — fleet latency on the code, against the real pipeline: an OpenTelemetry JS SDK app → the
// OpenTelemetry Collector with the spanmetrics connector (scripts/install-otelcol.mjs) → a real Prometheus built from
// github.com/prometheus/prometheus (scripts/install-backends.mjs prometheus), holding 500 operation series.
// Then the editor's own code (FleetService, the CodeLens provider, the mapping engine with the tree-sitter syntax
// service) under the fake `vscode` module of the unit tests, over a generated workspace of 10 files with 50
// instrumented functions each (one operation per function, so all 500 series are placed on the code).
//
// Measured, per view of one file (svc0.js, 50 functions) with a cold fleet cache and a new mapping engine, in three
// states of the syntax worker (fresh; running, every file edited since; running, outlines cached):
//   - queries per file view: FleetService's query count (budget: 1) and the HTTP requests the client reports;
//   - ready after the query returns: from the client's query resolving to provideCodeLenses returning its 50
//     lenses (placing all 500 series through the engine, indexing, building the lenses). Budget 300 ms.
//   - a second file view (another file): 0 queries, served from the cached answer.
// Run with `node --import tsx bench/fleet.mjs` (the npm script does that). Prints the figures; exits 1 over budget.
import { fakeVscode } from '../test/support/host/register.ts';
import { api, Range } from '../test/unit/host/editor/fakeEditorApi.ts';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { MemoryMemento, Uri, CancellationTokenSource } from '../test/support/host/fakeVscode.ts';
import { OTELCOL_SKIP, PROMETHEUS_SKIP, runApp, startPrometheus, startSpanmetricsCollector, waitFor } from '../test/support/backends/fleet-pipeline.ts';
import { createMetricSource } from '../src/backends/metrics/index.ts';
import { fleetWindow } from '../src/core/fleet/format.ts';
import { CodeMapper } from '../src/host/mapping/codeMapper.ts';
import { SavedMappings } from '../src/host/mapping/savedMappings.ts';
import { WorkspaceFileIndex } from '../src/host/mapping/workspaceIndex.ts';
import { FleetHub } from '../src/host/fleet/fleetHub.ts';
import { FleetService } from '../src/host/fleet/fleetService.ts';
import { FleetCodeLensProvider } from '../src/host/fleet/fleetSurfaces.ts';
import { createSyntaxService } from '../src/worker/syntax.ts';

const FILES = 10, FUNCTIONS = 50, SERIES = FILES * FUNCTIONS, BUDGET_MS = 300, RUNS = 5;

for (const skip of [PROMETHEUS_SKIP, OTELCOL_SKIP]) if (skip) { console.error(`bench:fleet needs the real pipeline: ${skip}`); process.exit(2); }

// ---- the workspace: 10 files × 50 functions, each starting a span named after its operation ------------------
const ws = mkdtempSync(join(tmpdir(), 'spanscope-bench-fleet-'));
mkdirSync(join(ws, 'src'));
const opName = (f, i) => `svc${f} op ${i}`;
const paths = [];
for (let f = 0; f < FILES; f++) {
  const lines = ['const { trace } = require("@opentelemetry/api");', `const tracer = trace.getTracer("svc${f}");`, ''];
  for (let i = 0; i < FUNCTIONS; i++) {
    lines.push(`function op${i}(input) {`, `  return tracer.startActiveSpan(${JSON.stringify(opName(f, i))}, span => {`, '    try { return input + 1; } finally { span.end(); }', '  });', '}', '');
  }
  lines.push(`module.exports = { ${Array.from({ length: FUNCTIONS }, (_, i) => `op${i}`).join(', ')} };`, '');
  const p = join(ws, 'src', `svc${f}.js`);
  writeFileSync(p, lines.join('\n'));
  paths.push(p);
}
/** 1-based line of each operation's startActiveSpan call in its file (where the lens must be). */
const spanLine = i => 5 + i * 6;

// ---- the pipeline: the app's spans → collector (spanmetrics) → Prometheus --------------------------------------
const prometheus = await startPrometheus();
const collector = await startSpanmetricsCollector(prometheus.url);
const stopAll = async () => { await collector.stop().catch(() => undefined); await prometheus.stop().catch(() => undefined); rmSync(ws, { recursive: true, force: true }); };
let exitCode = 0;
try {
  const ops = [];
  for (let f = 0; f < FILES; f++) for (let i = 0; i < FUNCTIONS; i++) ops.push({ service: `svc${f}`, name: opName(f, i), durationMs: 1 + ((f * FUNCTIONS + i) * 37) % 900, count: 3, errors: i % 10 === 0 ? 1 : 0 });
  const exporter = () => new OTLPTraceExporter({ url: `${collector.url}/v1/traces`, concurrencyLimit: 1000 });
  // Two rounds a few seconds apart: a rate needs two samples of a counter that moved.
  await runApp(ops, exporter);
  const source = createMetricSource({ name: 'bench', type: 'prometheus', url: prometheus.url }, undefined, {});
  await waitFor('the spanmetrics series in Prometheus', async () => {
    const schema = await source.discover();
    return schema.services.length >= FILES ? schema : undefined;
  }, 120_000, prometheus.log);
  await runApp(ops, exporter);
  await waitFor(`${SERIES} series with figures`, async () => {
    const r = await source.query({ window: fleetWindow(Date.now() + 60_000, 3_600_000), maxSeries: 1000 });
    return r.stats.filter(s => s.p95Ms !== undefined).length >= SERIES ? r : undefined;
  }, 120_000, prometheus.log);
  source.dispose();

  // ---- the editor's code under the fake vscode ------------------------------------------------------------------
  fakeVscode.workspaceFolders = [{ uri: Uri.file(ws), name: 'bench', index: 0 }];
  api.workspace.findFiles = async () => paths.map(p => Uri.file(p));
  fakeVscode.settings.set('spanscope.metricSources', [{ name: 'bench', type: 'prometheus', url: prometheus.url }]);
  fakeVscode.settings.set('spanscope.fleet.window', '1h');
  const noop = () => undefined;
  const log = { trace: noop, debug: noop, info: noop, warn: m => console.error(m), error: m => console.error(m) };
  const host = { extension: fakeVscode.newContext(), log, traces: undefined };
  const doc = p => {
    const lines = readFileSync(p, 'utf8').split('\n');
    return { uri: Uri.file(p), lineCount: lines.length, version: 1, lineAt: n => ({ text: lines[n] ?? '', range: new Range(n, 0, n, (lines[n] ?? '').length) }) };
  };

  const runs = [];
  // Three states of the editor, RUNS runs each; the engine and the fleet cache are new in every run:
  //   fresh worker  a syntax worker that has parsed nothing yet (the first seconds of a session: its code is not
  //                 yet compiled by V8's optimizing tiers), started with its grammar loaded;
  //   files edited  a worker that has been outlining files for a while, every file of the workspace changed since
  //                 (so all 10 are parsed anew): the usual first view of a file after the query;
  //   outlines warm the same worker, the files unchanged (their outlines cached by path and version).
  const MODES = ['fresh worker', 'files edited', 'outlines warm'];
  const warmSyntax = createSyntaxService({ workerPath: join(process.cwd(), 'dist', 'syntax-worker.js') });
  for (let run = 0; run < MODES.length * RUNS; run++) {
    const mode = MODES[Math.floor(run / RUNS)];
    const cold = mode === 'fresh worker';
    if (mode === 'files edited') for (const p of paths) writeFileSync(p, `${readFileSync(p, 'utf8')}// edit ${run}\n`);
    let queryReturned = 0, requests = 0;
    // A fresh service and engine per run (cold fleet cache); the syntax worker per the mode, its grammar loaded
    // beforehand (an editor starts it on the first file the user opens).
    const syntax = cold ? createSyntaxService({ workerPath: join(process.cwd(), 'dist', 'syntax-worker.js') }) : warmSyntax;
    await syntax.outline(join(ws, 'warm.js'), 'function warm() {}\n');
    const mapper = new CodeMapper(new WorkspaceFileIndex(), new SavedMappings(new MemoryMemento()), undefined, syntax);
    await mapper.mapFacts([]); // the workspace file index, built once the editor opens a folder
    const factory = (config, secrets, env) => {
      const s = createMetricSource(config, secrets, env);
      const query = s.query.bind(s);
      s.query = async (q, signal) => { const r = await query(q, signal); queryReturned = performance.now(); requests += r.requests; return r; };
      return s;
    };
    const hub = new FleetHub(host, mapper, async (h, m) => new FleetService(h, m, factory));
    const lenses = new FleetCodeLensProvider(hub);
    const t0 = performance.now();
    const got = await lenses.provideCodeLenses(doc(paths[0]), new CancellationTokenSource().token);
    const ready = performance.now();
    const service = hub.loaded;
    const firstViewQueries = service.queriesStarted;
    const firstViewRequests = requests;
    // The lenses are on the operations' lines.
    const wrong = got.filter(l => !/^fleet p95 .* \(1h\)$/.test(l.command.title) || (l.range.start.line + 1 - 5) % 6 !== 0);
    if (got.length !== FUNCTIONS || wrong.length > 0) throw new Error(`expected ${FUNCTIONS} lenses on the span lines, got ${got.length} (${wrong.length} wrong): ${JSON.stringify(got.slice(0, 3).map(l => [l.range.start.line, l.command.title]))}`);
    if (spanLine(0) !== got[0].range.start.line + 1) throw new Error(`first lens on line ${got[0].range.start.line + 1}, expected ${spanLine(0)}`);
    // A second file view: from the cache.
    const before = service.queriesStarted;
    const t2 = performance.now();
    const second = await lenses.provideCodeLenses(doc(paths[1]), new CancellationTokenSource().token);
    const secondMs = performance.now() - t2;
    runs.push({ mode, afterQueryMs: ready - queryReturned, queryMs: queryReturned - t0, firstViewQueries, firstViewRequests, secondViewQueries: service.queriesStarted - before, secondLenses: second.length, secondMs });
    hub.dispose();
    mapper.dispose();
    if (cold) syntax.dispose();
  }
  warmSyntax.dispose();

  const median = xs => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`bench:fleet — ${SERIES} series in Prometheus ${prometheus.version} via the spanmetrics collector; a file with ${FUNCTIONS} instrumented functions; ${RUNS} runs in each state: ${MODES.join(', ')}`);
  console.log(`machine: ${cpus().length} cores, load ${loadavg().map(x => x.toFixed(2)).join(' ')}`);
  for (const [i, r] of runs.entries()) {
    console.log(`  run ${i + 1} (${r.mode}): query ${r.queryMs.toFixed(0)} ms; lenses ready ${r.afterQueryMs.toFixed(1)} ms after it returned; queries for this file view: ${r.firstViewQueries} (${r.firstViewRequests} HTTP request${r.firstViewRequests === 1 ? '' : 's'}); next file view: ${r.secondViewQueries} queries, ${r.secondLenses} lenses in ${r.secondMs.toFixed(1)} ms`);
  }
  console.log(`query count per file view: ${median(runs.map(r => r.firstViewQueries))} (budget 1); a further file view: ${Math.max(...runs.map(r => r.secondViewQueries))}`);
  const medians = {};
  for (const mode of MODES) {
    const xs = runs.filter(r => r.mode === mode).map(r => r.afterQueryMs);
    medians[mode] = median(xs);
    console.log(`lenses ready after the query returns, ${mode}${mode === 'outlines warm' ? '' : `, all ${FILES} files parsed anew`}: median ${median(xs).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (budget ${BUDGET_MS} ms)${medians[mode] > BUDGET_MS ? ' OVER' : ''}`);
  }
  // The budget is judged on the usual case (files edited in a running worker); a fresh worker is printed beside it.
  if (runs.some(r => r.firstViewQueries !== 1 || r.secondViewQueries !== 0) || medians['files edited'] > BUDGET_MS) { console.log('OVER BUDGET'); exitCode = 1; }
} finally {
  await stopAll();
}
process.exit(exitCode);
