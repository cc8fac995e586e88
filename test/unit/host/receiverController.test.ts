// The receiver inside VS Code, against the real OtlpReceiver on free loopback ports: auto-start, OTLP/HTTP export
// reaching the store, opening a received trace, late spans updating it in place, the status bar, a port in use
// answered with another port, and the store kept across a window reload.
import { fakeVscode } from '../../support/host/register';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryMemento, type FakeExtensionContext } from '../../support/host/fakeVscode';
import { TraceService } from '../../../src/host/traces/traceService';
import { ReceiverController } from '../../../src/host/receiver/receiverController';
import { prepareModel } from '../../../src/host/traces/prepareModel';
import type { HostContext } from '../../../src/host/hostContext';
import { freePort } from '../../support/net';

const TRACE = '5b8efff798038103d269b633813fc60c';
function exportBody(spanIds: string[], parent?: string): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeSpans: [{
        scope: { name: 'test' },
        spans: spanIds.map((id, i) => ({
          traceId: TRACE, spanId: id, ...(parent ? { parentSpanId: parent } : {}), name: i === 0 && !parent ? 'POST /checkout' : `step-${id.slice(0, 4)}`, kind: 2,
          startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n), endTimeUnixNano: String(1_700_000_000_500_000_000n),
        })),
      }],
    }],
  });
}

function makeHost(ctx: FakeExtensionContext): { host: HostContext; traces: TraceService } {
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  const traces = new TraceService(new MemoryMemento());
  return { host: { extension: ctx, log, traces } as unknown as HostContext, traces };
}

const cleanup: (() => unknown)[] = [];
after(async () => { for (const c of cleanup.reverse()) await c(); });

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise(r => setTimeout(r, 20));
  }
}

/** A free port for the shared receiver's OTLP/HTTP (gRPC on any free port), set in the settings every window reads. */
async function sharedReceiverPort(): Promise<number> {
  const port = await freePort();
  fakeVscode.settings.set('spanscope.receiver.port', port);
  fakeVscode.settings.set('spanscope.receiver.grpcPort', 0);
  return port;
}

test('auto-starts on free ports, receives an export, opens the trace, and updates it with late spans', async () => {
  fakeVscode.settings.set('spanscope.receiver.port', 0);
  fakeVscode.settings.set('spanscope.receiver.grpcPort', 0);
  const ctx = fakeVscode.newContext();
  const { host, traces } = makeHost(ctx);
  const rc = new ReceiverController(host, async t => prepareModel(t));
  try {
    await rc.initialize();
    assert.equal(rc.state.kind, 'running');
    const addr = rc.address!;
    assert.equal(addr.host, '127.0.0.1');
    assert.ok(addr.httpPort > 0);
    assert.equal(addr.grpcPort, undefined, 'grpcPort 0 turns gRPC off');
    const item = fakeVscode.statusItems.at(-1)!;
    assert.equal(item.visible, true);
    assert.match(item.text, new RegExp(`radio-tower\\) ${addr.httpPort}`));

    const res = await fetch(addr.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(['aaaaaaaaaaaaaaaa']) });
    assert.equal(res.status, 200);
    assert.deepEqual(rc.list().map(t => [t.traceId, t.rootService, t.rootName, t.spanCount]), [[TRACE, 'checkout', 'POST /checkout', 1]]);

    const opened = await rc.openTrace(TRACE);
    assert.equal(opened?.compact.spanCount, 1);
    const updates: number[] = [];
    traces.onDidUpdate(t => updates.push(t.compact.spanCount));
    await fetch(addr.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(['bbbbbbbbbbbbbbbb', 'cccccccccccccccc'], 'aaaaaaaaaaaaaaaa') });
    await until(() => updates.length > 0);
    assert.deepEqual(updates, [3], 'two late spans arrive as one update');
    assert.equal(traces.get(opened!.traceKey)?.compact.spanCount, 3);

    await rc.stop();
    assert.equal(rc.state.kind, 'stopped');
    assert.equal(item.visible, false);
    await assert.rejects(fetch(addr.httpUrl, { method: 'POST', body: '{}' }));
  } finally {
    rc.dispose();
    traces.dispose();
  }
});

/** A second window of the same user: its own extension host, the same global storage. */
function sameUser(ctx: FakeExtensionContext): FakeExtensionContext {
  return Object.assign(fakeVscode.newContext(), { globalStorageUri: ctx.globalStorageUri });
}

/**
 * A controller for another window. Each window has its own extension host and command registry; this process has
 * one, so the first window's commands are set aside while the second registers its own.
 */
function otherWindow(host: HostContext): ReceiverController {
  const first = [...fakeVscode.commands].filter(([id]) => id.startsWith('spanscope.receiver.'));
  for (const [id] of first) fakeVscode.commands.delete(id);
  try {
    return new ReceiverController(host, async t => prepareModel(t));
  } finally {
    for (const [id, fn] of first) fakeVscode.commands.set(id, fn);
  }
}

/**
 * Two windows of one user: each its own host (with its trace service) and receiver controller, A's made first, B's as
 * another window's. `ctxB` is B's extension context, by default one sharing A's global storage. dispose() closes both.
 */
function twoWindows(ctx: FakeExtensionContext, ctxB = sameUser(ctx)) {
  const a = makeHost(ctx);
  const b = makeHost(ctxB);
  const rcA = new ReceiverController(a.host, async t => prepareModel(t));
  const rcB = otherWindow(b.host);
  return { a, rcA, rcB, dispose: () => { rcB.dispose(); rcA.dispose(); a.traces.dispose(); b.traces.dispose(); } };
}

test('a port in use is explained in one window, and "Use Port N" starts there', async () => {
  // Another program's HTTP server: it answers at once, and not as Spanscope. (One that never answers is the
  // integration tests' case: each probe then waits out its 2 s timeout.)
  const blocker: Server = createHttpServer((_req, res) => { res.statusCode = 404; res.end(); });
  await new Promise<void>(r => blocker.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise(r => blocker.close(r)));
  const busy = (blocker.address() as { port: number }).port;
  fakeVscode.settings.set('spanscope.receiver.port', busy);
  fakeVscode.settings.set('spanscope.receiver.grpcPort', 0);
  const { rcA: rc, rcB: otherRc, dispose } = twoWindows(fakeVscode.newContext());
  try {
    // Auto-start in two windows, the port held by a program that is not Spanscope: the first window explains it,
    // with the actions (the error came from the other bundle: recognised by its code), the second does not.
    const before = fakeVscode.messages.length;
    fakeVscode.messageAnswers.push(undefined);
    assert.equal(await otherRc.start({ interactive: false }), false);
    await until(() => fakeVscode.messages.length > before);
    assert.match(fakeVscode.messages[before]!.text, /is in use/);
    assert.ok(fakeVscode.messages[before]!.items.some(i => typeof i === 'string' && i.startsWith('Use Port')));
    assert.equal(await rc.start({ interactive: false }), false);
    assert.equal(rc.state.kind, 'failed');
    assert.equal(fakeVscode.messages.length, before + 1, 'the second window must not notify again');
    assert.match(String(fakeVscode.statusItems.at(-1)!.tooltip), /is in use/);

    const n = fakeVscode.messages.length;
    fakeVscode.messageAnswers.push(undefined);
    // The answer is read when the message shows; push the choice the user makes in the next round.
    assert.equal(await rc.start({ interactive: true }), false);
    await until(() => fakeVscode.messages.length > n);
    const m = fakeVscode.messages[n]!;
    assert.match(m.text, new RegExp(`127\\.0\\.0\\.1:${busy} is in use`));
    const use = m.items.find(i => typeof i === 'string' && i.startsWith('Use Port')) as string | undefined;
    assert.ok(use, `no "Use Port" action in ${JSON.stringify(m.items)}`);
    assert.equal(rc.state.kind, 'failed');

    fakeVscode.messageAnswers.push(use);
    await rc.start({ interactive: true });
    await until(() => rc.state.kind === 'running');
    const suggested = Number(/\d+/.exec(use)![0]);
    assert.equal(fakeVscode.settings.get('spanscope.receiver.port'), suggested);
    assert.equal(rc.address?.httpPort, suggested);
    await rc.stop();
  } finally {
    dispose();
  }
});

test('two windows share one receiver: the second shows the first one\'s traces, and takes over when it closes', async () => {
  const port = await sharedReceiverPort();
  const { a, rcA, rcB, dispose } = twoWindows(fakeVscode.newContext());
  try {
    const before = fakeVscode.messages.length;
    assert.equal(await rcA.start({ interactive: false }), true);
    assert.equal(await rcB.start({ interactive: false }), true);
    assert.equal(fakeVscode.messages.length, before, 'no window complains');
    assert.equal(rcA.state.kind === 'running' && rcA.state.shared, undefined);
    assert.equal(rcB.state.kind === 'running' && rcB.state.shared, true);
    assert.equal(rcB.address?.httpUrl, `http://127.0.0.1:${port}/v1/traces`);

    const url = rcA.address!.httpUrl;
    assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(['aaaaaaaaaaaaaaaa']) })).status, 200);
    await until(() => rcB.list().length === 1);
    assert.deepEqual(rcB.list().map(t => [t.traceId, t.rootName]), [[TRACE, 'POST /checkout']]);

    rcA.dispose(); // the first window closes
    a.traces.dispose();
    await until(() => rcB.state.kind === 'running' && !rcB.state.shared, 10_000);
    assert.equal(rcB.address?.httpPort, port);
    assert.equal(rcB.list().length, 1, 'the trace received before the takeover is still there');
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(['bbbbbbbbbbbbbbbb', 'cccccccccccccccc'], 'aaaaaaaaaaaaaaaa') });
    assert.equal(rcB.getTrace(TRACE)?.spans.length, 3);
  } finally {
    dispose();
  }
});

test('a token set in one window is asked for by the shared receiver, whichever window owns it', async () => {
  const port = await sharedReceiverPort();
  // Secret storage is shared by every window of the user, and tells each of them about a change.
  const values = new Map<string, string>();
  const listeners: ((e: { key: string }) => void)[] = [];
  const secrets = {
    get: async (k: string) => values.get(k),
    store: async (k: string, v: string) => { values.set(k, v); for (const l of listeners) l({ key: k }); },
    delete: async (k: string) => { values.delete(k); for (const l of listeners) l({ key: k }); },
    onDidChange: (l: (e: { key: string }) => void) => { listeners.push(l); return { dispose: () => listeners.splice(listeners.indexOf(l), 1) }; },
  };
  const ctx = Object.assign(fakeVscode.newContext(), { secrets });
  const { rcA, rcB, dispose } = twoWindows(ctx, Object.assign(sameUser(ctx), { secrets }));
  const send = (headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}/v1/traces`,
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: exportBody(['aaaaaaaaaaaaaaaa']) }).then(r => r.status, () => 0);
  try {
    assert.equal(await rcA.start({ interactive: false }), true);
    assert.equal(await rcB.start({ interactive: false }), true);
    assert.equal(await send(), 200);
    // Window B (a follower) sets the token; the owner, window A, restarts with it.
    fakeVscode.inputAnswer = 's3cret-token';
    await rcB.setToken();
    await until(() => rcA.state.kind === 'running' && rcB.state.kind === 'running', 10_000);
    const end = Date.now() + 10_000;
    while (await send() !== 401) {
      assert.ok(Date.now() < end, 'the shared receiver never asked for the new token');
      await new Promise(r => setTimeout(r, 50));
    }
    assert.equal(await send({ authorization: 'Bearer s3cret-token' }), 200);
  } finally {
    dispose();
  }
});

test('gRPC\'s port in use: OTLP/HTTP runs, and one window offers "Turn gRPC Off"', async () => {
  // A program on the gRPC port; the receiver's probe connects to it, and those connections end with it.
  const accepted: { destroy(): void }[] = [];
  const blocker: Server = createServer(socket => accepted.push(socket));
  await new Promise<void>(r => blocker.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise(r => { blocker.close(r); for (const socket of accepted) socket.destroy(); }));
  fakeVscode.settings.set('spanscope.receiver.port', 0);
  fakeVscode.settings.set('spanscope.receiver.grpcPort', (blocker.address() as { port: number }).port);
  const { host, traces } = makeHost(fakeVscode.newContext());
  const rc = new ReceiverController(host, async t => prepareModel(t));
  try {
    const n = fakeVscode.messages.length;
    fakeVscode.messageAnswers.push(undefined);
    assert.equal(await rc.start({ interactive: false }), true);
    assert.equal(rc.state.kind, 'running');
    assert.equal(rc.address?.grpcPort, undefined);
    assert.equal((await fetch(rc.address!.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(['aaaaaaaaaaaaaaaa']) })).status, 200);
    await until(() => fakeVscode.messages.length > n);
    assert.match(fakeVscode.messages[n]!.text, /OTLP\/gRPC/);
    assert.ok(fakeVscode.messages[n]!.items.includes('Turn gRPC Off'), JSON.stringify(fakeVscode.messages[n]!.items));
  } finally {
    rc.dispose();
    traces.dispose();
  }
});

test('received traces are kept across a reload, within the bound', async () => {
  fakeVscode.settings.set('spanscope.receiver.port', 0);
  fakeVscode.settings.set('spanscope.receiver.grpcPort', 0);
  fakeVscode.settings.set('spanscope.receiver.autoStart', 'always');
  const ctx = fakeVscode.newContext();
  const first = makeHost(ctx);
  const rc1 = new ReceiverController(first.host, async t => prepareModel(t));
  await rc1.initialize();
  await fetch(rc1.address!.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportBody(['aaaaaaaaaaaaaaaa', 'dddddddddddddddd']) });
  rc1.dispose(); // the window closes
  first.traces.dispose();
  assert.ok(existsSync(join(ctx.globalStorageUri.fsPath, 'receiver-store.bin')));

  fakeVscode.settings.set('spanscope.receiver.autoStart', 'never');
  const second = makeHost(ctx);
  const rc2 = new ReceiverController(second.host, async t => prepareModel(t));
  try {
    await rc2.initialize();
    assert.equal(rc2.state.kind, 'stopped', 'autoStart never');
    assert.deepEqual(rc2.list().map(t => [t.traceId, t.spanCount, t.rootService]), [[TRACE, 2, 'checkout']]);
    const span = rc2.getTrace(TRACE)!.spans.find(s => s.spanId === 'dddddddddddddddd')!;
    assert.equal(span.startNs, 1_700_000_000_000_001_000n, 'nanosecond times survive');
  } finally {
    rc2.dispose();
    second.traces.dispose();
    fakeVscode.settings.delete('spanscope.receiver.autoStart');
  }
});

test('a non-loopback address is not listened on unless the user agrees', async () => {
  fakeVscode.settings.set('spanscope.receiver.host', '0.0.0.0');
  fakeVscode.settings.set('spanscope.receiver.port', 0);
  fakeVscode.settings.set('spanscope.receiver.grpcPort', 0);
  const { host, traces } = makeHost(fakeVscode.newContext());
  const rc = new ReceiverController(host, async t => prepareModel(t));
  try {
    const n = fakeVscode.messages.length;
    fakeVscode.messageAnswers.push(undefined); // the user closes the warning
    assert.equal(await rc.start({ interactive: true }), false);
    assert.match(fakeVscode.messages[n]!.text, /0\.0\.0\.0, which other machines can reach/);
    assert.ok(fakeVscode.messages[n]!.items.includes('Listen on 0.0.0.0'));
    assert.equal(rc.state.kind, 'failed');
    assert.equal(rc.address, undefined);
  } finally {
    rc.dispose();
    traces.dispose();
    fakeVscode.settings.delete('spanscope.receiver.host');
  }
});

test('auto-start "whenNoBackend": in Restricted Mode only the user\'s own backends count', async () => {
  fakeVscode.settings.set('spanscope.receiver.port', 0);
  fakeVscode.settings.set('spanscope.receiver.grpcPort', 0);
  fakeVscode.workspaceSettings.set('spanscope.backends', [{ name: 'ws', type: 'jaeger', url: 'http://127.0.0.1:1' }]);
  const run = async (trusted: boolean): Promise<string> => {
    fakeVscode.workspaceTrusted = trusted;
    const { host, traces } = makeHost(fakeVscode.newContext());
    const rc = new ReceiverController(host, async t => prepareModel(t));
    try {
      await rc.initialize();
      return rc.state.kind;
    } finally {
      rc.dispose();
      traces.dispose();
    }
  };
  try {
    assert.equal(await run(true), 'stopped', 'a trusted workspace\'s backend means no auto-start');
    assert.equal(await run(false), 'running', 'an untrusted workspace cannot switch the receiver off (or on) through its backends');
  } finally {
    fakeVscode.workspaceSettings.clear();
    fakeVscode.workspaceTrusted = true;
  }
});
