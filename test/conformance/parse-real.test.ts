// Every file under the real fixtures (test/fixtures/real, see its SOURCES.md) through parseTraceDocument,
// checking span and trace counts, formats, IDs and the per-file facts SOURCES.md lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REAL_FIXTURES } from '../support/paths';
import { parseTraceDocument } from '../../src/core/parse/index';
import { TraceParseError, attr, type ParseResult, type Span } from '../../src/core/model';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(json|jsonl)$/.test(name)) out.push(p);
  }
  return out;
}
const read = (rel: string): ParseResult => parseTraceDocument(readFileSync(join(REAL_FIXTURES, rel), 'utf8'));
const spans = (r: ParseResult): Span[] => r.traces.flatMap(t => [...t.spans]);
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** Expected per file: format, span counts per trace (in order), or that it is not a trace document. */
const EXPECTED: Record<string, { format: string; spans: number[] } | 'not-a-trace'> = {
  'jaeger-api-v3/jaeger--FindTraceSummaries.json': 'not-a-trace',
  'jaeger-api-v3/jaeger--GetOperations.json': 'not-a-trace',
  'jaeger-api-v3/jaeger--GetServices.json': 'not-a-trace',
  'jaeger-api-v3/jaeger--GetTrace.json': { format: 'jaeger-v3', spans: [1] },
  'jaeger-v1/jaeger--anonymizer-trace_success.json': { format: 'jaeger', spans: [2] },
  'jaeger-v1/jaeger--otlp2jaeger-out.json': { format: 'jaeger', spans: [2] },
  'jaeger-v1/jaeger--ui_01.json': { format: 'jaeger', spans: [5] },
  'jaeger-v1/jaeger-ui--TraceGraph-testTrace.json': { format: 'jaeger', spans: [11] },
  'jaeger-v1/jaeger-ui--genaiTestTrace.json': { format: 'jaeger', spans: [57] },
  'jaeger-v1/jaeger-ui--oltp2jaeger-multi-out.json': { format: 'jaeger', spans: [4] },
  'jaeger-v1/jaeger-ui--spanLongerAsParent.json': { format: 'jaeger', spans: [8] },
  'jaeger-v1/jaeger-ui--traceWithMultipleSpansWithTheSameValueInDifferentTags.json': { format: 'jaeger', spans: [4] },
  'otlp/jaeger--integration-example_trace.json': { format: 'otlp', spans: [5] },
  'otlp/jaeger--integration-span_tags_trace.json': { format: 'otlp', spans: [1] },
  'otlp/jaeger--memory-otel_traces_01.json': { format: 'otlp', spans: [2, 2] },
  'otlp/jaeger--otlp2jaeger-in.json': { format: 'otlp', spans: [2] },
  'otlp/jaeger-ui--otlp2jaeger-multi-in-combined.json': { format: 'otlp', spans: [4] },
  'otlp/jaeger-ui--otlp2jaeger-multi-in.jsonl': { format: 'otlp', spans: [4] },
  'otlp/opentelemetry-proto--trace.json': { format: 'otlp', spans: [1] },
  'tempo/tempo--tempopb-trace-batches.json': { format: 'otlp', spans: [1] },
  'zipkin/zipkin--messaging-kafka.json': { format: 'zipkin', spans: [28] },
  'zipkin/zipkin--messaging2.json': { format: 'zipkin', spans: [11] },
  'zipkin/zipkin--skew.json': { format: 'zipkin', spans: [4] },
  'zipkin/zipkin--smartthings-mobile-web-install.json': { format: 'zipkin', spans: [1041] },
};

test('every real fixture parses (or is refused as not a trace) with the expected format and counts', () => {
  const all = files(REAL_FIXTURES).map(f => relative(REAL_FIXTURES, f));
  assert.ok(all.length >= 24, `found only ${all.length} fixtures`);
  for (const rel of all) {
    const exp = EXPECTED[rel];
    assert.ok(exp !== undefined, `no expectation for ${rel}: add it`);
    if (exp === 'not-a-trace') {
      assert.throws(() => read(rel), (e: unknown) => e instanceof TraceParseError && /unknown trace format/.test(e.message), rel);
      continue;
    }
    const r = read(rel);
    assert.equal(r.format, exp.format, rel);
    assert.deepEqual(r.traces.map(t => t.spans.length), exp.spans, rel);
    for (const t of r.traces) {
      for (const s of t.spans) {
        assert.equal(s.traceId, t.traceId, rel);
        if (rel !== 'jaeger-v1/jaeger-ui--TraceGraph-testTrace.json') {
          assert.match(s.traceId, HEX32, rel);
          assert.match(s.spanId, HEX16, rel);
          if (s.parentId !== undefined) assert.match(s.parentId, HEX16, rel);
        }
        assert.equal(typeof s.startNs, 'bigint');
        assert.ok(Number.isFinite(s.durationNs) && s.durationNs >= 0, rel);
      }
    }
  }
});

test('jaeger ui_01: bare trace, 64-bit ID padded, duplicate span ID, cross-trace ref, typed tags, logs, warnings', () => {
  const r = read('jaeger-v1/jaeger--ui_01.json');
  const [t] = r.traces;
  assert.equal(t!.traceId, '00000000000000000000000000000001');
  assert.deepEqual(t!.warnings, ['some trace warning']);
  const ss = t!.spans;
  assert.equal(ss.filter(s => s.spanId === '0000000000000002').length, 2, 'duplicate span ID kept');
  assert.equal(ss.filter(s => s.parentId === undefined).length, 2, 'two roots');
  const tagged = ss[1]!;
  assert.equal(attr(tagged.attributes, 'javascript_limit'), 9223372036854775222n);
  assert.deepEqual(attr(tagged.attributes, 'blob'), { bytes: 'AAAwOQ==' });
  assert.equal(attr(tagged.attributes, 'peer.ipv4'), 23456n);
  assert.equal(attr(tagged.attributes, 'temperature'), 72.5);
  assert.equal(attr(tagged.attributes, 'error'), true);
  assert.equal(tagged.status.code, 'error');
  assert.equal(ss[0]!.events[0]!.name, 'some-event');
  assert.deepEqual(ss[0]!.events[1]!.attributes, [{ key: 'x', value: 'y' }]);
  assert.equal(ss[0]!.events[1]!.name, '');
  assert.equal(ss[0]!.startNs, 1485467191639875000n);
  assert.equal(ss[0]!.durationNs, 5000);
  const ref = ss[3]!;
  assert.equal(ref.parentId, '0000000000000002');
  assert.equal(ref.parentRefType, undefined);
  assert.deepEqual(ref.links.map(l => [l.traceId, l.spanId, l.type]), [
    ['000000000000000000000000000000ff', '00000000000000ff', 'child_of'],
    ['00000000000000000000000000000001', '0000000000000002', 'follows_from'],
  ]);
  assert.deepEqual(ref.warnings, ['some span warning']);
  assert.equal(ss[0]!.resource, ss[1]!.resource, 'one Resource per process');
  assert.equal(ss[0]!.resource.serviceName, 'service-x');
  assert.equal(ss[2]!.resource.serviceName, 'service-y');
});

test('jaeger otlp2jaeger-out: envelope, span.kind and otel.scope tags mapped, orphans, duplicate IDs', () => {
  const r = read('jaeger-v1/jaeger--otlp2jaeger-out.json');
  const ss = spans(r);
  assert.equal(ss[0]!.spanId, ss[1]!.spanId);
  for (const s of ss) {
    assert.ok(s.scope, 'otel.scope.name becomes the scope');
    assert.equal(attr(s.attributes, 'otel.scope.name'), undefined);
    assert.equal(attr(s.attributes, 'span.kind'), undefined);
    assert.notEqual(s.kind, 'unspecified');
    assert.ok(s.parentId, 'parent kept although missing (orphan)');
    assert.ok(!ss.some(o => o.spanId === s.parentId));
  }
  // The OTLP input of the same data reads the same kinds, names and parents.
  const o = spans(read('otlp/jaeger--otlp2jaeger-in.json'));
  assert.deepEqual(ss.map(s => [s.traceId, s.spanId, s.parentId, s.name, s.kind, s.resource.serviceName, s.scope?.name]),
    o.map(s => [s.traceId, s.spanId, s.parentId, s.name, s.kind, s.resource.serviceName, s.scope?.name]));
});

test('jaeger span dump with inline process; genai trace; non-hex IDs; 14-hex span IDs; 4 roots', () => {
  const dump = spans(read('jaeger-v1/jaeger--anonymizer-trace_success.json'));
  assert.ok(dump.every(s => s.resource.serviceName !== 'unknown_service' && !s.warnings));
  const genai = spans(read('jaeger-v1/jaeger-ui--genaiTestTrace.json'));
  assert.equal(new Set(genai.map(s => s.resource.serviceName)).size, 10);
  assert.equal(genai.filter(s => s.status.code === 'error').length, 1);
  const g = spans(read('jaeger-v1/jaeger-ui--TraceGraph-testTrace.json'));
  assert.equal(g[0]!.traceId, 'trace-123');
  assert.equal(g.find(s => s.spanId === 'span-2')!.status.code, 'error', 'error tag "true" as a string');
  const s7 = g.find(s => s.spanId === 'span-7')!;
  assert.equal(s7.parentRefType, 'follows_from');
  assert.ok(s7.parentId);
  const longer = spans(read('jaeger-v1/jaeger-ui--spanLongerAsParent.json'));
  assert.ok(longer.some(s => s.spanId === '0000000000000001'), '14-hex span IDs padded');
  const four = spans(read('jaeger-v1/jaeger-ui--traceWithMultipleSpansWithTheSameValueInDifferentTags.json'));
  assert.equal(four.filter(s => s.parentId === undefined).length, 4);
  assert.equal(four[0]!.traceId, '0000000000000000006c3cf93508f205');
});

test('otlp: uppercase hex, orphan, two traces, kinds, status, links across traces, all AnyValue types', () => {
  const ex = spans(read('otlp/opentelemetry-proto--trace.json'));
  assert.equal(ex[0]!.traceId, '5b8efff798038103d269b633813fc60c');
  assert.equal(ex[0]!.spanId, 'eee19b7ec3c1b174');
  assert.equal(ex[0]!.parentId, 'eee19b7ec3c1b173');
  assert.equal(ex[0]!.kind, 'server');
  assert.ok(ex[0]!.scope && ex[0]!.scope.attributes.length > 0, 'scope attributes');
  const mem = read('otlp/jaeger--memory-otel_traces_01.json');
  assert.deepEqual(mem.traces.map(t => t.traceId), ['00000000000000010000000000000000', '00000000000000020000000000000000']);
  const ms = spans(mem);
  assert.deepEqual(ms.map(s => s.kind).sort(), ['client', 'consumer', 'producer', 'server']);
  assert.ok(ms.every(s => s.status.code === 'error'));
  assert.equal(ms.reduce((n, s) => n + s.links.length, 0), 8);
  assert.ok(ms.some(s => s.links.some(l => l.traceId !== s.traceId)), 'a link to another trace');
  assert.ok(ms.every(s => s.flags === 1 && s.traceState));
  const a = ms[0]!.attributes;
  assert.equal(typeof attr(a, 'peer.ipv4'), 'bigint');
  assert.ok(typeof attr(a, 'blob') === 'object');
  const ex5 = read('otlp/jaeger--integration-example_trace.json');
  const e5 = spans(ex5);
  assert.equal(e5.filter(s => s.parentId === undefined).length, 5);
  assert.equal(new Set(e5.map(s => s.resource.serviceName)).size, 3);
  assert.ok(e5.some(s => s.events.length === 2 && s.events.every(e => e.name === '' && e.timeNs === 1485449191639875000n)), 'events without a name');
  const tags = spans(read('otlp/jaeger--integration-span_tags_trace.json'))[0]!;
  assert.deepEqual(new Set(tags.attributes.map(x => typeof x.value)), new Set(['string', 'boolean', 'bigint', 'number', 'object']));
  const multi = spans(read('otlp/jaeger-ui--otlp2jaeger-multi-in-combined.json'));
  assert.equal(multi.filter(s => s.parentId === undefined).length, 1);
  assert.equal(new Set(multi.map(s => s.resource)).size, 1, 'equal resources share one object');
  assert.equal(multi[0]!.durationNs, 46460625, 'sub-µs ns kept');
  const lines = spans(read('otlp/jaeger-ui--otlp2jaeger-multi-in.jsonl'));
  assert.deepEqual(lines.map(s => [s.spanId, s.startNs, s.durationNs]), multi.map(s => [s.spanId, s.startNs, s.durationNs]));
  const v3 = spans(read('jaeger-api-v3/jaeger--GetTrace.json'))[0]!;
  assert.equal(v3.kind, 'server');
  assert.equal(v3.status.code, 'error');
  assert.equal(v3.scope, undefined, 'an empty scope object is no scope');
});

test('zipkin: shared halves, orphans, error tags (empty string too), smartthings 1041 spans', () => {
  const skew = spans(read('zipkin/zipkin--skew.json'));
  const halves = skew.filter(s => s.spanId === '74280ae0c10d8062');
  assert.deepEqual(halves.map(s => [s.kind, s.shared ?? false]).sort(), [['client', false], ['server', true]]);
  assert.equal(skew[0]!.traceId, '00000000000000001e223ff1f80f1c69');
  const m2 = spans(read('zipkin/zipkin--messaging2.json'));
  const ids = new Set(m2.map(s => s.spanId));
  assert.equal(m2.filter(s => s.parentId !== undefined && !ids.has(s.parentId)).length, 6, '6 orphans');
  assert.deepEqual(new Set(m2.map(s => s.kind)), new Set(['client', 'server', 'producer', 'consumer', 'internal']));
  const kafka = spans(read('zipkin/zipkin--messaging-kafka.json'));
  const errs = kafka.filter(s => s.status.code === 'error');
  assert.equal(errs.length, 3);
  assert.ok(errs.some(s => attr(s.attributes, 'error') === '' && s.status.message === undefined));
  const st = read('zipkin/zipkin--smartthings-mobile-web-install.json');
  const ss = spans(st);
  assert.equal(ss.length, 1041);
  assert.equal(ss.filter(s => s.shared).length, 294);
  assert.equal(ss.reduce((n, s) => n + s.events.length, 0), 92);
  assert.equal(ss.filter(s => s.status.code === 'error').length, 2);
  assert.ok(ss.every(s => s.startNs > 0n), 'spans without a timestamp get one from their twin, parent or trace');
});
