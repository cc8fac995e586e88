// Property-based tests for every parser: random and mutated documents never make anything but TraceParseError
// escape, nothing hangs, and `__proto__`/`constructor` keys in the data pollute nothing. Runs are small and
// time-bounded (a few seconds in total).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { OWN_FIXTURES, REAL_FIXTURES } from '../../../support/paths';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { encodeOtlpProtobuf } from '../../../../src/core/otlp/proto';
import { TraceParseError, type SourceFormat } from '../../../../src/core/model';

const FORMATS: Array<'auto' | SourceFormat> = ['auto', 'jaeger', 'jaeger-v3', 'otlp', 'zipkin'];

/** Parses; returns normally on success or TraceParseError; fails the property on anything else. */
function onlyParseErrors(input: string | Uint8Array, format: 'auto' | SourceFormat = 'auto'): void {
  try {
    const r = parseTraceDocument(input, { format });
    for (const t of r.traces) for (const s of t.spans) {
      if (typeof s.startNs !== 'bigint' || !Number.isFinite(s.durationNs) || typeof s.spanId !== 'string') throw new Error('malformed span in result');
    }
  } catch (err) {
    if (!(err instanceof TraceParseError)) throw err;
    assert.ok(err.message.length > 0 && typeof err.path === 'string');
  }
}

const SEEDS: string[] = [
  'tempo-v1-batches-legacy-base64.json', 'tempo-v2-trace-partial.json', 'grafana-snake-case.json', 'exception-stacktraces-by-language.json',
].map(f => readFileSync(join(OWN_FIXTURES, 'parse', f), 'utf8'));
const REAL = ['jaeger-v1/jaeger--ui_01.json', 'jaeger-v1/jaeger-ui--TraceGraph-testTrace.json', 'jaeger-v1/jaeger--anonymizer-trace_success.json',
  'otlp/jaeger--memory-otel_traces_01.json', 'zipkin/zipkin--skew.json', 'zipkin/zipkin--messaging2.json', 'jaeger-api-v3/jaeger--GetTrace.json',
  'otlp/jaeger-ui--otlp2jaeger-multi-in.jsonl'];
for (const f of REAL) SEEDS.push(readFileSync(join(REAL_FIXTURES, f), 'utf8'));
// A Jaeger and a Zipkin seed that do not depend on the shared folder.
SEEDS.push(JSON.stringify({ data: [{ traceID: 'a1', spans: [{ traceID: 'a1', spanID: 'b1', operationName: 'x', references: [{ refType: 'CHILD_OF', traceID: 'a1', spanID: 'b0' }], startTime: 1, duration: 2, tags: [{ key: 'k', type: 'int64', value: '9' }], logs: [{ timestamp: 1, fields: [{ key: 'event', value: 'e' }] }], processID: 'p1' }], processes: { p1: { serviceName: 's', tags: [] } } }] }));
SEEDS.push(JSON.stringify([{ traceId: 'a1', id: 'b1', parentId: 'b0', kind: 'CLIENT', timestamp: 1, duration: 2, localEndpoint: { serviceName: 's' }, tags: { error: '' }, annotations: [{ timestamp: 1, value: 'x' }], shared: true }]));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
function paths(v: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (out.length > 400) return out;
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...prefix, k], out);
  return out;
}
function mutate(doc: Json, path: Array<string | number>, op: 'delete' | 'replace', value: Json): Json {
  if (path.length === 0) return op === 'delete' ? null : value;
  const copy = structuredClone(doc) as Json;
  let cur = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (op === 'delete') {
    if (Array.isArray(cur)) cur.splice(last as number, 1);
    else delete cur[last];
  } else {
    Object.defineProperty(cur, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
const nasty: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, '', -1, 0, 1.5, 2 ** 64, -(2 ** 63), '18446744073709551616', '-5', 'NaN', [], {}, true, 'AAAA', '__proto__',
    { __proto__: { polluted: 1 } } as unknown as Json, { constructor: { prototype: { polluted: 1 } } }, 'x'.repeat(300), [[[[[[]]]]]]),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

const BOUND = { interruptAfterTimeLimit: 1500, markInterruptAsFailure: false } as const;

test('random JSON values and random text: only TraceParseError escapes', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(...FORMATS), (v, f) => onlyParseErrors(JSON.stringify(v) ?? 'null', f)), { numRuns: 300, ...BOUND });
  fc.assert(fc.property(fc.string({ maxLength: 200 }), s => onlyParseErrors(s)), { numRuns: 300, ...BOUND });
});

test('mutated valid documents (delete, replace, retype, truncate): only TraceParseError escapes', () => {
  const docs = SEEDS.map(s => (s.includes('\n{') && !s.trimStart().startsWith('{\n') ? null : JSON.parse(s)) as Json | null);
  fc.assert(fc.property(fc.nat(SEEDS.length - 1), fc.nat(), fc.constantFrom<'delete' | 'replace'>('delete', 'replace'), nasty, fc.constantFrom(...FORMATS), (d, p, op, value, f) => {
    const doc = docs[d];
    if (doc === null || doc === undefined) return;
    const all = paths(doc);
    onlyParseErrors(JSON.stringify(mutate(doc, all[p % all.length]!, op, value)), f);
  }), { numRuns: 400, ...BOUND });
  fc.assert(fc.property(fc.nat(SEEDS.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), (d, cut) => {
    const s = SEEDS[d]!;
    onlyParseErrors(s.slice(0, Math.floor(s.length * cut)));
  }), { numRuns: 200, ...BOUND });
});

test('random and mutated protobuf bytes: only TraceParseError escapes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), b => onlyParseErrors(b)), { numRuns: 400, ...BOUND });
  const valid = SEEDS.slice(0, 4).map(s => encodeOtlpProtobuf(parseTraceDocument(s).traces));
  fc.assert(fc.property(fc.nat(valid.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.double({ min: 0, max: 1, noNaN: true }), (i, flips, cut) => {
    const b = valid[i]!.slice();
    for (const [at, v] of flips) b[at % b.length] = v;
    onlyParseErrors(b);
    onlyParseErrors(b.subarray(0, Math.floor(b.length * cut)), 'otlp-proto');
  }), { numRuns: 300, ...BOUND });
});

test('__proto__ and constructor keys in the data pollute nothing', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  const keys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
  for (const k of keys) {
    const q = JSON.stringify(k);
    const otlp = `{"resourceSpans":[{"resource":{"attributes":[{"key":${q},"value":{"kvlistValue":{"values":[{"key":${q},"value":{"stringValue":"x"}}]}}}]},"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","startTimeUnixNano":"1",${q}:{"polluted":1},"attributes":[{"key":${q},"value":{"stringValue":"v"}}]}]}]}]}`;
    const jaeger = `{"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"o","startTime":1,"duration":1,"processID":${q},"tags":[{"key":${q},"type":"string","value":"v"}]}],"processes":{${q}:{"serviceName":"svc","tags":[{"key":${q},"value":"x"}]}}}]}`;
    const zipkin = `[{"traceId":"1","id":"2","timestamp":1,"localEndpoint":{"serviceName":${q}},"tags":{${q}:"v","polluted":"1"},${q}:{"polluted":1}}]`;
    const snake = `{"resource_spans":[{"scope_spans":[{"spans":[{"trace_id":"01","span_id":"02","start_time_unix_nano":1,${q}:{"polluted":1}}]}]}]}`;
    for (const text of [otlp, jaeger, zipkin, snake]) {
      const r = parseTraceDocument(text);
      const s = r.traces[0]!.spans[0]!;
      if (text === jaeger) assert.equal(s.resource.serviceName, 'svc', 'a process keyed __proto__ is found');
      if (text === zipkin) assert.deepEqual(s.attributes.map(a => a.key), [k, 'polluted']);
    }
  }
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('the syntax-error locator agrees with JSON.parse on valid documents', async () => {
  const { firstSyntaxErrorOffset } = await import('../../../../src/core/parse/json-text');
  // Found by this property in CI (seed 1834633031): a string ending in a backslash put the offset past the end.
  for (const s of ['"\\', '["\\', '{"a":"\\']) {
    const at = firstSyntaxErrorOffset(s);
    assert.ok(at !== undefined && at >= 0 && at <= s.length, `${JSON.stringify(s)} → ${at}`);
  }
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), fc.boolean(), (v, pretty) => {
    assert.equal(firstSyntaxErrorOffset(JSON.stringify(v, null, pretty ? 2 : 0) ?? 'null'), undefined);
  }), { numRuns: 300, ...BOUND });
  fc.assert(fc.property(fc.string({ maxLength: 60 }), s => {
    let valid = true;
    try { JSON.parse(s); } catch { valid = false; }
    const at = firstSyntaxErrorOffset(s);
    if (valid) assert.equal(at, undefined, s);
    else if (at !== undefined) assert.ok(at >= 0 && at <= s.length);
  }), { numRuns: 300, ...BOUND });
});
