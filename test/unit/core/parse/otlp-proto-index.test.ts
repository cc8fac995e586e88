// indexOtlpProtobuf must accept exactly the spans decodeOtlpProtobuf returns and fail exactly when it fails (the
// receiver acknowledges what the index accepts and later shows what the decoder reads), and traceRequestBytes must
// give each trace's spans back byte for byte. Checked on a varied request and on thousands of mutations of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Span, Trace } from '../../../../src/core/model';
import { encodeOtlpProtobuf } from '../../../../src/core/otlp/proto';
import { decodeOtlpProtobuf, indexOtlpProtobuf, indexedSpanName, traceRequestBytes, type OtlpProtoIndex } from '../../../../src/core/parse/otlp-proto';
import { fuzzRounds } from '../../../support/rounds';

function request(): Uint8Array {
  const traces: Trace[] = [];
  for (let t = 1; t <= 4; t++) {
    const traceId = t.toString(16).padStart(32, '0');
    const spans: Span[] = [];
    for (let i = 1; i <= 5; i++) {
      spans.push({
        traceId, spanId: (t * 100 + i).toString(16).padStart(16, '0'), ...(i > 1 ? { parentId: (t * 100 + 1).toString(16).padStart(16, '0') } : {}),
        name: `op-${i}`, kind: 'server', resource: { serviceName: `svc-${t % 2}`, attributes: [{ key: 'service.name', value: `svc-${t % 2}` }, { key: 'host', value: 'h' }] },
        ...(i % 2 ? { scope: { name: 'lib', version: '1', attributes: [] } } : {}),
        status: i === 3 ? { code: 'error', message: 'bad' } : { code: 'unset' },
        startNs: (i === 5 ? 2n ** 63n : 1_700_000_000_000_000_000n) + BigInt(i * 1000), durationNs: 1234 * i,
        attributes: [{ key: 'a', value: 'x'.repeat(i) }, { key: 'n', value: BigInt(i) }, { key: 'd', value: i / 3 }, { key: 'arr', value: { array: ['p', 1n, { kvlist: [{ key: 'k', value: true }] }] } }],
        events: [{ timeNs: 1_700_000_000_000_000_000n, name: 'ev', attributes: [{ key: 'e', value: 'v' }] }],
        links: i === 2 ? [{ traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), type: 'link', attributes: [{ key: 'l', value: 'v' }] }] : [],
      });
    }
    traces.push({ traceId, spans, format: 'otlp', warnings: [] });
  }
  return encodeOtlpProtobuf(traces);
}

/** The decoder's spans per trace, or the message it fails with. */
function decoded(bytes: Uint8Array): Map<string, Span[]> | string {
  try {
    return new Map(decodeOtlpProtobuf(bytes).traces.map(t => [t.traceId, [...t.spans]]));
  } catch (err) {
    return (err as Error).message;
  }
}

function indexed(bytes: Uint8Array): OtlpProtoIndex | string {
  try {
    return indexOtlpProtobuf(bytes);
  } catch (err) {
    return (err as Error).message;
  }
}

function check(bytes: Uint8Array, label: string): void {
  const d = decoded(bytes);
  const x = indexed(bytes);
  if (typeof d === 'string' || typeof x === 'string') {
    assert.equal(typeof x, typeof d, `${label}: decoder ${typeof d === 'string' ? `fails (${d})` : 'reads it'} and the index ${typeof x === 'string' ? `fails (${x})` : 'reads it'}`);
    if (typeof d === 'string') assert.equal(x, d, label);
    return;
  }
  assert.deepEqual(x.traceIds, [...d.keys()], label);
  const ix: OtlpProtoIndex = x;
  for (let t = 0; t < x.traceIds.length; t++) {
    const spans: number[] = [];
    for (let i = 0; i < x.count; i++) if (x.traceOf[i] === t) spans.push(i);
    const want: Span[] = d.get(x.traceIds[t]!)!;
    assert.deepEqual(spans.map((i): unknown[] => [ix.spanIds[i], ix.startNs[i], ix.durationNs[i], ix.error[i] === 1, ix.parentless[i] === 1, indexedSpanName(bytes, ix, i)]),
      want.map(s => [s.spanId, s.startNs, s.durationNs, s.status.code === 'error', s.parentId === undefined, s.name]), `${label}: trace ${t} fields`);
    // The trace's own bytes decode to exactly its spans (resource, scope and all).
    const own: readonly Trace[] = decodeOtlpProtobuf(traceRequestBytes(bytes, x, spans)).traces;
    assert.equal(own.length, 1, label);
    assert.deepEqual(own[0]!.spans, want, `${label}: trace ${t} from its own bytes`);
  }
}

test('index and per-trace bytes agree with the full decoder on a varied request (times up to 2^63 and beyond)', () => {
  const bytes = request();
  check(bytes, 'intact');
  const x = indexOtlpProtobuf(bytes);
  assert.equal(x.count, 20);
  assert.equal(x.traceIds.length, 4);
});

test('index agrees with the full decoder on 4,000 mutations (flipped, inserted, deleted bytes; truncation)', () => {
  const base = request();
  let seed = 12345;
  const rand = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
  for (let k = 0; k < fuzzRounds(4000); k++) {
    let b = Uint8Array.from(base);
    const kind = k % 4;
    const at = rand(b.length);
    if (kind === 0) b[at] = rand(256);
    else if (kind === 1) b = Uint8Array.from([...b.subarray(0, at), rand(256), ...b.subarray(at)]);
    else if (kind === 2) b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
    else b = b.subarray(0, at);
    check(b, `mutation ${k} (kind ${kind} at ${at})`);
  }
});

test('a broken attribute skips its span', () => {
  const bytes = request();
  // a varint attribute value cut short inside span 1's first attribute: checked, the span is skipped
  const broken = Uint8Array.from(bytes);
  const at = Buffer.from(broken).indexOf(Buffer.from([0x0a, 0x01, 0x61])); // key "a"
  assert.ok(at > 0);
  broken[at + 1] = 0x7f; // the key's length now runs past its KeyValue
  assert.equal(indexOtlpProtobuf(broken).skipped, 1);
});
