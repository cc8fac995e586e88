// ingest() for OTLP JSON: the fast transcoding path and the full parser's path answer and store alike, and a span
// the full path reads but protobuf cannot carry is refused in the answer, never dropped silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../../../bench/gen-trace.mjs';
import { ingest } from '../../../../src/backends/receiver/ingest';
import { TraceStore } from '../../../../src/backends/receiver/store';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { transcodeOtlpJson } from '../../../../src/core/parse/otlp-json-transcode';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const T = '0af7651916cd43dd8448eb211c80319c';
const span = (spanId: string, over: Record<string, unknown> = {}) => ({ traceId: T, spanId, name: 'op', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000', ...over });

test('a JSON request the fast path takes is stored span for span as parsed, and answered as fully accepted', () => {
  const doc = generateTrace({ n: 300, seed: 5, format: 'otlp' });
  const body = enc(doc);
  assert.ok(transcodeOtlpJson(body), 'the generated request has the plain exporter shape');
  const store = new TraceStore({ completeAfterMs: 0 });
  const out = ingest(store, body, 'json');
  assert.deepEqual(out, { kind: 'ok', received: 300, accepted: 300, duplicates: 0, rejected: 0, message: '' });
  const parsed = parseTraceDocument(body, { format: 'otlp' }).traces[0]!;
  const stored = store.get(parsed.traceId)!;
  const bySpan = (a: { spanId: string }, b: { spanId: string }) => (a.spanId < b.spanId ? -1 : 1);
  const strip = (s: object) => JSON.stringify(s, (k, v: unknown) => (typeof v === 'bigint' ? `${v}` : k === 'warnings' ? undefined : v));
  assert.deepEqual([...stored.spans].sort(bySpan).map(strip), [...parsed.spans].sort(bySpan).map(strip));
  // the same request again: every span a duplicate, as on the full path
  const again = ingest(store, body, 'json');
  assert.equal(again.kind === 'ok' && again.duplicates, 300);
  store.dispose();
});

test('a JSON span with start time 0 (unset in protobuf) is refused in partialSuccess, not dropped silently', () => {
  const body = enc({ resourceSpans: [{ scopeSpans: [{ spans: [span('b7ad6b7169203331'), span('c7ad6b7169203331', { startTimeUnixNano: '0' })] }] }] });
  assert.equal(transcodeOtlpJson(body), undefined, 'the full parser\'s case');
  const store = new TraceStore({ completeAfterMs: 0 });
  const out = ingest(store, body, 'json');
  assert.equal(out.kind, 'ok');
  if (out.kind !== 'ok') return;
  assert.equal(out.accepted, 1);
  assert.equal(out.rejected, 1, 'the span the store could not keep is reported');
  assert.match(out.message, /1 unreadable span/);
  assert.equal(store.get(T)!.spans.length, 1);
  store.dispose();
});

test('malformed JSON and spans with bad IDs get the same answers as before the fast path', () => {
  const store = new TraceStore({ completeAfterMs: 0 });
  assert.equal(ingest(store, new TextEncoder().encode('{"resourceSpans":[{'), 'json').kind, 'bad');
  const out = ingest(store, enc({ resourceSpans: [{ scopeSpans: [{ spans: [span('b7ad6b7169203331'), span('00000000000000zz')] }] }] }), 'json');
  assert.equal(out.kind === 'ok' && out.accepted, 1);
  assert.equal(out.kind === 'ok' && out.rejected, 1);
  assert.deepEqual(ingest(store, enc({}), 'json'), { kind: 'ok', received: 0, accepted: 0, duplicates: 0, rejected: 0, message: '' });
  store.dispose();
});
