// The Tempo client against the stand-in in the ways Tempo's HTTP API documentation says it behaves and a lenient
// server would hide: tag lists need a time window once data has left the live store, search `tags` is
// logfmt, lookups by ID take a window, `/api/echo` is the health check behind gateways, Tempo's 400/500 answers are
// typed errors, and cross-tenant queries and Grafana Cloud (base path + basic auth) work. Spans come from the real
// OpenTelemetry SDK through its OTLP/HTTP JSON exporter, as in tempo.test.ts.
import { after, before, describe, test } from 'node:test';
import * as z from 'zod';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SpanKind, TraceFlags, context as otelContext, trace as otelTrace, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { logfmtValue, lookupWindow, ROOT_PENDING, TempoBackend, TRACE_LOOKUP_MARGIN_MS } from '../../../src/backends/tempo/client';
import { findTraceInBackends, TraceNotFoundError } from '../../../src/backends/registry';
import { InvalidQueryError, InvalidTraceIdError, NotFoundError, TraceTooLargeError } from '../../../src/backends/http/errors';
import { parseLogfmt, startTempoStandIn, type TempoStandIn } from '../../support/backends/tempo-standin';

interface Emitted { readonly traceId: string; readonly startMs: number }

/**
 * One trace of a root and a child through the real SDK; `startMs` sets when it happened (data from hours ago),
 * `rootMissing` makes the root a remote parent that never arrives (what Tempo shows as `<root span not yet received>`).
 */
async function emit(exporter: OTLPTraceExporter, service: string, opts: { attrs?: Attributes; startMs?: number; rootMissing?: boolean; name?: string } = {}): Promise<Emitted> {
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('tempo-documented-test');
  const t0 = opts.startMs ?? Date.now() - 1000;
  let ctx = otelContext.active();
  if (opts.rootMissing) {
    ctx = otelTrace.setSpanContext(ctx, { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true });
  }
  const root = tracer.startSpan(opts.name ?? `GET /orders/${randomBytes(2).toString('hex')}`, { kind: SpanKind.SERVER, startTime: t0, attributes: opts.attrs ?? {} }, ctx);
  const child = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, startTime: t0 + 100 }, otelTrace.setSpan(ctx, root));
  child.end(t0 + 300);
  root.end(t0 + 400);
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, startMs: t0 };
}

const HOUR = 3600_000;

/** The field numbers of a protobuf message's top level (length-delimited and varint fields only, as Tempo sends). */
function topLevelFields(buf: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  const varint = (): number => { let v = 0; let mul = 1; for (;;) { const b = buf[i++]!; v += (b & 0x7f) * mul; if (!(b & 0x80)) return v; mul *= 128; } };
  while (i < buf.length) {
    const key = varint();
    out.push(key >>> 3);
    if ((key & 7) === 2) { const len = varint(); i += len; } // not `i += varint()`: that reads i before the call moves it
    else varint();
  }
  return out;
}

describe('Tempo as its documentation says it behaves', () => {
  let tempo: TempoStandIn;
  let client: TempoBackend;
  let recent: Emitted;
  let old: Emitted;
  let odd: Emitted;
  let orphan: Emitted;
  const exporter = (): OTLPTraceExporter => new OTLPTraceExporter({ url: tempo.otlpUrl });

  before(async () => {
    tempo = await startTempoStandIn();
    // Three hours ago, then flushed to a block: only a request with a window that covers it sees it.
    old = await emit(exporter(), 'billing', { startMs: Date.now() - 3 * HOUR, name: 'POST /invoice' });
    odd = await emit(exporter(), 'billing', { startMs: Date.now() - 3 * HOUR + 60_000, attrs: { 'http.target': '/a?b=c', 'note': 'say "hi" \\ bye' } });
    tempo.flush();
    recent = await emit(exporter(), 'inventory', { attrs: { 'http.route': '/Orders/{id}' } });
    orphan = await emit(exporter(), 'worker', { rootMissing: true });
    client = new TempoBackend({ name: 'doc', type: 'tempo', url: tempo.url });
  });
  after(async () => {
    client.dispose();
    await tempo.close();
  });

  test('1: services, operations and tag names include data that left the live store (start/end in seconds sent)', async () => {
    // The stand-in is as strict as Tempo: without a window only the live store answers.
    const bare = await client.http.json({ path: 'api/v2/search/tag/resource.service.name/values' }, z.looseObject({}));
    assert.ok(!JSON.stringify(bare).includes('billing'), 'without start/end the flushed service is not listed');
    assert.deepEqual(await client.services(), ['billing', 'inventory', 'worker']);
    const tagReq = tempo.requests.at(-1)!;
    assert.equal(tagReq.path, '/api/v2/search/tag/resource.service.name/values');
    assert.match(tagReq.params.get('start') ?? '', /^\d{10}$/);
    assert.match(tagReq.params.get('end') ?? '', /^\d{10}$/);
    assert.ok(Number(tagReq.params.get('end')) - Number(tagReq.params.get('start')) >= 3 * 3600, 'the window reaches back past the flushed block');
    assert.ok((await client.operations('billing')).includes('POST /invoice'));
    assert.ok((await client.tagNames()).span?.includes('http.target'), 'span tag names from the block');
    // An explicit (search) window is what is sent.
    const end = new Date();
    const start = new Date(end.getTime() - 10 * 60_000);
    assert.deepEqual(await client.services(undefined, { start, end }), ['inventory', 'worker'], 'a 10-minute window does not reach the block');
    assert.equal(tempo.requests.at(-1)!.params.get('start'), String(Math.floor(start.getTime() / 1000)));
    // v1 servers: the same window on /api/search/tag/<tag>/values and /api/search/tags.
    tempo.v1Only = true;
    try {
      assert.deepEqual(await client.services(), ['billing', 'inventory', 'worker']);
      assert.match(tempo.requests.at(-1)!.params.get('start') ?? '', /^\d{10}$/);
      assert.ok((await client.tagNames())['']?.includes('http.target'));
    } finally {
      tempo.v1Only = false;
    }
  });

  test('2: tag values with =, ", \\ and spaces are quoted logfmt; matching is a case-insensitive substring', async () => {
    const end = new Date();
    const start = new Date(end.getTime() - 4 * HOUR);
    const byTarget = await client.search({ tags: { 'http.target': '/a?b=c' }, start, end });
    assert.deepEqual(byTarget.map(r => r.traceId), [odd.traceId]);
    assert.equal(tempo.searches.at(-1)!.get('tags'), 'http.target="/a?b=c"');
    const byNote = await client.search({ tags: { note: 'say "hi" \\ bye' }, start, end });
    assert.deepEqual(byNote.map(r => r.traceId), [odd.traceId]);
    // Tempo matches substrings regardless of case, so a part of a value finds the trace (README tells users).
    const partial = await client.search({ tags: { 'http.route': 'orders' }, start, end });
    assert.deepEqual(partial.map(r => r.traceId), [recent.traceId]);
    // A key logfmt cannot carry is refused before any request.
    const before = tempo.searches.length;
    await assert.rejects(client.search({ tags: { 'bad key': 'x' } }), (e: unknown) => e instanceof InvalidQueryError && e.reason === 'tags');
    assert.equal(tempo.searches.length, before);
  });

  test('2: every string survives logfmtValue → go-logfmt parsing (fuzzed)', () => {
    const alphabet = ['a', 'Z', '0', ' ', '=', '"', '\\', '\n', '\t', '\u0001', '\u007f', 'é', '€', '/', '?', '{', '}'];
    let seed = 21;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    for (let i = 0; i < 2000; i++) {
      const v = Array.from({ length: rnd(12) }, () => alphabet[rnd(alphabet.length)]!).join('');
      assert.deepEqual(parseLogfmt(`k=${logfmtValue(v)} x=1`), [['k', v], ['x', '1']], JSON.stringify(v));
    }
    // What the old client sent for such values is what Tempo refuses.
    assert.ok(!Array.isArray(parseLogfmt('http.target=/a?b=c')));
    assert.ok(!Array.isArray(parseLogfmt('note=say"hi"')));
  });

  test('3: a lookup with a known start sends start/end around it; a wrong hint still finds the trace', async () => {
    const got = await client.getTrace(old.traceId, undefined, { startMs: old.startMs, durationMs: 400 });
    assert.equal(got.trace.spans.length, 2);
    const req = tempo.requests.at(-1)!;
    assert.equal(req.path, `/api/v2/traces/${old.traceId}`);
    assert.equal(Number(req.params.get('start')), Math.floor((old.startMs - TRACE_LOOKUP_MARGIN_MS) / 1000));
    assert.equal(Number(req.params.get('end')), Math.ceil((old.startMs + 400 + TRACE_LOOKUP_MARGIN_MS) / 1000));
    // A day off: the window misses the block, so the client asks once more without one.
    const n = tempo.requests.length;
    const again = await client.getTrace(old.traceId, undefined, { startMs: old.startMs - 24 * HOUR });
    assert.equal(again.trace.spans.length, 2);
    const asked = tempo.requests.slice(n).map(r => r.params.has('start'));
    assert.deepEqual(asked, [true, false]);
    // Through the registry, as the host asks (search result → open).
    const found = await findTraceInBackends(old.traceId, [client], undefined, { startMs: old.startMs });
    assert.equal(found.trace.spans.length, 2);
    assert.ok(tempo.requests.at(-1)!.params.has('start'));
    assert.equal(lookupWindow({}), undefined);
    assert.equal(lookupWindow({ startMs: Number.NaN }), undefined);
  });

  test('5: a malformed trace ID is "not a valid trace ID", not "could not be fetched"', async () => {
    for (const bad of ['not-a-trace', 'f'.repeat(33)]) {
      await assert.rejects(client.getTrace(bad), (e: unknown) => e instanceof InvalidTraceIdError && e.status === 400 && /not a valid trace ID/.test(e.message));
      await assert.rejects(findTraceInBackends(bad, [client]), (e: unknown) => {
        assert.ok(e instanceof TraceNotFoundError);
        assert.match(e.message, /is not a valid trace ID for Tempo \(doc\)/);
        assert.doesNotMatch(e.message, /could not be fetched/);
        return true;
      });
    }
    // With a window, a 400 is asked again without one before the ID is blamed.
    const n = tempo.requests.length;
    await assert.rejects(client.getTrace('not-a-trace', undefined, { startMs: Date.now() }), InvalidTraceIdError);
    assert.deepEqual(tempo.requests.slice(n).map(r => r.params.has('start')), [true, false]);
    // The ID is sent encoded: it cannot turn into another path.
    await assert.rejects(client.getTrace('abc/../../api/echo'), InvalidTraceIdError);
  });

  test('5: 500 "trace exceeds max size", a bad TraceQL query and a range over max_duration are typed errors', async () => {
    tempo.v1Only = true;
    tempo.maxBytesPerTrace = 10;
    try {
      await assert.rejects(client.getTrace(recent.traceId), (e: unknown) => e instanceof TraceTooLargeError && e.status === 500 && /larger than the server returns/.test(e.message));
    } finally {
      tempo.v1Only = false;
      tempo.maxBytesPerTrace = undefined;
    }
    await client.health();
    await assert.rejects(client.search({ traceql: '{ resource.service.name = }' }),
      (e: unknown) => e instanceof InvalidQueryError && e.reason === 'traceql' && /refused the TraceQL query: invalid TraceQL query/.test(e.message) && /Fix the query/.test(e.hint));
    assert.equal(client.lastHealth?.lastError, undefined, 'a typo in a query does not mark the backend as failing');
    const end = new Date();
    await assert.rejects(client.search({ service: 'billing', start: new Date(end.getTime() - 8 * 24 * HOUR), end }),
      (e: unknown) => e instanceof InvalidQueryError && e.reason === 'time-range' && /exceeds 168h0m0s/.test(e.message) && /shorter time range/.test(e.hint));
  });

  test('5: <root span not yet received> is shown as the name, not as a service', async () => {
    const rows = await client.search({ service: 'worker' });
    const row = rows.find(r => r.traceId === orphan.traceId);
    assert.ok(row);
    assert.equal(row.rootService, undefined);
    assert.equal(row.rootName, ROOT_PENDING);
    const normal = rows.find(r => r.traceId !== orphan.traceId);
    assert.equal(normal, undefined, 'only the worker trace matches');
  });

  test('protobuf v2 answers carry the metrics field; v2 not found is metrics without a trace', async () => {
    const res = await client.http.request({ path: `api/v2/traces/${recent.traceId}`, headers: { accept: 'application/protobuf' } });
    assert.deepEqual(topLevelFields(res.body), [1, 2], 'TraceByIDResponse: trace (1) and metrics (2)');
    const missing = await client.http.request({ path: 'api/v2/traces/0123456789abcdef0123456789abcdef', headers: { accept: 'application/protobuf' } });
    assert.deepEqual(topLevelFields(missing.body), [2], 'not found: metrics only');
    assert.equal((await client.getTrace(recent.traceId)).trace.format, 'otlp-proto');
    await assert.rejects(client.getTrace('0123456789abcdef0123456789abcdef'), NotFoundError);
  });
});

describe('Tempo behind gateways and across tenants', () => {
  test('4 + 6: Grafana Cloud: /tempo base path, basic auth (numeric user + access-policy token), /api/echo health', async () => {
    const auth = { user: '123456', password: 'glc_token_for_tests' };
    const tempo = await startTempoStandIn({ basePath: '/tempo', gateway: true, basicAuth: auth });
    const client = new TempoBackend({ name: 'cloud', type: 'tempo', url: tempo.url }, { username: auth.user, password: auth.password });
    try {
      const basic = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
      const t = await emit(new OTLPTraceExporter({ url: tempo.otlpUrl, headers: { authorization: basic } }), 'checkout');
      const h = await client.health();
      assert.equal(h.lastError, undefined, h.lastError);
      assert.equal(h.reachable, true);
      assert.ok(tempo.requests.some(r => r.path === '/api/echo'), 'the documented check was asked');
      assert.equal((await client.getTrace(t.traceId)).trace.spans.length, 2);
      assert.deepEqual((await client.search({ service: 'checkout' })).map(r => r.traceId), [t.traceId]);
      assert.deepEqual(await client.services(), ['checkout']);
      // Wrong token: 401, told as such.
      const wrong = new TempoBackend({ name: 'cloud', type: 'tempo', url: tempo.url }, { username: auth.user, password: 'nope' });
      const bad = await wrong.health();
      assert.match(bad.lastError ?? '', /authentication required/);
      wrong.dispose();
    } finally {
      client.dispose();
      await tempo.close();
    }
  });

  test('6: X-Scope-OrgID a|b: search, tag values and lookups span both tenants', async () => {
    const tempo = await startTempoStandIn({ multitenancy: true });
    const to = (tenant: string): OTLPTraceExporter => new OTLPTraceExporter({ url: tempo.otlpUrl, headers: { 'X-Scope-OrgID': tenant } });
    const both = new TempoBackend({ name: 'fed', type: 'tempo', url: tempo.url, tenant: 'team-a|team-b' });
    const onlyA = new TempoBackend({ name: 'a', type: 'tempo', url: tempo.url, tenant: 'team-a' });
    try {
      const a = await emit(to('team-a'), 'alpha', { startMs: Date.now() - 2 * HOUR });
      const b = await emit(to('team-b'), 'beta', { startMs: Date.now() - 2 * HOUR });
      tempo.flush();
      assert.equal(tempo.requests.length, 0);
      assert.deepEqual(await both.services(), ['alpha', 'beta']);
      assert.deepEqual(tempo.requests.at(-1)!.tenants, ['team-a', 'team-b']);
      assert.deepEqual(await onlyA.services(), ['alpha']);
      const end = new Date();
      const rows = await both.search({ start: new Date(end.getTime() - 3 * HOUR), end });
      assert.deepEqual(new Set(rows.map(r => r.traceId)), new Set([a.traceId, b.traceId]));
      assert.equal((await both.getTrace(b.traceId)).trace.spans.length, 2);
      await assert.rejects(onlyA.getTrace(b.traceId), NotFoundError);
    } finally {
      both.dispose();
      onlyA.dispose();
      await tempo.close();
    }
  });
});
