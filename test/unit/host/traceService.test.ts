import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../support/host/register';
import { MemoryMemento } from '../../support/host/fakeVscode';
import { parseTraceKey, summaryFromCompact, TraceService, traceKeyOf } from '../../../src/host/traces/traceService';
import { analyzeTrace } from '../../../src/core/analysis/analyze';
import { encodeCompactTrace } from '../../../src/protocol/compact';
import { trace } from '../../support/builders';
import type { HostContext } from '../../../src/host/hostContext';

/** A real compact trace of `spanCount` spans under a gateway root, with the given trace ID. */
const prepared = (traceId: string, spanCount = 3) => {
  const t = trace([{ id: 'r', name: 'GET /', service: 'gateway', dur: 1000 },
    ...Array.from({ length: spanCount - 1 }, (_, i) => ({ id: `c${i}`, parent: 'r', service: 'orders', start: i, dur: 10 }))]);
  const compact = { ...encodeCompactTrace(analyzeTrace({ ...t, traceId })), traceId };
  return { summary: { traceId, spanCount }, compact };
};
const file = (name: string) => ({ kind: 'file' as const, label: name, uri: `file:///tmp/${name}` });

test('open makes a trace active and fires open; update replaces data of open traces only', () => {
  const svc = new TraceService(new MemoryMemento());
  const opened: string[] = [];
  const updated: number[] = [];
  const active: (string | undefined)[] = [];
  svc.onDidOpen(e => opened.push(e.trace.traceKey));
  svc.onDidUpdate(t => updated.push(t.compact.spanCount));
  svc.onDidChangeActive(t => active.push(t?.traceId));
  const t = svc.open(prepared('aa'), file('a.json'));
  assert.equal(t.traceKey, traceKeyOf(file('a.json'), 'aa'));
  assert.deepEqual(opened, [t.traceKey]);
  assert.equal(svc.active?.traceKey, t.traceKey);
  assert.deepEqual([t.rootService, t.rootName], ['gateway', 'GET /']);
  assert.equal(svc.update(t.traceKey, prepared('aa', 10)), true);
  assert.deepEqual(updated, [10]);
  assert.equal(svc.get(t.traceKey)?.summary.spanCount, 10);
  assert.equal(svc.update('file:nope#bb', prepared('bb')), false);
  svc.close(t.traceKey);
  assert.equal(svc.get(t.traceKey), undefined);
  assert.equal(svc.active, undefined);
  assert.deepEqual(active, ['aa', 'aa', undefined]);
  svc.dispose();
});

test('the same trace ID from two sources gives two open traces', () => {
  const svc = new TraceService(new MemoryMemento());
  svc.open(prepared('cc'), file('c.json'));
  svc.open(prepared('cc'), { kind: 'receiver', label: 'OTLP receiver' });
  assert.equal(svc.all().length, 2);
  assert.equal(svc.byTraceId('cc').length, 2);
  svc.dispose();
});

test('recent history is bounded, most recent first, without clipboard traces; pinned survives a new service', async () => {
  const state = new MemoryMemento();
  const svc = new TraceService(state, () => 3);
  for (const id of ['01', '02', '03', '04']) svc.open(prepared(id), file(`${id}.json`));
  svc.open(prepared('05'), { kind: 'clipboard', label: 'Clipboard' });
  svc.open(prepared('02'), file('02.json'));
  await new Promise(r => setImmediate(r));
  assert.deepEqual(svc.recent().map(e => e.traceId), ['02', '04', '03']);
  await svc.pin(svc.recent()[1]!.traceKey);
  await svc.clearRecent();
  svc.dispose();
  const again = new TraceService(state, () => 3);
  assert.deepEqual(again.recent(), []);
  assert.deepEqual(again.pinned().map(e => [e.traceId, e.rootService, e.source.kind]), [['04', 'gateway', 'file']]);
  await again.unpin(again.pinned()[0]!.traceKey);
  assert.deepEqual(again.pinned(), []);
  again.dispose();
});

test('malformed history in globalState is ignored, not trusted', async () => {
  const state = new MemoryMemento();
  await state.update('spanscope.recentTraces', [null, 1, { traceKey: 'k' }, { traceKey: 'k', traceId: 'x', source: { kind: 'file', label: 'f' }, openedAt: 1 }]);
  await state.update('spanscope.pinnedTraces', 'garbage');
  const svc = new TraceService(state);
  assert.deepEqual(svc.recent().map(e => e.traceId), ['x']);
  assert.deepEqual(svc.pinned(), []);
  svc.dispose();
});

test('trace keys round-trip to their source; adopted traces fire a restored open', () => {
  const src = { kind: 'file' as const, label: 'a b.json', uri: 'file:///tmp/a%20b.json' };
  const key = traceKeyOf(src, 'ab12');
  assert.deepEqual(parseTraceKey(key), { source: src, traceId: 'ab12' });
  assert.deepEqual(parseTraceKey(traceKeyOf({ kind: 'backend', label: 'jaeger', backend: 'jaeger' }, 'cd'))?.source, { kind: 'backend', label: 'jaeger', backend: 'jaeger' });
  assert.equal(parseTraceKey('nonsense'), undefined);
  const svc = new TraceService(new MemoryMemento());
  const events: boolean[] = [];
  svc.onDidOpen(e => events.push(e.options.restored === true));
  const p = prepared('ef');
  const t = svc.adopt(key, { summary: summaryFromCompact(p.compact), compact: p.compact }, src);
  assert.equal(svc.get(key), t);
  assert.deepEqual(events, [true]);
  assert.equal(t.summary.spanCount, 3);
  svc.dispose();
});

test('lastActive: the focused trace, else the last focused one still open (what Pin Trace from the palette pins)', async () => {
  const s = new TraceService(new MemoryMemento());
  const lastKey = (): string | undefined => s.lastActive?.traceKey;
  assert.equal(lastKey(), undefined);
  const a = s.open(prepared('aa'), { kind: 'file', label: 'a' });
  const b = s.open(prepared('bb'), { kind: 'file', label: 'b' });
  s.setActive(a.traceKey);
  s.setActive(undefined); // focus went to a text editor
  assert.equal(s.active?.traceKey, undefined);
  assert.equal(lastKey(), a.traceKey);
  // Pin Trace from the palette (no argument) pins that trace, not "open a trace first".
  const { fakeVscode } = await import('../../support/host/register');
  const { TraceOpener } = await import('../../../src/host/traces/openTraces');
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  const opener = new TraceOpener({ extension: fakeVscode.newContext(), log, traces: s } as unknown as HostContext, () => { throw new Error('not used'); });
  await (fakeVscode.api.commands as { executeCommand(id: string): Promise<unknown> }).executeCommand('spanscope.pinTrace');
  assert.ok(s.isPinned(a.traceKey));
  assert.ok(!s.isPinned(b.traceKey));
  opener.dispose();
  s.close(a.traceKey);
  assert.equal(lastKey(), b.traceKey, 'the newest open one once the last focused is closed');
  s.dispose();
});
