// The whole test suite in one `node --test` run, so the closing summary counts everything (the E2E files once per VS Code version).
//   node scripts/test.mjs            build, then every test under test/
//   node scripts/test.mjs unit core  only files whose path contains "unit" or "core"
//   node scripts/test.mjs --compiled unit
//                                    the same files, compiled once with esbuild (scripts/test-compile.mjs) and run
//                                    by plain node, several files at a time; the files that do not use the fake
//                                    vscode share a few processes (groupTests in scripts/test-compile.mjs)
//   node scripts/test.mjs --compiled --quick unit
//                                    and the seeded fuzz tests run a quarter of their rounds (test/support/rounds.ts):
//                                    `npm run test:unit`, the quick loop. Everything else runs them whole.
//                                    Without --compiled every file runs from its TypeScript source through tsx,
//                                    except the unit files, which run compiled and grouped as in the quick loop.
// The end-to-end tests in code-server run on two VS Code versions: with everything else on the oldest supported one
// (package.json's engines), then once more on the newest.
// SPANSCOPE_CODE_SERVER=VERSION runs them on that one version only.
// Before running, whatever the selected files need and this machine lacks is installed (Chromium, the real Jaeger
// and Zipkin, code-server; see scripts/test-prereqs.mjs), so the command alone runs everything on a fresh clone.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { e2eCodeServerVersions, ensureTestPrerequisites, toolsNeeded } from './test-prereqs.mjs';
import { compileTests, groupTests } from './test-compile.mjs';
import { RUNS_ALONE } from './test-slot.mjs';

const compiled = process.argv.includes('--compiled');
const quick = process.argv.includes('--quick');
const filters = process.argv.slice(2).filter(a => a !== '--compiled' && a !== '--quick');
// The build (dist/, which many tests load) runs while the test files are found, prepared and compiled; the tests
// start once it is done.
const build = new Promise(done => {
  const child = spawn(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  child.once('error', () => done(1));
  child.once('exit', code => done(code ?? 1));
});

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.test\.(ts|tsx|mjs)$/.test(name)) out.push(p);
  }
  return out;
}
const files = walk('test').filter(f => filters.length === 0 || filters.some(x => f.includes(x)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  await build;
  process.exit(1);
}
if (!process.env.SPANSCOPE_TEST_NO_INSTALL) {
  const problems = ensureTestPrerequisites(files);
  // Carry on: the tests that need a missing tool say so (they skip on a developer's machine and fail in CI).
  for (const p of problems) console.error(`[test] could not prepare: ${p}`);
}
// Compiled: no TypeScript loader per file, and twice as many files at once as there are cores: several unit files
// spend seconds waiting on a deadline, a retry delay or a child process, and with one file per core those waits
// ran one after another (on 2 cores: 43 s at 2 at once, 36 s at 4); SPANSCOPE_TEST_CONCURRENCY overrides.
// The unit files that can share a process go into one group fewer than twice the cores, so that in the quick loop
// one slot stays for the files that run in a process of their own (on 2 cores, same run: 22.4 s of tests with 3
// groups, 23.6 s with 4, 25.8 s with 2).
// The whole suite: one file per core at once (node's own default leaves one core idle: on 2 cores, one file at a
// time). Most of its time is end-to-end tests waiting on code-server, Chromium and the servers they start, so two
// of them side by side share the cores well; a file that measures time against a budget carries a `// Runs alone:`
// line and scripts/test-slot.mjs keeps everything else off the machine while it runs.
const concurrency = Number(process.env.SPANSCOPE_TEST_CONCURRENCY) || (compiled ? 2 : 1) * availableParallelism();
const GROUPS = Math.max(2, 2 * availableParallelism() - 1);
const [firstVersion, ...laterVersions] = e2eCodeServerVersions();
// Only the files that drive code-server run again on the later versions (the rest does not depend on the VS Code
// version), in the same `node --test` run so that its closing summary counts everything.
const inCodeServer = compiled ? [] : files.filter(f => toolsNeeded([{ path: f, text: readFileSync(f, 'utf8') }]).has('code-server'));
if (inCodeServer.length && laterVersions.length) {
  console.log(`[test] the ${inCodeServer.length} end-to-end test files run on code-server ${firstVersion} and again on ${laterVersions.join(', ')} (the newest VS Code)`);
}
// The unit layer runs as the quick loop runs it, in the whole suite too: compiled once, and the files that can share
// a process grouped (scripts/test-compile.mjs). Through the TypeScript loader, each of its 120-odd files paid about a
// second of CPU for the loader's start and transforms.
// (Into a directory of this run's own, inside the project where the bundles find node_modules, removed after it.)
const isUnit = f => /^test[\\/]unit[\\/]/.test(f);
const unitFiles = compiled ? [] : files.filter(isUnit);
mkdirSync('out', { recursive: true }); // (also where out/test-times.json goes)
const unitDir = unitFiles.length ? mkdtempSync(join('out', 'test-run-')) : undefined;
const unitRuns = unitDir ? groupTests(unitFiles, await compileTests(unitFiles, resolve(unitDir)), GROUPS, { outDir: resolve(unitDir) }) : [];
/**
 * Every run of a file, in the order they should start: the files that run alone first (nothing is running yet, so
 * none waits for a long file beside it to end while a core idles, and none holds back files already started), then
 * the end-to-end files (the longest, so that the many short files fill both cores at the end instead of one long
 * file running by itself), then the other layers, the unit tests last.
 * @returns {{ file: string, version?: string, alone: boolean }[]}
 */
function startOrder() {
  const runs = files.filter(f => !isUnit(f)).flatMap(file => {
    // (A file that runs alone runs alone on every version: its marker line goes into each of its wrappers.)
    const text = readFileSync(file, 'utf8');
    const at = text.search(RUNS_ALONE);
    const marker = at < 0 ? undefined : text.slice(at).split('\n')[0];
    return [{ file, marker }, ...(inCodeServer.includes(file) ? laterVersions.map(version => ({ file, version, marker })) : [])];
  });
  const rank = r => (r.marker ? 0 : inCodeServer.includes(r.file) ? 1 : 2);
  // (Array.prototype.sort is stable: within a rank, the files keep their path order.)
  return [...runs.sort((a, b) => rank(a) - rank(b)), ...unitRuns.map(file => ({ file }))];
}
// node --test sorts the files it is given by path (Node 20), whatever order they are given in. So each run of a file
// gets a wrapper whose name sorts in start order, in a directory of this run's own (removed after it; a second test
// command run meanwhile has its own): the wrapper names the code-server version when it is not the first, then
// imports the test file, whose own path is what the reporters show.
const runDir = compiled ? undefined : mkdtempSync(join(tmpdir(), 'spanscope-test-run-'));
const ordered = runDir ? startOrder().map((r, i) => {
  const name = `${String(i).padStart(4, '0')}-${r.file.replace(/^out[\\/][^\\/]+[\\/]/, '').replace(/^test[\\/]/, '').replace(/\.test\.[jt]sx?$/, '').replace(/[\\/]/g, '-')}${r.version ? `-${r.version}` : ''}.test.mjs`;
  const wrapper = join(runDir, 'files', name);
  mkdirSync(dirname(wrapper), { recursive: true });
  writeFileSync(wrapper, `// Generated by scripts/test.mjs: ${r.file}${r.version ? ` on code-server ${r.version}` : ''}.\n`
    + (r.marker ? `${r.marker}\n` : '')
    + (r.version ? `process.env.SPANSCOPE_CODE_SERVER = ${JSON.stringify(r.version)};\n` : '')
    + `await import(${JSON.stringify(pathToFileURL(resolve(r.file)).href)});\n`);
  return wrapper;
}) : [];
// Per run: the lock files of scripts/test-slot.mjs, and a directory the test files share (what the end-to-end
// sessions make once for all: test/support/e2e/session.ts).
const slots = runDir ? join(runDir, 'slots') : undefined;
const shared = runDir ? join(runDir, 'shared') : undefined;
const slotModule = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'test-slot.mjs')).href;
// The spec reporter prints (its summary closes the output, which CI reads); out/test-times.json gets each file's time.
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./scripts/test-times-reporter.mjs', '--test-reporter-destination=out/test-times.json'];
const args = compiled
  ? ['--enable-source-maps', '--test', ...reporters, `--test-concurrency=${concurrency}`, ...groupTests(files, await compileTests(files), GROUPS)]
  : ['--enable-source-maps', '--import', 'tsx', '--import', slotModule, '--test', ...reporters, `--test-concurrency=${concurrency}`, ...ordered];
const cleanUp = () => { for (const d of [runDir, unitDir]) if (d) rmSync(d, { recursive: true, force: true }); };
const built = await build;
if (built !== 0) {
  cleanUp();
  process.exit(built);
}
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, SPANSCOPE_TEST: '1', SPANSCOPE_CODE_SERVER: firstVersion, ...(slots ? { SPANSCOPE_TEST_SLOTS: slots, SPANSCOPE_TEST_SHARED: shared } : {}), ...(quick ? { SPANSCOPE_TEST_QUICK: '1' } : {}) } });
cleanUp();
process.exit(r.status ?? 1);
