import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OWN_FIXTURES, REAL_FIXTURES } from '../../../support/paths';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { traceToOtlpJson } from '../../../../src/core/otlp/encode';
import type { ParseResult } from '../../../../src/core/model';
import { otlpDoc, otlpSpan } from './helpers';

/** What OTLP carries: everything but the source format, warnings and Zipkin's `shared`. */
function comparable(r: ParseResult): unknown {
  return r.traces.map(t => ({
    traceId: t.traceId,
    spans: t.spans.map(s => {
      const { warnings: _w, shared: _s, ...rest } = s;
      return rest;
    }),
  }));
}

function roundTrip(text: string): void {
  const first = parseTraceDocument(text);
  const encoded = JSON.stringify(traceToOtlpJson(first.traces));
  const second = parseTraceDocument(encoded);
  assert.equal(second.format, 'otlp');
  assert.deepEqual(second.warnings, []);
  assert.deepEqual(comparable(second), comparable(first));
}

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap(n => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(json|jsonl)$/.test(n) ? [p] : [];
  });
}

test('round trip parse(encode(parse(x))) = parse(x) for every real fixture', () => {
  let n = 0;
  for (const f of files(REAL_FIXTURES)) {
    const text = readFileSync(f, 'utf8');
    let ok = true;
    try { parseTraceDocument(text); } catch { ok = false; }
    if (!ok) continue; // not trace documents (api_v3 services/operations/summaries)
    roundTrip(text);
    n++;
  }
  assert.ok(n >= 20);
});

test('round trip for every hand-written fixture', () => {
  const own = files(join(OWN_FIXTURES, 'parse'));
  // Counted, so that a moved or emptied fixture folder fails here instead of passing on nothing.
  assert.ok(own.length >= 5, `${own.length} hand-written fixtures`);
  for (const f of own) roundTrip(readFileSync(f, 'utf8'));
});

test('spec encoding: hex IDs, int enums, int64 strings, grouped by resource and scope in order', () => {
  const text = otlpDoc([
    otlpSpan({ status: { code: 'STATUS_CODE_ERROR' }, kind: 'SPAN_KIND_CLIENT', attributes: [{ key: 'n', value: { intValue: 5 } }, { key: 'x', value: { doubleValue: 'NaN' } }] }),
    otlpSpan({ spanId: '0000000000000002' }),
  ]);
  const out = traceToOtlpJson(parseTraceDocument(text).traces) as { resourceSpans: Array<{ scopeSpans: Array<{ scope: unknown; spans: Array<Record<string, unknown>> }> }> };
  assert.equal(out.resourceSpans.length, 1);
  assert.equal(out.resourceSpans[0]!.scopeSpans.length, 1);
  const s = out.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal(s.kind, 3);
  assert.deepEqual(s.status, { code: 2 });
  assert.equal(s.startTimeUnixNano, '1700000000000000000');
  assert.equal(s.endTimeUnixNano, '1700000000001000000');
  assert.deepEqual(s.attributes, [{ key: 'n', value: { intValue: '5' } }, { key: 'x', value: { doubleValue: 'NaN' } }]);
});

test('a resource without a service.name attribute keeps its service through both OTLP encoders', async () => {
  const { encodeOtlpProtobuf } = await import('../../../../src/core/otlp/proto');
  const parsed = parseTraceDocument(otlpDoc([otlpSpan({})]));
  const span = parsed.traces[0]!.spans[0]!;
  const bare = { ...span, resource: { serviceName: 'checkout', attributes: [{ key: 'host.name', value: 'h1' }] } };
  const trace = { ...parsed.traces[0]!, spans: [bare] };
  const fromJson = parseTraceDocument(JSON.stringify(traceToOtlpJson([trace])));
  const fromProto = parseTraceDocument(encodeOtlpProtobuf([trace]));
  for (const r of [fromJson, fromProto]) {
    const res = r.traces[0]!.spans[0]!.resource;
    assert.equal(res.serviceName, 'checkout');
    assert.deepEqual(res.attributes.map(a => a.key), ['service.name', 'host.name']);
  }
});
