// Opening trace documents through the real prepare path (prepareTraces, inline for small inputs): a file, a file
// with several traces (pick list), the clipboard, bad input with a clear message, and reopening from history.
import { fakeVscode } from '../../support/host/register';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryMemento, Uri } from '../../support/host/fakeVscode';
import { TraceService } from '../../../src/host/traces/traceService';
import { TraceOpener, formatForFile } from '../../../src/host/traces/openTraces';
import { prepareTraces } from '../../../src/worker/client';
import { traceToOtlpJson } from '../../../src/core/otlp/encode';
import { encodeOtlpProtobuf } from '../../../src/core/otlp/proto';
import { trace } from '../../support/builders';
import type { HostContext } from '../../../src/host/hostContext';
import type { Trace } from '../../../src/core/model';

let dir = '';
let traces: TraceService;
let opener: TraceOpener;
const A = '0af7651916cd43dd8448eb211c80319c';
const B = '1bf7651916cd43dd8448eb211c80319d';
/** OTLP carries the service name as the `service.name` resource attribute. */
const withId = (t: Trace, traceId: string): Trace => ({
  ...t,
  traceId,
  spans: t.spans.map(s => ({ ...s, traceId, resource: { ...s.resource, attributes: [{ key: 'service.name', value: s.resource.serviceName }] } })),
});
const twoTraces = () => {
  const t1 = trace([{ id: 'aaaaaaaaaaaaaaaa', name: 'GET /orders', service: 'gateway', dur: 500 }, { id: 'bbbbbbbbbbbbbbbb', parent: 'aaaaaaaaaaaaaaaa', service: 'orders', dur: 100 }]);
  const t2 = trace([{ id: 'cccccccccccccccc', name: 'POST /pay', service: 'payments', dur: 900, status: 'error' }]);
  return [withId(t1, A), withId(t2, B)];
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'spanscope-open-'));
  const ctx = fakeVscode.newContext();
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  traces = new TraceService(new MemoryMemento());
  const host = { extension: ctx, log, traces } as unknown as HostContext;
  opener = new TraceOpener(host, (bytes, o) => prepareTraces(bytes, { format: o.format, skew: o.skew }));
});
after(() => {
  opener.dispose();
  traces.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('file extensions choose the format', () => {
  assert.equal(formatForFile('x.pb'), 'otlp-proto');
  assert.equal(formatForFile('x.BIN'), 'otlp-proto');
  assert.equal(formatForFile('x.json'), 'auto');
  assert.equal(formatForFile('x.jsonl'), 'auto');
});

test('a file with one trace opens it; its root names the trace', async () => {
  const file = join(dir, 'one.json');
  writeFileSync(file, JSON.stringify(traceToOtlpJson([twoTraces()[0]!])));
  const opened = await opener.openUri(Uri.file(file) as never);
  assert.equal(opened.length, 1);
  assert.equal(opened[0]!.traceId, A);
  assert.deepEqual([opened[0]!.rootService, opened[0]!.rootName], ['gateway', 'GET /orders']);
  assert.equal(traces.active?.traceKey, opened[0]!.traceKey);
  assert.equal(opened[0]!.source.label, 'one.json');
});

test('a protobuf file with two traces offers a pick list; "all" opens both, one item opens one', async () => {
  const file = join(dir, 'two.pb');
  writeFileSync(file, encodeOtlpProtobuf(twoTraces()));
  let offered: { label: string; description?: string }[] = [];
  fakeVscode.pick = items => { offered = items as typeof offered; return offered[0]; };
  const all = await opener.openUri(Uri.file(file) as never);
  assert.deepEqual(all.map(t => t.traceId).sort(), [A, B]);
  assert.equal(traces.active?.traceId, A, 'the document\'s first trace is in front');
  assert.match(offered[0]!.label, /Open all 2 traces/);
  assert.ok(offered.some(i => i.label === 'payments: POST /pay' && i.description === B));
  fakeVscode.pick = items => (items as { description?: string }[]).find(i => i.description === B);
  const one = await opener.openUri(Uri.file(file) as never);
  assert.deepEqual(one.map(t => t.traceId), [B]);
  fakeVscode.pick = () => undefined;
  assert.deepEqual(await opener.openUri(Uri.file(file) as never), []);
  fakeVscode.pick = undefined;
});

test('bad input says which file and what is wrong, and offers to open it as text', async () => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, '{"resourceSpans": [ {"scopeSpans": [ {"spans": [ {"traceId": "');
  const n = fakeVscode.messages.length;
  assert.deepEqual(await opener.openUri(Uri.file(file) as never), []);
  const m = fakeVscode.messages.slice(n).find(x => x.level === 'error');
  assert.ok(m, 'no error shown');
  assert.match(m.text, /bad\.json is not a trace Spanscope can read/);
  assert.ok(m.items.includes('Open as Text'));
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '');
  await opener.openUri(Uri.file(empty) as never);
  assert.match(fakeVscode.messages.at(-1)!.text, /empty\.json is empty/);
});

test('the clipboard: a document opens; a trace ID is not a document; empty says so', async () => {
  fakeVscode.clipboard = JSON.stringify(traceToOtlpJson([twoTraces()[1]!]));
  const opened = await opener.openFromClipboard();
  assert.deepEqual(opened.map(t => [t.traceId, t.source.kind]), [[B, 'clipboard']]);
  fakeVscode.clipboard = `00-${A}-aaaaaaaaaaaaaaaa-01`;
  assert.deepEqual(await opener.openFromClipboard(), []);
  assert.match(fakeVscode.messages.at(-1)!.text, /does not hold a trace document/);
  fakeVscode.clipboard = '   ';
  assert.deepEqual(await opener.openFromClipboard(), []);
  assert.match(fakeVscode.messages.at(-1)!.text, /clipboard is empty/);
});

test('a recent file trace reopens from its file, selecting the same trace', async () => {
  await new Promise(r => setImmediate(r));
  const entry = traces.recent().find(e => e.traceId === B && e.source.kind === 'file');
  assert.ok(entry, 'the two.pb trace is in the recent list');
  traces.close(entry.traceKey);
  const again = await opener.reopen(entry);
  assert.equal(again?.traceId, B);
  assert.equal(again?.traceKey, entry.traceKey);
});

test('a file trace can be prepared again without UI (restore after reload), or not when the file changed', async () => {
  const file = join(dir, 'again.pb');
  writeFileSync(file, encodeOtlpProtobuf(twoTraces()));
  const n = fakeVscode.messages.length;
  const again = await opener.prepareFromFile(Uri.file(file) as never, B);
  assert.equal(again?.summary.traceId, B);
  writeFileSync(file, encodeOtlpProtobuf([twoTraces()[0]!]));
  assert.equal(await opener.prepareFromFile(Uri.file(file) as never, B), undefined);
  assert.equal(await opener.prepareFromFile(Uri.file(join(dir, 'gone.json')) as never, B), undefined);
  assert.equal(fakeVscode.messages.length, n, 'no notification while restoring');
});
