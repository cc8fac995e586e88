// The analysis commands against the fake `vscode` (with a recording webview panel): what each command computes
// from the host's traces, the `init` it answers `ready` with, and what the webview's requests do.
import { fakeVscode } from '../../../support/host/register';
import { panels, type FakePanel } from './fakePanels';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, MemoryMemento } from '../../../support/host/fakeVscode';
import { Commands } from '../../../../src/host/commands';
import type { HostContext } from '../../../../src/host/hostContext';
import { AnalysisCommands } from '../../../../src/host/analysis/registerAnalysis';
import type { AnalysisBackend, AnalysisDeps } from '../../../../src/host/analysis/registerAnalysis';
import { prepareModel } from '../../../../src/host/traces/prepareModel';
import { TraceService } from '../../../../src/host/traces/traceService';
import { ANALYSIS_PROTOCOL_VERSION } from '../../../../src/protocol/version';
import type { Trace } from '../../../../src/core/model';
import { trace } from '../../../support/builders';


const win = fakeVscode.api.window as Record<string, unknown>;

const withId = (t: Trace, traceId: string): Trace => ({ ...t, traceId, spans: t.spans.map(s => ({ ...s, traceId })) });
const shop = (id: string, dbUs: number) => withId(trace([
  { id: 'aaaaaaaaaaaaaaa1', name: 'GET /cart', service: 'frontend', kind: 'server', dur: 1000 },
  { id: 'aaaaaaaaaaaaaaa2', parent: 'aaaaaaaaaaaaaaa1', name: 'call', service: 'frontend', kind: 'client', start: 10, dur: 800 },
  { id: 'aaaaaaaaaaaaaaa3', parent: 'aaaaaaaaaaaaaaa2', name: 'handle', service: 'backend', kind: 'server', start: 20, dur: 700 },
  { id: 'aaaaaaaaaaaaaaa4', parent: 'aaaaaaaaaaaaaaa3', name: 'SELECT', service: 'db', kind: 'client', start: 30, dur: dbUs },
]), id);
const A = '0af7651916cd43dd8448eb211c80319c', B = '1bf7651916cd43dd8448eb211c80319d', LIVE = '2cf7651916cd43dd8448eb211c80319e';

let traces: TraceService;
let commands: AnalysisCommands;
const revealed: [string, string][] = [];
const filtered: [string, string][] = [];
const liveOpened: [string, unknown][] = [];
const selection = new EventEmitter<{ traceKey: string; spanId: string | null }>();
let backendList: AnalysisBackend[] = [];
let aggregateState: ReturnType<NonNullable<AnalysisDeps['aggregate']>>;
let searchState: ReturnType<NonNullable<AnalysisDeps['searchResults']>>;

before(() => {
  const ctx = fakeVscode.newContext();
  const log = (win as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  traces = new TraceService(new MemoryMemento());
  const host = { extension: ctx, log, traces } as unknown as HostContext;
  const liveTrace = shop(LIVE, 600);
  commands = new AnalysisCommands(host, {
    receiver: {
      list: () => [{ traceId: LIVE, rootService: 'frontend', rootName: 'GET /cart', spanCount: 4, durationNs: 1e6 }],
      getTrace: id => (id === LIVE ? liveTrace : undefined),
      openTrace: async (id, o) => { liveOpened.push([id, o]); },
    },
    panels: {
      reveal: (key, spanId) => { revealed.push([key, spanId]); return true; },
      setFilter: (key, text) => { filtered.push([key, text]); return true; },
      onDidChangeSelection: selection.event as never,
    },
    reopen: async () => undefined,
    backends: async () => backendList,
    aggregate: () => aggregateState,
    searchResults: () => searchState,
  });
  traces.open(prepareModel(shop(A, 100)), { kind: 'file', label: 'fast.json', uri: 'file:///fast.json' });
  traces.open(prepareModel(shop(B, 500)), { kind: 'file', label: 'slow.json', uri: 'file:///slow.json' });
});
after(() => { commands.dispose(); traces.dispose(); });

const run = (id: string, ...args: unknown[]) => fakeVscode.commands.get(id)!(...args);
const last = () => panels[panels.length - 1]!;
const initOf = (p: FakePanel) => p.posted.find(m => (m as { type: string }).type === 'init') as { protocol: number; data: Record<string, unknown> };
const replies = (p: FakePanel) => p.posted.filter(m => (m as { type: string }).type === 'reply') as { id: number; ok: boolean; error?: string }[];

test('Show Service Graph over open and Live traces; a node filters the chosen trace’s waterfall to the service and selects its first span', async () => {
  fakeVscode.pick = items => items.find(i => /All open/.test((i as { label: string }).label));
  await run(Commands.showServiceGraph);
  const p = last();
  assert.match(p.html, /Content-Security-Policy/);
  assert.match(p.html, /dist\/analysis\.js/);
  assert.equal(p.posted.length, 0, 'nothing is pushed before ready');
  await p.send({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
  const init = initOf(p);
  assert.equal(init.data.view, 'graph');
  const graph = init.data.graph as { nodes: { service: string; requests: number }[]; traceCount: number };
  assert.equal(graph.traceCount, 2);
  assert.deepEqual(graph.nodes.map(n => [n.service, n.requests]).sort(), [['backend', 2], ['db', 2], ['frontend', 2]]);
  fakeVscode.pick = items => items[1];
  await p.send({ type: 'filterService', id: 1, service: 'backend' });
  assert.deepEqual(replies(p).at(-1), { type: 'reply', id: 1, ok: true });
  assert.deepEqual(revealed.at(-1), [traces.all()[1]!.traceKey, 'aaaaaaaaaaaaaaa3']);
  assert.deepEqual(filtered, [[traces.all()[1]!.traceKey, 'service=backend']]);
  await p.send({ type: 'filterService', id: 2, service: 'nowhere' });
  assert.equal(replies(p).at(-1)!.ok, false);
  assert.match(replies(p).at(-1)!.error!, /No span of nowhere/);
  await p.send({ type: 'filterService', id: 3, service: '<img src=x>'.repeat(1000) });
  assert.equal(replies(p).length, 2, 'an oversized message is dropped, not answered');
  assert.equal(filtered.length, 1, 'no filter for a service without spans');
});

test('Compare Traces with two IDs: the diff, and revealing a row in B', async () => {
  await run(Commands.compareTraces, A, B);
  const p = last();
  await p.send({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
  const diff = initOf(p).data.diff as { rows: { name: string; status: string; deltaNs: number }[]; regressions: { row: number; name: string }[] };
  assert.deepEqual(diff.rows.map(r => [r.name, r.status]), [['GET /cart', 'same'], ['call', 'same'], ['handle', 'same'], ['SELECT', 'changed']]);
  assert.equal(diff.regressions[0]!.name, 'SELECT');
  await p.send({ type: 'revealDiffRow', id: 7, row: diff.regressions[0]!.row, side: 'b' });
  assert.deepEqual(replies(p).at(-1), { type: 'reply', id: 7, ok: true });
  assert.deepEqual(revealed.at(-1), [traces.all()[1]!.traceKey, 'aaaaaaaaaaaaaaa4']);
  await p.send({ type: 'revealDiffRow', id: 8, row: 99, side: 'a' });
  assert.equal(replies(p).at(-1)!.ok, false);
});

test('Compare Traces by picking: A from open traces, B from Live', async () => {
  let n = 0;
  fakeVscode.pick = items => (n++ === 0 ? items.find(i => (i as { detail?: string }).detail === A) : items.find(i => (i as { detail?: string }).detail === LIVE));
  await run(Commands.compareTraces);
  const p = last();
  await p.send({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
  const init = initOf(p).data as unknown as { aLabel: string; bLabel: string; diff: { bTraceId: string } };
  assert.equal(init.diff.bTraceId, LIVE);
  assert.match(init.bLabel, /Live/);
  await p.send({ type: 'revealDiffRow', id: 1, row: 3, side: 'b' });
  assert.deepEqual(liveOpened.at(-1), [LIVE, { selectSpanId: 'aaaaaaaaaaaaaaa4' }]);
});

test('Show Latency Distribution of the selected span’s operation over open and Live traces', async () => {
  const active = traces.all()[0]!;
  traces.setActive(active.traceKey);
  selection.fire({ traceKey: active.traceKey, spanId: 'aaaaaaaaaaaaaaa4' });
  await run(Commands.showLatencyDistribution);
  const p = last();
  await p.send({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
  const d = initOf(p).data.distribution as { operation: { service: string; name: string }; sampleCount: number; traceCount: number; buckets: { example?: { traceId: string; spanId: string } }[] };
  assert.deepEqual(d.operation, { service: 'db', name: 'SELECT' });
  assert.deepEqual([d.sampleCount, d.traceCount], [3, 3]);
  const ex = d.buckets.find(b => b.example)!.example!;
  await p.send({ type: 'openTrace', id: 4, traceId: ex.traceId, spanId: ex.spanId });
  assert.equal(replies(p).at(-1)!.ok, true);
});

test('with a backend: the graph from its dependency list, a node lists its recent traces; a distribution over its search', async () => {
  const ids = ['3df7651916cd43dd8448eb211c80319f', '4ef7651916cd43dd8448eb211c8031a0', '5ff7651916cd43dd8448eb211c8031a1'];
  const stored = new Map(ids.map((id, k) => [id, shop(id, 100 + 300 * k)]));
  const searches: unknown[] = [];
  backendList = [{
    displayName: 'Jaeger (test)', config: { name: 'test' },
    dependencies: async () => [{ parent: 'frontend', child: 'backend', callCount: 12, errorCount: 3 }, { parent: 'backend', child: 'db', callCount: 40 }],
    search: async q => { searches.push(q); return ids.map(traceId => ({ traceId, rootService: 'frontend', rootName: 'GET /cart' })); },
    getTrace: async id => { const trace = stored.get(id); if (!trace) throw new Error('not found'); return { trace }; },
  }];
  try {
    fakeVscode.pick = items => items.find(i => /Dependencies from Jaeger \(test\)/.test((i as { label: string }).label));
    await run(Commands.showServiceGraph);
    let p = last();
    await p.send({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
    const graph = initOf(p).data.graph as { source: string; edges: { from: string; to: string; count: number; errors: number }[] };
    assert.equal(graph.source, 'backend');
    assert.deepEqual(graph.edges.map(e => [e.from, e.to, e.count, e.errors]), [['backend', 'db', 40, 0], ['frontend', 'backend', 12, 3]]);
    const opened: unknown[] = [];
    const openById = fakeVscode.commands.get(Commands.openTraceById);
    fakeVscode.commands.set(Commands.openTraceById, (...a: unknown[]) => { opened.push(a[0]); });
    try {
      fakeVscode.pick = items => items[2];
      await p.send({ type: 'filterService', id: 1, service: 'backend' });
      assert.deepEqual(replies(p).at(-1), { type: 'reply', id: 1, ok: true });
      assert.deepEqual((searches.at(-1) as { service: string }).service, 'backend');
      assert.deepEqual(opened.at(-1), { traceId: ids[2], backend: 'test' });

      fakeVscode.pick = items => items.find(i => /Search Jaeger/.test((i as { label: string }).label));
      await run(Commands.showLatencyDistribution, { service: 'db', name: 'SELECT' });
      p = last();
      await p.send({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
      const d = initOf(p).data as { scopeLabel: string; distribution: { sampleCount: number; maxNs: number; slowest: { traceId: string }[] } };
      assert.equal(d.scopeLabel, '3 traces from Jaeger (test)');
      assert.deepEqual(searches.at(-1) && { service: (searches.at(-1) as { service: string }).service, operation: (searches.at(-1) as { operation: string }).operation }, { service: 'db', operation: 'SELECT' });
      assert.equal(d.distribution.sampleCount, 3);
      assert.equal(d.distribution.maxNs, 700_000);
      await p.send({ type: 'openTrace', id: 2, traceId: d.distribution.slowest[0]!.traceId, spanId: 'aaaaaaaaaaaaaaa4' });
      assert.deepEqual(opened.at(-1), { traceId: ids[2], backend: 'test' });
    } finally {
      if (openById) fakeVscode.commands.set(Commands.openTraceById, openById); else fakeVscode.commands.delete(Commands.openTraceById);
    }
  } finally { backendList = []; }
});

test('Show Service Graph of the code aggregate’s traces (open and not open) and of the receiver’s search results', async () => {
  const X = '3df7651916cd43dd8448eb211c80319f';
  const source = { kind: 'receiver' as const, label: 'OTLP receiver' };
  aggregateState = { label: 'frontend GET /cart: 2 traces', traces: [{ traceKey: traces.all()[0]!.traceKey }, { traceKey: `receiver:receiver#${X}`, prepared: prepareModel(shop(X, 900)), source }] };
  searchState = { backendId: 'receiver', items: [{ traceId: LIVE, rootService: 'frontend', rootName: 'GET /cart', durationNs: 1e6 }] };
  try {
    let offered: { label: string; description?: string }[] = [];
    fakeVscode.pick = items => { offered = items as typeof offered; return offered.find(i => i.label === 'Traces of the code aggregate'); };
    await run(Commands.showServiceGraph);
    assert.equal(offered.find(i => i.label === 'Traces of the code aggregate')?.description, 'frontend GET /cart: 2 traces');
    assert.equal(offered.find(i => i.label === 'Search results (side panel)')?.description, '1');
    let p = last();
    const init = (await p.send({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION }), initOf(p));
    assert.equal((init.data.graph as { traceCount: number }).traceCount, 2);
    assert.equal(init.data.scopeLabel, 'frontend GET /cart: 2 traces');
    // A node of a trace that is not open opens it, from its prepared form.
    const before = traces.all().length;
    fakeVscode.pick = items => (items as { detail?: string }[]).find(i => i.detail === X);
    await p.send({ type: 'filterService', id: 1, service: 'db' });
    assert.deepEqual(replies(p).at(-1), { type: 'reply', id: 1, ok: true });
    assert.equal(traces.all().length, before + 1);
    assert.equal(traces.active?.traceId, X);

    fakeVscode.pick = items => (items as { label: string }[]).find(i => i.label === 'Search results (side panel)');
    await run(Commands.showServiceGraph);
    p = last();
    await p.send({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
    const g = initOf(p).data.graph as { traceCount: number; nodes: { service: string }[] };
    assert.equal(g.traceCount, 1);
    assert.deepEqual(g.nodes.map(n => n.service).sort(), ['backend', 'db', 'frontend']);
  } finally {
    aggregateState = undefined;
    searchState = undefined;
    traces.close(`receiver:receiver#${X}`);
  }
});
