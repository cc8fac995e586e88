// `spanscope mcp` over live sources: a real Jaeger and a real Zipkin (fed by the OTel JS SDK's exporters), the
// in-process receiver (`--receive`, fed by the OTel SDK's OTLP/HTTP exporter) and a backend that is down. One
// server process, driven over stdio by the SDK's MCP client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { freePort, JAEGER_SKIP, startJaeger, startZipkin, ZIPKIN_SKIP, type RunningServer } from '../../support/backends/servers';
import { emitTrace, idForms, type EmittedTrace } from '../../support/backends/emit';
import { stdioSession, type McpSession } from './client';

/** Polls a tool until `ok` holds (backends index asynchronously); fails with the last answer after 20 s. */
async function until(s: McpSession, tool: string, args: Record<string, unknown>, ok: (json: any) => boolean): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await s.call(tool, args);
    if (!r.isError && ok(r.json)) return r.json;
    if (Date.now() > deadline) assert.fail(`${tool} ${JSON.stringify(args)} never satisfied: ${r.text.slice(0, 500)}`);
    await new Promise(res => setTimeout(res, 250));
  }
}

describe('mcp server over Jaeger, Zipkin, the receiver and a dead backend', { skip: JAEGER_SKIP || ZIPKIN_SKIP }, () => {
  let jaeger: RunningServer, zipkin: RunningServer;
  let s: McpSession;
  let jt: EmittedTrace, zt: EmittedTrace, rt: EmittedTrace;
  let receivePort: number, deadPort: number;
  const svc = { j: `mcp-j-${process.pid}`, z: `mcp-z-${process.pid}`, r: `mcp-r-${process.pid}` };

  before(async () => {
    [jaeger, zipkin] = await Promise.all([startJaeger(), startZipkin()]);
    receivePort = await freePort();
    deadPort = await freePort(); // nothing listens there
    jt = await emitTrace(new OTLPTraceExporter({ url: `${jaeger.ingestUrl}/v1/traces` }), svc.j);
    zt = await emitTrace(new ZipkinExporter({ url: `${zipkin.ingestUrl}/api/v2/spans`, serviceName: svc.z }), svc.z);
    s = await stdioSession([
      '--backend', `jaeger=${jaeger.url}`, '--backend', `zipkin=${zipkin.url}`, '--backend', `zipkin=http://127.0.0.1:${deadPort}`,
      '--receive', String(receivePort),
    ]);
    // the server's own receiver, fed by the OTel SDK once the server runs
    rt = await emitTrace(new OTLPTraceExporter({ url: `http://127.0.0.1:${receivePort}/v1/traces` }), svc.r);
  });
  after(async () => {
    await s?.close();
    await Promise.all([jaeger?.stop(), zipkin?.stop()]);
  });

  test('list_sources: the receiver, both live backends reachable, the dead one not, with why', async () => {
    const src = (await s.call('list_sources')).json.sources as Array<{ id: string; kind: string; reachable?: boolean; error?: string; url?: string }>;
    assert.deepEqual(src.map(x => x.id), ['receiver', 'jaeger:1', 'zipkin:2', 'zipkin:3']);
    assert.equal(src[0]!.url, `http://127.0.0.1:${receivePort}/v1/traces`);
    assert.equal(src[1]!.reachable, true);
    assert.equal(src[2]!.reachable, true);
    assert.equal(src[3]!.reachable, false);
    assert.ok(src[3]!.error);
  });

  test('search_traces finds each trace in its source; the dead backend is a problem, not a failure', async () => {
    const j = await until(s, 'search_traces', { service: svc.j }, x => x.traces.some((t: { traceId: string }) => t.traceId === jt.traceId));
    assert.equal(j.traces.find((t: { traceId: string }) => t.traceId === jt.traceId).source, 'jaeger:1');
    assert.ok(j.problems.some((p: string) => p.includes(String(deadPort))), JSON.stringify(j.problems));
    const z = await until(s, 'search_traces', { service: svc.z, source: 'zipkin:2' }, x => x.traces.some((t: { traceId: string }) => t.traceId === zt.traceId));
    assert.equal(z.traces[0].spanCount, 3);
    const r = await until(s, 'search_traces', { source: 'receiver' }, x => x.traces.some((t: { traceId: string; spanCount: number }) => t.traceId === rt.traceId && t.spanCount === 3));
    assert.equal(r.traces[0].rootService, svc.r);
    const errs = (await s.call('search_traces', { source: 'receiver', errorsOnly: true })).json.traces;
    assert.deepEqual(errs.map((t: { traceId: string }) => t.traceId), [rt.traceId]);
  });

  test('get_services lists the services of every source and one service\'s operations', async () => {
    const all = await until(s, 'get_services', { service: svc.j }, x => x.services.some((r: { service: string }) => r.service === svc.j));
    const names = all.services.map((r: { service: string }) => r.service);
    for (const n of [svc.j, svc.z, svc.r]) assert.ok(names.includes(n), n);
    assert.ok(all.services.find((r: { service: string; source: string }) => r.service === svc.j && r.source === 'jaeger:1').operations.includes(jt.rootName));
  });

  test('a trace from each backend, by every ID form, with summary, errors and details', async () => {
    for (const [t, server] of [[jt, jaeger], [zt, zipkin]] as const) {
      for (const f of idForms(t, { jaeger: jaeger.url, zipkin: zipkin.url, tempo: 'http://tempo:3200', grafana: 'http://localhost:3000' })) {
        const r = await s.call('get_trace_summary', { traceId: f.text });
        assert.equal(r.isError, false, `${server.url} ${f.label}: ${r.text}`);
        assert.equal(r.json.traceId, t.traceId, f.label);
        assert.equal(r.json.spanCount, 3);
        assert.equal(r.json.errorCount, 1);
      }
      const errs = (await s.call('get_trace_errors', { traceId: t.traceId })).json;
      assert.deepEqual(errs.errorOrigins.map((e: { spanId: string }) => e.spanId), [t.childSpanId]);
      const det = (await s.call('get_span_details', { traceId: t.traceId, spanIds: [t.childSpanId, t.rootSpanId] })).json;
      assert.equal(det.spans[0].name.toLowerCase(), t.childName.toLowerCase()); // Zipkin lower-cases span names
      assert.equal(det.spans[0].attributes['db.system'], 'postgresql');
      assert.equal(det.spans[1].parentSpanId, undefined);
      const topo = (await s.call('get_trace_topology', { traceId: t.traceId })).json;
      assert.equal(topo.spans.length, 3);
    }
  });

  test('the receiver\'s trace: critical path, findings, code locations, latency for the function it records', async () => {
    const crit = (await s.call('get_critical_path', { traceId: rt.traceId })).json;
    assert.equal(crit.source, 'receiver');
    assert.equal(crit.sections[0].spanId, rt.rootSpanId);
    const f = (await s.call('get_findings', { traceId: rt.traceId })).json;
    assert.ok(f.findings.some((x: { kind: string; spanId: string }) => x.kind === 'error-origin' && x.spanId === rt.childSpanId));
    const code = (await s.call('get_code_locations', { traceId: rt.traceId })).json;
    assert.equal(code.spans[0].spanId, rt.childSpanId);
    assert.equal(code.spans[0].recorded.function, 'loadOrders');
    const lat = (await s.call('get_latency_for_code', { function: 'loadOrders' })).json;
    assert.equal(lat.spanCount, 1);
    assert.equal(lat.errorCount, 1);
    assert.ok(lat.p50Ms > 250 && lat.p50Ms < 350, String(lat.p50Ms));
  });

  test('compare_traces across sources (Jaeger vs receiver)', async () => {
    const d = (await s.call('compare_traces', { traceIdA: jt.traceId, traceIdB: rt.traceId })).json;
    assert.equal(d.a.source, 'jaeger:1');
    assert.equal(d.b.source, 'receiver');
    // different services: nothing lines up, every span is added or removed
    assert.equal(d.counts.added, 3);
    assert.equal(d.counts.removed, 3);
  });

  test('an unknown trace: not found in the live backends, and the dead one named with its failure', async () => {
    const r = await s.call('get_trace_summary', { traceId: 'abcdef0123456789abcdef0123456789' });
    assert.equal(r.isError, true);
    assert.match(r.text, /not found in .*Jaeger/);
    assert.match(r.text, new RegExp(`127\\.0\\.0\\.1:${deadPort}`));
    const only = await s.call('get_trace_summary', { traceId: jt.traceId, source: 'zipkin:3' });
    assert.equal(only.isError, true);
    assert.match(only.text, /refused|connect/i);
    assert.equal((await s.call('list_sources')).isError, false);
  });
});
