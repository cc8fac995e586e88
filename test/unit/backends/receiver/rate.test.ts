import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateMeter } from '../../../../src/backends/receiver/rate';

test('spans/s over a moving window forgets old seconds', () => {
  let now = 100_000;
  const m = new RateMeter(10, () => now);
  for (let s = 0; s < 10; s++) { m.record(1000); now += 1000; }
  now -= 1; // end of the 10th second
  assert.ok(Math.abs(m.perSecond() - 1000) < 5, String(m.perSecond()));
  now += 20_000;
  assert.equal(m.perSecond(), 0);
  m.record(500);
  assert.ok(m.perSecond() > 0 && m.perSecond() <= 500 / 9);
});
