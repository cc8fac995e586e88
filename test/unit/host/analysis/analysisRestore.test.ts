// Analysis panels after a window reload: each panel's init carries a small recipe (view + trace keys) that the
// webview keeps in its state; the panel serializer rebuilds the view from it — a file trace read again from its
// file (a real TraceOpener), a Live trace from the receiver — without opening waterfalls; traces that are gone,
// a missing or tampered state, each give the panel a message instead of a blank editor.
import { fakeVscode } from '../../../support/host/register';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter, MemoryMemento, Uri } from '../../../support/host/fakeVscode';
import { panels, restorePanel, type FakePanel } from './fakePanels';
import { Commands } from '../../../../src/host/commands';
import type { HostContext } from '../../../../src/host/hostContext';
import { AnalysisCommands } from '../../../../src/host/analysis/registerAnalysis';
import type { AnalysisDeps } from '../../../../src/host/analysis/registerAnalysis';
import { ANALYSIS_VIEW_TYPE } from '../../../../src/host/analysis/analysisPanels';
import { TraceOpener } from '../../../../src/host/traces/openTraces';
import { TraceService } from '../../../../src/host/traces/traceService';
import { prepareTraces } from '../../../../src/worker/client';
import { traceToOtlpJson } from '../../../../src/core/otlp/encode';
import type { Trace } from '../../../../src/core/model';
import { trace } from '../../../support/builders';

const withId = (t: Trace, traceId: string): Trace => ({ ...t, traceId, spans: t.spans.map(s => ({ ...s, traceId })) });
const shop = (id: string, dbUs: number, extra = false) => withId(trace([
  { id: 'aaaaaaaaaaaaaaa1', name: 'GET /cart', service: 'frontend', kind: 'server', dur: 2000 },
  { id: 'aaaaaaaaaaaaaaa2', parent: 'aaaaaaaaaaaaaaa1', name: 'call', service: 'frontend', kind: 'client', start: 10, dur: 1800 },
  { id: 'aaaaaaaaaaaaaaa3', parent: 'aaaaaaaaaaaaaaa2', name: 'handle', service: 'backend', kind: 'server', start: 20, dur: 1700 },
  { id: 'aaaaaaaaaaaaaaa4', parent: 'aaaaaaaaaaaaaaa3', name: 'SELECT', service: 'db', kind: 'client', start: 30, dur: dbUs },
  ...(extra ? [{ id: 'aaaaaaaaaaaaaaa5', parent: 'aaaaaaaaaaaaaaa3', name: 'retry', service: 'backend', start: 40 + dbUs, dur: 300 }] : []),
]), id);
const FILE_ID = '0af7651916cd43dd8448eb211c80319c', LIVE_ID = '1bf7651916cd43dd8448eb211c80319d', LIVE_2 = '2cf7651916cd43dd8448eb211c80319e';

const dir = mkdtempSync(join(tmpdir(), 'spanscope-analysis-restore-'));
const file = join(dir, 'fast.otlp.json');
const live = new Map<string, Trace>();
const liveOpened: [string, unknown][] = [];
const receiver: AnalysisDeps['receiver'] = {
  list: () => [...live.values()].map(t => ({ traceId: t.traceId, rootService: 'frontend', rootName: 'GET /cart', spanCount: t.spans.length, durationNs: 2e6 })),
  getTrace: id => live.get(id),
  openTrace: async (id, o) => { liveOpened.push([id, o]); },
  ready: Promise.resolve(),
};

/** One extension-host session: what activate builds, torn down by `end()` (a window reload ends it). */
function session() {
  const ctx = fakeVscode.newContext();
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  const traces = new TraceService(new MemoryMemento());
  const host = { extension: ctx, log, traces } as unknown as HostContext;
  const opener = new TraceOpener(host, (bytes, o) => prepareTraces(bytes, { format: o.format, skew: o.skew }));
  const commands = new AnalysisCommands(host, {
    receiver,
    panels: { reveal: () => false, setFilter: () => false, onDidChangeSelection: new EventEmitter<never>().event },
    reopen: entry => opener.reopen(entry),
    prepareFromFile: (uri, traceId) => opener.prepareFromFile(uri as never, traceId),
  });
  return { traces, opener, commands, end() { commands.dispose(); opener.dispose(); traces.dispose(); } };
}

let s: ReturnType<typeof session>;
before(async () => {
  writeFileSync(file, JSON.stringify(traceToOtlpJson([shop(FILE_ID, 100)])));
  live.set(LIVE_ID, shop(LIVE_ID, 900, true));
  s = session();
  const [opened] = await s.opener.openUri(Uri.file(file) as never);
  assert.equal(opened?.traceId, FILE_ID);
});
after(() => { s.end(); rmSync(dir, { recursive: true, force: true }); });

const run = (id: string, ...args: unknown[]) => fakeVscode.commands.get(id)!(...args);
const last = () => panels[panels.length - 1]!;
/** Reload Window: the session ends, a new one starts with the same receiver store; the panel comes back. */
function reload(): void { s.end(); s = session(); }
const stateOf = async (p: FakePanel) => ({ recipe: (await p.ready()).recipe });

test('a comparison of a file trace and a Live trace is rebuilt after a reload from its recipe, without opening waterfalls', async () => {
  await run(Commands.compareTraces, FILE_ID, LIVE_ID);
  const before = last();
  const init = await before.ready();
  assert.equal(init.type, 'init');
  const recipe = init.recipe as { view: string; a: { key: string }; b: { key: string } };
  assert.equal(recipe.view, 'compare');
  assert.equal(recipe.a.key, `file:${Uri.file(file).toString()}#${FILE_ID}`);
  assert.equal(recipe.b.key, `receiver:receiver#${LIVE_ID}`);
  assert.ok(JSON.stringify(recipe).length < 600, `the recipe stays small: ${JSON.stringify(recipe)}`);

  reload();
  assert.equal(s.traces.all().length, 0, 'nothing is open in the new session');
  const restored = await restorePanel(ANALYSIS_VIEW_TYPE, { recipe });
  const again = await restored.ready();
  assert.equal(again.type, 'init', JSON.stringify(again));
  assert.deepEqual(again.data, init.data, 'the same comparison as before the reload');
  assert.deepEqual(again.recipe, recipe, 'and the same recipe for the next reload');
  assert.equal(restored.title, `Compare ${FILE_ID.slice(0, 8)} ↔ ${LIVE_ID.slice(0, 8)}`);
  assert.equal(s.traces.all().length, 0, 'rebuilding opens no waterfall');
  assert.match(restored.html, /dist\/analysis\.js/);

  // Its rows still lead to the spans: A's opens the file trace (read again), B's the Live trace.
  const diff = again.data!.diff as { rows: { name: string; status: string }[] };
  const select = diff.rows.findIndex(r => r.name === 'SELECT');
  await restored.send({ type: 'revealDiffRow', id: 1, row: select, side: 'a' });
  assert.deepEqual(restored.replies().at(-1), { type: 'reply', id: 1, ok: true });
  assert.equal(s.traces.active?.traceId, FILE_ID);
  assert.equal(s.traces.active?.source.kind, 'file');
  await restored.send({ type: 'revealDiffRow', id: 2, row: diff.rows.findIndex(r => r.status === 'added'), side: 'b' });
  assert.deepEqual(liveOpened.at(-1), [LIVE_ID, { selectSpanId: 'aaaaaaaaaaaaaaa5' }]);
});

test('traces gone after the reload: the panel says which and what to do, and its requests are refused', async () => {
  await run(Commands.compareTraces, FILE_ID, LIVE_ID);
  const state = await stateOf(last());
  live.delete(LIVE_ID);
  try {
    reload();
    const p = await restorePanel(ANALYSIS_VIEW_TYPE, state);
    const m = await p.ready();
    assert.equal(m.type, 'error');
    assert.match(m.message!, /comparison cannot be rebuilt after the window reload: trace B \(frontend GET \/cart · Live\) is no longer available/);
    assert.match(m.message!, /run Compare Traces…/);
    await p.send({ type: 'revealDiffRow', id: 3, row: 0, side: 'a' });
    assert.equal(p.replies().at(-1)!.ok, false);

    // The file changed and no longer holds the trace: A is gone too.
    writeFileSync(file, JSON.stringify(traceToOtlpJson([shop(LIVE_2, 100)])));
    reload();
    const both = await (await restorePanel(ANALYSIS_VIEW_TYPE, state)).ready();
    assert.match(both.message!, /trace A \(frontend GET \/cart · fast\.otlp\.json\), B \(frontend GET \/cart · Live\)/);
  } finally {
    live.set(LIVE_ID, shop(LIVE_ID, 900, true));
    writeFileSync(file, JSON.stringify(traceToOtlpJson([shop(FILE_ID, 100)])));
  }
});

test('no state, or a state that does not validate: a message, not a blank panel', async () => {
  for (const state of [undefined, {}, { recipe: { v: 1, view: 'compare', a: { key: 'x', label: 'x' } } }, { recipe: { v: 1, view: 'graph', traces: Array.from({ length: 101 }, () => ({ key: 'k', label: 'l' })), live: false, scopeLabel: '' } }]) {
    const m = await (await restorePanel(ANALYSIS_VIEW_TYPE, state)).ready();
    assert.equal(m.type, 'error', JSON.stringify(state));
    assert.match(m.message!, /cannot be rebuilt after the window reload/);
  }
  // A recipe naming a trace key of no known kind (a tampered state) resolves to nothing.
  const m = await (await restorePanel(ANALYSIS_VIEW_TYPE, { recipe: { v: 1, view: 'compare', a: { key: 'javascript:alert(1)', label: '<b>a</b>' }, b: { key: 'receiver:receiver#nope', label: 'b' } } })).ready();
  assert.equal(m.type, 'error');
  assert.match(m.message!, /trace A \(<b>a<\/b>\), B \(b\)/, 'labels are text; the webview renders them as text nodes');
});

test('a graph of the Live traces is rebuilt from the Live traces there are then; one of named traces keeps them', async () => {
  fakeVscode.pick = items => items.find(i => /Live traces/.test((i as { label: string }).label));
  await run(Commands.showServiceGraph);
  const init = await last().ready();
  assert.equal((init.data!.graph as { traceCount: number }).traceCount, 1);
  assert.deepEqual(init.recipe, { v: 1, view: 'graph', traces: [], live: true, scopeLabel: '1 Live traces' });
  live.set(LIVE_2, shop(LIVE_2, 300));
  try {
    reload();
    const again = await (await restorePanel(ANALYSIS_VIEW_TYPE, { recipe: init.recipe })).ready();
    assert.equal((again.data!.graph as { traceCount: number }).traceCount, 2, 'the Live traces now');
    assert.equal(again.data!.scopeLabel, '2 Live traces');
  } finally { live.delete(LIVE_2); }
  live.delete(LIVE_ID);
  try {
    reload();
    const gone = await (await restorePanel(ANALYSIS_VIEW_TYPE, { recipe: init.recipe })).ready();
    assert.match(gone.message!, /receiver holds no Live traces after the window reload/);
  } finally { live.set(LIVE_ID, shop(LIVE_ID, 900, true)); }

  // The active trace's graph names that trace; it comes back from its file.
  reload();
  await s.opener.openUri(Uri.file(file) as never);
  fakeVscode.pick = items => items.find(i => /Active trace/.test((i as { label: string }).label));
  await run(Commands.showServiceGraph);
  const active = await last().ready();
  assert.deepEqual((active.recipe as { traces: { key: string }[]; live: boolean }).traces.map(t => t.key), [`file:${Uri.file(file).toString()}#${FILE_ID}`]);
  reload();
  const back = await (await restorePanel(ANALYSIS_VIEW_TYPE, { recipe: active.recipe })).ready();
  assert.deepEqual(back.data, active.data);
});

test('a latency distribution over open and Live traces is rebuilt over the file trace and the Live traces', async () => {
  reload();
  await s.opener.openUri(Uri.file(file) as never);
  await run(Commands.showLatencyDistribution, { service: 'db', name: 'SELECT' });
  const init = await last().ready();
  const d = init.data!.distribution as { sampleCount: number; traceCount: number };
  assert.deepEqual([d.sampleCount, d.traceCount], [2, 2]);
  const recipe = init.recipe as { traces: { key: string }[]; live: boolean; operation: unknown };
  assert.deepEqual([recipe.traces.length, recipe.live, recipe.operation], [1, true, { service: 'db', name: 'SELECT' }]);
  reload();
  const restored = await restorePanel(ANALYSIS_VIEW_TYPE, { recipe });
  const again = await restored.ready();
  assert.deepEqual(again.data, init.data);
  // The slowest sample (the Live trace) still opens, at its span.
  const ex = (again.data!.distribution as { slowest: { traceId: string; spanId: string }[] }).slowest[0]!;
  assert.equal(ex.traceId, LIVE_ID);
  await restored.send({ type: 'openTrace', id: 5, traceId: ex.traceId, spanId: ex.spanId });
  assert.deepEqual(restored.replies().at(-1), { type: 'reply', id: 5, ok: true });
  assert.deepEqual(liveOpened.at(-1), [LIVE_ID, { selectSpanId: 'aaaaaaaaaaaaaaa4' }]);
});

test('Compare Traces… from a Live item has it as A; from an item whose trace is gone says so; with another argument asks for A', async () => {
  reload();
  await s.opener.openUri(Uri.file(file) as never);
  const titles: string[] = [];
  fakeVscode.pick = items => items.find(i => (i as { detail?: string }).detail === FILE_ID);
  const win = fakeVscode.api.window as Record<string, unknown>;
  const showQuickPick = win.showQuickPick as (i: unknown, o: { title: string }) => Promise<unknown>;
  win.showQuickPick = (i: unknown, o: { title: string }) => { titles.push(o.title); return showQuickPick(i, o); };
  try {
    await run(Commands.compareTraces, { kind: 'live', traceId: LIVE_ID });
    assert.deepEqual(titles, ['Compare traces: pick B (compared with A: frontend GET /cart · Live)']);
    const init = await last().ready();
    assert.deepEqual([(init.data!.diff as { aTraceId: string }).aTraceId, (init.data!.diff as { bTraceId: string }).bTraceId], [LIVE_ID, FILE_ID]);

    const before = panels.length;
    await run(Commands.compareTraces, { kind: 'live', traceId: LIVE_2 });
    assert.equal(panels.length, before);
    // Not in the receiver any more: looked for by ID (Open Trace by ID asks the backends), then reported.
    assert.equal(fakeVscode.messages.at(-1)!.text, `Trace ${LIVE_2} was not found.`);

    titles.length = 0;
    fakeVscode.pick = () => undefined;
    await run(Commands.compareTraces, { scheme: 'webview-panel', path: '/x' });
    assert.deepEqual(titles, ['Compare traces: pick A (the baseline)']);
  } finally { win.showQuickPick = showQuickPick; }
});
