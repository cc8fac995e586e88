// fleetStats: the one place a key's engine figures become FleetStats (Prometheus and Tempo both go through it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fleetStats } from '../../../../src/core/fleet/stats';

const window = { startMs: 0, endMs: 60_000, stepMs: 15_000 };
const key = { service: 'shop', spanName: 'GET /item' };

test('error ratio is errors ÷ calls, capped at 1; none without calls; absent quantiles stay absent', () => {
  assert.deepEqual(fleetStats({ key, p95: 120, calls: 4, errors: 1 }, window, []), { key, window, p95Ms: 120, callsPerSec: 4, errorRatio: 0.25, p95Series: [] });
  assert.equal(fleetStats({ key, calls: 2, errors: 3 }, window, []).errorRatio, 1);
  assert.equal('errorRatio' in fleetStats({ key, calls: 0, errors: 0 }, window, []), false);
  assert.equal(fleetStats({ key, calls: 5 }, window, []).errorRatio, 0);
});
