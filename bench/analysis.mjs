// npm run bench:analysis — the analysis views' core computations on generated traces (bench/gen-trace.mjs).
//   1. Compare two 10k-span traces (seeds 1 and 2): compareTraces over the host's compact form (what the
//      "Compare Traces…" command runs) and over TraceAnalysis. Target ≤ 1 s.
//      Baseline (same run): JSON.parse of the same two documents.
//   2. Service graph of 1,000 traces (100–300 spans each, seeds 1..1000) over the compact form.
//      Baseline (same run): JSON.parse of the same 1,000 documents.
//   3. Latency distribution of the root operation over the same 1,000 traces.
//   4. The compare view in Chromium (dist/analysis.js, as built): page load to the first merged-tree row for the
//      seed 1 vs perturbed seed 1 diff (10k rows: init message, zod validation, render).
// Wall time and CPU time (the machine is shared: wall time includes waiting for a core). Median of a few runs.
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { generateTrace } from './gen-trace.mjs';
import { parseTraceDocument } from '../src/core/parse/index.ts';
import { analyzeTrace } from '../src/core/analysis/analyze.ts';
import { buildServiceGraph, tableFromAnalysis } from '../src/core/analysis/graph.ts';
import { compareTraces } from '../src/core/analysis/compare.ts';
import { latencyDistribution } from '../src/core/analysis/distribution.ts';
import { CompactView, encodeCompactTrace } from '../src/protocol/compact.ts';
import { tableFromCompact } from '../src/protocol/analysis-table.ts';
import { startAnalysisRig } from '../test/webview/analysis-support.ts';

const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
function time(fn, runs) {
  const ts = [], cs = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage(); const t0 = performance.now();
    out = fn();
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0); cs.push((c.user + c.system) / 1000);
  }
  return { median: median(ts), max: Math.max(...ts), cpu: median(cs), out };
}
const fmt = ms => `${ms.toFixed(1)} ms`;
const row = (label, t, extra = '') => console.log(`  ${label.padEnd(46)} ${fmt(t.median).padStart(10)} (max ${fmt(t.max)}, cpu ${fmt(t.cpu)})${extra}`);
const compactTable = doc => tableFromCompact(new CompactView(encodeCompactTrace(analyzeTrace(parseTraceDocument(doc).traces[0]))));

console.log(`bench:analysis  node ${process.version}  load average ${loadavg().map(x => x.toFixed(2)).join(' ')}`);

// ---- 1. compare ----
const docA = JSON.stringify(generateTrace({ n: 10_000, seed: 1 }));
const docB = JSON.stringify(generateTrace({ n: 10_000, seed: 2 }));
const tA = compactTable(docA), tB = compactTable(docB);
const aA = tableFromAnalysis(analyzeTrace(parseTraceDocument(docA).traces[0]));
const aB = tableFromAnalysis(analyzeTrace(parseTraceDocument(docB).traces[0]));
console.log(`\n1. compare two 10k-span traces (seeds 1, 2; ${(docA.length / 1e6).toFixed(1)} + ${(docB.length / 1e6).toFixed(1)} MB JSON)`);
const cmp = time(() => compareTraces(tA, tB), 7);
const cmpA = time(() => compareTraces(aA, aB), 7);
const base1 = time(() => { JSON.parse(docA); JSON.parse(docB); }, 7);
const d = cmp.out;
row('compareTraces (compact form, host path)', cmp, `  ${d.rows.length} rows: ${JSON.stringify(d.counts)}  target ≤ 1000 ms: ${cmp.median <= 1000 ? 'met' : 'MISSED'}`);
row('compareTraces (TraceAnalysis)', cmpA);
// Seeds 1 and 2 are different traces (nothing aligns); the same trace with every 7th span 2× slower and 1 % of
// the leaves gone exercises the matching path too.
const docs1 = JSON.parse(docA);
const all = docs1.data[0].spans;
const parents = new Set(all.flatMap(sp => sp.references.map(r => r.spanID)));
docs1.data[0].spans = all.filter((sp, k) => parents.has(sp.spanID) || k % 100 !== 99).map((sp, k) => (k % 7 === 0 ? { ...sp, duration: sp.duration * 2 } : sp));
const tA2 = compactTable(JSON.stringify(docs1));
const cmp2 = time(() => compareTraces(tA, tA2), 7);
row('compareTraces (seed 1 vs seed 1 perturbed)', cmp2, `  ${JSON.stringify(cmp2.out.counts)}`);
row('baseline: JSON.parse of both documents', base1, `  ratio ${(cmp.median / base1.median).toFixed(2)}×`);

// ---- 2. graph of 1,000 traces ----
console.log('\n2. service graph of 1,000 traces (100–300 spans each)');
const docs = [];
for (let k = 1; k <= 1000; k++) docs.push(JSON.stringify(generateTrace({ n: 100 + ((k * 37) % 201), seed: k })));
const tables = docs.map(compactTable);
const spans = tables.reduce((n, t) => n + t.spanCount, 0);
const g = time(() => buildServiceGraph(tables), 5);
const base2 = time(() => { for (const doc of docs) JSON.parse(doc); }, 5);
row('buildServiceGraph (compact form)', g, `  ${spans} spans, ${g.out.nodes.length} services, ${g.out.edges.length} edges, ${g.out.edges.filter(e => e.errorSpread).length} red`);
row('baseline: JSON.parse of the 1,000 documents', base2, `  ratio ${(g.median / base2.median).toFixed(2)}×`);

// ---- 3. distribution over the same traces ----
console.log('\n3. latency distribution of the root operation over the same traces');
let root = 0;
while (tables[0].parent(root) >= 0) root++;
const op = { service: tables[0].service(root), name: tables[0].name(root) };
const dist = time(() => latencyDistribution(tables, op), 5);
row(`latencyDistribution (${op.service} ${op.name})`.slice(0, 46), dist, `  ${dist.out.sampleCount} samples, ${dist.out.buckets.length} buckets, ${dist.out.slowAttributes.length} slow attributes`);

// ---- 4. the compare view in Chromium ----
console.log('\n4. compare view in Chromium (10k-row diff: load → first row; includes zod validation of the init message)');
const diff = compareTraces(tA, tA2);
const rig = await startAnalysisRig();
try {
  const times = [];
  for (let k = 0; k < 3; k++) {
    const { page, close } = await rig.open({ view: 'compare', diff, aLabel: 'seed 1', bLabel: 'seed 1 perturbed' });
    await page.waitForSelector('[role=treeitem]');
    times.push(await page.evaluate(() => performance.now()));
    await close();
  }
  console.log(`  ${'page time at first row (median of 3)'.padEnd(46)} ${fmt(median(times)).padStart(10)}  (max ${fmt(Math.max(...times))})`);
} finally { await rig.close(); }
