// `npm run bench:mapping`: how well and how fast `spanscope map` maps the spans of real instrumentation.
//   node bench/mapping.mjs [--runs N] [--misses] [--no-scale]
// 1. Accuracy over the code-mapping corpus (test/corpus/mapping: captures from the OTel Java agent, Go, Python and
//    Node SDKs; ground truth from @span markers in the app sources, see scripts/corpus/truth.mjs): the share of spans
//    whose creating code is in the workspace that land on the marked line (goal ≥ 95 %), and the spans mapped
//    exact/high to a wrong line (goal 0), per app and overall. --misses lists every span that missed.
// 2. Speed: one 10,000-span trace (the corpus spans repeated with fresh ids) mapped in a 5,000-file workspace (the
//    corpus app sources replicated), wall time of the CLI process, median of --runs (default 3); the time of a bare
//    `spanscope map --help` is printed beside it so process start-up can be told apart (goal ≤ 1 s).
// Needs dist/cli.js (the npm script builds it first).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, CORPUS_DIR, buildRootOf, capturesOf, corpusApps, isCorpusFile, runMap, scoreApp, total } from '../scripts/corpus/score.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const showMisses = args.includes('--misses');
const TARGET_FILES = 5000;
const TARGET_SPANS = 10_000;

if (!existsSync(CLI)) {
  console.error(`bench:mapping: ${CLI} is missing; run node scripts/build.mjs first`);
  process.exit(2);
}
const pct = (a, b) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);
const tmp = mkdtempSync(join(tmpdir(), 'spanscope-bench-mapping-'));

try {
  // ---- accuracy
  console.log('Code mapping on the corpus (spanscope map; top answer vs the @span markers)');
  console.log('app / capture                     spans  in ws  right   share    exact/high wrong  ms   confidences');
  const all = [];
  const failed = [];
  for (const app of corpusApps()) {
    let scores;
    try {
      scores = scoreApp(app, tmp);
    } catch (err) {
      console.log(`${app.padEnd(33)} error: ${err instanceof Error ? err.message : err}`);
      failed.push(app);
      continue;
    }
    for (const s of scores) {
      all.push(s);
      const conf = Object.entries(s.byConfidence).map(([k, v]) => `${k} ${v}`).join(', ');
      console.log(`${`${app}/${s.file}`.padEnd(33)} ${String(s.spans).padStart(5)} ${String(s.inWorkspace).padStart(6)} ${String(s.right).padStart(6)}  ${pct(s.right, s.inWorkspace).padStart(7)}  ${String(s.confidentlyWrong).padStart(16)} ${s.ms.toFixed(0).padStart(5)}   ${conf}`);
      if (showMisses) {
        for (const m of s.misses) {
          console.log(`    ${m.confidentlyWrong ? 'WRONG' : 'miss '} ${m.kind} "${m.name}": expected ${m.expected.join(' or ') || '(outside the workspace)'}, got ${m.got ?? 'nothing'} (${m.confidence}: ${m.reason})`);
        }
      }
    }
    const t = total(scores);
    console.log(`${`${app} (all captures)`.padEnd(33)} ${String(t.spans).padStart(5)} ${String(t.inWorkspace).padStart(6)} ${String(t.right).padStart(6)}  ${pct(t.right, t.inWorkspace).padStart(7)}  ${String(t.confidentlyWrong).padStart(16)}`);
  }
  const t = total(all);
  const share = t.inWorkspace ? t.right / t.inWorkspace : 0;
  console.log(`${'overall'.padEnd(33)} ${String(t.spans).padStart(5)} ${String(t.inWorkspace).padStart(6)} ${String(t.right).padStart(6)}  ${pct(t.right, t.inWorkspace).padStart(7)}  ${String(t.confidentlyWrong).padStart(16)}`);
  if (failed.length) throw new Error(`could not map ${failed.join(', ')}: no figures`);
  console.log(`right line: ${pct(t.right, t.inWorkspace)} of ${t.inWorkspace} spans made in the workspace (goal ≥ 95 %: ${share >= 0.95 ? 'met' : 'MISSED'}); `
    + `exact/high on a wrong line: ${t.confidentlyWrong} (goal 0: ${t.confidentlyWrong === 0 ? 'met' : 'MISSED'}); `
    + `${t.external} spans made outside the workspace${showMisses ? '' : ' (--misses lists the misses)'}`);

  if (!args.includes('--no-scale')) {
    // ---- speed: a 5,000-file workspace made of copies of the corpus apps' sources
    const ws = join(tmp, 'big');
    const sources = corpusApps().map(app => ({ app, files: listFiles(join(CORPUS_DIR, app)).filter(f => !isCorpusFile(f.split('/').pop())) }));
    let files = 0;
    for (let copy = 0; files < TARGET_FILES; copy++) {
      for (const { app, files: list } of sources) {
        for (const f of list) {
          if (files >= TARGET_FILES) break;
          const dest = join(ws, `svc-${String(copy).padStart(3, '0')}`, app, f);
          mkdirSync(join(dest, '..'), { recursive: true });
          cpSync(join(CORPUS_DIR, app, f), dest);
          files++;
        }
      }
    }
    // ---- a 10,000-span trace: the corpus spans repeated, each copy with fresh span ids, all in one trace
    const blocks = corpusApps().flatMap(app => capturesOf(app).flatMap(file => JSON.parse(readFileSync(join(CORPUS_DIR, app, file), 'utf8')).resourceSpans));
    const traceId = '5ca1ab1e'.repeat(4);
    const resourceSpans = [];
    let spans = 0;
    let next = 1;
    for (let copy = 0; spans < TARGET_SPANS; copy++) {
      for (const rs of blocks) {
        if (spans >= TARGET_SPANS) break;
        const ids = new Map();
        const id = old => {
          if (!ids.has(old)) ids.set(old, (next++).toString(16).padStart(16, '0'));
          return ids.get(old);
        };
        const scopeSpans = [];
        for (const ss of rs.scopeSpans) {
          const list = [];
          for (const s of ss.spans) {
            if (spans >= TARGET_SPANS) break;
            list.push({ ...s, traceId, spanId: id(`${copy}/${s.traceId}/${s.spanId}`), parentSpanId: s.parentSpanId ? id(`${copy}/${s.traceId}/${s.parentSpanId}`) : '' });
            spans++;
          }
          if (list.length) scopeSpans.push({ ...ss, spans: list });
        }
        resourceSpans.push({ ...rs, scopeSpans });
      }
    }
    const tracePath = join(tmp, 'big-trace.json');
    writeFileSync(tracePath, JSON.stringify({ resourceSpans }));
    const mappings = {};
    for (const app of corpusApps()) {
      const root = buildRootOf(app);
      if (root) mappings[`${root}/`] = `${join(ws, 'svc-000', app)}/`;
    }
    const startup = median(Array.from({ length: runs }, () => {
      const t0 = process.hrtime.bigint();
      spawnSync(process.execPath, [CLI, 'map', '--help'], { stdio: 'ignore' });
      return Number(process.hrtime.bigint() - t0) / 1e6;
    }));
    const times = [];
    let mapped = 0;
    for (let i = 0; i < runs; i++) {
      const { result, ms } = runMap(ws, tracePath, mappings);
      times.push(ms);
      mapped = result.spans.filter(s => s.file != null).length;
    }
    const ms = median(times);
    console.log(`\nScale: ${spans} spans in one trace, ${files} files in the workspace (${countFiles(ws)} on disk)`);
    console.log(`spanscope map wall time: median ${ms.toFixed(0)} ms of ${runs} runs (${times.map(x => x.toFixed(0)).join(', ')}); `
      + `process start-up alone (map --help) ${startup.toFixed(0)} ms; ${mapped} spans got a file`);
    console.log(`goal ≤ 1000 ms: ${ms <= 1000 ? 'met' : 'MISSED'} (wall time including start-up)`);
  }
} catch (err) {
  console.error(`bench:mapping: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Files under dir, relative, '/'-separated. */
function listFiles(dir, prefix = '') {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(join(dir, e.name), rel));
    else out.push(rel);
  }
  return out;
}

function countFiles(dir) {
  return listFiles(dir).length;
}
