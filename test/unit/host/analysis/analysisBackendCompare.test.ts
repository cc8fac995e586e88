// Compare Traces… with a backend configured: the side panel's search results (the real Traces view searching a
// real Jaeger client against a loopback server that serves hand-written Jaeger JSON) are offered as candidates and
// fetched only when picked, with progress and cancellation; a search result's context-menu entry preselects it as
// A; a fetched trace opens in the waterfall without a second fetch; a compare of a backend trace is rebuilt after a
// reload by fetching it again.
import { fakeVscode } from '../../../support/host/register';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancellationTokenSource, EventEmitter, MemoryMemento } from '../../../support/host/fakeVscode';
import { panels, restorePanel } from './fakePanels';
import { createBackend } from '../../../../src/backends/registry';
import type { TraceBackend } from '../../../../src/backends/types';
import { Commands } from '../../../../src/host/commands';
import type { HostContext } from '../../../../src/host/hostContext';
import { AnalysisCommands } from '../../../../src/host/analysis/registerAnalysis';
import { ANALYSIS_VIEW_TYPE } from '../../../../src/host/analysis/analysisPanels';
import { backendsSource, type BackendManagerLike } from '../../../../src/host/sidebar/backendsAdapter';
import { TracesView } from '../../../../src/host/sidebar/tracesView';
import { prepareModel } from '../../../../src/host/traces/prepareModel';
import { TraceService } from '../../../../src/host/traces/traceService';

// ---- a Jaeger query service that answers from hand-written v1 JSON ----
const FAST = '4bf92f3577b34da6a3ce929d0e0e4736', SLOW = '5cf92f3577b34da6a3ce929d0e0e4737';
const HANGS = '6df92f3577b34da6a3ce929d0e0e4738', GONE = '7ef92f3577b34da6a3ce929d0e0e4739';
const T0 = Date.now() * 1000 - 60_000_000; // µs, a minute ago

/** GET /cart → call → handle → SELECT (µs given), and in the slow one a `retry` the fast one lacks. */
function jaegerTrace(traceID: string, selectUs: number, retry: boolean) {
  const tag = (key: string, value: string) => ({ key, type: 'string', value });
  const child = (parent: string) => [{ refType: 'CHILD_OF', traceID, spanID: parent }];
  return {
    traceID,
    spans: [
      { traceID, spanID: '00000000000000a1', operationName: 'GET /cart', references: [], startTime: T0, duration: 3000, tags: [tag('span.kind', 'server')], logs: [], processID: 'p1', warnings: null },
      { traceID, spanID: '00000000000000a2', operationName: 'call', references: child('00000000000000a1'), startTime: T0 + 10, duration: 2800, tags: [tag('span.kind', 'client')], logs: [], processID: 'p1', warnings: null },
      { traceID, spanID: '00000000000000a3', operationName: 'handle', references: child('00000000000000a2'), startTime: T0 + 20, duration: 2700, tags: [tag('span.kind', 'server')], logs: [], processID: 'p2', warnings: null },
      { traceID, spanID: '00000000000000a4', operationName: 'SELECT', references: child('00000000000000a3'), startTime: T0 + 30, duration: selectUs, tags: [tag('span.kind', 'client'), tag('db.system', 'postgresql')], logs: [], processID: 'p2', warnings: null },
      ...(retry ? [{ traceID, spanID: '00000000000000a5', operationName: 'retry', references: child('00000000000000a3'), startTime: T0 + 40 + selectUs, duration: 300, tags: [], logs: [], processID: 'p2', warnings: null }] : []),
    ],
    processes: { p1: { serviceName: 'frontend', tags: [] }, p2: { serviceName: 'backend', tags: [tag('host.name', 'b1')] } },
    warnings: null,
  };
}
const stored = new Map([[FAST, jaegerTrace(FAST, 100, false)], [SLOW, jaegerTrace(SLOW, 1500, true)], [HANGS, jaegerTrace(HANGS, 50, false)], [GONE, jaegerTrace(GONE, 70, false)]]);
const NOT_FOUND = '{"error":{"httpCode":404,"message":"trace not found"}}';

const fetched: string[] = [];
/** HANGS never answers while this is set (the cancellation test). */
let hang = true;
const aborted: string[] = [];
let server: http.Server;
let jaeger: TraceBackend;

before(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(typeof body === 'string' ? body : JSON.stringify(body)); };
    if (u.pathname === '/api/v3/services') return json(200, { services: ['frontend'] });
    // api_v3 has none of these traces (and its search finds nothing): the client asks the legacy API.
    if (u.pathname.startsWith('/api/v3/')) return json(404, NOT_FOUND);
    if (u.pathname === '/api/traces') return json(200, { data: [...stored.values()], total: 0, limit: 0, offset: 0, errors: null });
    const id = /^\/api\/traces\/([0-9a-f]+)$/.exec(u.pathname)?.[1];
    if (!id) return json(404, NOT_FOUND);
    fetched.push(id);
    if (id === HANGS && hang) { req.on('close', () => aborted.push(id)); return; } // never answers
    if (id === GONE || !stored.has(id)) return json(404, NOT_FOUND);
    return json(200, { data: [stored.get(id)], total: 0, limit: 0, offset: 0, errors: null });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  jaeger = createBackend({ name: 'local', type: 'jaeger', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, undefined, { retries: 0 });
});
after(async () => {
  jaeger.dispose();
  server.closeAllConnections();
  await new Promise<void>(r => server.close(() => r()));
});

// ---- the host: TraceService, the side panel's Traces view over the backend, the analysis commands ----
const win = fakeVscode.api.window as Record<string, unknown>;
let cancelAfterMs: number | undefined;
const progress: { title?: string; cancellable?: boolean }[] = [];
win.withProgress = async (o: { title?: string; cancellable?: boolean }, task: (p: unknown, t: unknown) => unknown) => {
  progress.push(o);
  const cts = new CancellationTokenSource();
  if (cancelAfterMs !== undefined) setTimeout(() => cts.cancel(), cancelAfterMs);
  return task({ report: () => undefined }, cts.token);
};

const manager: BackendManagerLike = {
  onDidChange: new EventEmitter<unknown>().event,
  healthSnapshot: () => [{ config: jaeger.config, displayName: jaeger.displayName, health: undefined }],
  byName: name => (name === 'local' ? jaeger : undefined),
  findTrace: async (traceId, o) => ({ ...(await jaeger.getTrace(traceId, o.signal)), source: jaeger.displayName, backendName: 'local' }),
};

function host() {
  const ctx = fakeVscode.newContext();
  const log = (win as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  const traces = new TraceService(new MemoryMemento());
  const view = new TracesView(traces, undefined, () => backendsSource(manager, t => prepareModel(t), traces));
  const commands = new AnalysisCommands({ extension: ctx, log, traces } as unknown as HostContext, {
    receiver: { list: () => [], getTrace: () => undefined, openTrace: async () => undefined },
    panels: { reveal: () => false, setFilter: () => false, onDidChangeSelection: new EventEmitter<never>().event },
    reopen: async () => undefined,
    backends: async () => [jaeger],
    searchResults: () => view.searchResults,
    prepare: t => prepareModel(t),
  });
  return { traces, view, commands, end() { commands.dispose(); view.dispose(); traces.dispose(); } };
}
let h: ReturnType<typeof host>;
before(() => { h = host(); });
after(() => h.end());

const run = (id: string, ...args: unknown[]) => fakeVscode.commands.get(id)!(...args);
const last = () => panels[panels.length - 1]!;
type Item = { label: string; description?: string; detail?: string };
const asItems = (items: unknown[]) => items as Item[];

/** The side panel's search form: service frontend, any operation/tags/duration, last hour. */
async function searchInSidePanel(): Promise<void> {
  fakeVscode.inputAnswer = '';
  fakeVscode.pick = items => asItems(items).find(i => i.label === 'frontend' || i.label === 'Last hour');
  await h.view.search();
}

test('the side panel’s search results are Compare candidates, fetched only when picked; the fetched trace opens without a second fetch', async () => {
  h.traces.open(prepareModel((await jaeger.getTrace(FAST)).trace), { kind: 'file', label: 'fast.json', uri: 'file:///fast.json' });
  await searchInSidePanel();
  assert.equal(h.view.searchResults?.items.length, 4);
  fetched.length = 0;

  const lists: Item[][] = [];
  fakeVscode.pick = items => {
    lists.push(asItems(items));
    return lists.length === 1 ? asItems(items).find(i => i.description === 'open') : asItems(items).find(i => i.detail === SLOW);
  };
  await run(Commands.compareTraces);
  const resultIds = (list: Item[]) => list.filter(i => i.description === 'search result').map(i => i.detail).sort();
  assert.deepEqual(resultIds(lists[0]!), [HANGS, SLOW, GONE].sort(), 'the open one is offered once, as open');
  assert.ok(lists[0]!.some(i => i.description === 'open' && i.detail === FAST));
  assert.deepEqual(resultIds(lists[1]!), [HANGS, SLOW, GONE].sort(), 'A is not offered as B');
  const results = lists[1]!.filter(i => i.description === 'search result');
  assert.match(results.find(i => i.detail === SLOW)!.label, /^frontend GET \/cart · Jaeger \(local\)$/);
  assert.deepEqual(fetched, [SLOW], 'only the picked one is fetched');
  assert.ok(progress.some(p => p.cancellable && /Fetching trace 5cf92f35 from Jaeger \(local\)/.test(p.title ?? '')), JSON.stringify(progress));

  const init = await last().ready();
  const diff = init.data!.diff as { bTraceId: string; counts: { added: number; changed: number }; rows: { name: string; status: string }[]; regressions: { name: string }[] };
  assert.equal(diff.bTraceId, SLOW);
  assert.equal(diff.counts.added, 1);
  assert.equal(diff.rows.find(r => r.name === 'retry')?.status, 'added');
  assert.equal(diff.regressions[0]?.name, 'SELECT');
  assert.match(String(init.data!.bLabel), /Jaeger \(local\)/);
  assert.deepEqual(init.recipe && (init.recipe as { b: { key: string } }).b.key, `backend:local#${SLOW}`);
  assert.equal(h.traces.all().length, 1, 'the fetched trace is not opened by comparing');

  await last().send({ type: 'revealDiffRow', id: 1, row: diff.rows.findIndex(r => r.name === 'retry'), side: 'b' });
  assert.deepEqual(last().replies().at(-1), { type: 'reply', id: 1, ok: true });
  assert.equal(h.traces.active?.traceId, SLOW);
  assert.deepEqual(h.traces.active?.source, { kind: 'backend', label: 'Jaeger (local)', backend: 'local' });
  assert.deepEqual(fetched, [SLOW], 'opened from what was fetched');
});

test('a search result’s context menu preselects it as A; B is picked from the rest', async () => {
  h.traces.close(`backend:local#${SLOW}`);
  fetched.length = 0;
  const node = h.view.getChildren({ kind: 'group', group: 'results' } as never).find(n => (n as { result: { traceId: string } }).result.traceId === SLOW);
  assert.ok(node, 'the search result node');
  assert.equal(h.view.getTreeItem(node).contextValue, 'trace.result', 'what package.json’s menu entry matches');
  let titles = '';
  let offered: Item[] = [];
  fakeVscode.pick = items => { offered = asItems(items); return offered.find(i => i.description === 'open'); };
  const showQuickPick = win.showQuickPick as (i: unknown, o: { title: string }) => Promise<unknown>;
  win.showQuickPick = (i: unknown, o: { title: string }) => { titles += `${o.title}\n`; return showQuickPick(i, o); };
  try {
    await run(Commands.compareTraces, node);
  } finally { win.showQuickPick = showQuickPick; }
  assert.equal(titles, 'Compare traces: pick B (compared with A: frontend GET /cart · Jaeger (local))\n', 'only B is asked for');
  assert.ok(!offered.some(i => i.detail === SLOW), 'A is not offered as B');
  assert.deepEqual(fetched, [SLOW]);
  const init = await last().ready();
  const diff = init.data!.diff as { aTraceId: string; bTraceId: string; counts: { removed: number } };
  assert.deepEqual([diff.aTraceId, diff.bTraceId, diff.counts.removed], [SLOW, FAST, 1]);
});

test('cancelling the fetch of a picked search result ends the command quietly and aborts the request', async () => {
  fetched.length = 0;
  const before = panels.length, errors = fakeVscode.messages.filter(m => m.level === 'error').length;
  cancelAfterMs = 150;
  fakeVscode.pick = items => asItems(items).find(i => i.detail === HANGS);
  const t0 = Date.now();
  try {
    await run(Commands.compareTraces);
  } finally { cancelAfterMs = undefined; }
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  assert.deepEqual(fetched, [HANGS]);
  assert.equal(panels.length, before, 'no panel');
  assert.equal(fakeVscode.messages.filter(m => m.level === 'error').length, errors, 'no error message for a cancel');
  for (let i = 0; i < 50 && !aborted.includes(HANGS); i++) await new Promise(r => setTimeout(r, 20));
  assert.deepEqual(aborted, [HANGS], 'the request was aborted');
});

test('a search result the backend no longer has: the command fails with the backend’s answer', async () => {
  const before = panels.length;
  fakeVscode.pick = items => asItems(items).find(i => i.detail === GONE);
  await run(Commands.compareTraces);
  assert.equal(panels.length, before);
  const m = fakeVscode.messages.at(-1)!;
  assert.equal(m.level, 'error');
  assert.match(m.text, /not found/i);
});

test('after a reload, a comparison with a backend trace fetches it again; a backend no longer configured is named', async () => {
  h.traces.close('file:file:///fast.json#' + FAST);
  h.traces.open(prepareModel((await jaeger.getTrace(FAST)).trace), { kind: 'backend', label: 'Jaeger (local)', backend: 'local' });
  await run(Commands.compareTraces, { kind: 'result', backendId: 'local', result: { traceId: SLOW, rootService: 'frontend', rootName: 'GET /cart' } }, FAST);
  const init = await last().ready();
  h.end();
  h = host();
  fetched.length = 0;
  const again = await (await restorePanel(ANALYSIS_VIEW_TYPE, { recipe: init.recipe })).ready();
  assert.deepEqual(again.data, init.data);
  assert.deepEqual(fetched.sort(), [FAST, SLOW].sort(), 'both fetched again (FAST was open from a backend by then)');

  const recipe = { ...(init.recipe as object), b: { key: 'backend:removed#abc', label: 'x · removed' } };
  const gone = await (await restorePanel(ANALYSIS_VIEW_TYPE, { recipe })).ready();
  assert.equal(gone.type, 'error');
  assert.match(gone.message!, /trace B \(x · removed\) is no longer available/);
});

test('a latency distribution over a backend search is rebuilt after a reload by searching again', async () => {
  hang = false;
  try {
    fakeVscode.pick = items => asItems(items).find(i => i.label === 'Search Jaeger (local)');
    await run(Commands.showLatencyDistribution, { service: 'backend', name: 'SELECT' });
    const init = await last().ready();
    const d = init.data!.distribution as { sampleCount: number; maxNs: number };
    assert.deepEqual([d.sampleCount, d.maxNs], [3, 1_500_000], 'FAST, SLOW and HANGS (GONE is not found)');
    assert.equal(init.data!.scopeLabel, '3 traces from Jaeger (local)');
    assert.deepEqual(init.recipe, { v: 1, view: 'distribution', operation: { service: 'backend', name: 'SELECT' }, traces: [], live: false, backend: 'local' });
    h.end();
    h = host();
    const again = await (await restorePanel(ANALYSIS_VIEW_TYPE, { recipe: init.recipe })).ready();
    assert.deepEqual(again.data, init.data);
  } finally { hang = true; }
});

test('Show Service Graph of the side panel’s search results: fetched 4 at a time, one the backend no longer has skipped; rebuilt after a reload', async () => {
  hang = false;
  try {
    await searchInSidePanel();
    assert.equal(h.view.searchResults?.items.length, 4);
    fetched.length = 0;
    let offered: Item[] = [];
    fakeVscode.pick = items => { offered = asItems(items); return offered.find(i => i.label === 'Search results (side panel)'); };
    await run(Commands.showServiceGraph);
    assert.equal(offered.find(i => i.label === 'Search results (side panel)')?.description, '4');
    assert.deepEqual(fetched.sort(), [FAST, SLOW, HANGS, GONE].sort(), 'every result fetched once');
    assert.ok(progress.some(p => p.cancellable && /Fetching 4 traces from Jaeger \(local\)/.test(p.title ?? '')), JSON.stringify(progress));
    const init = await last().ready();
    const graph = init.data!.graph as { traceCount: number; nodes: { service: string; requests: number }[]; edges: { from: string; to: string; count: number }[] };
    assert.equal(graph.traceCount, 3, 'GONE (404) is skipped');
    assert.deepEqual(graph.nodes.map(n => n.service).sort(), ['backend', 'frontend']);
    assert.deepEqual(graph.edges.map(e => [e.from, e.to, e.count]), [['frontend', 'backend', 3]]);
    const keys = (init.recipe as { traces: { key: string }[] }).traces.map(t => t.key).sort();
    assert.deepEqual(keys, [FAST, SLOW, HANGS].map(id => `backend:local#${id}`).sort());
    // After a reload the graph is rebuilt from the same traces, fetched again.
    h.end();
    h = host();
    const again = await (await restorePanel(ANALYSIS_VIEW_TYPE, { recipe: init.recipe })).ready();
    assert.deepEqual((again.data!.graph as { traceCount: number }).traceCount, 3);
  } finally { hang = true; }
});

// Run from the command palette while a waterfall has the focus, the palette closing gives the webview its focus back a
// moment after a pick list opened, which closed the list (the search form lost its steps to this in CI).
test('every pick list the analysis commands showed above stays open when the focus moves away', () => {
  const picks = fakeVscode.calls.filter(c => c.api === 'window.showQuickPick').map(c => c.args[1] as { title?: string; ignoreFocusOut?: boolean });
  assert.ok(picks.length >= 5, `${picks.length} pick lists shown`);
  assert.deepEqual(picks.filter(o => o.ignoreFocusOut !== true).map(o => o.title), []);
});
