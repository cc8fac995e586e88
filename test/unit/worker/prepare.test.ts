// StreamingPrepare, the reader behind the parse worker and the webview harness: when the partial traces come.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../../bench/gen-trace.mjs';
import { FIRST_PARTIAL_SPANS, FIRST_STEP_BYTES, StreamingPrepare } from '../../../src/worker/prepare';

test('the first partial trace comes once its spans are read, even from one big chunk (a file, a fast socket)', () => {
  const bytes = new TextEncoder().encode(JSON.stringify(generateTrace({ n: 8000, seed: 3, format: 'jaeger' })));
  const partials: number[] = [];
  const s = new StreamingPrepare({ expectedBytes: bytes.length, onPartial: p => partials.push(p.compact.spanCount) });
  s.write(bytes);
  const whole = s.finish();
  assert.equal(whole.traces[0]!.compact.spanCount, 8000);
  assert.ok(partials.length >= 1, 'a partial trace');
  // Within one small step of the first FIRST_PARTIAL_SPANS spans (not after a whole 1 MiB step: ~1,000 spans).
  const spanBytes = bytes.length / 8000;
  assert.ok(partials[0]! >= FIRST_PARTIAL_SPANS && partials[0]! <= FIRST_PARTIAL_SPANS + Math.ceil(FIRST_STEP_BYTES / spanBytes) + 1, `first partial: ${partials[0]} spans`);
});
