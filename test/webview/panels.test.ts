// WaterfallPanels (the host side of the waterfall) against the fake vscode module: HTML recipe, the ready/init
// handshake, validation of what the webview sends, request replies, updates, and restore after a reload.
import { fakeVscode } from '../support/host/register';
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { EventEmitter, Uri } from '../support/host/fakeVscode';
import { WaterfallPanels, panelTitle } from '../../src/host/waterfall/panels';
import type { DroppedTrace, OpenSourceRequest } from '../../src/host/waterfall/panels';
import { encodeCompactTrace } from '../../src/protocol/compact';
import { buildAnalysis, buildTrace, sampleSpecs } from '../support/webview-builders';

interface FakePanel {
  panel: Record<string, unknown>;
  posted: { type: string; [k: string]: unknown }[];
  send(m: unknown): void;
}
function makePanel(): FakePanel {
  const received = new EventEmitter<unknown>();
  const disposed = new EventEmitter<void>();
  const viewState = new EventEmitter<unknown>();
  const posted: FakePanel['posted'] = [];
  const panel: Record<string, unknown> = {
    title: '', viewColumn: 1, active: true, visible: true,
    webview: {
      html: '', options: {}, cspSource: 'vscode-webview://fake',
      asWebviewUri: (u: Uri) => Uri.parse(`vscode-webview://fake${u.path}`),
      onDidReceiveMessage: received.event,
      postMessage: async (m: { type: string }) => { posted.push(m); return true; },
    },
    reveal: () => undefined,
    onDidDispose: disposed.event,
    onDidChangeViewState: viewState.event,
    dispose: () => disposed.fire(),
  };
  return { panel, posted, send: m => received.fire(m) };
}

const created: FakePanel[] = [];
(fakeVscode.api as { window: Record<string, unknown> }).window.createWebviewPanel = (_viewType: string, title: string) => { const p = makePanel(); p.panel.title = title; created.push(p); return p.panel; };
const newLog = () => (fakeVscode.api as { window: { createOutputChannel(n: string, o: unknown): never } }).window.createOutputChannel('Spanscope', { log: true });
const fs = (fakeVscode.api as { workspace: { fs: Record<string, unknown> } }).workspace.fs;
fs.createDirectory = async (u: Uri) => { mkdirSync(u.fsPath, { recursive: true }); };
fs.readDirectory = async (u: Uri) => readdirSync(u.fsPath).map(n => [n, 1]);
fs.delete = async (u: Uri) => { rmSync(u.fsPath, { force: true }); };

const compact = () => encodeCompactTrace(buildAnalysis(buildTrace(sampleSpecs())));
const tick = () => new Promise(r => setTimeout(r, 20));
/** Waits (5 s at most) until `done()`: the panels handle a message asynchronously, later on a loaded machine. */
async function until(done: () => boolean): Promise<void> {
  for (const end = Date.now() + 5000; !done() && Date.now() < end;) await new Promise(r => setTimeout(r, 5));
}
/** New panels (in a new extension context) showing the sample trace under `traceKey`, and the fake panel that made. */
function showSample(traceKey: string, sourceLabel: string): { panels: WaterfallPanels; p: FakePanel } {
  const panels = new WaterfallPanels(fakeVscode.newContext() as never, newLog());
  const before = created.length;
  panels.show({ compact: compact(), sourceLabel, traceKey });
  return { panels, p: created[before]! };
}
// The panels validate the webview's messages with schemas loaded on first use (import('../lazy')). Loaded here
// first, so that a message is handled within a tick; under load the first load took longer than the tick (a CI run
// with two test files at once saw no init 20 ms after ready).
before(() => import('../../src/host/lazy'));

test('show: CSP html, one panel per trace, nothing pushed before ready, init after it', async () => {
  const ctx = fakeVscode.newContext();
  const panels = new WaterfallPanels(ctx as never, newLog());
  const c = compact();
  panels.show({ compact: c, sourceLabel: 'checkout.json', traceKey: 'file:a#1' });
  panels.show({ compact: c, sourceLabel: 'checkout.json', traceKey: 'file:a#1' });
  assert.equal(created.length, 1);
  const p = created[0]!;
  const html = (p.panel.webview as { html: string }).html;
  assert.match(html, /default-src 'none'/);
  assert.match(html, /<script nonce="[\w-]{32}" src="vscode-webview:\/\/fake[^"]*\/dist\/webview\.js">/);
  assert.equal(p.panel.title, 'frontend: GET /checkout 0af76519');
  assert.equal(panelTitle(c), 'frontend: GET /checkout 0af76519');
  assert.equal(p.posted.length, 0);
  p.send({ type: 'ready', protocol: 1 });
  await until(() => p.posted.length > 0);
  assert.equal(p.posted.length, 1);
  assert.equal(p.posted[0]!.type, 'init');
  assert.equal(p.posted[0]!.traceKey, 'file:a#1');
  assert.equal(p.posted[0]!.compact, c);
  // Invalid messages are dropped and logged.
  p.send({ type: 'openSource', id: 1, location: { filePath: '' } });
  p.send('nonsense');
  await until(() => fakeVscode.log.lines.filter(l => /dropped invalid webview message/.test(l.message)).length >= 2);
  assert.equal(p.posted.length, 1);
  assert.ok(fakeVscode.log.lines.filter(l => /dropped invalid webview message/.test(l.message)).length >= 2);
  // Requests: nobody listening → error reply; a listener's promise decides the reply.
  p.send({ type: 'openSource', id: 2, spanId: 'a1', location: { filePath: '/app/x.ts', line: 3 } });
  await until(() => p.posted.length > 1);
  assert.deepEqual(p.posted.at(-1), { type: 'reply', id: 2, ok: false, error: 'Go to source is not available yet.' });
  const seen: OpenSourceRequest[] = [];
  const sub = panels.onDidRequestOpenSource(r => { seen.push(r); r.waitUntil(r.line === 3 ? Promise.resolve() : Promise.reject(new Error('no such file'))); });
  p.send({ type: 'openSource', id: 3, spanId: 'a1', location: { filePath: '/app/x.ts', line: 3, column: 2 } });
  p.send({ type: 'openSource', id: 4, location: { filePath: '/app/y.ts', line: 9 } });
  await until(() => p.posted.length > 3);
  assert.deepEqual(seen.map(r => [r.traceKey, r.filePath, r.line, r.column]), [['file:a#1', '/app/x.ts', 3, 2], ['file:a#1', '/app/y.ts', 9, undefined]]);
  assert.deepEqual(p.posted.slice(-2), [{ type: 'reply', id: 3, ok: true }, { type: 'reply', id: 4, ok: false, error: 'no such file' }]);
  sub.dispose();
  // Selection, copy, update, reveal, mapping.
  const sel: unknown[] = [];
  panels.onDidChangeSelection(s => sel.push(s));
  p.send({ type: 'selectionChanged', spanId: '00000000000000a3' });
  p.send({ type: 'copyText', text: 'hello' });
  await until(() => sel.length > 0 && fakeVscode.clipboard === 'hello');
  assert.deepEqual(sel, [{ traceKey: 'file:a#1', spanId: '00000000000000a3' }]);
  assert.equal(fakeVscode.clipboard, 'hello');
  const c2 = compact();
  assert.equal(panels.update('file:a#1', c2), true);
  assert.equal(panels.update('nope', c2), false);
  assert.equal(panels.reveal('file:a#1', '00000000000000a4'), true);
  panels.setMapping('file:a#1', { workspaceSpans: [0], currentFileSpans: [] });
  await tick();
  assert.deepEqual(p.posted.slice(-3).map(m => m.type), ['update', 'reveal', 'mapping']);
  assert.equal(panels.compactOf('file:a#1'), c2);
  panels.dispose();
});

test('a panel comes back after a reload from the stored copy', async () => {
  const ctx = fakeVscode.newContext();
  const log = newLog();
  const first = new WaterfallPanels(ctx as never, log);
  const c = compact();
  first.show({ compact: c, sourceLabel: 'file.json', traceKey: 'file:b#2' });
  await new Promise(r => setTimeout(r, 200));                         // the store is written asynchronously
  // A new window: a new WaterfallPanels, VS Code hands the serializer a panel and the webview's saved state.
  const second = new WaterfallPanels(ctx as never, log);
  const restored: string[] = [];
  second.onDidRestore(p => restored.push(p.traceKey));
  const p = makePanel();
  await second.deserializeWebviewPanel(p.panel as never, { traceKey: 'file:b#2', selected: null });
  assert.deepEqual(restored, ['file:b#2']);
  p.send({ type: 'ready', protocol: 1 });
  await tick();
  assert.equal(p.posted[0]?.type, 'init');
  assert.deepEqual(p.posted[0]!.compact, c);
  assert.equal(p.posted[0]!.sourceLabel, 'file.json');
  // Unknown key: the panel says so instead of staying empty.
  const q = makePanel();
  await second.deserializeWebviewPanel(q.panel as never, { traceKey: 'file:gone#3' });
  q.send({ type: 'ready', protocol: 1 });
  await tick();
  assert.equal(q.posted[0]?.type, 'error');
  first.dispose();
  second.dispose();
});

test('setFilter: posted when the panel is ready, held until after init when not', async () => {
  const { panels, p } = showSample('file:f#1', 'f.json');
  assert.equal(panels.setFilter('file:f#1', 'service=db'), true);
  assert.equal(panels.setFilter('nope', 'service=db'), false);
  await tick();
  assert.equal(p.posted.length, 0, 'nothing before ready');
  p.send({ type: 'ready', protocol: 1 });
  await tick();
  assert.deepEqual(p.posted.map(m => m.type), ['init', 'setFilter']);
  assert.deepEqual(p.posted[1], { type: 'setFilter', text: 'service=db' });
  panels.setFilter('file:f#1', 'status=error', 'hide');
  await tick();
  assert.deepEqual(p.posted.at(-1), { type: 'setFilter', text: 'status=error', mode: 'hide' });
  panels.dispose();
});

test('dropped files: bytes and file/vscode-remote URIs raise onDidRequestOpenDropped; other URIs and oversized or malformed messages do not', async () => {
  const { panels, p } = showSample('file:d#1', 'd.json');
  const seen: DroppedTrace[] = [];
  panels.onDidRequestOpenDropped(d => seen.push(d));
  p.send({ type: 'ready', protocol: 1 });
  const bytes = new Uint8Array([123, 125]);
  p.send({ type: 'openDroppedFile', name: 'orders.json', bytes });
  p.send({ type: 'openDroppedUris', uris: ['file:///home/me/t.json', 'vscode-remote://ssh-remote%2Bbox/t.json'] });
  p.send({ type: 'openDroppedUris', uris: ['file:///ok.json', 'https://evil.example/t.json'] });
  p.send({ type: 'openDroppedFile', name: 'x.json', bytes: 'not bytes' });
  await tick();
  assert.deepEqual(seen, [
    { traceKey: 'file:d#1', kind: 'bytes', name: 'orders.json', bytes },
    { traceKey: 'file:d#1', kind: 'uri', uri: 'file:///home/me/t.json' },
    { traceKey: 'file:d#1', kind: 'uri', uri: 'vscode-remote://ssh-remote%2Bbox/t.json' },
  ]);
  panels.dispose();
});
