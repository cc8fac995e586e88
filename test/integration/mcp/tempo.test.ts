// `spanscope mcp --backend tempo=URL` with the tenant from the environment, against the Tempo API stand-in
// (test/support/backends/tempo-standin.ts; no Tempo binary is installed here) fed by the OTel SDK's OTLP exporter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { startTempoStandIn, type TempoStandIn } from '../../support/backends/tempo-standin';
import { emitTrace, type EmittedTrace } from '../../support/backends/emit';
import { stdioSession, type McpSession } from './client';

describe('mcp server over Tempo (multi-tenant stand-in)', () => {
  let tempo: TempoStandIn;
  let s: McpSession;
  let t: EmittedTrace;
  const service = `mcp-t-${process.pid}`;

  before(async () => {
    tempo = await startTempoStandIn({ multitenancy: true });
    t = await emitTrace(new OTLPTraceExporter({ url: tempo.otlpUrl, headers: { 'X-Scope-OrgID': 'team-a' } }), service);
    s = await stdioSession(['--backend', `tempo=${tempo.url}`], { SPANSCOPE_TENANT: 'team-a' });
  });
  after(async () => {
    await s?.close();
    await tempo?.close();
  });

  test('the tenant from SPANSCOPE_TENANT reaches Tempo; search, errorsOnly as TraceQL, summary', async () => {
    const found = (await s.call('search_traces', { service })).json;
    assert.deepEqual(found.traces.map((x: { traceId: string }) => x.traceId), [t.traceId]);
    assert.equal(found.traces[0].source, 'tempo:1');
    const errs = (await s.call('search_traces', { errorsOnly: true })).json;
    assert.deepEqual(errs.traces.map((x: { traceId: string }) => x.traceId), [t.traceId]);
    assert.ok(tempo.searches.some(q => /status\s*=\s*error/.test(q.get('q') ?? '')), 'errorsOnly became a TraceQL query');
    const sum = (await s.call('get_trace_summary', { traceId: `http://tempo:3200/api/traces/${t.traceId}` })).json;
    assert.equal(sum.spanCount, 3);
    assert.equal(sum.errorCount, 1);
    assert.ok(tempo.requests.length > 0);
    for (const r of tempo.requests) assert.deepEqual(r.tenants, r.path === '/ready' ? r.tenants : ['team-a'], r.path);
  });
});
