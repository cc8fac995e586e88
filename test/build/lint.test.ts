// `npm run lint` passes, and its architecture rules do fire (checked on snippets linted as if they lived in each room).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'src/core/x.ts', /Node/],
    ["import { join } from 'path';\nexport const x = join;\n", 'webview/x.ts', /Node/],
    ["import { z } from 'zod';\nexport const x = z;\nexport default x;\n", 'src/protocol/x.ts', /default/i],
  ];
  for (const [text, file, expected] of cases) {
    const r = await lintText(text, file);
    assert.equal(r.status, 1, `${file} should fail lint:\n${text}\n${r.out}`);
    assert.match(r.out, expected, file);
  }
  // And what is allowed stays allowed: a type-only vscode import outside the host, vscode and Node in the host.
  assert.equal((await lintText("import type * as vscode from 'vscode';\nexport type X = vscode.Uri;\n", 'src/backends/x.ts')).status, 0);
  assert.equal((await lintText("import * as vscode from 'vscode';\nimport { join } from 'node:path';\nexport const x = [vscode, join];\n", 'src/host/x.ts')).status, 0);
});
