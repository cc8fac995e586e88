// The quick loop's grouping (scripts/test-compile.mjs groupTests): test files that can share a process run in a few
// group processes, each file inside its own suite, and the times reporter still gives each file its own line.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../support/paths';

// Imported when run, not bundled: the quick loop's compiler rewrites `import.meta` in what it bundles, and this is
// the module that does it (its own patterns would be rewritten).
const compiler = () => import(pathToFileURL(join(PROJECT_ROOT, 'scripts', 'test-compile.mjs')).href) as Promise<{
  groupTests(files: string[], compiled: string[], groups: number, where: { root: string; outDir: string }): string[];
}>;

const root = mkdtempSync(join(tmpdir(), 'spanscope-group-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Plain CommonJS test files stand for compiled ones (each is its own "compiled" file). Every file notes in the
// process's global what ran, so a test can see which hooks and files shared its process.
const file = (name: string, body: string) => writeFileSync(join(root, name), `const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const seen = (globalThis.seen ??= []);
${body}`);

test('files without the fake vscode share processes, each keeping its own hooks; the reporter counts each file', async () => {
  const { groupTests } = await compiler();
  file('a.test.js', `before(() => seen.push('a:before'));
after(() => seen.push('a:after'));
test('a sees only its own hook', () => assert.deepEqual(seen, ['a:before']));
test('a again', () => assert.deepEqual(seen, ['a:before']));`);
  file('b.test.js', `before(() => seen.push('b:before'));
test('b runs after a has finished, hooks and all', () => assert.deepEqual(seen, ['a:before', 'a:after', 'b:before']));`);
  // The text is all that matters: a file that imports from test/support/host/ keeps a process of its own.
  file('h.test.js', `// import { fakeVscode } from '../support/host/register';
test('h has its process to itself', () => assert.deepEqual(seen, []));`);
  mkdirSync(join(root, 'out'));
  const files = ['a.test.js', 'b.test.js', 'h.test.js'];
  const run = groupTests(files, files, 1, { root, outDir: join(root, 'out') });
  // The group first, then the file that runs alone.
  assert.deepEqual(run, [join('out', 'group-0.test.js'), 'h.test.js']);

  // (Without this test's own runner in the environment, which would make the inner node --test report to it.)
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
  const reporter = pathToFileURL(join(PROJECT_ROOT, 'scripts', 'test-times-reporter.mjs')).href;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${reporter}`, '--test-reporter-destination=times.json', ...run], { cwd: root, env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ℹ tests 4\n/);
  const times = JSON.parse(readFileSync(join(root, 'times.json'), 'utf8')) as { files: { file: string; tests: number; failed: number }[] };
  assert.deepEqual(times.files.map(f => [f.file, f.tests, f.failed]).sort(), [['a.test.js', 2, 0], ['b.test.js', 1, 0], ['h.test.js', 1, 0]]);
});
