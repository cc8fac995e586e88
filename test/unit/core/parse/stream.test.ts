// Reading a trace document as its bytes arrive (TraceStreamParser) gives parseTraceDocument's result for the same
// bytes, cut into chunks anywhere; the spans read so far can be taken at any time; Jaeger spans written before
// their processes get their services when the processes arrive; broken documents fail as parseTraceDocument says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OWN_FIXTURES } from '../../../support/paths';
import { TraceParseError, type ParseResult } from '../../../../src/core/model';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { parseTraceChunks, TraceStreamParser } from '../../../../src/core/parse/stream';
import { encodeOtlpProtobuf } from '../../../../src/core/otlp/proto';
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../../../bench/gen-trace.mjs';

const enc = new TextEncoder();

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < bytes.length; o += size) out.push(bytes.subarray(o, o + size));
  return out;
}

/** Plain data for deepEqual (bigints as text; shared objects compared by content). */
function plain(r: ParseResult): unknown {
  return JSON.parse(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.jsonl?$/.test(name) && statSync(p).size < 4_000_000) out.push(p);
  }
  return out;
}

// Numbers beyond 2^53 in these two fixtures (unix nanoseconds written as JSON numbers) are read exactly by the
// stream and rounded by JSON.parse: the one intended difference.
const EXACT_NUMBERS = new Set(['grafana-snake-case.json', 'tempo-v1-batches-legacy-base64.json']);

test('every fixture and generated trace, in chunks of several sizes: the same result as parseTraceDocument', () => {
  const docs: Array<[string, Uint8Array]> = files(OWN_FIXTURES).filter(f => !EXACT_NUMBERS.has(f.split('/').pop()!)).map(f => [f, readFileSync(f)]);
  docs.push(['gen jaeger', enc.encode(JSON.stringify(generateTrace({ n: 2000, seed: 3, format: 'jaeger' })))]);
  docs.push(['gen otlp', enc.encode(JSON.stringify(generateTrace({ n: 2000, seed: 3, format: 'otlp' })))]);
  docs.push(['gen v3', enc.encode(JSON.stringify({ result: generateTrace({ n: 500, seed: 4, format: 'otlp' }) }))]);
  assert.ok(docs.length > 20);
  for (const [name, bytes] of docs) {
    let want: unknown;
    try { want = plain(parseTraceDocument(bytes)); } catch (e) { want = `error: ${(e as Error).message}`; }
    for (const size of [1 + (bytes.length % 613), 4096, bytes.length]) {
      let got: unknown;
      try { got = plain(parseTraceChunks(chunked(bytes, size))); } catch (e) { got = `error: ${(e as Error).message}`; }
      assert.deepEqual(got, want, `${name} in chunks of ${size}`);
    }
  }
});

test('integers beyond 2^53 are read exactly (JSON.parse rounds them)', () => {
  const doc = readFileSync(join(OWN_FIXTURES, 'parse', 'grafana-snake-case.json'));
  const text = doc.toString('utf8');
  const m = /"start_time_unix_nano":\s*(\d{19})/.exec(text);
  assert.ok(m, 'the fixture writes a start time as a JSON number');
  const starts = parseTraceChunks(chunked(doc, 100)).traces.flatMap(t => t.spans.map(s => s.startNs));
  assert.ok(starts.includes(BigInt(m[1]!)), `${m[1]} is read exactly`);
});

test('a snapshot holds the spans read so far and grows as chunks arrive; the end is the whole trace', () => {
  const bytes = enc.encode(JSON.stringify(generateTrace({ n: 3000, seed: 5, format: 'otlp' })));
  const p = new TraceStreamParser();
  const seen: number[] = [];
  for (const c of chunked(bytes, 64 * 1024)) {
    p.write(c);
    const s = p.snapshot();
    seen.push(s ? s.traces.reduce((a, t) => a + t.spans.length, 0) : 0);
  }
  assert.ok(seen[0]! > 0, 'spans from the first chunk');
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!);
  assert.ok(seen[seen.length - 2]! < 3000);
  const whole = p.finish();
  assert.equal(whole.traces[0]!.spans.length, 3000);
  assert.deepEqual(plain(whole), plain(parseTraceDocument(bytes)));
});

test('Jaeger spans before their trace\'s processes (as Jaeger writes them) get their services when the processes arrive', () => {
  const doc = generateTrace({ n: 500, seed: 6, format: 'jaeger' }) as { data: Array<Record<string, unknown>> };
  const bytes = enc.encode(JSON.stringify(doc));
  assert.ok(JSON.stringify(doc).indexOf('"processes"') > JSON.stringify(doc).indexOf('"spans"'));
  const p = new TraceStreamParser();
  const chunks = chunked(bytes, 8192);
  p.write(chunks[0]!);
  const early = p.snapshot()!;
  assert.ok(early.traces[0]!.spans.length > 0);
  for (const c of chunks.slice(1)) p.write(c);
  const whole = p.finish();
  const want = parseTraceDocument(bytes);
  assert.deepEqual(whole.traces[0]!.spans.map(s => s.resource.serviceName), want.traces[0]!.spans.map(s => s.resource.serviceName));
  assert.ok(!whole.traces[0]!.spans.some(s => s.resource.serviceName === 'unknown_service'));
});

test('maxSpans: the first N spans are read, the rest counted and left out with a warning', () => {
  const bytes = enc.encode(JSON.stringify(generateTrace({ n: 1000, seed: 7, format: 'jaeger' })));
  const p = new TraceStreamParser({ maxSpans: 100 });
  for (const c of chunked(bytes, 5000)) p.write(c);
  const r = p.finish();
  assert.equal(r.traces[0]!.spans.length, 100);
  assert.equal(p.droppedSpans, 900);
  assert.ok(r.warnings.some(w => /only the first 100 spans were read; 900 more were left out/.test(w.message)));
});

test('broken, empty, JSON Lines and protobuf documents: as parseTraceDocument (from the bytes kept for that)', () => {
  const otlp = generateTrace({ n: 50, seed: 8, format: 'otlp' });
  const jsonl = `${JSON.stringify(otlp)}\n${JSON.stringify(otlp)}\n`;
  const proto = encodeOtlpProtobuf(parseTraceDocument(JSON.stringify(otlp)).traces);
  const cases: Array<string | Uint8Array> = ['{"data":[{"traceID":"a","spans":[{"spanID":"b",', '', '   ', '{"data": nul}', jsonl, proto, '[1,2]', '{"foo":1}', '\ufeff{"resourceSpans":[]}'];
  for (const c of cases) {
    const bytes = typeof c === 'string' ? enc.encode(c) : c;
    let want: unknown;
    try { want = plain(parseTraceDocument(bytes)); } catch (e) { assert.ok(e instanceof TraceParseError); want = `error: ${e.message} @ ${e.path}`; }
    let got: unknown;
    try { got = plain(parseTraceChunks(chunked(bytes, 7))); } catch (e) { assert.ok(e instanceof TraceParseError, String(e)); got = `error: ${e.message} @ ${e.path}`; }
    assert.deepEqual(got, want, typeof c === 'string' ? c.slice(0, 40) : 'protobuf');
  }
});
