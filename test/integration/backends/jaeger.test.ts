// The Jaeger client against a real Jaeger v2 (in-memory all-in-one) fed by the real OTel JS SDK over OTLP/HTTP,
// and every fault through the fault proxy in front of it. The CLI `fetch` command runs against it too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { JaegerBackend } from '../../../src/backends/jaeger/client';
import { findTraceInBackends, TraceNotFoundError } from '../../../src/backends/registry';
import {
  BackendError,
  BodyTooLargeError,
  CancelledError,
  ConnectionResetError,
  MalformedBodyError,
  NotFoundError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from '../../../src/backends/http/errors';
import { parseTraceIdInput } from '../../../src/core/trace-id-input';
import { startFaultProxy, type FaultProxy } from '../../support/backends/fault-proxy';
import { JAEGER_SKIP, startJaeger, stopAll, untilReadable, type RunningServer } from '../../support/backends/servers';
import { assertReadBack, emitTrace, idForms, type EmittedTrace } from '../../support/backends/emit';
import { PROJECT_ROOT } from '../../support/paths';

describe('Jaeger (real server)', { skip: JAEGER_SKIP }, () => {
  let server: RunningServer;
  let proxy: FaultProxy;
  let jaeger: JaegerBackend;
  let t128: EmittedTrace;
  let t64: EmittedTrace;
  const service = `checkout-${process.pid}`;

  before(async () => {
    server = await startJaeger();
    proxy = await startFaultProxy(server.url);
    const exporter = () => new OTLPTraceExporter({ url: `${server.ingestUrl}/v1/traces` });
    t128 = await emitTrace(exporter(), service, { tag: 'one' });
    t64 = await emitTrace(exporter(), service, { bits64: true, tag: 'two' });
    jaeger = new JaegerBackend({ name: 'local', type: 'jaeger', url: server.url });
    await untilReadable(jaeger, [t128.traceId, t64.traceId]);
  });
  after(() => stopAll(jaeger, proxy, server));

  test('get trace: every span, the right parents, the error status', async () => {
    const got = await jaeger.getTrace(t128.traceId);
    assert.equal(got.backend, 'Jaeger (local)');
    assertReadBack(got.trace, t128);
    assert.equal(got.trace.spans.find(s => s.spanId === t128.childSpanId)!.resource.serviceName, service);
  });

  for (const which of ['128-bit', '64-bit'] as const) {
    test(`found by ID in every accepted form (${which} trace ID)`, async () => {
      const t = which === '128-bit' ? t128 : t64;
      const forms = idForms(t, { jaeger: server.url, zipkin: 'http://localhost:9411', tempo: 'http://tempo:3200', grafana: 'https://grafana.example.com' });
      assert.ok(forms.length >= (which === '64-bit' ? 18 : 13));
      for (const f of forms) {
        const input = parseTraceIdInput(f.text);
        assert.equal(input.traceId, t.traceId, f.label);
        assert.equal(input.spanId, f.spanId, `${f.label}: span`);
        const found = await findTraceInBackends(input.traceId, [jaeger]);
        assert.equal(found.source, 'Jaeger (local)', f.label);
        assert.equal(found.trace.spans.length, 3, f.label);
      }
    });
  }

  test('the legacy /api/traces/{id} answers too (older servers)', async () => {
    const res = await jaeger.http.request({ path: `api/traces/${t64.traceId.slice(16)}` });
    assert.equal(JSON.parse(res.body.toString()).data[0].spans.length, 3);
  });

  test('search by service (api_v3), by operation and tags (legacy API), services, operations, dependencies', async () => {
    const all = await jaeger.search({ service, limit: 10 });
    assert.ok(all.some(s => s.traceId === t128.traceId), JSON.stringify(all.map(s => s.traceId)));
    assert.ok(all.some(s => s.traceId === t64.traceId));
    const row = all.find(s => s.traceId === t128.traceId)!;
    assert.equal(row.rootName, t128.rootName);
    assert.equal(row.spanCount, 3);
    assert.equal(row.errorCount, 1);
    const byOp = await jaeger.search({ service, operation: t64.rootName });
    assert.deepEqual(byOp.map(s => s.traceId), [t64.traceId]);
    const byTag = await jaeger.search({ service, tags: { 'test.tag': 'one' } });
    assert.deepEqual(byTag.map(s => s.traceId), [t128.traceId]);
    const none = await jaeger.search({ service: 'no-such-service' });
    assert.deepEqual(none, []);
    assert.ok((await jaeger.services()).includes(service));
    const ops = await jaeger.operations(service);
    assert.ok(ops.includes(t128.rootName) && ops.includes('SELECT orders'), ops.join(','));
    assert.ok(Array.isArray(await jaeger.dependencies(new Date(), 3_600_000)));
    const h = await jaeger.health();
    assert.equal(h.reachable, true);
  });

  test('not found: NotFoundError; through findTraceInBackends: "not found in Jaeger (local)"', async () => {
    const missing = '0123456789abcdef0123456789abcdef';
    await assert.rejects(jaeger.getTrace(missing), NotFoundError);
    await assert.rejects(findTraceInBackends(missing, [jaeger]), (e: unknown) => {
      assert.ok(e instanceof TraceNotFoundError);
      assert.equal(e.message, `Trace ${missing} not found in Jaeger (local).`);
      assert.ok(e.everywhereNotFound);
      return true;
    });
  });

  describe('faults through the proxy', () => {
    let viaProxy: JaegerBackend;
    before(() => {
      viaProxy = new JaegerBackend({ name: 'proxied', type: 'jaeger', url: proxy.url, timeoutMs: 400 }, undefined, { retries: 0 });
    });
    after(() => {
      proxy.setFault({ kind: 'pass' });
      viaProxy.dispose();
    });
    const expectError = async <T extends BackendError>(type: new (...a: never[]) => T, signal?: AbortSignal): Promise<T> => {
      try {
        await viaProxy.getTrace(t128.traceId, signal);
      } catch (e) {
        assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
        assert.match(e.message, /^Jaeger \(proxied\): /);
        assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:\\d+/api/`));
        return e;
      }
      return assert.fail(`expected ${type.name}`);
    };

    test('pass-through works (the proxy itself is sound)', async () => {
      proxy.setFault({ kind: 'pass' });
      assert.equal((await viaProxy.getTrace(t128.traceId)).trace.spans.length, 3);
    });
    test('slow response → TimeoutError, then cancel → CancelledError', async () => {
      proxy.setFault({ kind: 'delay', ms: 3000 });
      const t0 = Date.now();
      await expectError(TimeoutError);
      assert.ok(Date.now() - t0 < 2000);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const slow = new JaegerBackend({ name: 'proxied', type: 'jaeger', url: proxy.url, timeoutMs: 10_000 });
      await assert.rejects(slow.getTrace(t128.traceId, ac.signal), CancelledError);
      slow.dispose();
    });
    test('connection reset mid-body → ConnectionResetError', async () => {
      proxy.setFault({ kind: 'reset-mid-body' });
      await expectError(ConnectionResetError);
    });
    test('truncated gzip → MalformedBodyError', async () => {
      proxy.setFault({ kind: 'truncated-gzip' });
      await expectError(MalformedBodyError);
    });
    test('300 MB body → BodyTooLargeError at the 256 MB limit, not read to the end', async () => {
      proxy.setFault({ kind: 'huge', bytes: 300 * 1024 * 1024, declareLength: false });
      const big = new JaegerBackend({ name: 'proxied', type: 'jaeger', url: proxy.url, timeoutMs: 10_000 }, undefined, { retries: 0 });
      const rssBefore = process.memoryUsage().rss;
      await assert.rejects(big.getTrace(t128.traceId), (e: unknown) => {
        assert.ok(e instanceof BodyTooLargeError, String(e));
        assert.match(e.message, /256 MB/);
        return true;
      });
      big.dispose();
      await new Promise(r => setTimeout(r, 100));
      const written = proxy.hugeBytesWritten.at(-1)!;
      assert.ok(written < 300 * 1024 * 1024, `the proxy wrote all ${written} bytes`);
      assert.ok(process.memoryUsage().rss - rssBefore < 400 * 1024 * 1024);
      proxy.setFault({ kind: 'huge', bytes: 300 * 1024 * 1024, declareLength: true });
      await expectError(BodyTooLargeError);
      assert.ok(proxy.hugeBytesWritten.at(-1)! < 300 * 1024 * 1024);
    });
    test('401 → UnauthorizedError with the set-credentials action', async () => {
      proxy.setFault({ kind: 'status', status: 401, body: 'unauthorized' });
      const e = await expectError(UnauthorizedError);
      assert.deepEqual(e.actions, ['setCredentials']);
    });
    test('500 → ServerError', async () => {
      proxy.setFault({ kind: 'status', status: 500, body: '{"error":{"httpCode":500,"message":"storage is down"}}' });
      const e = await expectError(ServerError);
      assert.match(e.message, /storage is down/);
    });
    test('garbage JSON → MalformedBodyError', async () => {
      proxy.setFault({ kind: 'garbage' });
      await expectError(MalformedBodyError);
    });
    test('the health check reports the last error', async () => {
      proxy.setFault({ kind: 'status', status: 500 });
      const h = await viaProxy.health();
      assert.equal(h.reachable, true);
      assert.match(h.lastError ?? '', /server error HTTP 500/);
      proxy.setFault({ kind: 'pass' });
      assert.equal((await viaProxy.health()).lastError, undefined);
    });
  });

  describe('CLI fetch', () => {
    const cli = join(PROJECT_ROOT, 'dist', 'cli.js');
    // Asynchronous: the fault proxy runs in this process and must keep answering while the CLI runs.
    const run = (...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> => new Promise(resolve => {
      const child = spawn(process.execPath, [cli, 'fetch', ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('close', status => resolve({ status, stdout, stderr }));
    });

    test('prints the summary of a trace found by a traceparent', async () => {
      const r = await run(`00-${t128.traceId}-${t128.childSpanId}-01`, '--backend', `jaeger=${server.url}`);
      assert.equal(r.status, 0, r.stderr);
      const summary = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.match(JSON.stringify(summary), new RegExp(t128.traceId));
      assert.match(r.stderr, /^spanscope fetch: found [0-9a-f]{32} in Jaeger \(127\.0\.0\.1:\d+\) \(3 spans\)$/m);
    });
    test('--out writes OTLP JSON that parses back to the same spans', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'spanscope-fetch-'));
      try {
        const out = join(dir, 'trace.json');
        const r = await run(`${server.url}/trace/${t64.traceId.slice(16)}`, '--backend', `jaeger=${server.url}`, '--out', out);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(readFileSync(out, 'utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> };
        const spans = doc.resourceSpans.flatMap(rs => rs.scopeSpans.flatMap(ss => ss.spans));
        assert.equal(spans.length, 3);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    test('exit 2 for a malformed or all-zero ID, before any request', async () => {
      const before = proxy.requests.length;
      for (const bad of ['not-an-id', '0'.repeat(32), `00-${'0'.repeat(32)}-${t128.childSpanId}-01`]) {
        const r = await run(bad, '--backend', `jaeger=${proxy.url}`);
        assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
      assert.equal(proxy.requests.length, before, 'no request was made');
    });
    test('exit 3 when no backend has it, naming them', async () => {
      const r = await run('0123456789abcdef', '--backend', `jaeger=${server.url}`);
      assert.equal(r.status, 3, r.stderr);
      assert.equal(r.stderr.trim(), `spanscope fetch: Trace 00000000000000000123456789abcdef not found in Jaeger (${new URL(server.url).host}).`);
    });
    test('exit 4 on a backend error, one stderr line naming backend and cause', async () => {
      proxy.setFault({ kind: 'status', status: 401 });
      const r = await run(t128.traceId, '--backend', `jaeger=${proxy.url}`);
      proxy.setFault({ kind: 'pass' });
      assert.equal(r.status, 4, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /could not be fetched; Jaeger \(127\.0\.0\.1:\d+\): authentication required \(401\)/);
    });
  });
});
