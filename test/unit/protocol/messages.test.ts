import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DROPPED_BYTES, parseHostMessage, parseWebviewMessage, PROTOCOL_VERSION } from '../../../src/protocol/messages';
import { encodeCompactTrace } from '../../../src/protocol/compact';
import { buildAnalysis, buildTrace, sampleSpecs } from '../../support/webview-builders';

test('valid webview messages pass, invalid ones are dropped and logged', () => {
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  assert.deepEqual(parseWebviewMessage({ type: 'ready', protocol: PROTOCOL_VERSION }, log), { type: 'ready', protocol: 1 });
  const open = { type: 'openSource', id: 3, spanId: 'a1', location: { filePath: '/app/x.ts', line: 4, column: 2 } };
  assert.deepEqual(parseWebviewMessage(open, log), open);
  assert.equal(logs.length, 0);
  assert.equal(parseWebviewMessage({ type: 'openSource', id: 3, location: { filePath: '', line: 0 } }, log), undefined);
  assert.equal(parseWebviewMessage({ type: 'evil' }, log), undefined);
  assert.equal(parseWebviewMessage('ready', log), undefined);
  assert.equal(parseWebviewMessage(null, log), undefined);
  assert.equal(parseWebviewMessage({ type: 'ready', protocol: 2 }, log), undefined);
  assert.equal(logs.length, 5);
  assert.match(logs[0]!, /dropped invalid webview message \(openSource\)/);
});

test('init carries a compact trace through structured clone and validates; a broken compact is dropped', () => {
  const logs: string[] = [];
  const compact = encodeCompactTrace(buildAnalysis(buildTrace(sampleSpecs())));
  const init = structuredClone({ type: 'init', protocol: 1, traceKey: 'k', sourceLabel: 'file.json', compact, selectSpanId: '00000000000000a3' });
  const m = parseHostMessage(init, l => logs.push(l));
  assert.equal(m?.type, 'init');
  assert.equal(logs.length, 0);
  const broken = structuredClone(init) as { compact: { cols: { name: unknown } } };
  broken.compact.cols.name = [1, 2, 3];
  assert.equal(parseHostMessage(broken, l => logs.push(l)), undefined);
  assert.match(logs[0]!, /cols\.name/);
});

test('replies: ok and error forms', () => {
  const log = (m: string): void => { assert.fail(`should be valid: ${m}`); };
  assert.deepEqual(parseHostMessage({ type: 'reply', id: 1, ok: true }, log), { type: 'reply', id: 1, ok: true });
  assert.deepEqual(parseHostMessage({ type: 'reply', id: 2, ok: false, error: 'no such file' }, log), { type: 'reply', id: 2, ok: false, error: 'no such file' });
  assert.equal(parseHostMessage({ type: 'reply', id: 2, ok: false }, () => {}), undefined);
});

test('mapping accepts index arrays and Int32Array', () => {
  const m = parseHostMessage({ type: 'mapping', mapping: { workspaceSpans: Int32Array.of(1, 2), currentFileSpans: [2], currentFile: '/a.ts' } }, (m: string) => { assert.fail(m); });
  assert.equal(m?.type, 'mapping');
});

test('dropped files: bytes bounded to MAX_DROPPED_BYTES, URIs only file/vscode-remote; setFilter text bounded', () => {
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  const bytes = new Uint8Array([123, 125]);
  assert.deepEqual(parseWebviewMessage({ type: 'openDroppedFile', name: 't.json', bytes }, log), { type: 'openDroppedFile', name: 't.json', bytes });
  // Zero-filled and lazily mapped: no real memory is touched.
  assert.equal(parseWebviewMessage({ type: 'openDroppedFile', name: 'big.json', bytes: new Uint8Array(MAX_DROPPED_BYTES + 1) }, log), undefined);
  assert.equal(parseWebviewMessage({ type: 'openDroppedFile', name: 't.json', bytes: [1, 2] }, log), undefined);
  assert.equal(parseWebviewMessage({ type: 'openDroppedFile', name: '', bytes }, log), undefined);
  const uris = ['file:///a/t.json', 'vscode-remote://ssh-remote%2Bbox/t.json', 'FILE:///b.json'];
  assert.deepEqual(parseWebviewMessage({ type: 'openDroppedUris', uris }, log), { type: 'openDroppedUris', uris });
  for (const bad of ['https://example.com/t.json', 'javascript:alert(1)', 'command:workbench.action.quit', 'untitled:x', ' file:///a', 'file:relative'])
    assert.equal(parseWebviewMessage({ type: 'openDroppedUris', uris: ['file:///ok.json', bad] }, log), undefined, bad);
  assert.equal(parseWebviewMessage({ type: 'openDroppedUris', uris: [] }, log), undefined);
  assert.equal(logs.length, 3 + 6 + 1);
  assert.deepEqual(parseHostMessage({ type: 'setFilter', text: 'service=db', mode: 'hide' }, log), { type: 'setFilter', text: 'service=db', mode: 'hide' });
  assert.equal(parseHostMessage({ type: 'setFilter', text: 'x'.repeat(1001) }, log), undefined);
  assert.equal(parseHostMessage({ type: 'setFilter', text: 'a', mode: 'blink' }, log), undefined);
});
