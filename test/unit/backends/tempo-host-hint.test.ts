// Where the host knows when a trace happened, that time reaches Tempo as `start`/`end` on the lookup by ID (issue
// 21, point 3): a search result row opened from the Traces view, a vscode:// link with `start=`, and a trace of the
// Live list (the receiver has it) asked of one backend. Fake `vscode`,
// the real BackendsController / BackendManager / TempoBackend, and the Tempo stand-in with the trace flushed to a block.
import { fakeVscode } from '../../support/host/register';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
// The fake has no TreeItem; fakePanels adds one (plain data) before any src module copies the fake's members.
import '../host/analysis/fakePanels';
import { MemoryMemento } from '../../support/host/fakeVscode';
import { TraceService } from '../../../src/host/traces/traceService';
import { prepareModel } from '../../../src/host/traces/prepareModel';
import type { HostContext } from '../../../src/host/hostContext';
import { BackendsController, lookupHintOfTrace } from '../../../src/host/backends/backendsController';
import { linkStartMs, parseTraceIdInput } from '../../../src/core/trace-id-input';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { backendsSource } from '../../../src/host/sidebar/backendsAdapter';
import { TracesView } from '../../../src/host/sidebar/tracesView';
import { lookupHintOf } from '../../../src/host/sidebar/registerSidebar';
import { Commands } from '../../../src/host/commands';
import { startTempoStandIn, type TempoStandIn } from '../../support/backends/tempo-standin';
import { emitTrace, type EmittedTrace } from '../../support/backends/emit';

describe('the trace start known to the host reaches Tempo', () => {
  let tempo: TempoStandIn;
  let sent: EmittedTrace;
  let traces: TraceService;
  let controller: BackendsController;
  let startMs: number;

  before(async () => {
    tempo = await startTempoStandIn();
    sent = await emitTrace(new OTLPTraceExporter({ url: tempo.otlpUrl }), 'hinted');
    tempo.flush();
    const ctx = fakeVscode.newContext();
    const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
    traces = new TraceService(new MemoryMemento());
    const host = { extension: ctx, log, traces } as unknown as HostContext;
    fakeVscode.settings.set('spanscope.backends', [{ name: 'doc', type: 'tempo', url: tempo.url }]);
    controller = new BackendsController(host, { prepare: t => prepareModel(t) });
    await controller.manager.ready;
    const rows = await controller.manager.byName('doc')!.search({ service: 'hinted' });
    startMs = Number(rows[0]!.startNs! / 1_000_000n);
  });
  after(async () => {
    controller?.dispose();
    traces?.dispose();
    await tempo?.close();
  });

  const lastLookup = (): URLSearchParams => [...tempo.requests].reverse().find(r => r.path.startsWith('/api/v2/traces/'))!.params;

  test('a search result opened from the Traces view: the row carries its time, the lookup sends start/end', async () => {
    const view = new TracesView(traces, undefined, () => undefined);
    const item = view.getTreeItem({ kind: 'result', backendId: 'doc', result: { traceId: sent.traceId, rootService: 'hinted', rootName: sent.rootName, durationNs: 900e6, spanCount: 3, errorCount: 1, startMs }, maxNs: 900e6 });
    assert.equal(item.command?.command, Commands.openSearchResult);
    const hint = lookupHintOf(item.command?.arguments?.[2]);
    assert.deepEqual(hint, { startMs, durationMs: 900 });
    const src = backendsSource(controller.manager, t => prepareModel(t), traces);
    await src.open!('doc', sent.traceId, hint);
    assert.equal(traces.active?.traceId, sent.traceId);
    const p = lastLookup();
    assert.ok(Number(p.get('start')) * 1000 <= startMs && Number(p.get('end')) * 1000 >= startMs + 900, `${p.get('start')}…${p.get('end')} covers ${startMs}`);
    view.dispose();
  });

  test('a vscode:// link with start= sends start/end; without it, none', async () => {
    const Uri = fakeVscode.api.Uri as { parse(s: string): never };
    const t = await controller.handleUri(Uri.parse(`vscode://spanscope.spanscope/trace/${sent.traceId}?backend=doc&start=${startMs}`));
    assert.equal(t?.traceId, sent.traceId);
    assert.ok(lastLookup().has('start'));
    const n = tempo.requests.length;
    await controller.manager.findTrace(sent.traceId, { onlyBackend: 'doc', useCache: false });
    assert.ok(!tempo.requests.slice(n).some(r => r.params.has('start')), 'no hint, no window');
  });

  test('a Live (receiver) trace asked of one backend: the receiver\'s start time goes along', async () => {
    const live = (await controller.manager.byName('doc')!.getTrace(sent.traceId)).trace;
    const ctx = fakeVscode.newContext();
    const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t2', { log: true });
    const host = { extension: ctx, log, traces } as unknown as HostContext;
    const receiver = { ready: Promise.resolve(), getTrace: (id: string) => (id === sent.traceId ? live : undefined), openTrace: async () => assert.fail('asked of the backend, not opened from the receiver') };
    const withLive = new BackendsController(host, { prepare: t => prepareModel(t), receiver });
    try {
      await withLive.manager.ready;
      const t = await withLive.openTraceById({ traceId: sent.traceId, backend: 'doc' });
      assert.equal(t?.traceId, sent.traceId);
      const p = lastLookup();
      const hint = lookupHintOfTrace(live)!;
      assert.ok(Number(p.get('start')) * 1000 <= hint.startMs! && Number(p.get('end')) * 1000 >= hint.startMs! + hint.durationMs!);
    } finally {
      withLive.dispose();
    }
  });

  test('a pasted Grafana Explore URL with an absolute range: Open Trace by ID and `spanscope fetch` send start/end', async () => {
    const panes = { x: { datasource: 'tempo', queries: [{ refId: 'A', queryType: 'traceql', query: sent.traceId }], range: { from: String(startMs - 60_000), to: String(startMs + 60_000) } } };
    const url = `http://grafana.example/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
    const t = await controller.openTraceById(url);
    assert.equal(t?.traceId, sent.traceId);
    let p = lastLookup();
    assert.ok(Number(p.get('start')) * 1000 <= startMs - 60_000 && Number(p.get('end')) * 1000 >= startMs + 60_000);
    const n = tempo.requests.length;
    const cli = await new Promise<{ status: number | null; stderr: string }>(resolve => {
      const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'cli.js'), 'fetch', url, '--backend', `tempo=${tempo.url}`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('close', status => resolve({ status, stderr }));
    });
    assert.equal(cli.status, 0, cli.stderr);
    p = tempo.requests.slice(n).find(r => r.path.startsWith('/api/v2/traces/'))!.params;
    assert.ok(p.has('start') && p.has('end'), 'the CLI sent the window');
  });

  test('when a pasted or linked ID says when the trace was', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    assert.deepEqual(parseTraceIdInput(`vscode://spanscope.spanscope/trace/${id}?backend=doc&start=1764860000000`).time, { startMs: 1764860000000 });
    assert.deepEqual(parseTraceIdInput(`http://tempo:3200/api/v2/traces/${id}?start=1764860000&end=1764860060`).time, { startMs: 1764860000000, durationMs: 60_000 });
    const left = ['1764860000000', '1764863600000', 'Tempo', { query: id }];
    assert.deepEqual(parseTraceIdInput(`http://g/explore?left=${encodeURIComponent(JSON.stringify(left))}`).time, { startMs: 1764860000000, durationMs: 3_600_000 });
    const relative = { a: { queries: [{ query: id }], range: { from: 'now-1h', to: 'now' } } };
    assert.equal(parseTraceIdInput(`http://g/explore?panes=${encodeURIComponent(JSON.stringify(relative))}`).time, undefined, 'relative ranges say nothing');
    assert.equal(parseTraceIdInput(id).time, undefined);
    assert.equal(parseTraceIdInput(`http://tempo:3200/api/traces/${id}?start=x`).time, undefined);
  });

  test('hints from command arguments and links are checked', () => {
    assert.equal(lookupHintOf(undefined), undefined);
    assert.equal(lookupHintOf({ startMs: 'soon' }), undefined);
    assert.equal(lookupHintOf({ startMs: Number.POSITIVE_INFINITY }), undefined);
    assert.deepEqual(lookupHintOf({ startMs: 5, durationMs: -1 }), { startMs: 5 });
    assert.equal(linkStartMs(null), undefined);
    assert.equal(linkStartMs('1764860000000'), 1764860000000);
    assert.equal(linkStartMs('2025-12-04T15:00:00Z'), Date.parse('2025-12-04T15:00:00Z'));
    assert.equal(linkStartMs('yesterday'), undefined);
  });
});
