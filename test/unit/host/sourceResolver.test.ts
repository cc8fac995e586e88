// Jump to source against a real folder on disk: absolute, workspace-relative and suffix matches open at the
// 0-based line; hostile paths are refused; a file outside the workspace opens only when the user agrees.
import { fakeVscode } from '../../support/host/register';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Uri } from '../../support/host/fakeVscode';
import { openSource, resolveSource, registerSourceResolverStep } from '../../../src/host/sourceResolver';

let root = '';
let ws = '';
let outside = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'spanscope-src-'));
  ws = join(root, 'shop');
  outside = join(root, 'elsewhere');
  mkdirSync(join(ws, 'src', 'orders'), { recursive: true });
  mkdirSync(join(ws, 'src', 'inventory'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  const body = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n');
  writeFileSync(join(ws, 'src', 'orders', 'db.ts'), body);
  writeFileSync(join(ws, 'src', 'inventory', 'db.ts'), body);
  writeFileSync(join(ws, 'src', 'orders', 'service.ts'), body);
  writeFileSync(join(outside, 'secret.ts'), body);
  fakeVscode.workspaceFolders = [{ uri: Uri.file(ws), name: 'shop', index: 0 }];
});
after(() => {
  fakeVscode.workspaceFolders = undefined;
  rmSync(root, { recursive: true, force: true });
});

test('absolute, workspace-relative and suffix paths resolve to workspace files', async () => {
  const abs = await resolveSource({ filePath: join(ws, 'src', 'orders', 'service.ts') });
  assert.equal(abs.kind === 'resolved' && abs.how, 'absolute');
  assert.equal(abs.kind === 'resolved' && abs.inWorkspace, true);
  const rel = await resolveSource({ filePath: './src/orders/service.ts' });
  assert.equal(rel.kind === 'resolved' && rel.how, 'workspace-relative');
  const suffix = await resolveSource({ filePath: '/app/src/orders/db.ts' });
  assert.ok(suffix.kind === 'resolved');
  assert.equal(suffix.how, 'suffix');
  assert.equal(suffix.uri.fsPath, join(ws, 'src', 'orders', 'db.ts'));
  assert.equal(suffix.ambiguous, false);
  const win = await resolveSource({ filePath: 'C:\\build\\src\\inventory\\db.ts' });
  assert.ok(win.kind === 'resolved');
  assert.equal(win.uri.fsPath, join(ws, 'src', 'inventory', 'db.ts'));
  const tie = await resolveSource({ filePath: '/app/db.ts' });
  assert.equal(tie.kind === 'resolved' && tie.ambiguous, true);
});

test('hostile paths are refused with a reason', async () => {
  for (const p of ['command:workbench.action.terminal.new', 'vscode://settings/x', 'http://evil.example/db.ts', '\\\\server\\share\\db.ts',
    '//server/share/db.ts', '../../etc/passwd', '', 'a\u0000.ts']) {
    const r = await resolveSource({ filePath: p });
    assert.equal(r.kind, 'unresolved', JSON.stringify(p));
  }
});

test('openSource opens at the 0-based line, clamped to the document', async () => {
  const before = fakeVscode.shownEditors.length;
  await openSource({ filePath: '/deployed/src/orders/service.ts', line: 5, column: 3 });
  const ed = fakeVscode.shownEditors[before]!;
  assert.equal(ed.document.uri.fsPath, join(ws, 'src', 'orders', 'service.ts'));
  assert.deepEqual([ed.selection?.start.line, ed.selection?.start.character], [4, 2]);
  await openSource({ filePath: join(ws, 'src', 'orders', 'service.ts'), line: 9999 });
  assert.equal(fakeVscode.shownEditors[before + 1]!.selection?.start.line, 49);
});

test('a file outside the workspace opens only after the user agrees', async () => {
  const file = join(outside, 'secret.ts');
  const n = fakeVscode.shownEditors.length;
  fakeVscode.messageAnswers.push(undefined); // dismissed
  assert.equal(await openSource({ filePath: file, line: 2 }), undefined);
  assert.equal(fakeVscode.shownEditors.length, n);
  assert.match(fakeVscode.messages.at(-1)!.text, /outside your workspace/);
  fakeVscode.messageAnswers.push('Open');
  assert.ok(await openSource({ filePath: file, line: 2 }));
  assert.equal(fakeVscode.shownEditors.length, n + 1);
});

test('registered steps (path mappings) run before the built-in resolution', async () => {
  const target = Uri.file(join(ws, 'src', 'orders', 'db.ts'));
  const d = registerSourceResolverStep(async req => (req.filePath.startsWith('/mapped/') ? { kind: 'resolved', uri: target as never, how: 'absolute', inWorkspace: true } : undefined));
  try {
    const r = await resolveSource({ filePath: '/mapped/anything.ts' });
    assert.equal(r.kind === 'resolved' && r.uri.fsPath, target.fsPath);
  } finally {
    d.dispose();
  }
  assert.equal((await resolveSource({ filePath: '/mapped/anything.ts' })).kind, 'unresolved');
});
