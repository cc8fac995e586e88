// The backend commands in the extension host (fake `vscode` module, real Jaeger v2): Open Trace by ID with a pasted
// traceparent, the URI handler selecting a span, a not-found message naming the backend with Retry/Open Settings,
// a malformed ID refused before any request, Add Backend testing the connection, and credentials in SecretStorage.
import { fakeVscode } from '../../support/host/register';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { MemoryMemento, type FakeExtensionContext } from '../../support/host/fakeVscode';
import { TraceService, type TraceOpenedEvent } from '../../../src/host/traces/traceService';
import { prepareModel } from '../../../src/host/traces/prepareModel';
import type { HostContext } from '../../../src/host/hostContext';
import { BackendsController } from '../../../src/host/backends/backendsController';
import { readSecrets } from '../../../src/host/backends/backendSettings';
import { JAEGER_SKIP, startJaeger, type RunningServer } from '../../support/backends/servers';
import { startFaultProxy, type FaultProxy } from '../../support/backends/fault-proxy';
import { emitTrace, type EmittedTrace } from '../../support/backends/emit';

describe('backend commands in the extension host (real Jaeger)', { skip: JAEGER_SKIP }, () => {
  let server: RunningServer;
  let proxy: FaultProxy;
  let sent: EmittedTrace;
  let ctx: FakeExtensionContext;
  let traces: TraceService;
  let controller: BackendsController;
  const opened: TraceOpenedEvent[] = [];
  const window = fakeVscode.api.window as Record<string, unknown>;
  const realInputBox = window.showInputBox;

  before(async () => {
    server = await startJaeger();
    proxy = await startFaultProxy(server.url);
    sent = await emitTrace(new OTLPTraceExporter({ url: `${server.ingestUrl}/v1/traces` }), 'host-test');
    ctx = fakeVscode.newContext();
    const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
    traces = new TraceService(new MemoryMemento());
    traces.onDidOpen(e => opened.push(e));
    const host = { extension: ctx, log, traces } as unknown as HostContext;
    fakeVscode.settings.set('spanscope.backends', [{ name: 'local', type: 'jaeger', url: server.url }]);
    controller = new BackendsController(host, { prepare: t => prepareModel(t) });
    // Ingestion is asynchronous.
    for (let i = 0; i < 75; i++) {
      try { await controller.manager.findTrace(sent.traceId, { useCache: false }); break; } catch { await new Promise(r => setTimeout(r, 200)); }
    }
  });
  after(async () => {
    window.showInputBox = realInputBox;
    controller?.dispose();
    traces?.dispose();
    await proxy?.close();
    await server?.stop();
  });

  test('each backend\'s health is found out after loading, for the side panel', async () => {
    for (let i = 0; i < 50 && controller.manager.healthSnapshot()[0]?.health === undefined; i++) await new Promise(r => setTimeout(r, 50));
    const [h] = controller.manager.healthSnapshot();
    assert.equal(h?.displayName, 'Jaeger (local)');
    assert.equal(h?.health?.reachable, true);
    assert.equal(h?.health?.lastError, undefined);
  });

  test('a pasted traceparent opens the trace from "Jaeger (local)" with its span selected', async () => {
    opened.length = 0;
    const t = await controller.openTraceById(`traceparent: 00-${sent.traceId}-${sent.childSpanId}-01`);
    assert.ok(t);
    assert.equal(t.traceId, sent.traceId);
    assert.equal(t.source.kind, 'backend');
    assert.equal(t.source.label, 'Jaeger (local)');
    assert.equal(t.source.backend, 'local');
    assert.equal(opened.at(-1)?.options.selectSpanId, sent.childSpanId);
    assert.deepEqual(controller.manager.recentTraceIds()[0], sent.traceId);
  });

  test('with no argument the input box is asked (its answer is parsed)', async () => {
    let asked: { value?: string } | undefined;
    fakeVscode.clipboard = `ERROR failed trace_id=${sent.traceId}`;
    window.showInputBox = async (o: { value?: string }) => { asked = o; return o.value; };
    try {
      const t = await controller.openTraceById();
      assert.equal(asked?.value, `ERROR failed trace_id=${sent.traceId}`, 'pre-filled from the clipboard');
      assert.equal(t?.traceId, sent.traceId);
    } finally {
      window.showInputBox = realInputBox;
    }
  });

  test('the URI handler opens vscode://spanscope.spanscope/trace/<id>?backend=local&span=… with the span selected', async () => {
    opened.length = 0;
    const Uri = fakeVscode.api.Uri as { parse(s: string): never };
    const t = await controller.handleUri(Uri.parse(`vscode://spanscope.spanscope/trace/${sent.traceId}?backend=local&span=${sent.rootSpanId}`));
    assert.equal(t?.traceId, sent.traceId);
    assert.equal(opened.at(-1)?.options.selectSpanId, sent.rootSpanId);
  });

  test('not found: one message naming the backend, with Retry and Open Settings', async () => {
    fakeVscode.messages.length = 0;
    const missing = 'abcdef0123456789abcdef0123456789';
    const t = await controller.openTraceById(missing);
    assert.equal(t, undefined);
    const m = fakeVscode.messages.at(-1)!;
    assert.equal(m.level, 'error');
    assert.equal(m.text, `Trace ${missing} not found in Jaeger (local).`);
    assert.deepEqual(m.items, ['Retry', 'Open Settings']);
  });

  test('a malformed or all-zero ID is refused with its reason and nothing is fetched', async () => {
    fakeVscode.messages.length = 0;
    const before = proxy.requests.length;
    assert.equal(await controller.openTraceById('0'.repeat(32)), undefined);
    assert.match(fakeVscode.messages.at(-1)!.text, /all-zero trace ID/);
    assert.equal(proxy.requests.length, before);
  });

  test('401 offers Set Credentials; the credentials go to SecretStorage and are sent', async () => {
    fakeVscode.settings.set('spanscope.backends', [{ name: 'guarded', type: 'jaeger', url: proxy.url }]);
    await controller.manager.reload();
    proxy.setFault({ kind: 'status', status: 401 });
    fakeVscode.messages.length = 0;
    // Another ID than the one sent (which earlier tests fetched, so it may be answered from the cache): its first
    // digit changed. Always `f` was the same ID when the random one began with `f` (a CI run, 1 in 16).
    await controller.openTraceById(sent.traceId.replace(/^./, c => (c === 'f' ? 'e' : 'f')));
    const m = fakeVscode.messages.at(-1)!;
    assert.match(m.text, /Jaeger \(guarded\): authentication required/);
    assert.ok(m.items.includes('Set Credentials…'));
    proxy.setFault({ kind: 'pass' });
    // Set Backend Credentials… → bearer token
    fakeVscode.pick = items => items.find(i => i === 'Bearer token');
    window.showInputBox = async () => 's3cret-token';
    try {
      await controller.setCredentials('guarded');
    } finally {
      window.showInputBox = realInputBox;
      fakeVscode.pick = undefined;
    }
    // Kept for the backend's name and URL.
    assert.deepEqual(await readSecrets(ctx.secrets as never, { name: 'guarded', url: proxy.url }), { bearerToken: 's3cret-token' });
    assert.equal(await readSecrets(ctx.secrets as never, { name: 'guarded', url: server.url }), undefined);
    assert.ok(!JSON.stringify([...fakeVscode.settings.values()]).includes('s3cret-token'), 'never in settings');
    const found = await controller.manager.findTrace(sent.traceId, { useCache: false });
    assert.equal(found.source, 'Jaeger (guarded)');
  });

  test('Add Backend walks through type, URL, name and credentials, tests the connection and saves', async () => {
    const answers = [server.url, 'second'];
    window.showInputBox = async () => answers.shift();
    fakeVscode.pick = items => (items as Array<string | { label: string }>).find(i => (typeof i === 'string' ? i === 'None' : i.label === 'Jaeger'));
    fakeVscode.messages.length = 0;
    try {
      const saved = await controller.addBackend();
      assert.deepEqual(saved, { name: 'second', type: 'jaeger', url: server.url });
    } finally {
      window.showInputBox = realInputBox;
      fakeVscode.pick = undefined;
    }
    assert.match(fakeVscode.messages.at(-1)!.text, /Jaeger \(second\) answers/);
    const list = fakeVscode.settings.get('spanscope.backends') as Array<{ name: string }>;
    assert.ok(list.some(b => b.name === 'second'));
    assert.ok(controller.manager.byName('second'));
  });
});
