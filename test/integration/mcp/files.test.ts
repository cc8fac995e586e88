// `spanscope mcp` over stdio and Streamable HTTP, with trace files as the source: every tool against the core's own
// analysis of the same file, bad arguments and unknown IDs as tool errors (the server keeps serving), a
// 100 000-span trace within the output budget, and the HTTP guards (foreign Origin, Host, bearer token).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeTrace } from '../../../src/core/analysis/analyze';
import { parseTraceDocument } from '../../../src/core/parse/index';
import type { Trace } from '../../../src/core/model';
import fc from 'fast-check';
import { httpSession, startHttpServer, stdioSession, type HttpServerProcess, type McpSession } from './client';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateTrace } = require('../../../bench/gen-trace.mjs') as { generateTrace(o: { n: number; seed: number; format: string }): unknown };

const BUDGET_CHARS = 8000 * 4;
const TOOLS = ['list_sources', 'get_services', 'search_traces', 'get_trace_summary', 'get_trace_topology', 'get_critical_path',
  'get_span_details', 'get_trace_errors', 'get_findings', 'get_code_locations', 'get_latency_for_code', 'compare_traces'];

describe('mcp server over trace files', () => {
  let dir: string;
  let small: Trace, other: Trace, big: Trace;
  let s: McpSession;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spanscope-mcp-'));
    writeFileSync(join(dir, 'small.json'), JSON.stringify(generateTrace({ n: 1500, seed: 3, format: 'otlp' })));
    writeFileSync(join(dir, 'other.json'), JSON.stringify(generateTrace({ n: 1500, seed: 4, format: 'jaeger' })));
    writeFileSync(join(dir, 'broken.json'), '{"resourceSpans": [');
    writeFileSync(join(dir, 'big.json'), JSON.stringify(generateTrace({ n: 100_000, seed: 9, format: 'otlp' })));
    small = parseTraceDocument(readFileSync(join(dir, 'small.json'))).traces[0]!;
    other = parseTraceDocument(readFileSync(join(dir, 'other.json'))).traces[0]!;
    big = parseTraceDocument(readFileSync(join(dir, 'big.json'))).traces[0]!;
    // the folder is one argument: every trace file in it is a source; src/ is the workspace for code mapping
    s = await stdioSession([dir, '--workspace', join(__dirname, '..', '..', '..', 'src')]);
  });
  after(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('offers the twelve tools and drill-down instructions', async () => {
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map(t => t.name).sort(), [...TOOLS].sort());
    for (const t of tools) assert.ok(t.description && t.description.length > 20, t.name);
    assert.match(s.client.getInstructions() ?? '', /search_traces[\s\S]*get_trace_summary[\s\S]*get_span_details/);
  });

  test('list_sources names each file, its trace count, and the unreadable one with why', async () => {
    const r = await s.call('list_sources');
    const files = r.json.sources as Array<{ id: string; path: string; traceCount: number; error?: string }>;
    assert.equal(files.length, 4);
    assert.equal(files.find(f => f.path.endsWith('small.json'))!.traceCount, 1);
    assert.ok(files.find(f => f.path.endsWith('broken.json'))!.error);
    assert.ok(r.json.workspace.fileCount > 10);
  });

  test('search_traces filters by duration, service, errors; slowest first', async () => {
    const all = (await s.call('search_traces')).json.traces as Array<{ traceId: string; durationMs: number; spanCount: number }>;
    assert.deepEqual(all.map(t => t.traceId).sort(), [small.traceId, other.traceId, big.traceId].sort());
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.durationMs >= all[i]!.durationMs);
    const svc = small.spans.find(sp => !other.spans.some(o => o.resource.serviceName === sp.resource.serviceName) && !big.spans.some(o => o.resource.serviceName === sp.resource.serviceName));
    if (svc) {
      const byService = (await s.call('search_traces', { service: svc.resource.serviceName })).json.traces;
      assert.deepEqual(byService.map((t: { traceId: string }) => t.traceId), [small.traceId]);
    }
    const small1 = all.find(t => t.traceId === small.traceId)!;
    const ranged = (await s.call('search_traces', { minDurationMs: small1.durationMs, maxDurationMs: small1.durationMs })).json.traces;
    assert.ok(ranged.some((t: { traceId: string }) => t.traceId === small.traceId));
    assert.equal((await s.call('search_traces', { limit: 1 })).json.traces.length, 1);
    const none = (await s.call('search_traces', { attributes: { 'no.such.key': 'x' } })).json.traces;
    assert.deepEqual(none, []);
  });

  test('get_trace_summary agrees with the core analysis, for every accepted ID form', async () => {
    const a = analyzeTrace(small);
    const forms = [small.traceId, small.traceId.toUpperCase(), `00-${small.traceId}-${small.spans[0]!.spanId}-01`, `http://localhost:16686/trace/${small.traceId}`, `error in checkout trace_id=${small.traceId} user=7`];
    for (const form of forms) {
      const r = await s.call('get_trace_summary', { traceId: form });
      assert.equal(r.isError, false, `${form}: ${r.text}`);
      assert.equal(r.json.traceId, small.traceId);
      assert.equal(r.json.spanCount, small.spans.length);
      assert.equal(r.json.errorCount, a.errorCount);
      assert.equal(r.json.durationMs, Math.round(a.tree.durationNs / 1000) / 1000);
      assert.equal(r.json.serviceCount, a.services.length);
      assert.ok(r.json.topCriticalPath.length > 0);
    }
  });

  test('topology, critical path, details, errors, findings, code locations and latency', async () => {
    const a = analyzeTrace(small);
    const id = small.traceId;
    const topo = (await s.call('get_trace_topology', { traceId: id, maxDepth: 2, maxChildren: 3 })).json;
    assert.equal(topo.spans[0].spanId, small.spans[a.tree.roots[0]!]!.spanId);
    for (const n of topo.spans) assert.ok(n.depth <= 2);
    const crit = (await s.call('get_critical_path', { traceId: id, limit: 1000 })).json;
    assert.deepEqual(new Set(crit.sections.map((x: { spanId: string }) => x.spanId)), new Set(a.criticalPath.map(i => small.spans[i]!.spanId)));
    const ids = small.spans.slice(0, 20).map(sp => sp.spanId);
    const det = (await s.call('get_span_details', { traceId: id, spanIds: ids })).json;
    assert.deepEqual(det.spans.map((x: { spanId: string }) => x.spanId), ids);
    assert.ok(Object.keys(det.spans[0].attributes).length > 0);
    const errs = (await s.call('get_trace_errors', { traceId: id, limit: 500 })).json;
    assert.equal(errs.errorOriginCount, a.errorOrigins.length);
    assert.deepEqual(errs.errorOrigins.map((x: { spanId: string }) => x.spanId).sort(), a.errorOrigins.map(i => small.spans[i]!.spanId).sort());
    const fnd = (await s.call('get_findings', { traceId: id, limit: 1000 })).json;
    assert.equal(fnd.findingCount, a.findings.length);
    const only = (await s.call('get_findings', { traceId: id, kinds: ['error-origin'] })).json;
    assert.equal(only.findings.length, a.findings.filter(f => f.kind === 'error-origin').length);
    assert.ok(only.findings.length > 0, 'the trace has error origins to filter on');
    for (const f of only.findings) assert.equal(f.kind, 'error-origin');
    const code = (await s.call('get_code_locations', { traceId: id })).json;
    assert.equal(code.spansWithLocation, a.codeLocations.filter(Boolean).length);
    const withLoc = code.spans[0];
    assert.ok(withLoc.recorded.file, JSON.stringify(withLoc));
    assert.ok(['exact', 'high', 'low', 'none'].includes(withLoc.workspace.confidence));
    // latency for the file the slowest located span names: at least that span counts
    const lat = (await s.call('get_latency_for_code', { file: withLoc.recorded.file })).json;
    assert.ok(lat.spanCount >= 1 && lat.p95Ms >= lat.p50Ms, JSON.stringify(lat));
  });

  test('compare_traces: a trace against itself changes nothing; against another says what differs', async () => {
    const same = (await s.call('compare_traces', { traceIdA: small.traceId, traceIdB: small.traceId })).json;
    assert.equal(same.deltaMs, 0);
    assert.equal(same.counts.same, small.spans.length);
    const diff = (await s.call('compare_traces', { traceIdA: small.traceId, traceIdB: other.traceId })).json;
    assert.equal(diff.a.traceId, small.traceId);
    assert.ok(diff.slower.length + diff.faster.length > 0);
  });

  test('bad arguments and unknown IDs are tool errors, and the server keeps answering', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['get_trace_summary', {}, /traceId/],
      ['get_trace_summary', { traceId: 42 }, /traceId/],
      ['get_trace_summary', { traceId: 'not an id' }, /No trace ID found/],
      ['get_trace_summary', { traceId: '0'.repeat(32) }, /zero/i],
      ['get_trace_summary', { traceId: 'ab'.repeat(16) }, /not in the trace files/],
      ['get_trace_summary', { traceId: small.traceId, source: 'jaeger:9' }, /unknown source/],
      ['get_span_details', { traceId: small.traceId, spanIds: [] }, /spanIds/],
      ['get_span_details', { traceId: small.traceId, spanIds: Array.from({ length: 21 }, () => small.spans[0]!.spanId) }, /spanIds/],
      ['get_span_details', { traceId: small.traceId, spanIds: ['ffffffffffffffff'] }, /not in trace/],
      ['get_trace_topology', { traceId: small.traceId, maxDepth: -1 }, /maxDepth/],
      ['search_traces', { startTime: 'yesterday-ish' }, /ISO 8601/],
      ['search_traces', { minDurationMs: 5, maxDurationMs: 1 }, /larger/],
      ['get_latency_for_code', {}, /file=/],
      ['get_findings', { traceId: small.traceId, kinds: ['bogus'] }, /kinds/],
    ];
    for (const [tool, args, re] of cases) {
      const r = await s.call(tool, args);
      assert.equal(r.isError, true, `${tool} ${JSON.stringify(args).slice(0, 80)}: ${r.text.slice(0, 200)}`);
      assert.match(r.text, re, tool);
    }
    assert.equal((await s.call('list_sources')).isError, false);
  });

  test('random arguments to every tool: an answer within budget or a tool error, never a crash', async () => {
    const idLike = fc.oneof(fc.constant(small.traceId), fc.constant(small.spans[3]!.spanId), fc.string({ maxLength: 40 }), fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF-'), minLength: 1, maxLength: 40 }));
    const value = fc.oneof(idLike, fc.integer({ min: -5, max: 5000 }), fc.double(), fc.boolean(), fc.constant(null), fc.array(idLike, { maxLength: 25 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }));
    const keys = ['traceId', 'traceIdA', 'traceIdB', 'spanIds', 'source', 'service', 'operation', 'attributes', 'limit', 'maxDepth', 'maxChildren', 'rootSpanId', 'kinds', 'file', 'startLine', 'endLine', 'function', 'minDurationMs', 'maxDurationMs', 'errorsOnly', 'startTime', 'endTime', 'traceIds', 'bogus'];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...TOOLS), fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 5 }), async (tool, args) => {
      const r = await s.call(tool, args);
      assert.ok(r.text.length > 0 && r.text.length <= BUDGET_CHARS, `${tool}: ${r.text.length}`);
      if (!r.isError) assert.equal(typeof r.json, 'object');
      else assert.doesNotMatch(r.text, /internal error/, `${tool} ${JSON.stringify(args)}: ${r.text}`);
    }), { numRuns: 300, seed: 18 });
    assert.equal((await s.call('list_sources')).isError, false);
  });

  test('a 100 000-span trace: every tool stays within the output budget and says how to narrow', async () => {
    const id = big.traceId;
    const calls: Array<[string, Record<string, unknown>]> = [
      ['get_services', {}], ['search_traces', {}], ['get_trace_summary', { traceId: id }],
      ['get_trace_topology', { traceId: id, maxDepth: 100, maxChildren: 1000, limit: 5000 }],
      ['get_critical_path', { traceId: id, limit: 1000 }],
      ['get_span_details', { traceId: id, spanIds: big.spans.slice(0, 20).map(x => x.spanId) }],
      ['get_trace_errors', { traceId: id, limit: 500 }], ['get_findings', { traceId: id, limit: 1000 }],
      ['get_code_locations', { traceId: id, limit: 500 }], ['get_latency_for_code', { file: '.py' }],
      ['compare_traces', { traceIdA: id, traceIdB: small.traceId, limit: 200 }],
    ];
    let truncatedSeen = 0;
    for (const [tool, args] of calls) {
      const r = await s.call(tool, args);
      assert.equal(r.isError, false, `${tool}: ${r.text.slice(0, 300)}`);
      assert.ok(r.text.length <= BUDGET_CHARS, `${tool}: ${r.text.length} characters`);
      if (r.json.truncated) {
        truncatedSeen++;
        assert.ok(typeof r.json.hint === 'string' && r.json.hint.length > 5, tool);
      }
    }
    assert.ok(truncatedSeen >= 3, `only ${truncatedSeen} answers were cut`);
  });
});

describe('mcp server over Streamable HTTP', () => {
  let dir: string;
  let server: HttpServerProcess;
  let trace: Trace;
  const token = 'test-token-' + process.pid;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spanscope-mcp-http-'));
    const file = join(dir, 't.json');
    writeFileSync(file, JSON.stringify(generateTrace({ n: 300, seed: 5, format: 'otlp' })));
    writeFileSync(join(dir, 'token'), token + '\n');
    trace = parseTraceDocument(readFileSync(file)).traces[0]!;
    server = await startHttpServer([file, '--token-file', join(dir, 'token')]);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the SDK client calls tools over HTTP with the bearer token', async () => {
    const s = await httpSession(server.url, { authorization: `Bearer ${token}` });
    try {
      const { tools } = await s.client.listTools();
      assert.equal(tools.length, TOOLS.length);
      const r = await s.call('get_trace_summary', { traceId: trace.traceId });
      assert.equal(r.json.spanCount, trace.spans.length);
      const bad = await s.call('get_trace_summary', { traceId: 'zz' });
      assert.equal(bad.isError, true);
    } finally {
      await s.close();
    }
  });

  const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
  const post = (headers: Record<string, string>) => fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, ...headers }, body: init });

  test('a foreign Origin is refused (DNS rebinding); a loopback Origin is served', async () => {
    const evil = await post({ origin: 'http://evil.example' });
    assert.equal(evil.status, 403);
    assert.match(await evil.text(), /Origin/);
    const rebound = await post({ origin: `http://attacker.test:${new URL(server.url).port}` });
    assert.equal(rebound.status, 403);
    const local = await post({ origin: `http://127.0.0.1:${new URL(server.url).port}` });
    assert.equal(local.status, 200);
    await local.text();
  });

  test('a Host other than the loopback address it listens on is refused', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(server.url, { method: 'POST', headers: { host: 'attacker.test', 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` } }, res => { res.resume(); resolve(res.statusCode!); });
      req.on('error', reject);
      req.end(init);
    });
    assert.equal(status, 403);
  });

  test('without the token, or with a wrong one: 401', async () => {
    assert.equal((await post({ authorization: '' })).status, 401);
    assert.equal((await post({ authorization: 'Bearer nope' })).status, 401);
  });
});

describe('mcp server: code mapping with the mapping engine (--workspace)', () => {
  let dir: string;
  let s: McpSession;
  const traceId = '5b8efff798038103d269b633813fc60c';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spanscope-mcp-map-'));
    const span = (spanId: string, name: string, attrs: Array<[string, string | number]>, parent?: string) => ({
      traceId, spanId, ...(parent ? { parentSpanId: parent } : {}), name, kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000050000000',
      attributes: attrs.map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } })),
    });
    writeFileSync(join(dir, 't.json'), JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] }, scopeSpans: [{ spans: [
      // deployed under /srv/app: the engine finds demo/shop/orders.js by its path suffix, at the recorded line
      span('eee19b7ec3c1b174', 'SELECT orders', [['code.filepath', '/srv/app/shop/orders.js'], ['code.lineno', 17]]),
      span('eee19b7ec3c1b175', 'no location here', [], 'eee19b7ec3c1b174'),
    ] }] }] }));
    s = await stdioSession([join(dir, 't.json'), '--workspace', join(__dirname, '..', '..', '..', 'demo')]);
  });
  after(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('get_code_locations places a span by its recorded path in the workspace, and says why when it cannot', async () => {
    const r = await s.call('get_code_locations', { traceId, spanIds: ['eee19b7ec3c1b174', 'eee19b7ec3c1b175'] });
    assert.equal(r.isError, false, r.text);
    const [mapped, unmapped] = r.json.spans;
    assert.equal(mapped.workspace.file, 'shop/orders.js');
    assert.equal(mapped.workspace.line, 17);
    assert.notEqual(mapped.workspace.confidence, 'none');
    assert.ok(mapped.workspace.reason.length > 5);
    assert.equal(unmapped.recorded, undefined);
    assert.equal(unmapped.workspace.file, undefined);
    assert.equal(unmapped.workspace.confidence, 'none');
  });
});

describe('mcp server: --config FILE', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'spanscope-mcp-config-'));
    writeFileSync(join(dir, 't.json'), JSON.stringify(generateTrace({ n: 3000, seed: 6, format: 'otlp' })));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('paths relative to the file, the workspace and the output budget come from it', async () => {
    writeFileSync(join(dir, 'mcp.json'), JSON.stringify({ paths: ['t.json'], workspace: join(__dirname, '..', '..', '..', 'demo'), maxOutputTokens: 600 }));
    const s = await stdioSession(['--config', join(dir, 'mcp.json')]);
    try {
      const src = (await s.call('list_sources')).json;
      assert.equal(src.sources[0].path, join(dir, 't.json'));
      assert.equal(src.sources[0].traceCount, 1);
      assert.ok(src.workspace.fileCount > 0);
      const topo = await s.call('get_trace_topology', { traceId: (await s.call('search_traces')).json.traces[0].traceId });
      assert.ok(topo.text.length <= 600 * 4, String(topo.text.length));
      assert.equal(topo.json.truncated, true);
    } finally {
      await s.close();
    }
  });

  test('a config that is not valid: exit 2 with one line saying what is wrong', async () => {
    const { spawnSync } = await import('node:child_process');
    const { CLI } = await import('./client');
    for (const [text, re] of [['{"backends":[{"type":"elastic","url":"http://x"}]}', /backends\.0\.type/], ['{nope', /JSON/], ['{"receive":"4318"}', /receive/], ['{"extra":1}', /extra|Unrecognized/]] as const) {
      writeFileSync(join(dir, 'bad.json'), text);
      const r = spawnSync(process.execPath, [CLI, 'mcp', '--config', join(dir, 'bad.json')], { encoding: 'utf8', input: '' });
      assert.equal(r.status, 2, text);
      assert.match(r.stderr, re, text);
    }
  });
});
