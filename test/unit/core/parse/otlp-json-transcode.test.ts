// transcodeOtlpJson (the receiver's fast path for OTLP JSON) must store exactly what the full path stored (parse
// into the model, re-encode as protobuf), and must give up (undefined) on anything the full parser would warn about,
// skip or reject, so that path still reports it. Checked on generated traces, on a request using every value type,
// on the named unusual shapes, and on 1,500 seeded mutations: whatever the fast path accepts decodes to the
// same spans as the full path's bytes. The index it builds while writing must be the one indexOtlpProtobuf reads
// from those bytes (the receiver stores it as such): checked on every request above and on the real OTLP fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../../../bench/gen-trace.mjs';
import type { ParseResult } from '../../../../src/core/model';
import { encodeOtlpProtobuf } from '../../../../src/core/otlp/proto';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { decodeOtlpProtobuf, indexOtlpProtobuf } from '../../../../src/core/parse/otlp-proto';
import { transcodeOtlpJson } from '../../../../src/core/parse/otlp-json-transcode';
import { T1, otlpSpan } from './helpers';
import { fuzzRounds } from '../../../support/rounds';
import { REAL_FIXTURES } from '../../../support/paths';

/** Spans per trace, in a comparable form (sorted; bigints as text). */
function normal(r: ParseResult): string {
  const traces = r.traces.map(t => ({ id: t.traceId, warnings: t.warnings, spans: [...t.spans].sort((a, b) => (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0)) }));
  traces.sort((a, b) => (a.id < b.id ? -1 : 1));
  return JSON.stringify(traces, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** What the full path stores for a request, decoded; undefined when it warns or fails (the fast path must not accept it). */
function fullPath(body: Uint8Array): string | undefined {
  let r: ParseResult;
  try {
    r = parseTraceDocument(body, { format: 'otlp' });
  } catch {
    return undefined;
  }
  if (r.warnings.length > 0 || r.traces.some(t => t.warnings.length > 0 || t.spans.some(s => s.warnings?.length))) return undefined;
  return normal(decodeOtlpProtobuf(encodeOtlpProtobuf(r.traces)));
}

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

function assertSame(body: Uint8Array, label: string): void {
  const fast = transcodeOtlpJson(body);
  assert.ok(fast, `${label}: the fast path gave up`);
  const index = indexOtlpProtobuf(fast.bytes);
  assert.equal(index.count, fast.spans, label);
  assert.equal(index.skipped, 0, label);
  assert.equal(normal(decodeOtlpProtobuf(fast.bytes)), fullPath(body), label);
  assertSameIndex(fast, label);
}

/** The index the transcoder built while writing is exactly what the indexer reads from its bytes (same columns, same
 * typed array types, same strings). */
function assertSameIndex(fast: NonNullable<ReturnType<typeof transcodeOtlpJson>>, label: string): void {
  assert.deepStrictEqual(fast.index, indexOtlpProtobuf(fast.bytes), `${label}: the transcoder's index differs from the indexer's`);
}

/** A request with every value type, non-ASCII and long strings (multi-byte length prefixes), events, links. */
function varied(long = 'x'.repeat(200) + 'é'.repeat(9000) /* 18,200 bytes: a 3-byte length, moved by each parent */): Record<string, unknown> {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc ☃' } }, { key: 'pid', value: { intValue: 42 } }], droppedAttributesCount: 0 },
      schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
      scopeSpans: [{
        scope: { name: 'lib', version: '1.2', attributes: [{ key: 's', value: { boolValue: true } }] },
        spans: [
          otlpSpan({
            traceId: T1.toUpperCase(), parentSpanId: '', flags: 257, traceState: 'k=v', kind: 'SPAN_KIND_CLIENT',
            attributes: [
              { key: 'str', value: { stringValue: 'plain' } }, { key: 'emoji', value: { stringValue: 'a😀b' } }, { key: 'long', value: { stringValue: long } },
              { key: 'neg', value: { intValue: '-5' } }, { key: 'big', value: { intValue: '9223372036854775807' } }, { key: 'min', value: { intValue: '-9223372036854775807' } },
              { key: 'num', value: { intValue: -123456789012 } }, { key: 'dbl', value: { doubleValue: 2.5 } }, { key: 'zero', value: { doubleValue: 0 } },
              { key: 'f', value: { boolValue: false } }, { key: 'e', value: { stringValue: '' } },
              { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'p' }, { intValue: '1' }, { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } }] } } },
              { key: 'emptyArr', value: { arrayValue: {} } }, { key: 'emptyKv', value: { kvlistValue: { values: [] } } },
            ],
            events: [{ timeUnixNano: '1700000000000500000', name: 'exception', attributes: [{ key: 'exception.stacktrace', value: { stringValue: 'at a.b(C.java:1)\n\tat x' } }] }, { timeUnixNano: 1700000000, name: '' }],
            links: [{ traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), traceState: 't=1', attributes: [{ key: 'l', value: { stringValue: 'v' } }], flags: 1 }],
            status: { code: 2, message: 'boom' },
          }),
          otlpSpan({ spanId: 'c7ad6b7169203331', parentSpanId: 'b7ad6b7169203331', kind: 1, status: { code: 'STATUS_CODE_OK' }, startTimeUnixNano: '18446744073709551000', endTimeUnixNano: '18446744073709551615' }),
          otlpSpan({ spanId: 'd7ad6b7169203331', parentSpanId: '0000000000000000', name: '', status: {}, startTimeUnixNano: 5, endTimeUnixNano: 5 }),
        ],
      }, { scope: { name: '' }, spans: [] }, {}],
    }, { resource: {}, scopeSpans: [{ spans: [otlpSpan({ traceId: 'a'.repeat(32) })] }] }],
  };
}

/** The requests the first test stores: generated traces, every value type (compact and pretty-printed), escapes. */
function storedRequests(): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  for (const n of [1, 2, 50, 400]) for (const seed of [1, 2, 3]) out.push([`gen-trace ${n}/${seed}`, enc(generateTrace({ n, seed, format: 'otlp' }))]);
  out.push(['varied', enc(varied())], ['varied, pretty-printed', enc(JSON.stringify(varied(), null, 2))]);
  // escapes of every kind, as exporters write them (\u for non-ASCII, a surrogate pair, control characters)
  const escaped = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [otlpSpan({ name: 'NAME', attributes: [{ key: 'q', value: { stringValue: 'VALUE' } }] })] }] }] })
    .replace('"NAME"', String.raw`"n\u00e9\ud83d\ude00 x\/y\u00E9"`).replace('"VALUE"', String.raw`"a\"b\\c/d\b\f\n\r\t\u0000\u20ac"`);
  out.push(['escapes', enc(escaped)]);
  return out;
}

test('generated traces and a request with every value type store the same spans as the full path', () => {
  for (const [label, body] of storedRequests()) assertSame(body, label);
});

test('shapes outside the plain exporter shape go to the full parser', () => {
  const doc = (span: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ resourceSpans: [{ scopeSpans: [{ spans: [span] }], ...extra }] });
  const cases: Array<[string, unknown]> = [
    ['empty object', {}], ['no resourceSpans', { resourceSpans: [] }], ['no spans', { resourceSpans: [{ scopeSpans: [{ spans: [] }] }] }],
    ['another top-level field', { ...doc(otlpSpan()), extra: 1 }], ['Tempo batches', { batches: doc(otlpSpan()).resourceSpans }],
    ['legacy instrumentationLibrarySpans', { resourceSpans: [{ instrumentationLibrarySpans: [{ spans: [otlpSpan()] }] }] }],
    ['snake_case', { resource_spans: doc(otlpSpan()).resourceSpans }], ['snake_case span field', doc({ ...otlpSpan(), trace_id: T1 })],
    ['null resource', doc(otlpSpan(), { resource: null })], ['unknown span field', doc(otlpSpan({ foo: 1 }))],
    ['short trace ID', doc(otlpSpan({ traceId: T1.slice(2) }))], ['all-zero trace ID', doc(otlpSpan({ traceId: '0'.repeat(32) }))],
    ['base64 span ID', doc(otlpSpan({ spanId: 't61rcWkgMzE=' }))], ['non-hex span ID', doc(otlpSpan({ spanId: 'g7ad6b7169203331' }))],
    ['missing span ID', doc({ ...otlpSpan(), spanId: undefined })], ['missing name', doc({ ...otlpSpan(), name: undefined })],
    ['numeric name', doc(otlpSpan({ name: 5 }))], ['end before start', doc(otlpSpan({ endTimeUnixNano: '1699999999999999999' }))],
    ['missing end', doc({ ...otlpSpan(), endTimeUnixNano: undefined })], ['time beyond uint64', doc(otlpSpan({ endTimeUnixNano: '18446744073709551616' }))],
    ['fractional time', doc(otlpSpan({ startTimeUnixNano: 1.5, endTimeUnixNano: 2 }))], ['signed time', doc(otlpSpan({ startTimeUnixNano: '-1' }))],
    ['unknown kind', doc(otlpSpan({ kind: 9 }))], ['lowercase kind name', doc(otlpSpan({ kind: 'server' }))],
    ['unknown status', doc(otlpSpan({ status: { code: 7 } }))], ['bytes attribute', doc(otlpSpan({ attributes: [{ key: 'b', value: { bytesValue: 'AAE=' } }] }))],
    ['attribute with an empty key', doc(otlpSpan({ attributes: [{ key: '', value: { stringValue: 'v' } }] }))],
    ['attribute without value', doc(otlpSpan({ attributes: [{ key: 'k' }] }))], ['empty AnyValue', doc(otlpSpan({ attributes: [{ key: 'k', value: {} }] }))],
    ['two values in one AnyValue', doc(otlpSpan({ attributes: [{ key: 'k', value: { stringValue: 'a', intValue: '1' } }] }))],
    ['string intValue out of range', doc(otlpSpan({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }))],
    ['double as string', doc(otlpSpan({ attributes: [{ key: 'k', value: { doubleValue: 'NaN' } }] }))],
    ['lone surrogate', doc(otlpSpan({ name: 'a\ud800b' }))], ['event without time', doc(otlpSpan({ events: [{ name: 'e' }] }))],
    ['link without span ID', doc(otlpSpan({ links: [{ traceId: T1 }] }))], ['attributes not a list', doc(otlpSpan({ attributes: {} }))],
  ];
  for (const [label, v] of cases) assert.equal(transcodeOtlpJson(enc(v)), undefined, label);
  const plain = JSON.stringify(doc(otlpSpan()));
  assert.equal(transcodeOtlpJson(enc(plain.replace('"name":"op"', '"name":"op","name":"op2"'))), undefined, 'a repeated key (JSON.parse keeps the last)');
  assert.equal(transcodeOtlpJson(enc(plain.replace('"name":"op"', '"name":"\\ud800"'))), undefined, 'an escaped lone surrogate');
  assert.equal(transcodeOtlpJson(enc(plain.replace('"name":"op"', '"name":"a\tb"'))), undefined, 'a raw control character');
  assert.equal(transcodeOtlpJson(enc(plain.replace('"kind":2', '"kind":02'))), undefined, 'a leading zero');
  assert.equal(transcodeOtlpJson(enc(plain.replace(']}]}]}', ',]}]}]}'))), undefined, 'a trailing comma');
  assert.equal(transcodeOtlpJson(enc(plain + ' x')), undefined, 'text after the document');
  assert.ok(transcodeOtlpJson(enc(plain)), 'the plain request itself is taken');
  assert.equal(transcodeOtlpJson(enc('\ufeff' + plain)), undefined, 'byte-order mark');
  assert.equal(transcodeOtlpJson(enc(`${plain}\n${plain}\n`)), undefined, 'JSON Lines');
  assert.equal(transcodeOtlpJson(enc(plain.slice(0, -1))), undefined, 'truncated');
  const bad = enc(plain);
  bad[plain.indexOf('"op"') + 1] = 0xff;
  assert.equal(transcodeOtlpJson(bad), undefined, 'invalid UTF-8');
});

const singleSpan = (span: Record<string, unknown>) => ({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });

/** Times at every digit count (the seams of the time reader), and upper-case IDs. */
function timeRequests(): Array<[string, Uint8Array]> {
  const times = ['1', '999999999999999', '1000000000000000', '1000000000000001', '9007199254740993', '0001700000000000000000',
    '1700000000123456789', '9999999999999999999', '18446744073709551615', '00000000000000000001'];
  return [
    ...times.map((t): [string, Uint8Array] => [`start ${t}`, enc(singleSpan(otlpSpan({ startTimeUnixNano: t, endTimeUnixNano: t })))]),
    ['upper-case IDs', enc(singleSpan(otlpSpan({ spanId: 'B7AD6B7169203331', traceId: T1.toUpperCase() })))],
  ];
}

test('times at every digit count and IDs with a bad digit anywhere: stored as the full path does, or given up', () => {
  // The time reader takes its first 15 digits in a double and the rest in 16-bit limbs; the ID reader checks every
  // digit by table: the seams (15/16 digits, leading zeros, 2^64 - 1, a bad last digit) are where they could slip.
  for (const [label, body] of timeRequests()) {
    if (fullPath(body) === undefined) assert.equal(transcodeOtlpJson(body), undefined, label);
    else assertSame(body, label);
  }
  for (const t of ['18446744073709551616', '99999999999999999999', '000000000000000000001', '12a4', '']) {
    assert.equal(transcodeOtlpJson(enc(singleSpan(otlpSpan({ startTimeUnixNano: t })))), undefined, `start ${JSON.stringify(t)}`);
  }
  for (let at = 0; at < 16; at++) {
    for (const c of ['g', 'G', '/', ':', '@', '`', ' ']) {
      const id = 'b7ad6b7169203331'.slice(0, at) + c + 'b7ad6b7169203331'.slice(at + 1);
      assert.equal(transcodeOtlpJson(enc(singleSpan(otlpSpan({ spanId: id })))), undefined, `span ID ${id}`);
    }
  }
});

test('strings with an escape, a control byte or a multi-byte character at every position of the first words: as the full path, or given up', () => {
  // Strings are copied four bytes at a time while all four are plain ASCII, then byte by byte: a character that is
  // not plain must stop the word copy wherever it stands in the word, and at every length around a word's end.
  const specials = ['"', '\\', '\n', '\u0001', '\u007f', ' ', '~', 'é', '€', '😀', '/'];
  for (let len = 1; len <= 13; len++) {
    for (let at = 0; at < len; at++) {
      for (const ch of specials) {
        const name = 'a'.repeat(at) + ch + 'b'.repeat(len - 1 - at);
        assertSame(enc(singleSpan(otlpSpan({ name }))), `name ${JSON.stringify(name)}`);
      }
      // Raw bytes JSON does not allow in a string, or that are not UTF-8: given up, wherever they stand
      const text = JSON.stringify(singleSpan(otlpSpan({ name: 'a'.repeat(at) + '@' + 'b'.repeat(len - 1 - at) })));
      const body = enc(text);
      const mark = text.indexOf('"name":"') + 8 + at;
      for (const bad of [[0x1f], [0x00], [0xff], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80]]) {
        const b = Uint8Array.from([...body.subarray(0, mark), ...bad, ...body.subarray(mark + 1)]);
        assert.equal(transcodeOtlpJson(b), undefined, `name with ${bad.map(x => x.toString(16)).join(' ')} at ${at} of ${len}`);
      }
    }
  }
});

test('requests transcoded one after another keep their own bytes (the writer reuses one scratch buffer)', () => {
  const a = enc(generateTrace({ n: 40, seed: 1, format: 'otlp' }));
  const b = enc(generateTrace({ n: 60, seed: 2, format: 'otlp' }));
  const first = transcodeOtlpJson(a)!;
  const before = normal(decodeOtlpProtobuf(first.bytes));
  transcodeOtlpJson(b);
  assert.equal(normal(decodeOtlpProtobuf(first.bytes)), before);
  assert.equal(before, fullPath(a));
});

/** A deterministic pseudo-random sequence (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const ODD: Json[] = [null, '', 0, -1, 1.5, 2 ** 64, true, {}, [], 'x', '0', '-0', '18446744073709551615', '18446744073709551616', T1, '0'.repeat(16),
  'b7ad6b7169203331', 'AB', 'é', '\ud800', 'SPAN_KIND_SERVER', 'STATUS_CODE_ERROR', { stringValue: 's' }, { intValue: '7' }, [{ key: 'k', value: { stringValue: 'v' } }]];

/** `rounds` seeded mutations of a varied request: one to three bytes flipped, dropped or inserted, or a field deleted
 * or its value replaced by an odd one. The same seed every run, so a failing round can be found again. */
function* mutatedRequests(rounds: number): Generator<[string, Uint8Array]> {
  const base = varied('x'.repeat(150)); // a 2-byte length still; a short document keeps 1,500 rounds quick
  (base.resourceSpans as Array<Record<string, unknown>>).push(...(generateTrace({ n: 6, seed: 4, format: 'otlp' }) as { resourceSpans: Array<Record<string, unknown>> }).resourceSpans);
  const text = JSON.stringify(base);
  const random = rng(14);
  for (let i = 0; i < rounds; i++) {
    let body: Uint8Array;
    if (i % 4 === 3) {
      // bytes: one to three flipped, dropped or inserted characters anywhere
      const b = [...enc(text)];
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        const at = Math.floor(random() * b.length);
        const r = random();
        if (r < 0.4) b[at] = Math.floor(random() * 256);
        else if (r < 0.7) b.splice(at, 1);
        else b.splice(at, 0, '"{}[],:0-e\\'.charCodeAt(Math.floor(random() * 11)));
      }
      body = Uint8Array.from(b);
    } else {
      // structure: a field deleted or its value replaced by an odd one
      const doc = JSON.parse(text) as Json;
      const slots: Array<[Record<string, Json> | Json[], string | number]> = [];
      const walk = (v: Json): void => {
        if (Array.isArray(v)) v.forEach((x, k) => { slots.push([v, k]); walk(x); });
        else if (v && typeof v === 'object') for (const k of Object.keys(v)) { slots.push([v, k]); walk(v[k]!); }
      };
      walk(doc);
      for (let k = 1 + Math.floor(random() * 2); k > 0; k--) {
        const [holder, key] = slots[Math.floor(random() * slots.length)]!;
        if (random() < 0.3 && !Array.isArray(holder)) delete holder[key as string];
        else (holder as Record<string, Json>)[key as string] = ODD[Math.floor(random() * ODD.length)]!;
      }
      body = enc(doc);
    }
    yield [`mutation ${i}`, body];
  }
}

test('whatever the fast path accepts among 1,500 mutated requests, it stores as the full path does', () => {
  let accepted = 0;
  const rounds = fuzzRounds(1500);
  for (const [label, body] of mutatedRequests(rounds)) {
    const fast = transcodeOtlpJson(body);
    if (!fast) continue;
    accepted++;
    const full = fullPath(body);
    assert.ok(full !== undefined, `${label}: the fast path accepted a request the full parser warns about or rejects`);
    const index = indexOtlpProtobuf(fast.bytes);
    assert.equal(index.count, fast.spans, label);
    assert.equal(normal(decodeOtlpProtobuf(fast.bytes)), full, `${label}: stored spans differ from the full path's`);
    assertSameIndex(fast, label);
  }
  assert.ok(accepted > rounds / 15, `only ${accepted} of ${rounds} mutations were taken by the fast path: the property says little`);
});

/** The OTLP JSON requests among the real fixtures (each line of a JSON Lines file as a request of its own). */
function realRequests(): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  const dir = join(REAL_FIXTURES, 'otlp');
  for (const f of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, f), 'utf8');
    if (f.endsWith('.jsonl')) text.split('\n').forEach((line, i) => { if (line.trim()) out.push([`${f} line ${i + 1}`, enc(line)]); });
    else if (f.endsWith('.json')) out.push([f, enc(text)]);
  }
  return out;
}

/** Shapes where the index's bookkeeping could slip: where the service name comes from, the resource or scope after
 * the spans (positions known late), groups without spans, spans and names long enough for multi-byte lengths (every
 * recorded position moves when an enclosing message's length is written), traces interleaved, more spans than the
 * transcoder's columns expect from the request's size. */
function indexShapes(): Array<[string, Uint8Array]> {
  const svc = (...values: unknown[]) => ({ attributes: values.map(v => ({ key: 'service.name', value: v })) });
  const spans = (k: number, over: Record<string, unknown> = {}) => Array.from({ length: k }, (_, i) => otlpSpan({
    spanId: (0x1000 + i).toString(16).padStart(16, '0'), traceId: i % 3 === 1 ? 'a'.repeat(32) : T1, ...over,
  }));
  const big = { attributes: [{ key: 'blob', value: { stringValue: 'y'.repeat(20_000) } }] };
  const shapes: Array<[string, unknown]> = [
    ['service.name after a non-string one', { resourceSpans: [{ resource: svc({ intValue: 1 }, { stringValue: 'second' }), scopeSpans: [{ spans: spans(2) }] }] }],
    ['two string service.names: the first', { resourceSpans: [{ resource: svc({ stringValue: 'first' }, { stringValue: 'second' }), scopeSpans: [{ spans: spans(1) }] }] }],
    ['empty service.name', { resourceSpans: [{ resource: svc({ stringValue: '' }), scopeSpans: [{ spans: spans(1) }] }] }],
    ['service.name with a byte-order mark', { resourceSpans: [{ resource: svc({ stringValue: '\ufeffsvc' }), scopeSpans: [{ spans: spans(1) }] }] }],
    ['a service.name of 300 bytes (multi-byte lengths)', { resourceSpans: [{ resource: { attributes: [{ key: 'k'.repeat(200), value: { stringValue: 'v' } }, { key: 'service.name', value: { stringValue: 's'.repeat(300) } }] }, scopeSpans: [{ spans: spans(1) }] }] }],
    ['non-ASCII service.name', { resourceSpans: [{ resource: svc({ stringValue: 'dienst-ü-☃-😀' }), scopeSpans: [{ spans: spans(1) }] }] }],
    ['service.name only nested in a kvlist', { resourceSpans: [{ resource: { attributes: [{ key: 'x', value: { kvlistValue: { values: [{ key: 'service.name', value: { stringValue: 'inner' } }] } } }] }, scopeSpans: [{ spans: spans(1) }] }] }],
    ['service.name as an array', { resourceSpans: [{ resource: svc({ arrayValue: { values: [{ stringValue: 'a' }] } }), scopeSpans: [{ spans: spans(1) }] }] }],
    ['resource and scope after the spans', { resourceSpans: [{ scopeSpans: [{ spans: spans(4), scope: { name: 'late', version: '2' } }], resource: svc({ stringValue: 'late' }) }] }],
    ['no resource, empty scope, empty resource', { resourceSpans: [{ scopeSpans: [{ scope: {}, spans: spans(2) }] }, { resource: {}, scopeSpans: [{ spans: spans(1) }] }] }],
    ['groups without spans between groups with spans', {
      resourceSpans: [
        { resource: svc({ stringValue: 'a' }), scopeSpans: [{ scope: { name: 's0' }, spans: [] }, { scope: { name: 's1' }, spans: spans(3) }, {}, { spans: spans(2) }] },
        { resource: svc({ stringValue: 'empty' }), scopeSpans: [{ spans: [] }] },
        { resource: svc({ stringValue: 'b' }), scopeSpans: [{ scope: { name: 's2' }, spans: spans(2) }] },
        { resource: svc({ stringValue: 'a' }), scopeSpans: [{ spans: spans(1) }] },
      ],
    }],
    ['spans of 20 kB and a long name', { resourceSpans: [{ resource: svc({ stringValue: 's' }), scopeSpans: [{ scope: { name: 'n'.repeat(300) }, spans: [...spans(3, big), ...spans(2, { name: 'm'.repeat(200) })] }] }] }],
    ['a resource of 20 kB', { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'r' } }, ...big.attributes] }, scopeSpans: [{ spans: spans(2) }] }] }],
    ['300 small spans (more than the columns were sized for)', { resourceSpans: [{ scopeSpans: [{ spans: spans(300) }] }] }],
    ['a request over 2 MB (4-byte lengths)', { resourceSpans: [{ scopeSpans: [{ spans: spans(110, big) }] }] }],
    ['parents, errors, names, times', { resourceSpans: [{ scopeSpans: [{ spans: [
      otlpSpan({ parentSpanId: 'c7ad6b7169203331', status: { code: 2 }, name: '' }),
      otlpSpan({ spanId: 'c7ad6b7169203331', parentSpanId: '0000000000000000', status: { code: 'STATUS_CODE_ERROR', message: 'm' }, name: 'é' }),
      otlpSpan({ spanId: 'd7ad6b7169203331', status: { code: 1 }, startTimeUnixNano: '18446744073709551000', endTimeUnixNano: '18446744073709551615' }),
      otlpSpan({ spanId: 'e7ad6b7169203331', name: 'x', kind: 3, flags: 1, traceState: 'a=b', startTimeUnixNano: 1, endTimeUnixNano: 1 }),
    ] }] }] }],
  ];
  return shapes.map(([label, v]) => [label, enc(v)]);
}

test('the index built while transcoding is the one indexOtlpProtobuf reads from the bytes written', () => {
  let compared = 0;
  const all = [...storedRequests(), ...timeRequests(), ...indexShapes(), ...realRequests(), ...mutatedRequests(fuzzRounds(1500))];
  for (const [label, body] of all) {
    const fast = transcodeOtlpJson(body);
    if (!fast) continue;
    assertSameIndex(fast, label);
    compared++;
  }
  // Not an empty comparison: the named requests are about 50, the mutations the fast path takes a few dozen more
  assert.ok(compared > 60, `only ${compared} of ${all.length} requests were compared`);
  // Every named shape is one the fast path takes (else it tests nothing here), and so are 8 real requests (two real
  // files use shapes it leaves to the full parser)
  for (const [label, body] of indexShapes()) assert.ok(transcodeOtlpJson(body), `${label}: given up`);
  const real = realRequests().filter(([, body]) => transcodeOtlpJson(body) !== undefined).length;
  assert.ok(real >= 8, `only ${real} real requests taken by the fast path`);
});
