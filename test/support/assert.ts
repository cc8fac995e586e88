// Assertions that the node:assert module lacks.
import assert from 'node:assert/strict';

/**
 * Each field of `expected` equals (deeply) the same field of `actual`; `actual`'s other fields are not looked at.
 * One comparison of the two, so a failure lists every field that differs, not only the first.
 */
export function assertFields(actual: object, expected: Record<string, unknown>, message?: string): void {
  const seen = Object.fromEntries(Object.keys(expected).map(k => [k, (actual as Record<string, unknown>)[k]]));
  assert.deepEqual(seen, expected, message);
}
