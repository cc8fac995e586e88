// Which files open without a question. Span data is untrusted, so a file opens without asking only when its real
// path (links resolved) is inside a workspace folder: a path mapping's target outside the folders does not count
// (a workspace setting {"/x/": "/"} would otherwise open ~/.ssh/id_rsa), a workspace's mappings are not honoured
// in Restricted Mode, and a link inside the workspace to a file outside is outside.
import { fakeVscode } from '../../../support/host/register';
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryMemento, Uri } from '../../../support/host/fakeVscode';
import { CodeMapper } from '../../../../src/host/mapping/codeMapper';
import { SavedMappings } from '../../../../src/host/mapping/savedMappings';
import { WorkspaceFileIndex } from '../../../../src/host/mapping/workspaceIndex';
import { openMappedLocation } from '../../../../src/host/editor/openLocation';
import { openSource } from '../../../../src/host/sourceResolver';
import type { AnnotationModel } from '../../../../src/host/editor/annotationModel';

let root = '';
let ws = '';
let secret = '';
let link = '';
const POSIX = process.platform !== 'win32';

before(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'spanscope-trust-')));
  ws = join(root, 'shop');
  mkdirSync(join(ws, 'src'), { recursive: true });
  mkdirSync(join(root, 'home', '.ssh'), { recursive: true });
  secret = join(root, 'home', '.ssh', 'id_rsa');
  writeFileSync(secret, 'PRIVATE KEY\n');
  writeFileSync(join(ws, 'src', 'app.ts'), 'export const a = 1;\n');
  link = join(ws, 'src', 'notes.ts');
  if (POSIX) symlinkSync(secret, link);
  fakeVscode.workspaceFolders = [{ uri: Uri.file(ws), name: 'shop', index: 0 }];
});
afterEach(() => {
  fakeVscode.settings.delete('spanscope.pathMappings');
  fakeVscode.workspaceSettings.delete('spanscope.pathMappings');
  fakeVscode.workspaceTrusted = true;
  fakeVscode.messageAnswers.length = 0;
});
after(() => {
  fakeVscode.workspaceFolders = undefined;
  rmSync(root, { recursive: true, force: true });
});

function newMapper(): CodeMapper {
  return new CodeMapper(new WorkspaceFileIndex(), new SavedMappings(new MemoryMemento() as never));
}

/** Opens `path` as Hot spots and Findings do; returns whether it opened and whether the user was asked. */
async function openMapped(mapper: CodeMapper, path: string, answer: string | undefined): Promise<{ opened: boolean; asked: boolean }> {
  const before = fakeVscode.messages.length;
  fakeVscode.messageAnswers.push(answer);
  const editor = await openMappedLocation(path, 1, { mapper } as unknown as AnnotationModel);
  const asked = fakeVscode.messages.slice(before).some(m => /outside your workspace/.test(m.text));
  if (!asked) fakeVscode.messageAnswers.length = 0;
  return { opened: editor !== undefined, asked };
}

test('a mapping target outside the workspace folders keeps the "outside the workspace" question', async () => {
  // The user's own setting maps everything under /x/ to the root of the disk.
  fakeVscode.settings.set('spanscope.pathMappings', { '/x/': '/' });
  const mapper = newMapper();
  try {
    assert.equal(mapper.mappings.rules.length, 1);
    assert.deepEqual(await openMapped(mapper, secret, undefined), { opened: false, asked: true }, 'declined: not opened');
    assert.deepEqual(await openMapped(mapper, secret, 'Open'), { opened: true, asked: true }, 'agreed: opened');
    // A workspace file still opens without a question.
    assert.deepEqual(await openMapped(mapper, join(ws, 'src', 'app.ts'), undefined), { opened: true, asked: false });
  } finally {
    mapper.dispose();
  }
});

test('workspace path mappings are not honoured in Restricted Mode, the user\'s are; trust brings them back', async () => {
  fakeVscode.workspaceTrusted = false;
  fakeVscode.workspaceSettings.set('spanscope.pathMappings', { '/x/': '/' });
  fakeVscode.settings.set('spanscope.pathMappings', { '/app/': '${workspaceFolder}/' });
  const mapper = newMapper();
  try {
    assert.deepEqual(mapper.mappings.rules.map(r => r.from), ['/app/']);
    let invalidated = 0;
    mapper.onDidInvalidate(() => invalidated++);
    fakeVscode.workspaceTrusted = true; // fires onDidGrantWorkspaceTrust
    assert.deepEqual(mapper.mappings.rules.map(r => r.from), ['/x/']);
    assert.equal(invalidated, 1, 'mappings computed before are redone');
  } finally {
    mapper.dispose();
  }
});

test('a link inside the workspace to a file outside is outside: both openers ask', { skip: POSIX ? false : 'symlinks need privileges on Windows' }, async () => {
  const mapper = newMapper();
  try {
    assert.deepEqual(await openMapped(mapper, link, undefined), { opened: false, asked: true });
    const before = fakeVscode.messages.length;
    fakeVscode.messageAnswers.push(undefined);
    assert.equal(await openSource({ filePath: link, line: 1 }), undefined);
    assert.ok(fakeVscode.messages.slice(before).some(m => /outside your workspace/.test(m.text)), 'jump to source asked');
    fakeVscode.messageAnswers.length = 0;
    // A real workspace file opens from jump to source without a question.
    const n = fakeVscode.messages.length;
    assert.ok(await openSource({ filePath: join(ws, 'src', 'app.ts'), line: 1 }));
    assert.equal(fakeVscode.messages.length, n);
  } finally {
    mapper.dispose();
  }
});
