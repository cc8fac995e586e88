// The Node SyntaxService: a real worker thread with the real grammars, outlines cached by path and version,
// concurrent requests, size and time limits, and a stalled worker replaced.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { createSyntaxService, type NodeSyntaxService } from '../../../src/worker/syntax';
import { defaultWasmDir } from '../../../src/worker/syntaxParser';
import { GRAMMAR_FILES } from '../../../src/core/mapping/syntax/languages';
import { PROJECT_ROOT } from '../../support/paths';

// A private build of the worker: dist/ is rebuilt by every test run, and a bundle rewritten while a worker
// loads it would make this test flaky. The grammars come from the installed package.
const workerDir = mkdtempSync(join(tmpdir(), 'spanscope-syntax-worker-'));
const workerPath = join(workerDir, 'syntax-worker.js');
buildSync({ entryPoints: [join(PROJECT_ROOT, 'src/worker/syntax-worker.ts')], outfile: workerPath, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
const services: NodeSyntaxService[] = [];
after(() => {
  for (const s of services) s.dispose();
  rmSync(workerDir, { recursive: true, force: true });
});
const wasmDir = defaultWasmDir();
function service(opts: Parameters<typeof createSyntaxService>[0] = {}): NodeSyntaxService {
  const s = createSyntaxService({ workerPath, wasmDir, ...opts });
  services.push(s);
  return s;
}

const JAVA_V1 = 'package a;\nclass A {\n  void one() { tracer.spanBuilder("one"); }\n}\n';
const JAVA_V2 = 'package a;\nclass A {\n  void one() {}\n\n  void two() { tracer.spanBuilder("two"); }\n}\n';

test('an outline is cached per path and version; a new version is parsed again', async () => {
  const s = service();
  const first = await s.outline('/w/src/A.java', JAVA_V1, '1');
  assert.deepEqual(first?.definitions.map(d => [d.name, d.line]), [['A', 2], ['one', 3]]);
  const again = await s.outline('/w/src/A.java', 'ignored: same version', '1');
  assert.equal(again, first);
  assert.deepEqual({ parses: s.stats.parses, cacheHits: s.stats.cacheHits }, { parses: 1, cacheHits: 1 });
  const second = await s.outline('/w/src/A.java', JAVA_V2, '2');
  assert.deepEqual(second?.definitions.map(d => [d.name, d.line]), [['A', 2], ['one', 3], ['two', 5]]);
  assert.deepEqual(second?.literals.map(l => [l.value, l.line]), [['two', 5]]);
  assert.equal(s.stats.parses, 2);
  // Without a version nothing is cached.
  await s.outline('/w/src/A.java', JAVA_V1);
  await s.outline('/w/src/A.java', JAVA_V1);
  assert.equal(s.stats.parses, 4);
  assert.equal(s.stats.workerStarts, 1);
});

test('identical files are parsed once (copied services); a different text or language is parsed on its own', async () => {
  const s = service();
  const a = await s.outline('/w/svc-1/src/A.java', JAVA_V1, '1');
  const b = await s.outline('/w/svc-2/src/A.java', JAVA_V1, '7');
  assert.equal(b, a);
  assert.equal(s.stats.parses, 1);
  // one character more is another file
  const c = await s.outline('/w/svc-3/src/A.java', JAVA_V1 + ' ', '1');
  assert.equal(s.stats.parses, 2);
  assert.deepEqual(c?.definitions.map(d => [d.name, d.line]), [['A', 2], ['one', 3]]);
  // the same text in another language is parsed with that language's grammar
  const k = await s.outline('/w/svc-4/src/A.cs', JAVA_V1, '1');
  assert.equal(s.stats.parses, 3);
  assert.notEqual(k, a);
});

test('concurrent requests in several languages all come back right; one version is parsed once', async () => {
  const s = service();
  const files: Array<[string, string, string]> = [];
  for (let i = 0; i < 12; i++) {
    files.push([`/w/pkg${i}/svc.go`, `package pkg${i}\n\nfunc Handler${i}() {\n\ttracer.Start(ctx, "span ${i}")\n}\n`, `Handler${i}`]);
    files.push([`/w/app${i}.py`, `def handler_${i}():\n    pass\n`, `handler_${i}`]);
    files.push([`/w/web${i}.ts`, `export function route${i}() {}\n`, `route${i}`]);
  }
  const shared = Array.from({ length: 5 }, () => s.outline('/w/Shared.java', JAVA_V1, 'x'));
  const outlines = await Promise.all(files.map(([path, text]) => s.outline(path, text, 'v')));
  outlines.forEach((o, i) => assert.equal(o?.definitions[0]?.name, files[i]![2]));
  assert.equal((await Promise.all(shared)).every(o => o?.definitions[1]?.name === 'one'), true);
  assert.equal(s.stats.parses, files.length + 1);
  assert.equal(s.stats.cacheHits, 4);
});

test('the caller\'s thread only posts the text: a 5,000-line file is handed over in well under 50 ms', async () => {
  const s = service();
  await s.outline('/w/warm.py', 'x = 1\n'); // start the worker and load the grammar first
  const text = Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? `def f${i}():` : `    tracer.start_span("s${i}")`)).join('\n');
  const t0 = performance.now();
  const pending = s.outline('/w/big.py', text, '1');
  const syncMs = performance.now() - t0;
  const o = await pending;
  assert.equal(o?.definitions.length, 1000);
  assert.ok(syncMs < 50, `outline() blocked its caller for ${syncMs.toFixed(1)} ms`);
  console.log(`# outline() call returned after ${syncMs.toFixed(2)} ms for a 5,000-line file`);
});

test('unknown languages, files over the size cap, a parse timeout and a stalled worker give clear answers', async () => {
  const s = service({ maxFileSize: 1000 });
  assert.equal(s.languageOf('/w/readme.md'), undefined);
  assert.equal(await s.outline('/w/readme.md', '# hi', '1'), undefined);
  const big = await s.outline('/w/Big.java', 'x'.repeat(2000), '1');
  assert.match(big?.skipped ?? '', /too large/);
  assert.equal(s.stats.workerStarts, 0, 'an oversized file must not reach the worker');

  const slow = service({ parseTimeoutMs: 1 });
  const text = Array.from({ length: 20000 }, (_, i) => `def f${i}(): return "${i}"`).join('\n');
  const timedOut = await slow.outline('/w/slow.py', text);
  assert.match(timedOut?.skipped ?? '', /longer than 1 ms/);

  const stalled = service({ stallMs: 1 });
  const o = await stalled.outline('/w/A.java', JAVA_V1);
  assert.match(o?.skipped ?? '', /longer than 1 ms/);
});

test('dispose answers pending requests and stops the worker', async () => {
  const s = service();
  const pending = s.outline('/w/A.java', JAVA_V1, '1');
  s.dispose();
  assert.match((await pending)?.skipped ?? '', /disposed/);
  assert.equal(await s.outline('/w/A.java', JAVA_V1, '1'), undefined);
});

test('the build copies the runtime and every grammar to dist/tree-sitter, where the bundled worker finds them', async () => {
  // scripts/test.mjs has just run the build.
  const dist = join(PROJECT_ROOT, 'dist', 'tree-sitter');
  const expected = ['tree-sitter.wasm', ...Object.values(GRAMMAR_FILES)];
  assert.deepEqual(expected.filter(f => !existsSync(join(dist, f))), []);
  // The packaged layout: the worker bundle with tree-sitter/ beside it, no wasmDir given.
  const packaged = mkdtempSync(join(tmpdir(), 'spanscope-syntax-packaged-'));
  try {
    copyFileSync(workerPath, join(packaged, 'syntax-worker.js'));
    mkdirSync(join(packaged, 'tree-sitter'));
    for (const f of expected) copyFileSync(join(dist, f), join(packaged, 'tree-sitter', f));
    const s = createSyntaxService({ workerPath: join(packaged, 'syntax-worker.js') });
    services.push(s);
    const o = await s.outline('/w/main.rs', 'fn main() { println!("hi"); }\n');
    assert.equal(o?.skipped, undefined);
    assert.deepEqual(o?.definitions.map(d => d.name), ['main']);
  } finally {
    rmSync(packaged, { recursive: true, force: true });
  }
});

test('the service (bundled into the extension host and the CLI) does not carry the tree-sitter runtime', () => {
  const r = buildSync({ entryPoints: [join(PROJECT_ROOT, 'src/worker/syntax.ts')], bundle: true, platform: 'node', format: 'cjs', write: false, metafile: true, logLevel: 'warning' });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.some(i => i.endsWith('src/worker/syntax.ts')), `the bundle was not read: ${inputs.join(', ')}`);
  assert.deepEqual(inputs.filter(i => /tree-sitter-wasm|syntaxParser|outline\.ts/.test(i)), []);
});

test('an idle worker stops, and the next request starts a new one while cached outlines stay', async () => {
  const s = service({ idleMs: 20 });
  const first = await s.outline('/w/A.java', JAVA_V1, '1');
  // Wait on the condition itself (the idle timer fired), with a deadline instead of a fixed sleep.
  const deadline = Date.now() + 10_000;
  while (s.stats.idleStops === 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 10));
  assert.equal(s.stats.idleStops, 1);
  assert.equal(await s.outline('/w/A.java', JAVA_V1, '1'), first);
  assert.equal(s.stats.workerStarts, 1, 'a cache hit needs no worker');
  const other = await s.outline('/w/b.go', 'package b\n\nfunc B() {}\n', '1');
  assert.deepEqual(other?.definitions.map(d => d.name), ['B']);
  assert.equal(s.stats.workerStarts, 2);
});
