// Span data and workspace files are untrusted: the engine's parsers of names, routes, SQL, URLs and quoted strings
// stay fast and never throw on hostile or random input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCodeName } from '../../../../../src/core/mapping/engine/names';
import { routeKey, scanQuoted, spanRoute, sqlKey, urlPath, urlTemplate } from '../../../../../src/core/mapping/engine/literals';
import { textOutline } from '../../../../../src/core/mapping/engine/textOutline';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const ALPHABET = ['a', 'Z', '.', '$', '/', '\\', '(', ')', '*', ':', '#', '{', '}', '<', '>', "'", '"', '`', '\n', ' ', '1', 'select ', '/*', '--', '%s', '${', 'lambda$', '::', '->'];

test('random input: every parser returns or gives up, never throws', () => {
  const r = rng(42);
  for (let n = 0; n < 3000; n++) {
    const len = Math.floor(r() * 200);
    let s = '';
    for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
    parseCodeName(s, r() < 0.5 ? s.slice(0, 20) : undefined);
    routeKey(s); spanRoute(s, s); sqlKey('select ' + s); urlPath(s); urlTemplate(s);
    scanQuoted(s, () => undefined);
    textOutline(s);
  }
  assert.ok(true);
});

test('hostile input stays fast', () => {
  const hostile = [
    'select ' + '/*'.repeat(4000), 'select ' + "'".repeat(7000), 'select ' + '$1 '.repeat(2600),
    '/'.repeat(100_000), '{'.repeat(100_000), 'a.'.repeat(100_000), '('.repeat(100_000) + ')',
    '"'.repeat(200_000), '"""' + 'x'.repeat(200_000), '`\n'.repeat(100_000), 'class X {\n'.repeat(20_000),
  ];
  for (const h of hostile) {
    const t0 = performance.now();
    parseCodeName(h); routeKey(h); sqlKey(h); urlTemplate(h); urlPath(h);
    let n = 0;
    scanQuoted(h, () => { n++; });
    assert.ok(n <= h.length);
    textOutline(h.slice(0, 200_000));
    const ms = performance.now() - t0;
    assert.ok(ms < 1500, `${ms.toFixed(0)} ms for ${JSON.stringify(h.slice(0, 12))}`);
  }
});
