// Each runtime keeps to its room: only src/host (and its test support) may import `vscode`;
// the webview and the core import no Node built-ins; the core imports nothing from host, backends or webview.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../support/paths';

function sources(dir: string): string[] {
  const abs = join(PROJECT_ROOT, dir);
  const out: string[] = [];
  let names: string[] = [];
  try { names = readdirSync(abs); } catch { return out; }
  for (const name of names) {
    const p = join(abs, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...sources(join(dir, name)));
    else if (/\.(ts|tsx|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}
const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^.\w])require\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return out;
}
const NODE_BUILTIN = /^(node:|fs$|path$|os$|http$|https$|net$|zlib$|worker_threads$|child_process$|crypto$|stream$|url$|util$|events$|buffer$)/;

// Each scan first checks it found files: a renamed folder must fail here, not pass on nothing.
function nonEmpty(dir: string): string[] {
  const files = sources(dir);
  assert.ok(files.length > 0, `no sources found under ${dir}`);
  return files;
}

test('only src/host and its test support import vscode', () => {
  const offenders: string[] = [];
  for (const dir of ['src', 'webview', 'test', 'bench', 'scripts']) {
    for (const f of nonEmpty(dir)) {
      const rel = relative(PROJECT_ROOT, f);
      if (rel === 'test/build/architecture.test.ts' || rel.startsWith('src/host/') || rel.startsWith('test/support/host/') || rel.startsWith('test/electron/')) continue;
      if (importsOf(f).some(s => s === 'vscode')) offenders.push(rel);
    }
  }
  assert.deepEqual(offenders, [], `these files import vscode outside src/host: ${offenders.join(', ')}`);
});

test('src/core and webview import no Node built-ins', () => {
  const offenders: string[] = [];
  for (const dir of ['src/core', 'src/protocol', 'webview']) {
    for (const f of nonEmpty(dir)) {
      const rel = relative(PROJECT_ROOT, f);
      const bad = importsOf(f).filter(s => NODE_BUILTIN.test(s));
      if (bad.length) offenders.push(`${rel} (${bad.join(', ')})`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('src/core depends on nothing outside the core', () => {
  const offenders: string[] = [];
  for (const f of nonEmpty('src/core')) {
    const rel = relative(PROJECT_ROOT, f);
    const bad = importsOf(f).filter(s => /(^|\/)(host|backends|webview)(\/|$)/.test(s) || s === 'vscode');
    if (bad.length) offenders.push(`${rel} (${bad.join(', ')})`);
  }
  assert.deepEqual(offenders, []);
});

test('the check itself sees a vscode import', () => {
  // Guards against a regex that matches nothing (a test that cannot fail).
  assert.ok(IMPORT_RE.source.length > 0);
  const text = "import * as vscode from 'vscode';\nconst x = require('vscode');\n";
  const found = [...text.matchAll(IMPORT_RE)].map(m => m[1] ?? m[2] ?? m[3] ?? m[4]);
  assert.deepEqual(found, ['vscode', 'vscode']);
});
