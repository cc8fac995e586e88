// The workspace suffix index is built from findFiles over every folder and kept current by the file watcher:
// created files are added, deleted files (and everything under a deleted folder) removed.
import { fakeVscode } from '../../../support/host/register';
import { api } from './fakeEditorApi';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter, Uri } from '../../../support/host/fakeVscode';
import { WorkspaceFileIndex } from '../../../../src/host/mapping/workspaceIndex';

test('multi-root index, then incremental updates from the watcher', async () => {
  const a = mkdtempSync(join(tmpdir(), 'spanscope-a-'));
  const b = mkdtempSync(join(tmpdir(), 'spanscope-b-'));
  try {
    mkdirSync(join(a, 'src'));
    mkdirSync(join(b, 'src', 'deep'), { recursive: true });
    writeFileSync(join(a, 'src', 'index.ts'), '');
    writeFileSync(join(b, 'src', 'index.ts'), '');
    writeFileSync(join(b, 'src', 'deep', 'x.ts'), '');
    fakeVscode.workspaceFolders = [{ uri: Uri.file(a), name: 'a', index: 0 }, { uri: Uri.file(b), name: 'b', index: 1 }];
    const listed = [join(a, 'src', 'index.ts'), join(b, 'src', 'index.ts'), join(b, 'src', 'deep', 'x.ts')];
    let findCalls = 0;
    api.workspace.findFiles = async (include: string, exclude: string) => {
      findCalls++;
      assert.equal(include, '**/*');
      assert.match(exclude, /node_modules/);
      return listed.map(f => Uri.file(f));
    };
    const created = new EventEmitter<Uri>();
    const deleted = new EventEmitter<Uri>();
    api.workspace.createFileSystemWatcher = () => ({ onDidCreate: created.event, onDidDelete: deleted.event, onDidChange: new EventEmitter<Uri>().event, dispose: () => undefined });
    const idx = new WorkspaceFileIndex();
    const index = await idx.get();
    assert.equal(index.size, 3);
    assert.equal(index.match(['app', 'src', 'index.ts']).kind, 'ambiguous');
    await idx.get();
    assert.equal(findCalls, 1, 'built once');

    let changes = 0;
    idx.onDidChange(() => changes++);
    writeFileSync(join(a, 'src', 'new.ts'), '');
    created.fire(Uri.file(join(a, 'src', 'new.ts')));
    await new Promise(r => setTimeout(r, 20)); // the stat that tells files from folders
    assert.equal(index.has(join(a, 'src', 'new.ts')), true);
    mkdirSync(join(a, 'node_modules', 'p'), { recursive: true });
    writeFileSync(join(a, 'node_modules', 'p', 'i.js'), '');
    created.fire(Uri.file(join(a, 'node_modules', 'p', 'i.js')));
    await new Promise(r => setTimeout(r, 20));
    assert.equal(index.has(join(a, 'node_modules', 'p', 'i.js')), false, 'excluded folders stay out');

    deleted.fire(Uri.file(join(b, 'src', 'index.ts')));
    assert.deepEqual(index.match(['app', 'src', 'index.ts']), { kind: 'unique', path: join(a, 'src', 'index.ts'), suffixLength: 2 });
    deleted.fire(Uri.file(join(b, 'src', 'deep')));
    assert.equal(index.has(join(b, 'src', 'deep', 'x.ts')), false, 'a deleted folder takes its files');
    assert.equal(changes, 3);
    idx.dispose();
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});
