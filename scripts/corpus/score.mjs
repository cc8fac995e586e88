// Scores `spanscope map` on the code-mapping corpus against the ground truth of the @span markers (truth.mjs).
// Only the CLI's documented JSON contract is used:
//   spanscope map --workspace DIR [--path-mapping FROM=TO]… <trace file>
//   → {"spans":[{traceId, spanId, service, name, file, line, confidence, reason, candidates}]}
// A span "lands on the right line" when its top answer (file + line, whatever the confidence) is one of the marked
// locations; it is "confidently wrong" when the confidence is exact or high and the answer is not a marked location
// (for a span whose code is outside the workspace, any exact/high answer is wrong).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveExpected } from './truth.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS_DIR = join(ROOT, 'test', 'corpus', 'mapping');
export const CLI = join(ROOT, 'dist', 'cli.js');

/** Files of an app folder that belong to the corpus, not to the app a developer would have open. */
export const isCorpusFile = name => /^(capture|expected)[^/\\]*\.json$|^external\.json$/.test(name);

export function corpusApps() {
  return readdirSync(CORPUS_DIR, { withFileTypes: true }).filter(d => d.isDirectory()).map(d => d.name).sort();
}

export function capturesOf(app) {
  return readdirSync(join(CORPUS_DIR, app)).filter(f => /^capture.*\.json$/.test(f) && f !== 'capture-meta.json').sort();
}

/** Copies the app's sources (without the corpus files) to dest: the workspace the user would have open. */
export function prepareWorkspace(app, dest) {
  mkdirSync(dest, { recursive: true });
  cpSync(join(CORPUS_DIR, app), dest, { recursive: true, filter: p => !isCorpusFile(p.split(/[/\\]/).pop()) });
  return dest;
}

/** The folder the capture was built and run in (paths in its stack traces start there). */
export function buildRootOf(app) {
  const meta = join(CORPUS_DIR, app, 'capture-meta.json');
  return existsSync(meta) ? JSON.parse(readFileSync(meta, 'utf8')).buildRoot : null;
}

/** Runs the CLI; returns { result, ms } or throws with its stderr. */
export function runMap(workspace, traceFile, pathMappings = {}) {
  const args = [CLI, 'map', '--workspace', workspace];
  for (const [from, to] of Object.entries(pathMappings)) args.push('--path-mapping', `${from}=${to}`);
  args.push(traceFile);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`spanscope map exited with ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n')[0].slice(0, 500)}`);
  return { result: JSON.parse(r.stdout), ms };
}

const CONFIDENT = new Set(['exact', 'high']);

/** Compares the CLI's answers for one capture with the expected locations. */
export function scoreCapture(expected, result) {
  const got = new Map((result.spans ?? []).map(s => [`${s.traceId}/${s.spanId}`, s]));
  const score = { spans: 0, inWorkspace: 0, right: 0, confidentlyWrong: 0, external: 0, byConfidence: {}, misses: [] };
  for (const e of expected.spans) {
    score.spans++;
    const g = got.get(`${e.traceId}/${e.spanId}`);
    const confidence = g?.confidence ?? 'missing';
    score.byConfidence[confidence] = (score.byConfidence[confidence] ?? 0) + 1;
    const answer = g && g.file != null ? `${String(g.file).split('\\').join('/')}:${g.line}` : null;
    const ok = answer !== null && e.locations.some(l => `${l.file}:${l.line}` === answer);
    if (e.locations.length > 0) {
      score.inWorkspace++;
      if (ok) score.right++;
    } else {
      score.external++;
    }
    const wrong = !ok && CONFIDENT.has(confidence) && answer !== null;
    if (wrong) score.confidentlyWrong++;
    if (!ok && (e.locations.length > 0 || wrong)) {
      score.misses.push({ name: e.name, kind: e.kind, expected: e.locations.map(l => `${l.file}:${l.line}`), got: answer,
        confidence, reason: g?.reason ?? 'no answer for this span', confidentlyWrong: wrong });
    }
  }
  return score;
}

/** Maps every capture of an app in a fresh workspace copy under tmp; returns the per-capture scores. */
export function scoreApp(app, tmp) {
  const workspace = prepareWorkspace(app, join(tmp, app));
  const buildRoot = buildRootOf(app);
  // As debuggers' sourceMapPathOverrides: the build folder's prefix, with its slash, becomes the workspace's.
  const mappings = buildRoot ? { [`${buildRoot}/`]: `${workspace}/` } : {};
  return capturesOf(app).map(file => {
    const capturePath = join(CORPUS_DIR, app, file);
    const expected = deriveExpected(join(CORPUS_DIR, app), JSON.parse(readFileSync(capturePath, 'utf8')));
    const { result, ms } = runMap(workspace, capturePath, mappings);
    return { app, file, ms, ...scoreCapture(expected, result) };
  });
}

export function total(scores) {
  const t = { spans: 0, inWorkspace: 0, right: 0, confidentlyWrong: 0, external: 0 };
  for (const s of scores) for (const k of Object.keys(t)) t[k] += s[k];
  return t;
}
