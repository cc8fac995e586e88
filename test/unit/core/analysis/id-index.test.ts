import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanIdIndex } from '../../../../src/core/analysis/id-index';

test('hex and opaque IDs, first index wins, case-insensitive hex, misses are -1', () => {
  const ix = new SpanIdIndex(8);
  assert.equal(ix.add('00f067aa0ba902b7', 0), 0);
  assert.equal(ix.add('span-1', 1), 1);
  assert.equal(ix.add('00F067AA0BA902B7', 2), 0, 'same ID in upper case');
  assert.equal(ix.add('span-1', 3), 1);
  assert.equal(ix.add('00f067aa0ba902bg', 4), 4, '16 chars but not hex: opaque');
  assert.equal(ix.get('00f067aa0ba902b7'), 0);
  assert.equal(ix.get('span-1'), 1);
  assert.equal(ix.get('00f067aa0ba902bg'), 4);
  assert.equal(ix.get('ffffffffffffffff'), -1);
  assert.equal(ix.get('nope'), -1);
});

test('100k random IDs (and colliding high halves) all resolve', () => {
  const n = 100_000;
  const ix = new SpanIdIndex(n);
  const ids: string[] = [];
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // half of them share the high 32 bits to exercise probing
    const hi = i % 2 ? 'deadbeef' : x.toString(16).padStart(8, '0');
    ids.push(hi + ((x ^ i) >>> 0).toString(16).padStart(8, '0') );
  }
  const unique = new Map<string, number>();
  ids.forEach((id, i) => { if (!unique.has(id)) unique.set(id, i); });
  ids.forEach((id, i) => assert.equal(ix.add(id, i), unique.get(id)));
  for (const [id, i] of unique) assert.equal(ix.get(id), i);
});
