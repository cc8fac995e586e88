// Aggregate statistics in the real worker bundle (dist/aggregate-worker.js, built by scripts/test.mjs) equal the
// inline computation; cancelling ends the worker and yields nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { annotateFile, FileSpans, type FileAnnotations } from '../../../../src/core/mapping/lineAnnotations';
import { codeLine } from '../../../../src/core/mapping/lines';
import { annotateAggregateOffThread } from '../../../../src/host/editor/aggregateClient';
import { PROJECT_ROOT } from '../../../support/paths';

const WORKER = join(PROJECT_ROOT, 'dist', 'aggregate-worker.js');

function files(): Map<string, FileSpans> {
  const a = new FileSpans(4);
  for (let i = 0; i < 1000; i++) a.push(codeLine(1 + (i % 37))!, 1000 + ((i * 7919) % 5000), 10, i % 50 === 0, i, i % 20);
  const b = new FileSpans(4);
  b.push(codeLine(3)!, 5, 5, false, 0, 0);
  return new Map([['/w/a.ts', a], ['/w/b.ts', b]]);
}

test('the worker computes what the main thread would', { skip: existsSync(WORKER) ? false : 'dist/aggregate-worker.js not built' }, async () => {
  const f = files();
  const r = await annotateAggregateOffThread(f, undefined, WORKER);
  assert.equal(r?.where, 'worker');
  for (const [path, spans] of f) {
    const want = annotateFile(spans, { kind: 'aggregate' });
    const got: FileAnnotations = r!.result.get(path)!;
    assert.deepEqual(got.lines, want.lines);
    assert.deepEqual([...got.order], [...want.order]);
  }
  // Without the bundle it runs inline and says so.
  const inline = await annotateAggregateOffThread(f, undefined, join(PROJECT_ROOT, 'dist', 'nope.js'));
  assert.equal(inline?.where, 'inline');
  assert.deepEqual(inline?.result.get('/w/a.ts')?.lines, r!.result.get('/w/a.ts')!.lines);
});

test('cancelling ends the worker', { skip: existsSync(WORKER) ? false : 'dist/aggregate-worker.js not built' }, async () => {
  let cancel: () => unknown = () => undefined;
  const token = { isCancellationRequested: false, onCancellationRequested: (l: () => unknown) => { cancel = l; return { dispose: () => undefined }; } };
  const p = annotateAggregateOffThread(files(), token, WORKER);
  cancel();
  assert.equal(await p, undefined);
});
