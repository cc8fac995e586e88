// The streaming JSON reader against JSON.parse: the same values for valid documents however the bytes are cut into
// chunks (every split offset, and random multi-way splits), the same accept/reject decision for mutated documents,
// exact integers beyond 2^53, streamed arrays handed over element by element, and bounded depth and token size on
// hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { OWN_FIXTURES } from '../../../support/paths';
import { JsonStreamError, JsonStreamReader, parseJsonChunks, type JsonPath } from '../../../../src/core/parse/json-stream';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Integers a double cannot hold are kept as their text by the stream reader: JSON.parse's value rounded them. */
function expected(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _k: string, v: unknown) { return v; });
}

/** Compare with JSON.parse, allowing only the documented difference (unsafe integers as exact text). */
function sameAsJsonParse(got: unknown, want: unknown, path = '$'): void {
  if (typeof got === 'string' && typeof want === 'number' && /^-?\d+$/.test(got)) {
    assert.ok(!Number.isSafeInteger(Number(got)), `${path}: ${got} is a safe integer but came as text`);
    assert.equal(Number(got), want, path);
    return;
  }
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${path}: expected an array`);
    assert.equal(got.length, want.length, `${path}: length`);
    for (let i = 0; i < want.length; i++) sameAsJsonParse(got[i], want[i], `${path}[${i}]`);
    return;
  }
  if (want !== null && typeof want === 'object') {
    assert.ok(got !== null && typeof got === 'object' && !Array.isArray(got), `${path}: expected an object`);
    assert.deepEqual(Object.keys(got), Object.keys(want), `${path}: keys`);
    assert.equal(Object.getPrototypeOf(got), Object.getPrototypeOf(want), `${path}: prototype`);
    for (const k of Object.keys(want)) sameAsJsonParse((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  assert.ok(Object.is(got, want), `${path}: ${String(got)} !== ${String(want)}`);
}

function outcome(bytes: Uint8Array, cuts: number[]): { ok: true; value: unknown } | { ok: false } {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) { chunks.push(bytes.subarray(at, c)); at = c; }
  chunks.push(bytes.subarray(at));
  try {
    return { ok: true, value: parseJsonChunks(chunks) };
  } catch (err) {
    if (!(err instanceof JsonStreamError)) throw err;
    assert.ok(err.offset >= 0 && err.offset <= bytes.length, `error offset ${err.offset} outside the input`);
    return { ok: false };
  }
}

const SAMPLES = [
  '{"a":[1,2,{"b":"c\\u00e9\\n\\t\\"\\\\\\/\\b\\f\\r"}],"é":"ü€𝄞","n":-0.5e3,"t":true,"f":false,"z":null}',
  '{"__proto__":{"polluted":1},"constructor":{"prototype":2}}',
  '[0,-0,1e5,1E-5,0.25,-12.5e+3,123456789012345,9007199254740991,9007199254740993,-9007199254740993,18446744073709551615]',
  ' \n\t[ { } , [ ] , "" , "\\ud83d\\ude00" , "\\ud800" ]\r\n',
  '"just a string"',
  '42',
  'null',
  readFileSync(join(OWN_FIXTURES, 'parse', 'tempo-v2-trace-partial.json'), 'utf8'),
];

test('every split offset of each sample gives JSON.parse\'s value (two and three chunks)', () => {
  for (const text of SAMPLES) {
    const bytes = enc.encode(text);
    const want = expected(text);
    const step = bytes.length > 400 ? 7 : 1;
    for (let i = 0; i <= bytes.length; i += step) {
      const r = outcome(bytes, [i]);
      assert.ok(r.ok, `split at ${i} of ${text.slice(0, 40)}`);
      sameAsJsonParse(r.value, want);
    }
    if (bytes.length <= 200) {
      for (let i = 0; i <= bytes.length; i++) for (let j = i; j <= bytes.length; j++) {
        const r = outcome(bytes, [i, j]);
        assert.ok(r.ok);
        sameAsJsonParse(r.value, want);
      }
    }
    // One byte at a time.
    const r = outcome(bytes, Array.from({ length: bytes.length }, (_, k) => k));
    assert.ok(r.ok);
    sameAsJsonParse(r.value, want);
  }
});

test('integers beyond 2^53 come as exact decimal text, safe ones as numbers', () => {
  const v = parseJsonChunks([enc.encode('[1736935200000000123, 9007199254740991, -9223372036854775808, 1.5e300, 12345678901234567890.5]')]);
  assert.deepEqual(v, ['1736935200000000123', 9007199254740991, '-9223372036854775808', 1.5e300, Number('12345678901234567890.5')]);
});

const arbJson = fc.jsonValue({ maxDepth: 4 });

test('random JSON values, cut anywhere: the same values as JSON.parse', () => {
  fc.assert(fc.property(arbJson, fc.array(fc.nat(), { maxLength: 6 }), (v, cuts) => {
    const text = JSON.stringify(v);
    const bytes = enc.encode(text);
    const r = outcome(bytes, cuts.map(c => c % (bytes.length + 1)));
    assert.ok(r.ok, text);
    sameAsJsonParse(r.value, expected(text));
  }), { numRuns: 400, seed: 19 });
});

test('mutated documents: accepted exactly when JSON.parse accepts them, with the same value', () => {
  const seeds = SAMPLES.slice(0, 5).map(s => enc.encode(s));
  const mutation = fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    edits: fc.array(fc.record({ at: fc.nat(), kind: fc.nat({ max: 2 }), byte: fc.constantFrom(0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x30, 0x2d, 0x2e, 0x65, 0x20, 0x75, 0x00, 0x80, 0xc3, 0xff, 0x6e, 0x74) }), { minLength: 1, maxLength: 4 }),
    cuts: fc.array(fc.nat(), { maxLength: 4 }),
  });
  fc.assert(fc.property(mutation, ({ seed, edits, cuts }) => {
    let bytes = seeds[seed]!;
    for (const e of edits) {
      const at = e.at % (bytes.length + 1);
      const out = Array.from(bytes);
      if (e.kind === 0) out.splice(at, 0, e.byte);
      else if (e.kind === 1 && at < out.length) out[at] = e.byte;
      else out.splice(at, 1);
      bytes = Uint8Array.from(out);
    }
    const text = dec.decode(bytes);
    let want: { ok: true; value: unknown } | { ok: false };
    try { want = { ok: true, value: expected(text) }; } catch { want = { ok: false }; }
    const got = outcome(bytes, cuts.map(c => c % (bytes.length + 1)));
    assert.equal(got.ok, want.ok, `${JSON.stringify(text)}: stream ${got.ok ? 'accepted' : 'rejected'}, JSON.parse ${want.ok ? 'accepted' : 'rejected'}`);
    if (got.ok && want.ok) sameAsJsonParse(got.value, want.value);
  }), { numRuns: 3000, seed: 1919 });
});

test('streamed arrays hand over their elements one by one, with their path and the containers around them', () => {
  const doc = { data: [{ traceID: 't', spans: [{ a: 1 }, { b: [2, { c: 3 }] }, 7], processes: { p1: { serviceName: 's' } } }], total: 0 };
  const bytes = enc.encode(JSON.stringify(doc));
  for (let i = 0; i <= bytes.length; i++) {
    const got: Array<[unknown, JsonPath, number, unknown]> = [];
    const closed: string[] = [];
    const r = new JsonStreamReader({
      streamArray: p => p.length === 3 && p[2] === 'spans',
      element: (v, p, k, containers) => got.push([v, [...p], k, (containers[containers.length - 1] as { traceID?: string }).traceID]),
      closed: p => closed.push(p.join('.')),
    });
    r.write(bytes.subarray(0, i));
    r.write(bytes.subarray(i));
    const root = r.finish();
    assert.deepEqual(got, [[{ a: 1 }, ['data', 0, 'spans'], 0, 't'], [{ b: [2, { c: 3 }] }, ['data', 0, 'spans'], 1, 't'], [7, ['data', 0, 'spans'], 2, 't']]);
    assert.deepEqual(root, { data: [{ traceID: 't', spans: [], processes: { p1: { serviceName: 's' } } }], total: 0 });
    assert.deepEqual(closed, ['data.0.processes.p1', 'data.0.processes', 'data.0', 'data', '']);
  }
  // A streamed root array.
  const els: unknown[] = [];
  const r = new JsonStreamReader({ streamArray: p => p.length === 0, element: v => els.push(v) });
  r.write(enc.encode('[{"x":1},[2],"s"]'));
  assert.deepEqual(r.finish(), []);
  assert.deepEqual(els, [{ x: 1 }, [2], 's']);
});

test('hostile input: nesting and token length are bounded, with a JsonStreamError rather than a stack overflow', () => {
  const deep = enc.encode('['.repeat(100_000));
  assert.throws(() => parseJsonChunks([deep]), (e: unknown) => e instanceof JsonStreamError && /nested deeper than 512/.test(e.message));
  assert.throws(() => parseJsonChunks([enc.encode('{"a":'.repeat(600) + '1' + '}'.repeat(600))], { maxDepth: 100 }), JsonStreamError);
  // A string that never ends, streamed in 64 KiB chunks: stopped at the token limit, not kept growing.
  const r = new JsonStreamReader({ streamArray: () => false, element: () => undefined }, { maxTokenBytes: 1 << 20 });
  r.write(enc.encode('["'));
  const chunk = new Uint8Array(65536).fill(0x61);
  assert.throws(() => { for (let k = 0; k < 64; k++) r.write(chunk); }, (e: unknown) => e instanceof JsonStreamError && /longer than 1048576 bytes/.test(e.message));
  // Same for a number.
  const n = new JsonStreamReader({ streamArray: () => false, element: () => undefined }, { maxTokenBytes: 1000 });
  n.write(enc.encode('[1'));
  assert.throws(() => { for (let k = 0; k < 10; k++) n.write(new Uint8Array(200).fill(0x31)); }, JsonStreamError);
  // Truncated documents are errors at finish, never values.
  for (const t of ['{"a":1', '[1,2', '"abc', '{"a"', '[tru', '1.', '']) assert.throws(() => parseJsonChunks([enc.encode(t)]), JsonStreamError, t);
});

test('a long document in small chunks costs linear time (a cut token is not copied again with every chunk)', () => {
  // One 8 MB string in 1 KiB chunks: with quadratic copying this would move ~32 GB.
  const r = new JsonStreamReader({ streamArray: () => false, element: () => undefined });
  r.write(enc.encode('"'));
  const chunk = new Uint8Array(1024).fill(0x62);
  const t0 = performance.now();
  for (let k = 0; k < 8192; k++) r.write(chunk);
  r.write(enc.encode('"'));
  const v = r.finish() as string;
  assert.equal(v.length, 8 * 1024 * 1024);
  assert.ok(performance.now() - t0 < 20_000);
});

// ---- the JSON.parse runs of streamed elements (fastElements): the same elements, errors and limits as the tokenizer

/** Reads `bytes` cut at `cuts`, streaming `spans` arrays; what the sink got, or the error's offset. */
function streamed(bytes: Uint8Array, cuts: number[], nativeRuns: boolean, limits = {}): { elements: Array<[unknown, number]>; root: unknown; native: number } | { offset: number; message: string } {
  const elements: Array<[unknown, number]> = [];
  const r = new JsonStreamReader({ streamArray: p => p[p.length - 1] === 'spans', element: (v, _p, k) => elements.push([v, k]) }, limits, { nativeRuns });
  try {
    let at = 0;
    for (const c of [...cuts, bytes.length]) { r.write(bytes.subarray(at, c)); at = c; }
    return { elements, root: r.finish(), native: r.nativeElements };
  } catch (err) {
    if (!(err instanceof JsonStreamError)) throw err;
    return { offset: err.offset, message: err.message };
  }
}

/** Span-like objects with text, escapes, non-ASCII, numbers of every size and nested values. */
function spanDoc(n: number, extra: (i: number) => Record<string, unknown> = () => ({})): string {
  const spans = Array.from({ length: n }, (_, i) => ({
    traceID: 'ab'.repeat(16), spanID: (i + 1).toString(16).padStart(16, '0'), operationName: `op "${i}" é\u2028𝄞\\`,
    startTime: 1736982417511604 + i, duration: i * 0.5, tags: [{ key: 'k', type: 'int64', value: -i }, { key: 'n', value: null }, { key: 'b', value: true }],
    nested: { a: [[], {}, [1, [2, [3]]]] }, ...extra(i),
  }));
  return JSON.stringify({ data: [{ traceID: 'ab'.repeat(16), spans, processes: { p1: { serviceName: 's' } } }] }, null, (n % 2) ? 1 : undefined);
}

test('streamed elements read by JSON.parse in runs equal the tokenizer\'s, however the bytes are cut', () => {
  const bytes = enc.encode(spanDoc(600));
  const slow = streamed(bytes, [], false);
  assert.ok('elements' in slow && slow.native === 0 && slow.elements.length === 600);
  const cutsList = [[], [1], [bytes.length >> 1], Array.from({ length: Math.ceil(bytes.length / 4093) }, (_, i) => i * 4093).slice(1), Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => i * 65536).slice(1)];
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), cuts => { cutsList.push(cuts.sort((a, b) => a - b)); }), { numRuns: 20 });
  for (const cuts of cutsList) {
    const fast = streamed(bytes, cuts, true);
    assert.ok('elements' in fast, `cuts ${cuts.length}`);
    assert.deepEqual(fast.elements, slow.elements);
    assert.deepEqual(fast.root, slow.root);
    if (cuts.length <= 1) assert.ok(fast.native >= 590, `JSON.parse read ${fast.native} of 600`);
  }
});

test('an element holding an integer past 2^53 is read by the tokenizer (exact text), its neighbours by JSON.parse', () => {
  const big = ['12345678901234567', '-98765432109876543', '9007199254740993', '18446744073709551615'];
  // Written into the text literally (JSON.stringify would have rounded them).
  let k = 0;
  const text = spanDoc(200, i => (i % 50 === 7 ? { big: 0 } : {})).replace(/"big":0/g, () => `"big":${big[k++]!}`);
  assert.equal(k, 4);
  const fast = streamed(enc.encode(text), [], true);
  const slow = streamed(enc.encode(text), [], false);
  assert.ok('elements' in fast && 'elements' in slow);
  assert.deepEqual(fast.elements, slow.elements);
  assert.deepEqual(fast.elements.filter(([v]) => 'big' in (v as object)).map(([v]) => (v as { big: unknown }).big), big);
  assert.ok(fast.native >= 180, `JSON.parse read ${fast.native}`);
  // 16 digits below 2^53 (Jaeger's microsecond start times) stay on the fast path, as numbers.
  assert.equal(typeof (fast.elements[0]![0] as { startTime: unknown }).startTime, 'number');
});

test('errors and limits inside a run: the same error at the same byte as the tokenizer; no prototype is polluted', () => {
  const good = spanDoc(100);
  const at = good.indexOf('"spanID"', good.length >> 1);
  const broken = [
    good.slice(0, at) + '"spanID" "x",' + good.slice(at + 8),       // a missing colon
    good.slice(0, at) + '"spanID":01,' + good.slice(at + 9),        // a leading zero
    good.slice(0, at) + '"s\u0001":1,' + good.slice(at),            // a raw control character
    good.slice(0, at) + '"x":[1,],' + good.slice(at),               // a trailing comma
  ];
  for (const text of broken) {
    const bytes = enc.encode(text);
    const slow = streamed(bytes, [], false);
    assert.ok('offset' in slow, 'the tokenizer rejects it');
    assert.deepEqual(streamed(bytes, [], true), slow);
    assert.deepEqual(streamed(bytes, [bytes.length >> 2, bytes.length >> 1], true), slow);
  }
  const deep = enc.encode(spanDoc(100, i => (i === 60 ? { deep: JSON.parse('['.repeat(40) + ']'.repeat(40)) as unknown } : {})));
  const limits = { maxDepth: 30 };
  assert.deepEqual(streamed(deep, [], true, limits), streamed(deep, [], false, limits));
  assert.ok('offset' in streamed(deep, [], true, limits));
  const proto = enc.encode(spanDoc(100).replace(/"nested":/g, '"__proto__":{"polluted":1},"nested":'));
  const r = streamed(proto, [], true);
  assert.ok('elements' in r && r.native > 0);
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  assert.deepEqual(Object.keys(r.elements[0]![0] as object).includes('__proto__'), true);
  assert.equal(Object.getPrototypeOf(r.elements[0]![0]), Object.prototype);
});
