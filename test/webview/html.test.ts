// The panel's HTML: strict CSP with a nonce, resources only from the webview origin, no inline script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNonce, renderWaterfallHtml } from '../../src/host/waterfall/html';

test('CSP: default-src none, nonce-only scripts, styles and images from the webview origin only', () => {
  const nonce = makeNonce();
  const html = renderWaterfallHtml({ cspSource: 'vscode-webview://abc', nonce, scriptUri: 'vscode-webview://abc/dist/webview.js', styleUri: 'vscode-webview://abc/media/waterfall.css', title: 'T "<x>"' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  assert.ok(csp);
  const directives = Object.fromEntries(csp.split(';').map(d => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`]);
  assert.deepEqual(directives['style-src'], ['vscode-webview://abc']);
  assert.ok(!csp.includes('unsafe'));
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, new RegExp(`nonce="${nonce}" src="vscode-webview://abc/dist/webview.js"`));
  assert.equal(scripts[0]![2], '', 'no inline script');
  assert.ok(!/\son[a-z]+=/i.test(html), 'no inline handlers');
  assert.ok(html.includes('<title>T &quot;&lt;x&gt;&quot;</title>'));
});

test('nonces are long, random and attribute-safe', () => {
  const a = makeNonce(), b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_-]{32}$/);
});
