// 1,000,000 spans: about 1 GB of Jaeger JSON, more than the longest string V8 can hold (so JSON.parse cannot read
// it at all), streamed to TraceStreamParser without ever being held whole (test/support/big-trace.ts). Checks the
// span count, the tree (every span's parent is in the trace; each copy's root hangs under the one root) and that
// the heap stays bounded while reading. Timing is the bench's business (npm run bench:webview), not this test's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { TraceStreamParser } from '../../src/core/parse/stream';
import { bigJaegerTrace, copyId } from '../support/big-trace';

const BASE = 10_000;
const COPIES = 100;

test('a 1,000,000-span Jaeger document (over V8\'s longest string) is read as it streams, with its whole tree', { timeout: 900_000 }, () => {
  const big = bigJaegerTrace(BASE, COPIES, 1);
  assert.equal(big.spanCount, 1_000_000);
  assert.ok(big.bytes > constants.MAX_STRING_LENGTH, `${big.bytes} bytes > ${constants.MAX_STRING_LENGTH} (V8's longest string)`);
  const p = new TraceStreamParser();
  let peak = 0;
  let k = 0;
  let firstSpansAt = -1;
  for (const chunk of big.chunks(1024 * 1024)) {
    p.write(chunk);
    if (firstSpansAt < 0 && p.spanCount > 0) firstSpansAt = k;
    if (++k % 64 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  assert.equal(firstSpansAt, 0, 'spans are read from the first chunk');
  const r = p.finish();
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  assert.equal(r.traces.length, 1);
  const spans = r.traces[0]!.spans;
  assert.equal(spans.length, 1_000_000);
  // The tree: one root, every parent present, and the copies' roots under the original root.
  const ids = new Set<string>();
  for (const s of spans) ids.add(s.spanId);
  assert.equal(ids.size, 1_000_000, 'span IDs are distinct');
  let roots = 0;
  for (const s of spans) {
    if (s.parentId === undefined) { roots++; continue; }
    if (!ids.has(s.parentId)) assert.fail(`span ${s.spanId}: parent ${s.parentId} is not in the trace`);
  }
  assert.equal(roots, 1);
  const byId = new Map(spans.slice(0, BASE + 10).map(s => [s.spanId, s]));
  for (const k2 of [1, 2]) assert.equal(spans[k2 * BASE]!.spanId, copyId(big.rootSpanId, k2));
  assert.equal(spans[BASE]!.parentId, big.rootSpanId);
  assert.ok(byId.get(big.rootSpanId));
  // Services arrive after the spans (Jaeger writes processes last) and are filled in.
  assert.ok(!spans.some(s => s.resource.serviceName === 'unknown_service'));
  // The model of 1M spans, without the document: well under the 1 GB of JSON it came from.
  assert.ok(peak < 1.6 * 1024 ** 3, `heap peaked at ${Math.round(peak / 1048576)} MB`);
});
