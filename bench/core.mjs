#!/usr/bin/env node
// npm run bench:core — the core's cost against bare JSON.parse, in one run, on generated traces
// (bench/gen-trace.mjs) of 1k, 10k and 100k spans in Jaeger JSON and OTLP JSON.
//
//   JSON.parse      bare JSON.parse of the document text (the baseline)
//   pipeline        parseTraceDocument (detect + validate + normalize) + analyzeTrace (tree, skew, self time,
//                   critical path, stats, code locations, findings) for every trace in the document
//   analysis        analyzeTrace alone (tree + everything after it)
//   heap            retained heap (V8 heap + ArrayBuffers, after gc) of the parsed model (ParseResult) and of
//                   model + analysis, against that of the bare JSON.parse result
//   proto           the same trace as OTLP protobuf: parseTraceDocument(bytes) + analyzeTrace, vs the JSON pipeline
//   block           longest main-thread stall (1 ms ticks; also the event-loop-delay histogram max) while
//                   prepareTraces() handles the 100k document in the worker, in a fresh process that read the file;
//                   'control' = the longest gap over the same time while a worker only burns CPU (the machine's own
//                   scheduling noise), 'loop busy' = event-loop active time (an upper bound on what we blocked)
// Times are medians of several runs. Targets at 100k: pipeline/JSON.parse ≤ 2.0, heap ratio ≤ 1.0,
// proto ≤ JSON pipeline, block ≤ 50 ms.
//   node --expose-gc bench/core.mjs [--sizes 1000,10000] [--runs N] [--block-at 100000]
import { rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { arg, bundleCore, bundlePath, cacheDir as outDir, median, requireGc, retainedBytes, root, settle } from './common.mjs';
import { generateTrace } from './gen-trace.mjs';

const SIZES = (arg('--sizes') ?? '1000,10000,100000').split(',').map(Number);
const BLOCK_AT = Number(arg('--block-at') ?? 100_000);
const RUNS_OVERRIDE = arg('--runs') ? Number(arg('--runs')) : undefined;
requireGc('npm run bench:core does');

// The core is TypeScript: bundle the pieces the benchmark calls, exactly as the extension bundles them.
const core = await bundleCore('core-bench', {
  parseTraceDocument: 'src/core/parse/index.ts',
  analyzeTrace: 'src/core/analysis/analyze.ts',
  encodeOtlpProtobuf: 'src/core/otlp/proto.ts',
  prepareTraces: 'src/worker/client.ts',
});
const workerPath = join(root, 'dist', 'parse-worker.js');

const now = () => performance.now();
/** Wall time and CPU time (this process: main thread + GC helpers) of fn, ms. CPU time is what to trust on a
 * machine shared with other work: it does not count the time the process waited for a core. */
function measure(fn) {
  const c0 = process.cpuUsage();
  const t0 = now();
  fn();
  const wall = now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}
/**
 * Retained bytes of what `make` returns (kept alive until measured): the median of three measurements, because one
 * can be off by whatever the heap freed or flattened meanwhile (a 100k-span JSON.parse once read 73 MB instead of 164).
 */
function retained(make) {
  return median([retainedBytes(make), retainedBytes(make), retainedBytes(make)]);
}

const analyzeAll = res => res.traces.map(t => core.analyzeTrace(t));

// The block is measured in a fresh process holding only what an extension host would (not this
// benchmark's hundreds of MB of documents, whose garbage collection would stall the loop by itself).
const blockProbe = join(outDir, 'block-probe.mjs');
writeFileSync(blockProbe, `
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
const core = await import(${JSON.stringify(pathToFileURL(bundlePath('core-bench')).href)});
const bytes = new Uint8Array(await readFile(process.argv[2]));
await new Promise(r => setTimeout(r, 100));
const { Worker } = await import('node:worker_threads');
// Ticks every 1 ms and records the longest gap; returns a stop function.
function ticker() {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now(), worst = 0;
  const tick = setInterval(() => { const t = performance.now(); worst = Math.max(worst, t - last); last = t; }, 1);
  h.enable();
  const elu0 = performance.eventLoopUtilization();
  return () => { h.disable(); clearInterval(tick); return { gap: worst, histMax: h.max / 1e6, activeMs: performance.eventLoopUtilization(elu0).active }; };
}
let stop = ticker();
const t0 = performance.now();
const traces = await core.prepareTraces(bytes, { workerPath: ${JSON.stringify(workerPath)}, transferInput: true });
const total = performance.now() - t0;
await new Promise(r => setTimeout(r, 10)); // the turns right after the result arrives count too
const work = stop();
// Control: the same wall time with a worker that only burns CPU (what the machine's scheduling alone costs).
await new Promise(r => setTimeout(r, 100));
stop = ticker();
const spin = new Worker('const end = Date.now() + ' + Math.round(total) + '; while (Date.now() < end) {} require("node:worker_threads").parentPort.postMessage(1);', { eval: true });
await new Promise(r => spin.once('message', r));
await spin.terminate();
const control = stop();
process.stdout.write(JSON.stringify({ ...work, total, controlGap: control.gap, spans: traces[0].summary.spanCount }));
`);
function mainThreadBlock(text, runs) {
  const file = join(outDir, 'block-doc.json');
  writeFileSync(file, text);
  const results = [];
  for (let r = 0; r < runs; r++) {
    const out = spawnSync(process.execPath, [blockProbe, file], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`block probe failed: ${out.stderr}`);
    results.push(JSON.parse(out.stdout));
  }
  rmSync(file);
  const m = median(results.map(x => x.gap));
  return { ...results.find(x => x.gap === m), runs: results.map(x => x.gap), controls: results.map(x => x.controlGap) };
}

const rows = [];
const fmt = (x, d = 1) => (x === undefined ? '—' : x.toFixed(d));
for (const n of SIZES) {
  for (const format of ['jaeger', 'otlp']) {
    const runs = RUNS_OVERRIDE ?? (n >= 100_000 ? 5 : n >= 10_000 ? 7 : 15);
    const text = JSON.stringify(generateTrace({ n, seed: 1, format }));
    const bytes = new TextEncoder().encode(text);
    const proto = core.encodeOtlpProtobuf(core.parseTraceDocument(text).traces);
    // warm up every path once
    JSON.parse(text); analyzeAll(core.parseTraceDocument(text)); analyzeAll(core.parseTraceDocument(proto));
    // Each run times every variant back to back, so that load from other processes hits them alike;
    // ratios are taken per run, then the median.
    const m = Object.fromEntries(['json', 'parse', 'analysis', 'pipeline', 'proto', 'ratio', 'analysisRatio', 'protoRatio'].flatMap(k => [[k, []], [k + 'Cpu', []]]));
    for (let r = 0; r < runs; r++) {
      settle();
      const json = measure(() => JSON.parse(text));
      settle();
      let parsed;
      const parse = measure(() => { parsed = core.parseTraceDocument(text); });
      const analysis = measure(() => analyzeAll(parsed));
      settle();
      const protoT = measure(() => analyzeAll(core.parseTraceDocument(proto)));
      const pipeline = { wall: parse.wall + analysis.wall, cpu: parse.cpu + analysis.cpu };
      for (const [k, v] of [['json', json], ['parse', parse], ['analysis', analysis], ['pipeline', pipeline], ['proto', protoT]]) { m[k].push(v.wall); m[k + 'Cpu'].push(v.cpu); }
      m.ratio.push(pipeline.wall / json.wall); m.analysisRatio.push(analysis.wall / json.wall); m.protoRatio.push(protoT.wall / pipeline.wall);
      m.ratioCpu.push(pipeline.cpu / json.cpu); m.analysisRatioCpu.push(analysis.cpu / json.cpu); m.protoRatioCpu.push(protoT.cpu / pipeline.cpu);
    }
    const jsonHeap = retained(() => JSON.parse(text));
    const modelHeap = retained(() => core.parseTraceDocument(text));
    const fullHeap = retained(() => { const r = core.parseTraceDocument(text); return [r, analyzeAll(r)]; });
    const block = n >= BLOCK_AT ? mainThreadBlock(text, 3) : undefined;
    rows.push({
      n, format, mb: bytes.length / 1e6, protoMb: proto.length / 1e6,
      jsonMs: median(m.json), parseMs: median(m.parse), analysisMs: median(m.analysis), pipelineMs: median(m.pipeline), protoMs: median(m.proto),
      ratio: median(m.ratio), analysisRatio: median(m.analysisRatio), protoRatio: median(m.protoRatio),
      ratioCpu: median(m.ratioCpu), analysisRatioCpu: median(m.analysisRatioCpu), protoRatioCpu: median(m.protoRatioCpu),
      jsonCpu: median(m.jsonCpu), pipelineCpu: median(m.pipelineCpu), analysisCpu: median(m.analysisCpu),
      jsonHeap, modelHeap, fullHeap, block,
    });
    console.error(`  measured ${n} ${format} (${fmt(bytes.length / 1e6)} MB JSON, ${fmt(proto.length / 1e6)} MB protobuf, ${runs} runs)`);
  }
}

const head = ['spans', 'format', 'MB', 'JSON.parse ms', 'pipeline ms', 'ratio', 'ratio cpu', 'parse ms', 'analysis ms', 'analysis/JSON', 'analysis/JSON cpu', 'proto ms', 'proto/JSON pipe', 'proto/JSON cpu', 'heap JSON MB', 'heap model MB', 'model/JSON', 'model+analysis/JSON', 'block ms (worker)'];
const table = rows.map(r => [
  String(r.n), r.format, fmt(r.mb), fmt(r.jsonMs), fmt(r.pipelineMs), fmt(r.ratio, 2), fmt(r.ratioCpu, 2), fmt(r.parseMs), fmt(r.analysisMs),
  fmt(r.analysisRatio, 2), fmt(r.analysisRatioCpu, 2), fmt(r.protoMs), fmt(r.protoRatio, 2), fmt(r.protoRatioCpu, 2), fmt(r.jsonHeap / 1e6), fmt(r.modelHeap / 1e6),
  fmt(r.modelHeap / r.jsonHeap, 2), fmt(r.fullHeap / r.jsonHeap, 2), r.block ? `${fmt(r.block.gap)} (control ${fmt(r.block.controlGap)}, loop busy ${fmt(r.block.activeMs)} of ${fmt(r.block.total, 0)})` : '—',
]);
const widths = head.map((h, i) => Math.max(h.length, ...table.map(row => row[i].length)));
const line = cells => '| ' + cells.map((c, i) => c.padStart(widths[i])).join(' | ') + ' |';
console.log(line(head));
console.log('|' + widths.map(w => '-'.repeat(w + 2)).join('|') + '|');
for (const row of table) console.log(line(row));

const big = rows.filter(r => r.n >= 100_000);
console.log(`\nratios are medians of per-run ratios; "cpu" columns use process CPU time (robust on a shared machine). load average at the end: ${(await import('node:os')).loadavg().map(x => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
if (big.length) {
  console.log('\ntargets at 100k spans:');
  for (const r of big) {
    const ok = (c) => (c ? 'ok  ' : 'MISS');
    console.log(`  ${r.format.padEnd(6)} time ratio ${fmt(r.ratio, 2)} (cpu ${fmt(r.ratioCpu, 2)}) ≤ 2.0 ${ok(r.ratio <= 2)}` +
      ` | heap ratio ${fmt(r.modelHeap / r.jsonHeap, 2)} ≤ 1.0 ${ok(r.modelHeap / r.jsonHeap <= 1)}` +
      ` | proto/JSON pipeline ${fmt(r.protoRatio, 2)} (cpu ${fmt(r.protoRatioCpu, 2)}) ≤ 1.0 ${ok(r.protoRatio <= 1)}` +
      ` | block ${fmt(r.block.gap)} ms ≤ 50 ${ok(r.block.gap <= 50)} (runs ${r.block.runs.map(x => fmt(x)).join(', ')}; control gaps ${r.block.controls.map(x => fmt(x)).join(', ')})`);
  }
}
