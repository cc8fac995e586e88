import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAnalysis, buildTrace, sampleSpecs } from '../../support/webview-builders';
import { CompactTraceError, decodeCompactTrace, encodeCompactTrace, transferables, validateCompactTrace } from '../../../src/protocol/compact';
import type { CompactTrace } from '../../../src/protocol/compact';
import { SpanFlag } from '../../../src/core/analysis/types';

function sample() {
  const trace = buildTrace(sampleSpecs());
  const analysis = buildAnalysis(trace);
  return { trace, analysis, compact: encodeCompactTrace(analysis) };
}

test('span and parent IDs read back: a child before its parent, an orphan, a duplicate ID, a span without one', () => {
  const trace = buildTrace([
    { id: '00000000000000b2', parent: '00000000000000b1', name: 'child first', startMs: 1, durMs: 1 },
    { id: '00000000000000b1', name: 'root', startMs: 0, durMs: 5 },
    { id: '00000000000000b3', parent: '00000000000000b1', name: 'twin a', startMs: 2, durMs: 1 },
    { id: '00000000000000b3', parent: '00000000000000b1', name: 'twin b', startMs: 3, durMs: 1 },
    { id: '00000000000000b4', parent: '00000000000000b3', name: 'under a twin', startMs: 3, durMs: 1 },
    { id: '00000000000000b5', parent: '0000000000000bad', name: 'orphan', startMs: 4, durMs: 1 },
    { id: '', name: 'no id', startMs: 4, durMs: 1 },
  ]);
  const v = decodeCompactTrace(encodeCompactTrace(buildAnalysis(trace)));
  trace.spans.forEach((s, i) => {
    assert.equal(v.spanId(i), s.spanId, `span ${i}`);
    assert.equal(v.parentSpanId(i), s.parentId, `parent of span ${i}`);
  });
});

test('round trip: every span reads back through CompactView', () => {
  const { trace, analysis, compact } = sample();
  const v = decodeCompactTrace(compact);
  assert.equal(v.spanCount, trace.spans.length);
  assert.equal(v.traceId, trace.traceId);
  trace.spans.forEach((s, i) => {
    assert.equal(v.spanId(i), s.spanId);
    assert.equal(v.parentSpanId(i), s.parentId);
    assert.equal(v.name(i), s.name);
    assert.equal(v.service(i), s.resource.serviceName);
    assert.equal(v.kind(i), s.kind);
    assert.equal(v.status(i), s.status.code);
    assert.equal(v.statusMessage(i), s.status.message);
    assert.equal(v.durationNsOf(i), s.durationNs);
    assert.equal(v.startNsOf(i), s.startNs);
    assert.equal(v.selfNs(i), analysis.selfTimeNs[i]);
    assert.equal(v.depth(i), analysis.tree.depth[i]);
    assert.equal(v.parent(i), analysis.tree.parent[i]);
    assert.deepEqual(v.attributes(i).map(a => a.key), s.attributes.map(a => a.key));
    assert.deepEqual(v.events(i).map(e => e.name), s.events.map(e => e.name));
    assert.deepEqual(v.links(i).map(l => [l.traceId, l.spanId]), s.links.map(l => [l.traceId, l.spanId]));
    assert.deepEqual(v.resourceAttributes(i).map(a => a.key), s.resource.attributes.map(a => a.key));
    assert.equal(v.scope(i)?.name, s.scope?.name);
  });
  assert.deepEqual([...compact.cols.preorder], [...analysis.tree.preorder]);
  assert.deepEqual([...compact.cols.criticalPath], analysis.criticalPath);
});

test('typed attribute values keep their type and exact text (int64 beyond 2^53, bool, double, arrays)', () => {
  const trace = buildTrace([{ id: '1', name: 'x', startMs: 0, durMs: 1, attrs: { big: 9007199254740993n, ok: true, ratio: 0.25, list: { array: ['a', 1n] }, raw: { bytes: 'AAE=' } } }]);
  const v = decodeCompactTrace(encodeCompactTrace(buildAnalysis(trace)));
  const byKey = Object.fromEntries(v.attributes(0).map(a => [a.key, a]));
  assert.deepEqual([byKey.big?.type, byKey.big?.value], ['int', '9007199254740993']);
  assert.deepEqual([byKey.ok?.type, byKey.ok?.value], ['bool', 'true']);
  assert.deepEqual([byKey.ratio?.type, byKey.ratio?.value], ['double', '0.25']);
  assert.deepEqual([byKey.list?.type, byKey.list?.value], ['array', '["a",1]']);
  assert.deepEqual([byKey.raw?.type, byKey.raw?.value], ['bytes', 'AAE=']);
  assert.equal(v.attribute(0, 'ok'), 'true');
  assert.equal(v.attribute(0, 'nope'), undefined);
});

test('code locations, events relative to trace start, flags and index lookup', () => {
  const { compact } = sample();
  const v = decodeCompactTrace(compact);
  assert.deepEqual(v.codeLocation(0), { source: 'code.attributes.old', filePath: '/app/src/checkout.ts', line: 42 });
  assert.equal(v.codeLocation(1), undefined);
  assert.equal(v.events(2)[0]?.relNs, 20e6);
  assert.deepEqual([...v.eventTimes(2)], [20e6]);
  assert.ok(v.flags(4) & SpanFlag.Error);
  assert.ok(v.flags(5) & SpanFlag.Orphan);
  assert.equal(v.indexOf('00000000000000a4'), 3);
  assert.equal(v.indexOf('00000000000000A4'), 3);
  assert.equal(v.indexOf('nope'), -1);
  assert.equal(v.events(4)[0]?.attributes.find(a => a.key === 'exception.type')?.value, 'PaymentError');
});

test('strings are interned once and long values are cut and marked', () => {
  const big = 'x'.repeat(300_000);
  const trace = buildTrace([
    { id: '1', name: 'same', startMs: 0, durMs: 2, attrs: { big } },
    { id: '2', parent: '1', name: 'same', startMs: 0, durMs: 1, attrs: { k: 'same' } },
  ]);
  const c = encodeCompactTrace(buildAnalysis(trace), { maxValueChars: 1000 });
  assert.equal(c.cols.name[0], c.cols.name[1]);
  const v = decodeCompactTrace(c);
  const a = v.attributes(0)[0]!;
  assert.equal(a.value.length, 1000);
  assert.equal(a.truncated, true);
  assert.equal(v.attributes(1)[0]!.value, 'same');
  assert.ok(c.strings.length < 2000);
});

test('resources are shared by identity or content', () => {
  const trace = buildTrace([{ id: '1', name: 'a', service: 's', startMs: 0, durMs: 2 }, { id: '2', parent: '1', name: 'b', service: 's', startMs: 0, durMs: 1 }]);
  // Same content, different objects:
  const spans = trace.spans.map(s => ({ ...s, resource: { ...s.resource, attributes: [...s.resource.attributes] } }));
  const c = encodeCompactTrace(buildAnalysis({ ...trace, spans }));
  assert.equal(c.cols.resService.length, 1);
});

test('validation rejects out-of-range indices and bad lengths', () => {
  const mutate = (f: (c: CompactTrace) => void) => {
    const { compact } = sample();
    f(compact);
    return () => validateCompactTrace(compact);
  };
  assert.throws(mutate(c => { (c.cols.name as Uint32Array)[0] = 1e6; }), CompactTraceError);
  assert.throws(mutate(c => { (c.cols.parent as Int32Array)[1] = 99; }), CompactTraceError);
  assert.throws(mutate(c => { (c as { spanCount: number }).spanCount = 7; }), CompactTraceError);
  assert.throws(mutate(c => { (c.cols.attrRange as Uint32Array)[1] = 1e6; }), CompactTraceError);
  assert.throws(mutate(c => { (c as { strings: string }).strings += 'x'; }), CompactTraceError);
  assert.throws(mutate(c => { (c.cols.preorder as Int32Array)[0] = -1; }), CompactTraceError);
  assert.doesNotThrow(mutate(() => {}));
});

test('transferables lists each typed array buffer once and survives structuredClone with transfer', () => {
  const { compact } = sample();
  const list = transferables(compact);
  assert.equal(new Set(list).size, list.length);
  assert.ok(list.length >= 40);
  const copy = structuredClone(compact, { transfer: list });
  const v = decodeCompactTrace(copy);
  assert.equal(v.name(3), 'SELECT cart');
  assert.equal(compact.cols.name.length, 0, 'source buffers were transferred');
});

test('empty trace encodes and decodes', () => {
  const trace = buildTrace([]);
  const v = decodeCompactTrace(encodeCompactTrace(buildAnalysis(trace)));
  assert.equal(v.spanCount, 0);
  assert.deepEqual(v.roots(), []);
});

test('compact file round trip keeps every column and rejects damaged bytes', async () => {
  const { serializeCompactTrace, deserializeCompactTrace } = await import('../../../src/protocol/compact-file');
  const { compact } = sample();
  const bytes = serializeCompactTrace(compact);
  const back = deserializeCompactTrace(bytes);
  assert.deepEqual(back, compact);
  assert.throws(() => deserializeCompactTrace(bytes.subarray(0, bytes.length - 50)));
  // As the host reads it back: a Node Buffer at an offset inside a larger allocation (slice does not copy there).
  const inBuffer = Buffer.concat([Buffer.from('label line\n'), Buffer.from(bytes)]);
  assert.deepEqual(deserializeCompactTrace(inBuffer.subarray(11)), compact);
  assert.throws(() => deserializeCompactTrace(new TextEncoder().encode('hello\n')));
});

test('compact file round trip keeps a string table that begins with U+FEFF (it is a character of the first string)', async () => {
  const { serializeCompactTrace, deserializeCompactTrace } = await import('../../../src/protocol/compact-file');
  const { compact } = sample();
  // The same trace with U+FEFF before its first string (string 0 is the empty string, ending at 0): every other
  // string end moves by one.
  const withBom = { ...compact, strings: `\ufeff${compact.strings}`, stringEnds: compact.stringEnds.map((e, k) => (k === 0 ? 0 : e + 1)) };
  assert.deepEqual(deserializeCompactTrace(serializeCompactTrace(withBom)), withBom);
});
