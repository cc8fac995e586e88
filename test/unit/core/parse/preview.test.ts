// previewJsonDocument: the document with the spans after the first N left out. Checked against a reference
// truncation of the parsed value (whatever the layout of the text), against the real readers, and on garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { previewJsonDocument } from '../../../../src/core/parse/preview';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { encodeOtlpProtobuf } from '../../../../src/core/otlp/proto';
import { REAL_FIXTURES } from '../../../support/paths';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** What the preview must equal: elements of `spans` arrays (and of a top-level array) past the first `max` dropped. */
function truncate(doc: Json, max: number): { value: Json; total: number } {
  let kept = 0, total = 0;
  const walk = (v: Json, spanArray: boolean): Json => {
    if (Array.isArray(v)) {
      if (!spanArray) return v.map(x => walk(x, false));
      const out: Json[] = [];
      for (const x of v) { total++; if (kept < max) { kept++; out.push(x); } }
      return out;
    }
    if (v && typeof v === 'object') {
      const out: { [k: string]: Json } = {};
      // defineProperty: a `__proto__` key is data here, as it is to JSON.parse.
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: walk(x, k === 'spans'), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  return { value: walk(doc, Array.isArray(doc)), total };
}

function jaeger(n: number): string {
  const spans = Array.from({ length: n }, (_, i) => ({
    traceID: 'aa', spanID: (i + 1).toString(16).padStart(16, '0'), operationName: `op "${i}" [x] {y}`,
    references: i === 0 ? [] : [{ refType: 'CHILD_OF', traceID: 'aa', spanID: '0000000000000001' }],
    startTime: 1_700_000_000_000_000 + i, duration: 10, tags: [{ key: 'note', type: 'string', value: 'a \\"spans\\":[ ] } \u2028' }], logs: [], processID: i % 2 ? 'p1' : 'p2',
  }));
  return JSON.stringify({ data: [{ traceID: 'aa', spans, processes: { p1: { serviceName: 'front', tags: [{ key: 'host', type: 'string', value: 'h1' }] }, p2: { serviceName: 'back', tags: [] } } }] });
}

test('Jaeger: the first N spans are kept with every process, and the total is counted', () => {
  const text = jaeger(10);
  const p = previewJsonDocument(enc(text), 3);
  assert.ok(p);
  assert.equal(p.keptSpans, 3);
  assert.equal(p.totalSpans, 10);
  assert.deepEqual(JSON.parse(dec(p.bytes)), truncate(JSON.parse(text) as Json, 3).value);
  const [trace] = parseTraceDocument(p.bytes).traces;
  assert.equal(trace!.spans.length, 3);
  assert.deepEqual(trace!.spans.map(s => s.resource.serviceName), ['back', 'front', 'back']);
});

test('no preview when the document has no more spans than asked for, or is not one JSON value', () => {
  assert.equal(previewJsonDocument(enc(jaeger(5)), 5), undefined);
  assert.equal(previewJsonDocument(enc(jaeger(5)), 10), undefined);
  assert.equal(previewJsonDocument(enc(`${jaeger(5)}\n${jaeger(5)}\n`), 2), undefined, 'JSON Lines');
  assert.equal(previewJsonDocument(enc('{"spans":[1,2,3]'), 1), undefined, 'cut off');
  assert.equal(previewJsonDocument(enc('{"spans":[1,2,3]]'), 1), undefined, 'trailing garbage');
  assert.equal(previewJsonDocument(enc('{"spans":[1,2,,3]}'), 1), undefined, 'double comma');
  assert.equal(previewJsonDocument(enc('{"spans":["a\\"]}'), 0), undefined, 'unterminated string');
  assert.equal(previewJsonDocument(new Uint8Array(0), 1), undefined);
  assert.equal(previewJsonDocument(enc('   '), 1), undefined);
  assert.equal(previewJsonDocument(enc('"spans"'), 1), undefined);
});

test('OTLP: the budget runs across resource and scope spans; later resources keep their resource with no spans', () => {
  const rs = (svc: string, ids: number[]) => ({ resource: { attributes: [{ key: 'service.name', value: { stringValue: svc } }] }, scopeSpans: [{ scope: { name: 'lib' }, spans: ids.map(i => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: i.toString(16).padStart(16, '0'), name: `s${i}`, kind: 1, startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)), endTimeUnixNano: String(1_700_000_000_000_000_100n + BigInt(i)) })) }] });
  const doc = { resourceSpans: [rs('a', [1, 2]), rs('b', [3, 4, 5]), rs('c', [6])] };
  const text = JSON.stringify(doc, null, 2);
  const p = previewJsonDocument(enc(text), 3)!;
  assert.equal(p.totalSpans, 6);
  assert.deepEqual(JSON.parse(dec(p.bytes)), truncate(doc as unknown as Json, 3).value);
  const [trace] = parseTraceDocument(p.bytes).traces;
  assert.deepEqual(trace!.spans.map(s => `${s.resource.serviceName}/${s.name}`), ['a/s1', 'a/s2', 'b/s3']);
});

test('Zipkin: a top-level array is the span list; a BOM is allowed', () => {
  const spans = Array.from({ length: 4 }, (_, i) => ({ traceId: 'a1', id: `b${i}`, name: 'x', timestamp: 1 + i, duration: 2, localEndpoint: { serviceName: 's' } }));
  const p = previewJsonDocument(enc(`\uFEFF ${JSON.stringify(spans)} \n`), 1)!;
  assert.equal(p.totalSpans, 4);
  assert.deepEqual(JSON.parse(dec(p.bytes).replace(/^\uFEFF/, '')), [spans[0]]);
  assert.equal(previewJsonDocument(enc(JSON.stringify(spans)), 0)?.bytes.length, 2, 'all left out: []');
});

test('protobuf bytes give no preview', () => {
  const pb = encodeOtlpProtobuf(parseTraceDocument(enc(jaeger(4))).traces);
  assert.equal(previewJsonDocument(pb, 1), undefined);
});

test('nesting deeper than the walk looks is skipped whole, and absurd nesting does not throw', () => {
  const deep = `{"a":${'{"a":'.repeat(40)}{"spans":[1,2,3]}${'}'.repeat(40)},"spans":[1,2,3]}`;
  const p = previewJsonDocument(enc(deep), 1)!;
  assert.equal(p.totalSpans, 3, 'the span array below the walk depth is not counted');
  assert.doesNotThrow(() => previewJsonDocument(enc(`{"spans":${'['.repeat(200_000)}${']'.repeat(200_000)}}`), 0));
  assert.doesNotThrow(() => previewJsonDocument(enc(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`), 0));
});

const jsonArb = fc.letrec<{ value: Json; traceish: Json }>(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Json>(null, true, false, 0, -1.5e300, ''),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('spans', 'span', 'Spans', 'a', '"spans"', 'processes', 's\\pans'), tie('value'), { maxKeys: 4 }),
  ),
  traceish: fc.record({ data: fc.array(fc.record({ spans: fc.array(tie('value'), { maxLength: 6 }), processes: tie('value') }), { maxLength: 3 }) }),
}));

test('property: the preview equals the reference truncation, compact or pretty-printed', () => {
  fc.assert(fc.property(fc.oneof(jsonArb.value, jsonArb.traceish), fc.nat(6), fc.boolean(), (doc, max, pretty) => {
    const text = pretty ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
    if (text === undefined) return;
    const p = previewJsonDocument(enc(text), max);
    const ref = truncate(doc, max);
    if (typeof doc !== 'object' || doc === null || ref.total <= max) { assert.equal(p, undefined); return; }
    assert.ok(p, text);
    assert.equal(p.totalSpans, ref.total);
    assert.equal(p.keptSpans, max);
    // Compared as text: key order is kept, and `__proto__` keys stay plain keys on both sides.
    assert.equal(JSON.stringify(JSON.parse(dec(p.bytes))), JSON.stringify(ref.value));
  }), { numRuns: 400 });
});

test('property: mutated documents never throw, and a preview of valid JSON is valid JSON', () => {
  const base = enc(jaeger(6));
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.constantFrom(0x22, 0x5c, 0x5b, 0x5d, 0x7b, 0x7d, 0x2c, 0x3a, 0x20, 0x61)), { minLength: 1, maxLength: 6 }), edits => {
    const b = base.slice();
    for (const [at, byte] of edits) b[at] = byte;
    const p = previewJsonDocument(b, 2);
    // Left-out spans are not validated (the full parse that follows reports them), kept text is copied as is.
    let valid = true;
    try { JSON.parse(dec(b)); } catch { valid = false; }
    if (p && valid) assert.doesNotThrow(() => JSON.parse(dec(p.bytes)));
  }), { numRuns: 300 });
});

test('real fixtures: each JSON document previews to the same format with its first spans', () => {
  let checked = 0;
  for (const dir of readdirSync(REAL_FIXTURES, { withFileTypes: true }).filter(d => d.isDirectory())) {
    for (const f of readdirSync(join(REAL_FIXTURES, dir.name)).filter(x => x.endsWith('.json'))) {
      const bytes = new Uint8Array(readFileSync(join(REAL_FIXTURES, dir.name, f)));
      let full;
      try { full = parseTraceDocument(bytes); } catch { continue; }
      const spans = full.traces.reduce((a, t) => a + t.spans.length, 0);
      if (spans < 2) continue;
      const p = previewJsonDocument(bytes, 1);
      if (!p) continue;
      const part = parseTraceDocument(p.bytes);
      assert.equal(part.format, full.format, f);
      const partSpans = part.traces.flatMap(t => t.spans.map(s => s.spanId));
      assert.ok(partSpans.length <= 1, `${f}: ${partSpans.length} spans kept`);
      checked++;
    }
  }
  assert.ok(checked > 5, `only ${checked} fixtures previewed`);
});
