// `npm run lint` passes, and its architecture rules do fire (checked on snippets linted as if they lived in each room).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../support/paths';

const ESLINT = join(PROJECT_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

const eslint = new ESLint({ cwd: PROJECT_ROOT });
async function lintText(text: string, asFile: string): Promise<{ status: number; out: string }> {
  const [result] = await eslint.lintText(text, { filePath: join(PROJECT_ROOT, asFile) });
  const messages = result?.messages ?? [];
  return { status: messages.some(m => m.severity === 2) ? 1 : 0, out: messages.map(m => `${m.ruleId}: ${m.message}`).join('\n') };
}

test('npm run lint passes', () => {
  const r = spawnSync(process.execPath, [ESLINT, '.', '--max-warnings', '0'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `eslint reported problems:\n${r.stdout}${r.stderr}`);
});

test('the rules catch vscode outside the host, Node built-ins in core/webview, and default exports', async () => {
  const cases: [string, string, RegExp][] = [
    ["import * as vscode from 'vscode';\nexport const x = vscode;\n", 'src/backends/x.ts', /vscode/],
    ["import type * as vscode from 'vscode';\nexport type X = vscode.Uri;\n", 'src/core/x.ts', /vscode/],
    ["import type * as vscode from 'vscode';\nexport type X = vscode.Uri;\n", 'src/backends/x.ts', /vscode/],
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'src/core/x.ts', /Node/],
    ["import { join } from 'path';\nexport const x = join;\n", 'webview/x.ts', /Node/],
    ["import { z } from 'zod';\nexport const x = z;\nexport default x;\n", 'src/protocol/x.ts', /default/i],
  ];
  for (const [text, file, expected] of cases) {
    const r = await lintText(text, file);
    assert.equal(r.status, 1, `${file} should fail lint:\n${text}\n${r.out}`);
    assert.match(r.out, expected, file);
  }
  // And what is allowed stays allowed: a type-only vscode import in a test, vscode and Node in the host.
  assert.equal((await lintText("import type * as vscode from 'vscode';\nexport type X = vscode.Uri;\n", 'test/unit/x.ts')).status, 0);
  assert.equal((await lintText("import * as vscode from 'vscode';\nimport { join } from 'node:path';\nexport const x = [vscode, join];\n", 'src/host/x.ts')).status, 0);
});

test('import boundaries: each room imports only the rooms it may', async () => {
  // [importing file, import, must fail]
  const cases: [string, string, boolean][] = [
    // The core imports nothing outside the core, not even types.
    ['src/core/analysis/x.ts', '../../host/config', true],
    ['src/core/x.ts', '../protocol/messages', true],
    ['src/core/x.ts', '../backends/types', true],
    ['src/core/analysis/x.ts', '../model', false],
    // The protocol only the core.
    ['src/protocol/x.ts', '../core/model', false],
    ['src/protocol/x.ts', '../backends/types', true],
    // Backends neither the host nor the webview.
    ['src/backends/jaeger/x.ts', '../../host/config', true],
    ['src/backends/x.ts', '../../webview/state', true],
    ['src/backends/jaeger/x.ts', '../../core/model', false],
    // Workers the core, the protocol and each other.
    ['src/worker/x.ts', '../host/lazy', true],
    ['src/worker/x.ts', '../protocol/compact', false],
    // The host anything in src, but not the webview.
    ['src/host/x.ts', '../../webview/state', true],
    ['src/host/x.ts', '../backends/registry', false],
    // The webview: itself and the shared files webview/tsconfig.json includes.
    ['webview/x.ts', '../src/host/config', true],
    ['webview/x.ts', '../src/backends/types', true],
    ['webview/x.ts', '../src/worker/client', true],
    ['webview/model/x.ts', '../../src/protocol/compact', false],
    ['webview/harness/x.ts', '../../src/worker/prepare', false],
  ];
  for (const [file, spec, fails] of cases) {
    for (const text of [`import { a } from '${spec}';\nexport const x = a;\n`, `export type X = typeof import('${spec}');\n`, `export * from '${spec}';\n`]) {
      const r = await lintText(text, file);
      assert.equal(r.status, fails ? 1 : 0, `${file}: ${text}${r.out}`);
      if (fails) assert.match(r.out, /spanscope\/boundaries/, `${file}: ${text}`);
    }
  }
});

test('lint fails on a core module that imports from the host (a real file on disk)', async () => {
  // A file that exists, linted the way `npm run lint` lints it (not lintText), so the config's file globs are checked.
  const dir = mkdtempSync(join(PROJECT_ROOT, 'src', 'core', 'lint-probe-'));
  try {
    const file = join(dir, 'probe.ts');
    writeFileSync(file, "import { readConfig } from '../../host/config';\nexport const x = readConfig;\n");
    const [result] = await eslint.lintFiles([file]);
    const rules = (result?.messages ?? []).map(m => m.ruleId);
    assert.ok(rules.includes('spanscope/boundaries'), `got ${rules.join(', ')}`);
    assert.ok((result?.errorCount ?? 0) > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pick or input box opened in the host says whether it stays open when a webview takes the focus back', async () => {
  const call = (options: string) => `import * as vscode from 'vscode';\nexport const p = () => vscode.window.showQuickPick(['a'], ${options});\nexport const q = () => vscode.window.showInputBox(${options});\n`;
  const without = await lintText(call("{ title: 't' }"), 'src/host/x.ts');
  assert.equal(without.out.match(/ignoreFocusOut/g)?.length, 2, without.out);
  assert.equal((await lintText(call("{ title: 't', ignoreFocusOut: true }"), 'src/host/x.ts')).status, 0);
});
