// The one duration format (src/core/units/duration.ts): units by size, three significant figures, the unit chosen
// after rounding, minutes and hours, signs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatDurationDelta, formatMicros } from '../../../../src/core/units/duration';

test('a number, a space and the largest unit that keeps it at 1 or more, to three significant figures', () => {
  const cases: [number, string][] = [
    [0, '0 ns'], [850, '850 ns'], [999.4, '999 ns'], [999.6, '1 µs'], [1_000, '1 µs'], [12_500, '12.5 µs'], [12_345, '12.3 µs'],
    [999_960, '1 ms'], [1_234_000, '1.23 ms'], [1.5e6, '1.5 ms'], [40e6, '40 ms'], [182.4e6, '182 ms'], [999.7e6, '1 s'],
    [1.25e9, '1.25 s'], [45.6e9, '45.6 s'], [59.94e9, '59.9 s'], [59.96e9, '1m 00s'], [125e9, '2m 05s'], [3599.4e9, '59m 59s'],
    [3599.6e9, '1h 00m'], [3720e9, '1h 02m'], [26 * 3600e9, '26h 00m'],
  ];
  for (const [ns, text] of cases) assert.equal(formatDuration(ns), text, `${ns} ns`);
});

test('differences carry a sign; what is not a number is a dash', () => {
  assert.equal(formatDuration(-3.5e3), '\u22123.5 µs');
  assert.equal(formatDurationDelta(102e6), '+102 ms');
  assert.equal(formatDurationDelta(-2e6), '\u22122 ms');
  assert.equal(formatDurationDelta(0), '0 ns');
  for (const bad of [NaN, Infinity, -Infinity]) assert.equal(formatDuration(bad), '–');
  assert.equal(formatMicros(270_000), '270 ms');
});
