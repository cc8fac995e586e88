import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  findTraceIdsInText,
  KEYED_ID_PATTERNS,
  parseTraceIdInput,
  shortTraceId,
  TraceIdInputError,
  tryParseTraceIdInput,
} from '../../../src/core/trace-id-input';

const T32 = '4bf92f3577b34da6a3ce929d0e0e4736';
const S16 = '00f067aa0ba902b7';
const T16 = 'a3ce929d0e0e4736';
const T16_PADDED = '0000000000000000a3ce929d0e0e4736';

function ok(input: string, traceId: string, source: string, spanId?: string): void {
  const r = parseTraceIdInput(input);
  assert.equal(r.traceId, traceId, `trace ID of ${JSON.stringify(input)}`);
  assert.equal(r.source, source, `source of ${JSON.stringify(input)}`);
  assert.equal(r.spanId, spanId, `span ID of ${JSON.stringify(input)}`);
}

function fails(input: string, reason: TraceIdInputError['reason']): void {
  assert.throws(() => parseTraceIdInput(input), (e: unknown) => {
    assert.ok(e instanceof TraceIdInputError, `expected TraceIdInputError for ${JSON.stringify(input)}, got ${String(e)}`);
    assert.equal(e.reason, reason, `reason for ${JSON.stringify(input)}: ${e.message}`);
    assert.ok(e.message.length > 10);
    return true;
  });
  assert.equal(tryParseTraceIdInput(input), undefined);
}

test('raw hex: 32, 16, any case, surrounding space and quotes, 0x prefix; shorter ones are padded', () => {
  ok(T32, T32, 'hex');
  ok(T32.toUpperCase(), T32, 'hex');
  ok(`  ${T32}\n`, T32, 'hex');
  ok(`"${T32}"`, T32, 'hex');
  ok(T16, T16_PADDED, 'hex');
  ok(T16.toUpperCase(), T16_PADDED, 'hex');
  // Tempo search results strip leading zeros.
  ok('3ce929d0e0e4736', '00000000000000000' + '3ce929d0e0e4736', 'hex');
  ok('0x' + T32, T32, 'hex');
});

test('base64 IDs as Tempo JSON prints them', () => {
  // 16 bytes → 24 base64 chars with "=="
  const b64 = Buffer.from(T32, 'hex').toString('base64');
  ok(b64, T32, 'base64');
});

test('W3C traceparent, bare or as a header, carries the span ID', () => {
  ok(`00-${T32}-${S16}-01`, T32, 'traceparent', S16);
  ok(`traceparent: 00-${T32.toUpperCase()}-${S16}-00`, T32, 'traceparent', S16);
  ok(`"traceparent":"00-${T32}-${S16}-01"`, T32, 'traceparent', S16);
});

test('uber-trace-id: 16 or 32 long, plain or URL-encoded colons', () => {
  ok(`uber-trace-id: ${T32}:${S16}:0:1`, T32, 'uber-trace-id', S16);
  ok(`${T16}:${S16}:0:1`, T16_PADDED, 'uber-trace-id', S16);
  ok(`${T16}%3A${S16}%3A0%3A1`, T16_PADDED, 'uber-trace-id', S16);
  // Jaeger clients strip leading zeros.
  ok(`3ce929d0e0e4736:f067aa0ba902b7:0:1`, '00000000000000000' + '3ce929d0e0e4736', 'uber-trace-id', '00f067aa0ba902b7');
});

test('B3 single header and X-B3-TraceId', () => {
  ok(`b3: ${T32}-${S16}-1`, T32, 'b3', S16);
  ok(`${T16}-${S16}-1-${'1111111111111111'}`, T16_PADDED, 'b3', S16);
  ok(`${T32}-${S16}`, T32, 'b3', S16);
  ok(`X-B3-TraceId: ${T16}`, T16_PADDED, 'b3-header');
  ok(`x-b3-traceid=${T32.toUpperCase()}\nX-B3-SpanId: ${S16}`, T32, 'b3-header', S16);
});

test('Jaeger UI URLs (with uiFind selecting a span) and Jaeger API URLs', () => {
  ok(`http://localhost:16686/trace/${T32}`, T32, 'jaeger-url');
  ok(`https://jaeger.example.com/jaeger/trace/${T16}?uiFind=${S16}`, T16_PADDED, 'jaeger-url', S16);
  ok(`http://127.0.0.1:16686/api/v3/traces/${T32}`, T32, 'jaeger-url');
  ok(`http://127.0.0.1:16686/api/traces/${T32}?prettyPrint=true`, T32, 'jaeger-url');
});

test('Grafana Explore URLs: ID inside URL-encoded panes or left JSON', () => {
  const panes = { abc: { datasource: 'tempo-uid', queries: [{ refId: 'A', datasource: { type: 'tempo', uid: 'tempo-uid' }, queryType: 'traceql', query: T32 }], range: { from: 'now-1h', to: 'now' } } };
  ok(`https://grafana.example.com/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}&orgId=1`, T32, 'grafana-url');
  const left = ['now-1h', 'now', 'Tempo', { query: T16.toUpperCase(), queryType: 'traceId' }];
  ok(`http://localhost:3000/explore?orgId=1&left=${encodeURIComponent(JSON.stringify(left))}`, T16_PADDED, 'grafana-url');
  const leftObj = { datasource: 'Tempo', queries: [{ query: T32, queryType: 'traceql' }] };
  ok(`http://localhost:3000/explore?left=${encodeURIComponent(JSON.stringify(leftObj))}`, T32, 'grafana-url');
});

test('Tempo and Zipkin URLs', () => {
  ok(`http://tempo:3200/api/traces/${T32}`, T32, 'tempo-url');
  ok(`http://tempo:3200/api/v2/traces/${T32}?start=1&end=2`, T32, 'tempo-url');
  ok(`http://localhost:9411/zipkin/traces/${T16}`, T16_PADDED, 'zipkin-url');
  ok(`http://localhost:9411/api/v2/trace/${T16}`, T16_PADDED, 'zipkin-url');
});

test('Spanscope URIs carry the span to select', () => {
  ok(`vscode://spanscope.spanscope/trace/${T32}?backend=prod&span=${S16}`, T32, 'spanscope-uri', S16);
});

test('a log line with an ID inside', () => {
  ok(`2024-05-01T10:00:00Z ERROR handler failed trace_id=${T32} span_id=${S16} user=42`, T32, 'text', S16);
  ok(`{"level":"error","traceId":"${T32}","spanId":"${S16}","msg":"boom"}`, T32, 'text', S16);
  ok(`level=info msg="done" trace.id=${T16}`, T16_PADDED, 'text');
  ok(`[${T32}] request took 1.2s`, T32, 'text');
  ok(`otel.trace_id: ${T32.toUpperCase()}`, T32, 'text');
});

test('all-zero IDs are refused', () => {
  fails('00000000000000000000000000000000', 'all-zero');
  fails('0000000000000000', 'all-zero');
  fails(`00-${'0'.repeat(32)}-${S16}-01`, 'all-zero');
  fails(`trace_id=${'0'.repeat(32)}`, 'all-zero');
});

test('malformed and empty input get a clear typed error', () => {
  fails('', 'empty');
  fails('   \n', 'empty');
  fails('hello world', 'no-trace-id');
  fails('xyz-not-an-id', 'no-trace-id');
  fails(T32 + 'ab', 'malformed'); // 34 hex digits
  fails(`http://localhost:16686/search?service=foo`, 'no-trace-id');
  fails(`http://localhost:16686/trace/not-hex`, 'malformed');
});

test('an unrelated number in a log line is not taken for a trace ID', () => {
  fails('request 12345 took 200ms', 'no-trace-id');
});

test('shortTraceId gives the 64-bit form only when the high half is zero', () => {
  assert.equal(shortTraceId(T16_PADDED), T16);
  assert.equal(shortTraceId(T32), undefined);
});

test('findTraceIdsInText finds every traceparent and trace ID with its position (terminal links)', () => {
  const line = `GET /api 200 traceparent=00-${T32}-${S16}-01 and later trace_id=${T16} done`;
  const found = findTraceIdsInText(line);
  assert.equal(found.length, 2);
  assert.equal(found[0]!.traceId, T32);
  assert.equal(found[0]!.spanId, S16);
  assert.equal(line.slice(found[0]!.start, found[0]!.start + found[0]!.length), `00-${T32}-${S16}-01`);
  assert.equal(found[1]!.traceId, T16_PADDED);
  assert.equal(line.slice(found[1]!.start, found[1]!.start + found[1]!.length), T16);
  assert.deepEqual(findTraceIdsInText('nothing here 1234'), []);
  assert.deepEqual(findTraceIdsInText(`zero ${'0'.repeat(32)}`), []);
});

// ---- untrusted input size: linear time, capped --------------------------------------------------

/** Best of a few runs (ms): the least disturbed by other processes on a loaded machine. */
/** Milliseconds of this process's CPU time, not of the wall clock: on a busy machine a long run is preempted more
 *  often than a short one, which made wall-clock ratios look quadratic when other work shared the cores. */
function bestTime(fn: () => void, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

const parseQuietly = (s: string): void => { tryParseTraceIdInput(s); };

test('a 1 MB paste is refused at once (length cap) with a clear message', () => {
  const big = 'a.'.repeat(512 * 1024);
  assert.ok(bestTime(() => parseQuietly(big)) < 1000);
  fails(big, 'malformed');
});

test('parsing is linear in the input: 10× the text costs about 10× the time, not 100×', () => {
  // Inputs that made the earlier patterns backtrack (64 KB of "a." took ~6 s), and a few more shapes built from
  // the patterns' own pieces. Quadratic: 64 KB costs ~100× 6.4 KB; linear: ~10×. The bound allows 30× plus a
  // constant for timer noise, and an absolute 1.5 s (the quadratic case took 4 times that).
  const shapes: Record<string, (n: number) => string> = {
    'a.': n => 'a.'.repeat(n / 2),
    'a_': n => 'a_'.repeat(n / 2),
    'trace_id=': n => 'x.trace_id= '.repeat(n / 12),
    'span_id:': n => 'span_id:'.repeat(n / 8),
    '0:': n => '0:'.repeat(n / 2),
    '0-': n => '0-'.repeat(n / 2),
    'x-b3-traceid': n => 'x-b3-traceid '.repeat(n / 13),
    'url': n => 'http://h/' + 'trace/a.'.repeat(n / 8),
  };
  for (const [name, make] of Object.entries(shapes)) {
    const small = make(6_400);
    const large = make(64_000);
    const ts = bestTime(() => parseQuietly(small));
    const tl = bestTime(() => parseQuietly(large));
    assert.ok(tl < 1500, `${name}: 64 KB took ${tl.toFixed(0)} ms`);
    assert.ok(tl < 30 * ts + 50, `${name}: 6.4 KB ${ts.toFixed(1)} ms, 64 KB ${tl.toFixed(1)} ms: not linear`);
  }
});

test('the keyed patterns accept exactly the keys the earlier (backtracking) ones did (property)', () => {
  // The earlier patterns spelled out a key prefix, `(?:[\w.]*[._-])?`, that made them quadratic. They are the
  // oracle here: on short text, where they are fast, both must find the same values at the same offsets.
  const H = '[0-9a-fA-F]';
  const OLD_TRACE = new RegExp(`(?<![0-9A-Za-z])(?:[\\w.]*[._-])?trace[._-]?id["']?\\s*[:=]\\s*["']?(${H}{16}|${H}{32})(?![0-9A-Za-z])`, 'gi');
  const OLD_SPAN = new RegExp(`(?<![0-9A-Za-z])(?:[\\w.]*[._-])?span[._-]?id["']?\\s*[:=]\\s*["']?(${H}{16})(?![0-9A-Za-z])`, 'i');
  const values = (re: RegExp, s: string) => [...s.matchAll(re)].map(m => [m.index + m[0].length - m[1]!.length, m[1]]);
  const first = (re: RegExp, s: string) => { const m = re.exec(s); return m ? [m.index + m[0].length - m[1]!.length, m[1]] : undefined; };
  const token = fc.constantFrom('trace', 'Trace', 'span', 'id', 'ID', 'Id', '_', '.', '-', '=', ':', ' ', '"', '\'', 'otel', 'x', 'a', '0', 'é', S16, T32, T16.toUpperCase());
  fc.assert(fc.property(fc.array(token, { maxLength: 40 }), parts => {
    const s = parts.join('');
    assert.deepEqual(values(KEYED_ID_PATTERNS.trace, s), values(OLD_TRACE, s), s);
    assert.deepEqual(first(KEYED_ID_PATTERNS.span, s), first(OLD_SPAN, s), s);
  }), { numRuns: 3000 });
  // Normal log lines give the same answer as before.
  fc.assert(fc.property(fc.constantFrom('trace_id=', 'traceId":"', 'otel.trace_id: ', 'x-trace-id=', 'TRACE.ID='), fc.array(fc.constantFrom(...'0123456789abcdefABCDEF'), { minLength: 32, maxLength: 32 }).map(a => a.join('')), fc.string({ maxLength: 20 }), (key, hex, tail) => {
    fc.pre(!/^0+$/.test(hex));
    const r = tryParseTraceIdInput(`ERROR failed ${key}${hex} ${tail.replace(/[0-9a-fA-F]/g, 'z')}`);
    assert.equal(r?.traceId, hex.toLowerCase());
  }), { numRuns: 500 });
});
