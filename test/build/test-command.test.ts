// `npm test` on a fresh clone runs everything: the real fixtures are in the repository (nothing read from ../shared,
// nothing skipped for missing fixtures), and scripts/test.mjs knows which tools each test file needs so that it can
// install the missing ones first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { e2eCodeServerVersions, toolsNeeded } from '../../scripts/test-prereqs.mjs';
import { CODE_SERVER_NEWEST, CODE_SERVER_VERSION, CODE_SERVER_VERSIONS } from '../../scripts/code-server.mjs';
import { PROJECT_ROOT, REAL_FIXTURES } from '../support/paths';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

test('the real fixtures live in test/fixtures/real with their provenance and licence', () => {
  assert.equal(relative(PROJECT_ROOT, REAL_FIXTURES), join('test', 'fixtures', 'real'));
  assert.match(readFileSync(join(REAL_FIXTURES, 'SOURCES.md'), 'utf8'), /Apache-2\.0/);
  assert.match(readFileSync(join(REAL_FIXTURES, 'LICENSE-Apache-2.0.txt'), 'utf8'), /Apache License\s+Version 2\.0/);
  const jsons = readdirSync(REAL_FIXTURES, { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.json'));
  assert.ok(jsons.length >= 20, `${jsons.length} fixture files`);
});

test('no test reads ../shared or skips when fixtures are missing', () => {
  const offenders: string[] = [];
  for (const f of [...sources(join(PROJECT_ROOT, 'test')), ...sources(join(PROJECT_ROOT, 'bench'))]) {
    const text = readFileSync(f, 'utf8');
    // Written so that this file does not match itself.
    if (/['"/]shared['"/]\s*,?\s*['"]?fixtures|fixtures not found|REAL_FIXTURES_SKIP/.test(text) && !f.endsWith('test-command.test.ts')) offenders.push(relative(PROJECT_ROOT, f));
  }
  assert.deepEqual(offenders, []);
});

test('scripts/test.mjs knows which tools each test file needs', () => {
  const need = (rel: string): string[] => [...toolsNeeded([{ path: rel, text: readFileSync(join(PROJECT_ROOT, rel), 'utf8') }])].sort();
  assert.deepEqual(need('test/integration/backends/jaeger.test.ts'), ['jaeger']);
  assert.deepEqual(need('test/integration/backends/zipkin.test.ts'), ['zipkin']);
  assert.deepEqual(need('test/webview/waterfall.test.ts'), ['chromium']);
  assert.deepEqual(need('test/e2e/waterfall.test.ts'), ['chromium', 'code-server']);
  assert.deepEqual(need('test/e2e/backends.test.ts'), ['chromium', 'code-server', 'jaeger']);
  assert.deepEqual(need('test/unit/core/parse/preview.test.ts'), []);
  // Every suite that would skip for a missing tool is covered by the list.
  const suites = sources(join(PROJECT_ROOT, 'test')).filter(x => x.endsWith('.test.ts') && !x.endsWith('test-command.test.ts'));
  assert.ok(suites.length >= 100, `${suites.length} test files found`);
  for (const f of suites) {
    const text = readFileSync(f, 'utf8');
    const got = toolsNeeded([{ path: relative(PROJECT_ROOT, f), text }]);
    if (/JAEGER_SKIP/.test(text)) assert.ok(got.has('jaeger'), relative(PROJECT_ROOT, f));
    if (/ZIPKIN_SKIP/.test(text)) assert.ok(got.has('zipkin'), relative(PROJECT_ROOT, f));
    if (/CHROMIUM_SKIP|E2E_TEST/.test(text)) assert.ok(got.has('chromium'), relative(PROJECT_ROOT, f));
    if (/E2E_TEST/.test(text)) assert.ok(got.has('code-server'), relative(PROJECT_ROOT, f));
  }
  assert.ok(existsSync(join(PROJECT_ROOT, 'scripts', 'install-backends.mjs')));
});

test('the end-to-end tests run on the oldest supported VS Code and on the newest code-server, or on the one named', () => {
  assert.deepEqual(e2eCodeServerVersions({}), [...CODE_SERVER_VERSIONS]);
  assert.equal(CODE_SERVER_VERSIONS[0], CODE_SERVER_VERSION);
  assert.equal(CODE_SERVER_VERSIONS.length, 2);
  // The oldest is the one package.json's engines promise.
  const engines = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { vscode: string } }).engines.vscode;
  assert.equal(engines, `^${CODE_SERVER_VERSION.replace(/^4\./, '1.').replace(/\.\d+$/, '.0')}`);
  assert.deepEqual(e2eCodeServerVersions({ SPANSCOPE_CODE_SERVER: CODE_SERVER_NEWEST }), [CODE_SERVER_NEWEST]);
  // code-server 4.N.x is VS Code 1.N.x; the newest is newer than the oldest.
  assert.ok(Number(CODE_SERVER_NEWEST.split('.')[1]) > Number(CODE_SERVER_VERSION.split('.')[1]));
});
