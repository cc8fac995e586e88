import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount } from '../../../../src/core/units/count';

test('counts are grouped in threes, as en-US toLocaleString writes them', () => {
  const en = new Intl.NumberFormat('en-US');
  for (const n of [0, 7, 999, 1000, 12_345, 100_000, 999_999, 1_000_000, 1_234_567_890, -1, -1000, -12_345_678, Number.MAX_SAFE_INTEGER]) {
    assert.equal(formatCount(n), en.format(n), String(n));
  }
});

test('what is not an integer is written plainly', () => {
  assert.equal(formatCount(1.5), '1.5');
  assert.equal(formatCount(Number.NaN), 'NaN');
  assert.equal(formatCount(Infinity), 'Infinity');
  assert.equal(formatCount(1e21), '1e+21');
});
