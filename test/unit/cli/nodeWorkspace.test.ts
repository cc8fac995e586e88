// The CLI's workspace on disk, walked and read on the command's own thread or, as `spanscope map` does, by the
// workspace reader worker (dist/cli-workspace-reader.js, built by scripts/test.mjs): both must give the engine the same
// files, texts and versions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { diskWorkspace } from '../../support/mappingWorkspace';
import { nodeWorkspace, readFolderInWorker } from '../../../src/cli/nodeWorkspace';
import { MAX_READ_BYTES, walkFolder } from '../../../src/worker/workspaceFiles';

if (!existsSync(join(PROJECT_ROOT, 'dist', 'cli-workspace-reader.js'))) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT, stdio: 'inherit' });


const FILES = {
  'svc/src/main/java/shop/Cart.java': 'class Cart { void add() {} }\n',
  'svc/app.py': 'print("x")\n',
  'svc/README.md': '# not a source file\n',
  'svc/node_modules/dep/index.js': 'module.exports = 1;\n',
  'svc/web/app.min.js': 'var a=1;\n',
  'svc/big.go': `package big\n// ${'x'.repeat(MAX_READ_BYTES)}\n`,
};

test('the reader worker walks as the command thread does and reads the source files the engine scans', async t => {
  const dir = diskWorkspace(FILES);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const read = await readFolderInWorker(dir).done;
  assert.ok(read, 'the worker ran');
  assert.deepEqual(read.paths, walkFolder(dir).paths);
  assert.ok(!read.paths.some(p => p.includes('/node_modules/')), 'dependencies are not walked');
  // Sources only; not minified files, not files past the read bound.
  assert.deepEqual([...read.files.keys()].map(p => p.slice(dir.length + 1)).sort(), ['svc/app.py', 'svc/src/main/java/shop/Cart.java']);
});

test('a workspace given what the worker read answers as one that reads for itself', async t => {
  const dir = diskWorkspace(FILES);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const early = nodeWorkspace(dir, undefined, await readFolderInWorker(dir).done);
  const own = nodeWorkspace(dir);
  assert.deepEqual([...early.index.paths()], [...own.index.paths()]);
  for (const p of own.index.paths()) {
    assert.equal(await early.readText(p), await own.readText(p), p);
    assert.equal(early.version!(p), own.version!(p), p);
    // Read twice: the second comes from disk, the same.
    assert.equal(await early.readText(p), await own.readText(p), p);
  }
});

test('cancel stops the worker and its promise still settles', async t => {
  const dir = diskWorkspace(FILES);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const reading = readFolderInWorker(dir);
  reading.cancel();
  const read = await reading.done;
  assert.ok(read === undefined || Array.isArray(read.paths));
});
