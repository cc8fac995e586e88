// The whole test suite in one `node --test` run, so the closing summary counts everything (plus the E2E re-run below).
//   node scripts/test.mjs            build, then every test under test/
//   node scripts/test.mjs unit core  only files whose path contains "unit" or "core"
// The end-to-end tests in code-server run on two VS Code versions: with everything else on the oldest supported one
// (package.json's engines), then once more on the newest (a second `node --test` run, with its own summary).
// SPANSCOPE_CODE_SERVER=VERSION runs them on that one version only.
// Before running, whatever the selected files need and this machine lacks is installed (Chromium, the real Jaeger
// and Zipkin, code-server; see scripts/test-prereqs.mjs), so the command alone runs everything on a fresh clone.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { e2eCodeServerVersions, ensureTestPrerequisites, toolsNeeded } from './test-prereqs.mjs';

const filters = process.argv.slice(2);
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
const [firstVersion, ...laterVersions] = e2eCodeServerVersions();
const runTests = (selected, version) => {
  const args = ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, SPANSCOPE_TEST: '1', SPANSCOPE_CODE_SERVER: version } });
  return r.status ?? 1;
};
let status = runTests(files, firstVersion);
// Only the files that drive code-server run again: the rest does not depend on the VS Code version.
const inCodeServer = files.filter(f => toolsNeeded([{ path: f, text: readFileSync(f, 'utf8') }]).has('code-server'));
for (const version of inCodeServer.length ? laterVersions : []) {
  console.log(`\n[test] the ${inCodeServer.length} end-to-end test files again, on code-server ${version} (the newest VS Code)`);
  status = runTests(inCodeServer, version) || status;
}
process.exit(status);
