import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { prepareDocument, prepareDocumentStream, prepareTraces } from '../../../src/worker/client';
import { FIRST_PARTIAL_SPANS } from '../../../src/worker/prepare';
import { TraceParseError } from '../../../src/core/model';
import { decodeCompactTrace } from '../../../src/protocol/compact';
import { PROJECT_ROOT } from '../../support/paths';
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../../bench/gen-trace.mjs';

// A private build of the worker: dist/ is rebuilt by every test run, and a bundle rewritten while a worker
// loads it would make this test flaky.
const workerDir = mkdtempSync(join(tmpdir(), 'spanscope-worker-'));
const workerPath = join(workerDir, 'parse-worker.js');
buildSync({ entryPoints: [join(PROJECT_ROOT, 'src/worker/parse-worker.ts')], outfile: workerPath, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
after(() => rmSync(workerDir, { recursive: true, force: true }));
const enc = new TextEncoder();
const doc = () => enc.encode(JSON.stringify(generateTrace({ n: 500, seed: 3, format: 'otlp' })));

test('inline and worker give the same summaries and compact traces', async () => {
  const inline = await prepareTraces(doc(), { workerPath });
  const viaWorker = await prepareTraces(doc(), { workerPath, workerThresholdBytes: 0, transferInput: true });
  assert.equal(inline.length, 1);
  assert.deepEqual(viaWorker.map(t => t.summary), inline.map(t => t.summary));
  assert.equal(viaWorker[0]!.summary.spanCount, 500);
  const view = decodeCompactTrace(viaWorker[0]!.compact);
  assert.equal(viaWorker[0]!.compact.spanCount, 500);
  assert.ok(view);
  assert.deepEqual(Array.from(viaWorker[0]!.compact.cols.preorder), Array.from(inline[0]!.compact.cols.preorder));
});

test('the input can be transferred (no copy) or copied (caller keeps it)', async () => {
  const kept = doc();
  await prepareTraces(kept, { workerPath, workerThresholdBytes: 0 });
  assert.ok(kept.byteLength > 0, 'copied: still usable');
  const moved = doc();
  await prepareTraces(moved, { workerPath, workerThresholdBytes: 0, transferInput: true });
  assert.equal(moved.byteLength, 0, 'transferred: detached');
});

test('bad input rejects with TraceParseError (path kept), inline and in the worker', async () => {
  for (const threshold of [Infinity, 0]) {
    await assert.rejects(prepareTraces(enc.encode('{"data": [{"spans": 3}]}'), { workerPath, workerThresholdBytes: threshold }), (err: unknown) => {
      assert.ok(err instanceof TraceParseError, String(err));
      assert.match(err.path, /^\$/);
      return true;
    });
  }
});

test('options reach the worker; abort terminates it', async () => {
  const d = await prepareDocument(doc(), { workerPath, workerThresholdBytes: 0, format: 'otlp', skew: 'adjust' });
  assert.equal(d.format, 'otlp');
  const ac = new AbortController();
  const p = prepareTraces(doc(), { workerPath, workerThresholdBytes: 0, signal: ac.signal });
  ac.abort(new Error('user cancelled'));
  await assert.rejects(p, /user cancelled/);
});

test('a document streamed to the worker in chunks: growing previews from the first chunks, then the same whole as inline', async () => {
  const bytes = enc.encode(JSON.stringify(generateTrace({ n: 6000, seed: 9, format: 'jaeger' })));
  const inline = await prepareDocument(bytes, { workerPath });
  const previews: number[] = [];
  const s = prepareDocumentStream({ workerPath, onPreview: p => { assert.ok(p.compact.partial); previews.push(p.compact.spanCount); } });
  for (let o = 0; o < bytes.length; o += 64 * 1024) s.write(bytes.slice(o, o + 64 * 1024));
  const whole = await s.end();
  assert.ok(previews.length >= 2, `previews ${previews.join(', ')}`);
  assert.ok(previews[0]! >= FIRST_PARTIAL_SPANS && previews[0]! < 1000, `the first from the first chunks: ${previews[0]}`);
  for (let i = 1; i < previews.length; i++) assert.ok(previews[i]! > previews[i - 1]!);
  assert.deepEqual(whole.traces.map(t => t.summary), inline.traces.map(t => t.summary));
  assert.deepEqual(Array.from(whole.traces[0]!.compact.cols.preorder), Array.from(inline.traces[0]!.compact.cols.preorder));
  assert.equal(whole.traces[0]!.compact.strings, inline.traces[0]!.compact.strings);
  // A broken stream rejects with TraceParseError.
  const bad = prepareDocumentStream({ workerPath });
  bad.write(enc.encode('{"data":[{"traceID":"a","spans":[{"spanID":'));
  bad.write(enc.encode('}]}]}'));
  await assert.rejects(bad.end(), (err: unknown) => err instanceof TraceParseError);
});
