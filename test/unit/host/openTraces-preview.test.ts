// A big trace file opens its preview (the spans read from its first bytes, then more) as soon as the worker has it, and the same view then gets the
// whole trace; when the whole fails or the user cancels, the preview's view says so or closes. Real parse worker.
import { fakeVscode } from '../../support/host/register';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { MemoryMemento, Uri } from '../../support/host/fakeVscode';
import { TraceService, type OpenTrace } from '../../../src/host/traces/traceService';
import { TraceOpener, type PrepareFn } from '../../../src/host/traces/openTraces';
import { prepareTraces } from '../../../src/worker/client';
import { PREVIEW_SPANS, preparePreview } from '../../../src/worker/prepare';
import { PROJECT_ROOT } from '../../support/paths';
import type { HostContext } from '../../../src/host/hostContext';
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../../bench/gen-trace.mjs';

const N = 17_000; // about 18 MB of Jaeger JSON: over the preview threshold
let dir = '';
let workerPath = '';
let bigFile = '';
let bigText = '';

/** A TraceService and an opener over `prepare`, recording what the views are told, in order. */
function rig(prepare: PrepareFn) {
  const ctx = fakeVscode.newContext();
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  const traces = new TraceService(new MemoryMemento());
  const opener = new TraceOpener({ extension: ctx, log, traces } as unknown as HostContext, prepare);
  const events: string[] = [];
  const desc = (t: OpenTrace) => `${t.compact.spanCount}${t.compact.partial ? `/${t.compact.partial.totalSpans}` : ''}`;
  traces.onDidOpen(({ trace }) => events.push(`open ${desc(trace)}`));
  traces.onDidUpdate(trace => events.push(`update ${desc(trace)}`));
  traces.onDidAbandon(({ message }) => events.push(`abandon${message ? `: ${message}` : ''}`));
  return { traces, opener, events, dispose: () => { opener.dispose(); traces.dispose(); } };
}
const viaWorker: PrepareFn = (bytes, o) => prepareTraces(bytes, { workerPath, format: o.format, skew: o.skew, ...(o.signal ? { signal: o.signal } : {}), ...(o.onPreview ? { onPreview: o.onPreview } : {}) });

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'spanscope-preview-'));
  // A private build of the worker (dist/ is rebuilt by every test run).
  workerPath = join(dir, 'parse-worker.js');
  buildSync({ entryPoints: [join(PROJECT_ROOT, 'src/worker/parse-worker.ts')], outfile: workerPath, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  bigText = JSON.stringify(generateTrace({ n: N, seed: 5, format: 'jaeger' }));
  bigFile = join(dir, 'big.json');
  writeFileSync(bigFile, bigText);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a big file shows its first spans, then the whole in the same view', async () => {
  const r = rig(viaWorker);
  try {
    const opened = await r.opener.openUri(Uri.file(bigFile) as never);
    assert.equal(opened.length, 1);
    // The spans read so far, growing, in the same view; then the whole.
    const first = /^open (\d+)\/(\d+)$/.exec(r.events[0]!);
    assert.ok(first && Number(first[1]) < N, r.events.join(' | '));
    let last = Number(first[1]);
    for (const e of r.events.slice(1, -2)) {
      const m = /^update (\d+)\/\d+$/.exec(e);
      assert.ok(m && Number(m[1]) > last, r.events.join(' | '));
      last = Number(m[1]);
    }
    assert.deepEqual(r.events.slice(-2), [`update ${N}`, `open ${N}`]);
    const shown = r.traces.get(opened[0]!.traceKey)!;
    assert.equal(shown.compact.partial, undefined);
    assert.equal(shown.compact.spanCount, N);
    const said = `showing the first ${Number(first[1]).toLocaleString()} of ${Number(first[2]).toLocaleString()} spans, reading the rest`;
    assert.ok(fakeVscode.progress.at(-1)!.reports.some(m => m === said), fakeVscode.progress.at(-1)!.reports.join(' | '));
  } finally { r.dispose(); }
});

test('when the whole turns out unreadable, the preview\'s view shows why and the trace closes', async () => {
  const r = rig(viaWorker);
  try {
    // Break a span near the end: the preview never reads it, the whole parse does.
    const at = bigText.lastIndexOf('"startTime":');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, `${bigText.slice(0, at)}"startTime":1x${bigText.slice(at + '"startTime":'.length)}`);
    const opened = await r.opener.openUri(Uri.file(broken) as never);
    assert.deepEqual(opened, []);
    assert.match(r.events[0]!, /^open \d+\/\d+$/);
    for (const e of r.events.slice(1, -1)) assert.match(e, /^update \d+\/\d+$/);
    assert.match(r.events.at(-1)!, /^abandon: broken\.json is not a trace Spanscope can read: /);
    assert.equal(r.traces.all().length, 0);
  } finally { r.dispose(); }
});

test('cancelling after the preview closes its view', async () => {
  // The real preview, then a parse of the whole that only ends when aborted.
  const slow: PrepareFn = (bytes, o) => new Promise((_resolve, reject) => {
    o.signal?.addEventListener('abort', () => reject(o.signal!.reason));
    const p = preparePreview(bytes, { skew: o.skew });
    assert.ok(p, 'the file is big enough for a preview');
    // As from the worker: a later turn of the event loop.
    setImmediate(() => o.onPreview?.(p));
  });
  const r = rig(slow);
  try {
    r.traces.onDidOpen(() => fakeVscode.progress.at(-1)!.cancel());
    const opened = await r.opener.openUri(Uri.file(bigFile) as never);
    assert.deepEqual(opened, []);
    assert.deepEqual(r.events, [`open ${PREVIEW_SPANS}/${N}`, 'abandon']);
    assert.equal(r.traces.all().length, 0);
  } finally { r.dispose(); }
});

test('closing the preview\'s panel before the whole arrives stops the parse and opens nothing', { timeout: 30_000 }, async () => {
  let aborted = false;
  const slow: PrepareFn = (bytes, o) => new Promise((_resolve, reject) => {
    o.signal?.addEventListener('abort', () => { aborted = true; reject(o.signal!.reason); });
    const p = preparePreview(bytes, { skew: o.skew })!;
    setImmediate(() => o.onPreview?.(p));
  });
  const r = rig(slow);
  try {
    // The panel's close reaches TraceService as close(key) (extension.ts wires panels to it).
    r.traces.onDidOpen(({ trace }) => setImmediate(() => r.traces.close(trace.traceKey)));
    const messages = fakeVscode.messages.length;
    const opened = await r.opener.openUri(Uri.file(bigFile) as never);
    assert.deepEqual(opened, []);
    assert.ok(aborted, 'the parse was aborted');
    assert.deepEqual(r.events, [`open ${PREVIEW_SPANS}/${N}`]);
    assert.equal(r.traces.all().length, 0);
    assert.equal(fakeVscode.messages.length, messages, 'no error shown');
  } finally { r.dispose(); }
});

test('a history reopen of another trace ID ignores the preview; small files never get one', async () => {
  const r = rig(viaWorker);
  try {
    const opened = await r.opener.openUri(Uri.file(bigFile) as never, { onlyTraceId: 'ffffffffffffffffffffffffffffffff' });
    assert.deepEqual(opened, []);
    assert.deepEqual(r.events, []);
    const small = join(dir, 'small.json');
    writeFileSync(small, JSON.stringify(generateTrace({ n: 300, seed: 5, format: 'jaeger' })));
    await r.opener.openUri(Uri.file(small) as never);
    assert.deepEqual(r.events, ['open 300']);
  } finally { r.dispose(); }
});
