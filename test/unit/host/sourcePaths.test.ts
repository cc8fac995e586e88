import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toEditorPosition } from '../../../src/host/sourcePaths';

test('1-based span lines and columns become 0-based editor positions', () => {
  assert.deepEqual(toEditorPosition(1, 1), { line0: 0, character0: 0 });
  assert.deepEqual(toEditorPosition(42, 7), { line0: 41, character0: 6 });
  assert.deepEqual(toEditorPosition(42), { line0: 41, character0: 0 });
  for (const bad of [undefined, 0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.deepEqual(toEditorPosition(bad, bad), { line0: 0, character0: 0 }, String(bad));
  }
  assert.deepEqual(toEditorPosition(10.9, 2.2), { line0: 9, character0: 1 });
});
