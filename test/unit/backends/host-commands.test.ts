// The light registration part of the backends in the host (fake `vscode`): the four commands, the URI handler and
// the terminal link provider are registered at once without loading the clients; terminal links find trace IDs and
// traceparents and open them through "Open Trace by ID"; the controller loads on first use.
import { fakeVscode } from '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, MemoryMemento } from '../../support/host/fakeVscode';
import { TraceService } from '../../../src/host/traces/traceService';
import { prepareModel } from '../../../src/host/traces/prepareModel';
import type { HostContext } from '../../../src/host/hostContext';
import { Commands } from '../../../src/host/commands';
import { registerBackends } from '../../../src/host/backends/registerBackends';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

interface LinkProvider {
  provideTerminalLinks(ctx: { line: string }): Array<{ startIndex: number; length: number; traceId: string; spanId?: string }>;
  handleTerminalLink(link: unknown): void;
}

test('commands, URI handler and terminal links are registered; links open traces by ID', async () => {
  const ctx = fakeVscode.newContext();
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  const traces = new TraceService(new MemoryMemento());
  const host = { extension: ctx, log, traces } as unknown as HostContext;
  const reopeners: string[] = [];
  const reg = registerBackends(host, {
    prepare: t => prepareModel(t),
    registerReopener: kind => { reopeners.push(kind); return { dispose: () => undefined }; },
    offerLocalAfterMs: -1,
  });
  for (const id of [Commands.openTraceById, Commands.addBackend, Commands.setBackendCredentials, Commands.checkBackends]) {
    assert.ok(fakeVscode.commands.has(id), `${id} registered`);
  }
  assert.deepEqual(reopeners, ['backend']);
  assert.ok(fakeVscode.calls.some(c => c.api === 'window.registerUriHandler'));
  const call = fakeVscode.calls.find(c => c.api === 'window.registerTerminalLinkProvider');
  assert.ok(call, 'terminal link provider registered');
  const provider = call.args[0] as LinkProvider;

  const line = `INFO  GET /api/orders 500 traceparent=00-${TRACE}-${SPAN}-01 took 1.2s`;
  const links = provider.provideTerminalLinks({ line });
  assert.equal(links.length, 1);
  assert.equal(line.slice(links[0]!.startIndex, links[0]!.startIndex + links[0]!.length), `00-${TRACE}-${SPAN}-01`);
  assert.equal(links[0]!.traceId, TRACE);
  assert.equal(links[0]!.spanId, SPAN);
  assert.deepEqual(provider.provideTerminalLinks({ line: 'no ids here, just 12345' }), []);

  // Clicking a link runs Open Trace by ID with the trace and span; with no backend configured the user is told so.
  fakeVscode.settings.set('spanscope.backends', []);
  fakeVscode.messages.length = 0;
  provider.handleTerminalLink(links[0]);
  const exec = fakeVscode.calls.filter(c => c.api === 'commands.executeCommand' && c.args[0] === Commands.openTraceById).at(-1);
  assert.deepEqual(exec?.args.slice(1), [{ traceId: TRACE, spanId: SPAN }]);
  for (let i = 0; i < 100 && fakeVscode.messages.length === 0; i++) await new Promise(r => setTimeout(r, 20));
  assert.match(fakeVscode.messages.at(-1)?.text ?? '', new RegExp(`Trace ${TRACE} is not in the OTLP receiver, and no backend is configured`));
  reg.dispose();
  traces.dispose();
});

test('Open Trace by ID shows its input box even when the clipboard never answers (browser permission prompt)', { timeout: 5000 }, async () => {
  const { CLIPBOARD_PREFILL_TIMEOUT_MS } = await import('../../../src/host/backends/backendsController');
  const ctx = fakeVscode.newContext();
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  const traces = new TraceService(new MemoryMemento());
  const host = { extension: ctx, log, traces } as unknown as HostContext;
  const reg = registerBackends(host, { prepare: t => prepareModel(t), registerReopener: () => ({ dispose: () => undefined }), offerLocalAfterMs: -1 });
  const env = fakeVscode.api.env as { clipboard: { readText(): Promise<string> } };
  const win = fakeVscode.api.window as { showInputBox(o?: { value?: string }): Promise<string | undefined> };
  const realClipboard = env.clipboard;
  const realInputBox = win.showInputBox;
  let shownAfterMs = -1;
  let prefilled: string | undefined = 'unset';
  const started = Date.now();
  env.clipboard = { readText: () => new Promise<string>(() => undefined) };
  win.showInputBox = async (o?: { value?: string }) => { shownAfterMs = Date.now() - started; prefilled = o?.value; return undefined; };
  try {
    await (fakeVscode.api.commands as { executeCommand(id: string): Promise<unknown> }).executeCommand(Commands.openTraceById);
    assert.ok(shownAfterMs >= 0, 'the input box was shown');
    assert.ok(shownAfterMs < CLIPBOARD_PREFILL_TIMEOUT_MS + 1500, `shown after ${shownAfterMs} ms`);
    assert.ok(!prefilled, 'nothing to pre-fill from a clipboard that did not answer');
  } finally {
    env.clipboard = realClipboard;
    win.showInputBox = realInputBox;
    reg.dispose();
    traces.dispose();
  }
});

/** A fake of vscode.window.createInputBox's box: what the controller set, and the events it listens to. */
class FakeInputBox {
  title = ''; prompt = ''; placeholder = ''; value = ''; ignoreFocusOut = false;
  validationMessage: string | undefined;
  buttons: readonly { tooltip?: string }[] = [];
  shown = false; hidden = false;
  readonly changed = new EventEmitter<string>();
  readonly triggered = new EventEmitter<{ tooltip?: string }>();
  readonly accepted = new EventEmitter<void>();
  readonly hid = new EventEmitter<void>();
  onDidChangeValue = this.changed.event;
  onDidTriggerButton = this.triggered.event;
  onDidAccept = this.accepted.event;
  onDidHide = this.hid.event;
  show(): void { this.shown = true; }
  hide(): void { this.hidden = true; this.hid.fire(); }
  dispose(): void {}
}

test('Open Trace by ID in a web UI never reads the clipboard unprompted; its Paste button does; the desktop pre-fills', { timeout: 10_000 }, async () => {
  const ctx = fakeVscode.newContext();
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  const traces = new TraceService(new MemoryMemento());
  const host = { extension: ctx, log, traces } as unknown as HostContext;
  const reg = registerBackends(host, { prepare: t => prepareModel(t), registerReopener: () => ({ dispose: () => undefined }), offerLocalAfterMs: -1 });
  const env = fakeVscode.api.env as { uiKind: number; clipboard: { readText(): Promise<string> } };
  const win = fakeVscode.api.window as { showInputBox(o?: { value?: string }): Promise<string | undefined>; createInputBox(): FakeInputBox };
  const real = { clipboard: env.clipboard, uiKind: env.uiKind, showInputBox: win.showInputBox, createInputBox: win.createInputBox };
  let reads = 0;
  // A browser's clipboard: reading it without a user gesture is what raised the error toast.
  env.clipboard = { readText: async () => { reads++; return `traceparent: 00-${TRACE}-${SPAN}-01`; } };
  const exec = () => (fakeVscode.api.commands as { executeCommand(id: string): Promise<unknown> }).executeCommand(Commands.openTraceById);
  try {
    fakeVscode.settings.set('spanscope.backends', []);
    env.uiKind = (fakeVscode.api.UIKind as { Web: number }).Web;
    let box: FakeInputBox | undefined;
    win.showInputBox = async () => assert.fail('the web UI uses an input box with a Paste button');
    win.createInputBox = () => (box = new FakeInputBox());
    fakeVscode.messages.length = 0;
    const running = exec();
    for (let i = 0; i < 100 && !box?.shown; i++) await new Promise(r => setTimeout(r, 10));
    assert.ok(box?.shown, 'the input box is shown');
    assert.equal(reads, 0, 'the clipboard is not read when the box opens');
    assert.equal(box.value, '');
    const paste = box.buttons.find(b => /Paste/.test(b.tooltip ?? ''));
    assert.ok(paste, 'a Paste button');
    box.triggered.fire(paste);
    for (let i = 0; i < 100 && box.value === ''; i++) await new Promise(r => setTimeout(r, 10));
    assert.equal(reads, 1, 'pressing Paste reads the clipboard');
    assert.equal(box.value, `traceparent: 00-${TRACE}-${SPAN}-01`);
    assert.equal(box.validationMessage, undefined);
    box.accepted.fire();
    await running;
    assert.ok(box.hidden);
    // The pasted ID went on to be looked up (no backend here, so the user is told).
    assert.match(fakeVscode.messages.at(-1)?.text ?? '', new RegExp(`Trace ${TRACE} is not in the OTLP receiver`));

    // Escape: nothing is opened and nothing read.
    box = undefined;
    const cancelled = exec();
    for (let i = 0; i < 100 && !box; i++) await new Promise(r => setTimeout(r, 10));
    box!.hide();
    assert.equal(await cancelled, undefined);
    assert.equal(reads, 1);

    // Desktop: the silent pre-fill from the clipboard stays.
    env.uiKind = (fakeVscode.api.UIKind as { Desktop: number }).Desktop;
    let prefilled: string | undefined;
    win.showInputBox = async (o?: { value?: string }) => { prefilled = o?.value; return undefined; };
    await exec();
    assert.equal(reads, 2);
    assert.equal(prefilled, `traceparent: 00-${TRACE}-${SPAN}-01`);
  } finally {
    Object.assign(env, { clipboard: real.clipboard, uiKind: real.uiKind });
    Object.assign(win, { showInputBox: real.showInputBox, createInputBox: real.createInputBox });
    reg.dispose();
    traces.dispose();
  }
});
