// The whole test suite in one `node --test` run, so the closing summary counts everything.
//   node scripts/test.mjs            build, then every test under test/
//   node scripts/test.mjs unit core  only files whose path contains "unit" or "core"
//   node scripts/test.mjs --compiled unit
//                                    the same files, compiled once with esbuild (scripts/test-compile.mjs) and run
//                                    by plain node, several files at a time: `npm run test:unit`, the quick loop.
//                                    Without --compiled every file runs from its TypeScript source through tsx.
// Before running, whatever the selected files need and this machine lacks is installed (Chromium, the real Jaeger
// and Zipkin, code-server; see scripts/test-prereqs.mjs), so the command alone runs everything on a fresh clone.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { ensureTestPrerequisites } from './test-prereqs.mjs';
import { compileTests } from './test-compile.mjs';

const compiled = process.argv.includes('--compiled');
const filters = process.argv.slice(2).filter(a => a !== '--compiled');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

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
  process.exit(1);
}
if (!process.env.SPANSCOPE_TEST_NO_INSTALL) {
  const problems = ensureTestPrerequisites(files);
  // Carry on: the tests that need a missing tool say so (they skip on a developer's machine and fail in CI).
  for (const p of problems) console.error(`[test] could not prepare: ${p}`);
}
// Compiled: no TypeScript loader per file, and as many files at once as there are cores (most unit files wait on a
// child process or a socket part of the time); SPANSCOPE_TEST_CONCURRENCY overrides.
const concurrency = Number(process.env.SPANSCOPE_TEST_CONCURRENCY) || availableParallelism();
const args = compiled
  ? ['--enable-source-maps', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...await compileTests(files)]
  : ['--import', 'tsx', '--test', '--test-reporter=spec', ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, SPANSCOPE_TEST: '1' } });
process.exit(r.status ?? 1);
