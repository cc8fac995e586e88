// The Tempo client against a stand-in for Tempo's HTTP API (Tempo is AGPL-3.0 and cannot be used here; the
// stand-in reproduces the documented quirks from FORMATS.md), fed by the real OTel SDK's OTLP/HTTP JSON exporter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PROJECT_ROOT } from '../../support/paths';
import { TempoBackend } from '../../../src/backends/tempo/client';
import { findTraceInBackends, TraceNotFoundError } from '../../../src/backends/registry';
import { NotFoundError, UnauthorizedError } from '../../../src/backends/http/errors';
import { parseTraceIdInput } from '../../../src/core/trace-id-input';
import { startTempoStandIn, type TempoStandIn } from '../../support/backends/tempo-standin';
import { assertReadBack, emitTrace, idForms, type EmittedTrace } from '../../support/backends/emit';

describe('Tempo client (against the Tempo API stand-in)', () => {
  let tempo: TempoStandIn;
  let client: TempoBackend;
  let t128: EmittedTrace;
  let t64: EmittedTrace;
  const service = 'inventory';

  before(async () => {
    tempo = await startTempoStandIn({ multitenancy: true });
    const exporter = () => new OTLPTraceExporter({ url: tempo.otlpUrl, headers: { 'X-Scope-OrgID': 'team-a' } });
    t128 = await emitTrace(exporter(), service, { tag: 'one' });
    t64 = await emitTrace(exporter(), service, { bits64: true, tag: 'two' });
    client = new TempoBackend({ name: 'prod', type: 'tempo', url: tempo.url, tenant: 'team-a' });
  });
  after(async () => {
    client.dispose();
    await tempo.close();
  });

  test('v2 protobuf: the whole trace with parents and status', async () => {
    const got = await client.getTrace(t128.traceId);
    assert.equal(got.backend, 'Tempo (prod)');
    assert.equal(got.trace.format, 'otlp-proto', 'read from the protobuf answer');
    assertReadBack(got.trace, t128);
    assert.equal(got.partial, undefined);
  });

  test('v2 JSON (base64 IDs, enum names) when the server answers JSON', async () => {
    const res = await client.http.request({ path: `api/v2/traces/${t128.traceId}` });
    const body = JSON.parse(res.body.toString()) as { trace: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; kind: string }> }> }> } };
    const span = body.trace.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.match(span.traceId, /==$/, 'the stand-in speaks base64 like Tempo');
    assert.match(span.kind, /^SPAN_KIND_/);
    // The client reads that JSON the same as protobuf.
    const json = new TempoBackend({ name: 'json', type: 'tempo', url: tempo.url, tenant: 'team-a', headers: {} });
    const orig = json.http.request.bind(json.http);
    json.http.request = req => orig({ ...req, headers: { ...req.headers, accept: 'application/json' } });
    const got = await json.getTrace(t128.traceId);
    assert.equal(got.trace.spans.length, 3);
    assert.equal(got.trace.spans.find(s => s.spanId === t128.childSpanId)!.parentId, t128.rootSpanId);
    json.dispose();
  });

  test('not found: v2 empty 200 and v1 empty 404 both give NotFoundError', async () => {
    const missing = 'ffffffffffffffffffffffffffffff01';
    await assert.rejects(client.getTrace(missing), NotFoundError);
    tempo.v1Only = true;
    try {
      await assert.rejects(client.getTrace(missing), NotFoundError);
      const got = await client.getTrace(t64.traceId); // v1 `batches`, via the fallback
      assert.equal(got.trace.spans.length, 3);
    } finally {
      tempo.v1Only = false;
    }
  });

  test('PARTIAL traces are marked', async () => {
    tempo.partial = true;
    try {
      const got = await client.getTrace(t128.traceId);
      assert.equal(got.partial, 'trace exceeds max size');
    } finally {
      tempo.partial = false;
    }
  });

  for (const which of ['128-bit', '64-bit'] as const) {
    test(`found by ID in every accepted form (${which})`, async () => {
      const t = which === '128-bit' ? t128 : t64;
      for (const f of idForms(t, { jaeger: 'http://localhost:16686', zipkin: 'http://localhost:9411', tempo: tempo.url, grafana: 'http://localhost:3000' })) {
        const id = parseTraceIdInput(f.text).traceId;
        const found = await findTraceInBackends(id, [client]);
        assert.equal(found.source, 'Tempo (prod)', f.label);
      }
    });
  }

  test('search by tags (service, name, attributes, durations) and by TraceQL; seconds for start/end', async () => {
    const rows = await client.search({ service });
    assert.deepEqual(new Set(rows.map(r => r.traceId)), new Set([t128.traceId, t64.traceId]), 'leading zeros restored');
    const p = tempo.searches.at(-1)!;
    assert.match(p.get('start')!, /^\d{10}$/);
    assert.match(p.get('end')!, /^\d{10}$/);
    const byTag = await client.search({ service, tags: { 'test.tag': 'two' }, minDurationMs: 5 });
    assert.deepEqual(byTag.map(r => r.traceId), [t64.traceId]);
    assert.equal(tempo.searches.at(-1)!.get('tags'), `test.tag=two service.name=${service}`);
    assert.equal(tempo.searches.at(-1)!.get('minDuration'), '5ms');
    const byName = await client.search({ operation: t128.rootName });
    assert.deepEqual(byName.map(r => r.traceId), [t128.traceId]);
    assert.equal(tempo.searches.at(-1)!.get('tags'), `name=${JSON.stringify(t128.rootName)}`);
    const tql = await client.search({ traceql: `{resource.service.name="${service}"}`, limit: 1 });
    assert.equal(tql.length, 1);
    assert.equal(tempo.searches.at(-1)!.get('q'), `{resource.service.name="${service}"}`);
    assert.equal(tql[0]!.rootService, service);
  });

  test('tag names, tag values, services, operations; v1 fallbacks', async () => {
    const names = await client.tagNames();
    assert.ok(names.resource?.includes('service.name'));
    assert.deepEqual(await client.services(), [service]);
    const ops = await client.operations(service);
    assert.ok(ops.includes(t128.rootName) && ops.includes('SELECT orders'));
    tempo.v1Only = true;
    try {
      assert.deepEqual(await client.tagNames(), { '': ['code.function', 'db.system', 'http.request.method', 'http.response.status_code', 'service.name', 'service.version', 'test.tag'] });
      assert.deepEqual(await client.services(), [service]);
    } finally {
      tempo.v1Only = false;
    }
    assert.deepEqual(await client.dependencies(new Date(), 1000), []);
    const h = await client.health();
    assert.equal(h.reachable, true);
    assert.match(h.version ?? '', /stand-in/);
  });

  test('the tenant header is sent; without it the server refuses (401 → UnauthorizedError)', async () => {
    const noTenant = new TempoBackend({ name: 'prod', type: 'tempo', url: tempo.url });
    await assert.rejects(noTenant.getTrace(t128.traceId), UnauthorizedError);
    await assert.rejects(findTraceInBackends(t128.traceId, [noTenant]), (e: unknown) => e instanceof TraceNotFoundError && !e.everywhereNotFound && /Tempo \(prod\): authentication required/.test(e.message));
    noTenant.dispose();
  });

  test('CLI fetch with --tenant finds it (exit 0); without the tenant the 401 exits 4 with one line', async () => {
    const run = (...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> => new Promise(resolve => {
      const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'cli.js'), 'fetch', ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('close', status => resolve({ status, stdout, stderr }));
    });
    const ok = await run(`${tempo.url}/api/v2/traces/${t128.traceId}`, '--backend', `tempo=${tempo.url}`, '--tenant', 'team-a');
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { traces: Array<{ traceId: string; spanCount: number }> }).traces[0]!.spanCount, 3);
    const denied = await run(t128.traceId, '--backend', `tempo=${tempo.url}`);
    assert.equal(denied.status, 4, denied.stderr);
    assert.match(denied.stderr, /^spanscope fetch: Trace [0-9a-f]{32} could not be fetched; Tempo \(127\.0\.0\.1:\d+\): authentication required \(401\)\.\n$/);
  });
});
