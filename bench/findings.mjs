#!/usr/bin/env node
// npm run bench:findings — how well the findings name real problems, and what they cost.
//
//   corpus     precision and recall of the performance and error findings over the findings corpus
//              (test/corpus/findings/<app>/capture-{planted,clean}.json, real traces of small apps on real SDKs and
//              agents with planted problems) against each app's hand-written expected.json. A planted problem counts
//              as found when the right kind names it with the right numbers; any other such finding is a false
//              positive, and the clean runs must have none. Goal: recall ≥ 95 %, no false positive on clean runs.
//   time       computeFindings alone on a generated 100,000-span trace (bench/gen-trace.mjs), next to the bare
//              JSON.parse of its document and the whole pipeline (parse + analyzeTrace, findings included), in one
//              run: bench:core budgets the pipeline at ≤ 2.0 × JSON.parse at 100k spans.
//   node bench/findings.mjs [--n 100000] [--runs 5]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { arg, bundleCore, root } from './common.mjs';
import { generateTrace } from './gen-trace.mjs';

const N = Number(arg('--n') ?? 100_000);
const RUNS = Number(arg('--runs') ?? 5);

const core = await bundleCore('findings-bench', {
  parseTraceDocument: 'src/core/parse/index.ts',
  analyzeTrace: 'src/core/analysis/analyze.ts',
  computeFindings: 'src/core/analysis/findings.ts',
  scoreCorpus: 'test/corpus/findings/score.ts',
});
const { FINDINGS_APPS, FINDINGS_DIR, VARIANTS } = await import(pathToFileURL(join(root, 'scripts', 'capture-findings.mjs')).href);

// ---- corpus
const outcomes = core.scoreCorpus(FINDINGS_DIR, FINDINGS_APPS, VARIANTS);
let expected = 0, matched = 0, fp = 0, cleanFp = 0;
console.log('findings corpus (app variant path: found/expected, false positives)');
for (const o of outcomes) {
  expected += o.expected; matched += o.matched; fp += o.falsePositives.length;
  if (o.variant === 'clean') cleanFp += o.falsePositives.length;
  const flag = o.misses.length || o.falsePositives.length ? '  <--' : '';
  console.log(`  ${o.app.padEnd(10)} ${o.variant.padEnd(8)} ${o.route.padEnd(8)} ${o.matched}/${o.expected}, ${o.falsePositives.length} FP${flag}`);
  for (const m of o.misses) console.log(`      missed: ${m}`);
  for (const f of o.falsePositives) console.log(`      false positive: ${f}`);
}
const recall = expected ? matched / expected : 1;
const precision = matched + fp ? matched / (matched + fp) : 1;
console.log(`recall ${(100 * recall).toFixed(1)}% (${matched}/${expected}), precision ${(100 * precision).toFixed(1)}% (${fp} false positives, ${cleanFp} on clean runs)` +
  `  [goal: recall ≥ 95%, 0 on clean runs: ${recall >= 0.95 && cleanFp === 0 ? 'met' : 'NOT met'}]`);

// ---- time at 100k spans
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
function cpu(fn) { const c0 = process.cpuUsage(); const r = fn(); const c = process.cpuUsage(c0); return [(c.user + c.system) / 1000, r]; }
const text = JSON.stringify(generateTrace({ n: N, seed: 1, format: 'otlp' }));
const parseMs = [], pipelineMs = [], findingsMs = [];
let count = 0;
for (let r = 0; r < RUNS; r++) {
  parseMs.push(cpu(() => JSON.parse(text))[0]);
  const [pm, analyses] = cpu(() => core.parseTraceDocument(text).traces.map(t => core.analyzeTrace(t)));
  pipelineMs.push(pm);
  const a = analyses[0];
  const start = a.tree.relStartNs;
  const [fm, f] = cpu(() => core.computeFindings({
    tree: a.tree, start, codeLocations: a.codeLocations, errorOrigins: a.errorOrigins, skew: 'raw',
    serviceNames: a.services.map(s => s.service), selfTimeNs: a.selfTimeNs, criticalSections: a.criticalSections,
  }));
  findingsMs.push(fm);
  count = f.length;
}
const p = median(parseMs), pl = median(pipelineMs), fi = median(findingsMs);
console.log(`\n${N.toLocaleString('en')} spans (OTLP JSON, ${(text.length / 1e6).toFixed(1)} MB), CPU ms, median of ${RUNS}:`);
console.log(`  JSON.parse ${p.toFixed(0)} ms   pipeline (parse + analyze + findings) ${pl.toFixed(0)} ms = ${(pl / p).toFixed(2)} × JSON.parse [bench:core budget ≤ 2.0]`);
console.log(`  findings alone ${fi.toFixed(0)} ms = ${(fi / p).toFixed(2)} × JSON.parse, ${(100 * fi / pl).toFixed(0)}% of the pipeline; ${count} findings`);
