import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { buildServiceGraph, graphFromDependencies, ServiceGraphBuilder, tableFromAnalysis } from '../../../../src/core/analysis/graph';
import type { ServiceGraph } from '../../../../src/core/analysis/graph';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import { trace } from '../../../support/builders';
import { REAL_FIXTURES } from '../../../support/paths';

const real = (f: string) => parseTraceDocument(readFileSync(join(REAL_FIXTURES, f))).traces.map(t => tableFromAnalysis(analyzeTrace(t)));
const edge = (g: ServiceGraph, from: string, to: string) => g.edges.find(e => e.from === from && e.to === to);
const node = (g: ServiceGraph, s: string) => g.nodes.find(n => n.service === s);

// frontend GET / → (client) → backend handle → backend query (error starts here) ; frontend → cache (fine)
const errorTrace = () => trace([
  { id: 'r', name: 'GET /', service: 'frontend', kind: 'server', start: 0, dur: 1000, status: 'error' },
  { id: 'c1', parent: 'r', name: 'call backend', service: 'frontend', kind: 'client', start: 10, dur: 600, status: 'error' },
  { id: 's1', parent: 'c1', name: 'handle', service: 'backend', kind: 'server', start: 20, dur: 500, status: 'error' },
  { id: 'q', parent: 's1', name: 'query', service: 'backend', kind: 'internal', start: 30, dur: 400, status: 'error' },
  { id: 'c2', parent: 'r', name: 'get cache', service: 'frontend', kind: 'client', start: 700, dur: 100 },
  { id: 's2', parent: 'c2', name: 'GET', service: 'cache', kind: 'server', start: 710, dur: 80 },
]);

test('calls between services, with the caller-side latency and the error spread from its origin', () => {
  const g = buildServiceGraph([tableFromAnalysis(analyzeTrace(errorTrace()))]);
  assert.deepEqual(g.nodes.map(n => n.service).sort(), ['backend', 'cache', 'frontend']);
  assert.equal(g.edges.length, 2);
  const fb = edge(g, 'frontend', 'backend')!;
  assert.equal(fb.count, 1);
  assert.equal(fb.errors, 1);
  assert.equal(fb.errorSpread, 1, 'the error went from backend up into frontend');
  assert.equal(fb.p95Ns, 600_000, 'latency as the client span saw it');
  const fc = edge(g, 'frontend', 'cache')!;
  assert.equal(fc.errorSpread, 0);
  assert.equal(fc.errors, 0);
  assert.equal(node(g, 'backend')!.errorOrigins, 1);
  assert.equal(node(g, 'frontend')!.errorOrigins, 0);
  // requests: frontend's root, backend's server span, cache's server span
  assert.deepEqual([node(g, 'frontend')!.requests, node(g, 'backend')!.requests, node(g, 'cache')!.requests], [1, 1, 1]);
  assert.equal(node(g, 'frontend')!.spanCount, 3);
  assert.equal(node(g, 'frontend')!.errorRate, 1);
});

test('a set of traces adds up counts, error rates and percentiles', () => {
  const b = new ServiceGraphBuilder();
  for (let k = 0; k < 9; k++) b.add(tableFromAnalysis(analyzeTrace(trace([
    { id: 'r', name: 'GET /', service: 'frontend', kind: 'server', dur: 100 * (k + 1) },
    { id: 'c', parent: 'r', name: 'call', service: 'frontend', kind: 'client', dur: 10 * (k + 1) },
    { id: 's', parent: 'c', name: 'handle', service: 'backend', kind: 'server', dur: 5 },
  ]))));
  b.add(tableFromAnalysis(analyzeTrace(errorTrace())));
  const g = b.graph();
  assert.equal(g.traceCount, 10);
  assert.equal(edge(g, 'frontend', 'backend')!.count, 10);
  assert.equal(edge(g, 'frontend', 'backend')!.errorSpread, 1);
  assert.equal(node(g, 'frontend')!.requests, 10);
  assert.equal(node(g, 'frontend')!.errorRate, 0.1);
  // frontend request durations 100..900 µs and 1000 µs: p50 = 500 µs (nearest rank: the 5th of 10), p95 the slowest
  assert.equal(node(g, 'frontend')!.p50Ns, 500_000);
  assert.equal(node(g, 'frontend')!.p95Ns, 1_000_000);
});

test('a CLIENT span calling a SERVER span of the same service is a call (self edge)', () => {
  const g = buildServiceGraph([tableFromAnalysis(analyzeTrace(trace([
    { id: 'r', service: 'a', kind: 'server', dur: 10 },
    { id: 'c', parent: 'r', service: 'a', kind: 'client', dur: 8 },
    { id: 's', parent: 'c', service: 'a', kind: 'server', dur: 6 },
    { id: 'i', parent: 's', service: 'a', kind: 'internal', dur: 2 },
  ])))]);
  assert.deepEqual(g.edges.map(e => [e.from, e.to, e.count]), [['a', 'a', 1]]);
  assert.equal(g.nodes[0]!.requests, 2);
});

test('a backend dependency list becomes a graph without latencies', () => {
  const g = graphFromDependencies([
    { parent: 'frontend', child: 'backend', callCount: 40, errorCount: 4 },
    { parent: 'backend', child: 'db', callCount: 100 },
    { parent: 'frontend', child: 'backend', callCount: 10 },
    { parent: 'x', child: 'y', callCount: Number.NaN },
  ]);
  assert.equal(g.source, 'backend');
  assert.deepEqual(edge(g, 'frontend', 'backend'), { from: 'frontend', to: 'backend', count: 50, errors: 4, errorSpread: 0 });
  assert.equal(node(g, 'backend')!.requests, 50);
  assert.equal(node(g, 'backend')!.errorRate, 0.08);
  assert.equal(node(g, 'db')!.p95Ns, undefined);
  assert.equal(edge(g, 'x', 'y')!.count, 0);
});

test('real: genai trace (10 services) — calls from the parent structure, the k8s-api error origin', () => {
  const g = buildServiceGraph(real('jaeger-v1/jaeger-ui--genaiTestTrace.json'));
  assert.equal(g.nodes.length, 10);
  assert.equal(g.nodes.reduce((n, x) => n + x.spanCount, 0), 57);
  assert.equal(edge(g, 'coding-agent', 'mcp-gateway')!.count, 7);
  assert.equal(edge(g, 'trace-store', 'k8s-api')!.errors, 1);
  assert.equal(node(g, 'k8s-api')!.errorOrigins, 1);
  assert.ok(g.edges.every(e => e.errorSpread === 0), 'the k8s-api error did not spread to its callers');
  // every edge is between services that exist, and the api-edge root is the only entry without a caller
  const names = new Set(g.nodes.map(n => n.service));
  assert.ok(g.edges.every(e => names.has(e.from) && names.has(e.to)));
  assert.deepEqual(g.nodes.filter(n => !g.edges.some(e => e.to === n.service)).map(n => n.service), ['api-edge']);
});

test('real: Zipkin client/server halves with a shared span ID give one call', () => {
  const g = buildServiceGraph(real('zipkin/zipkin--skew.json'));
  assert.deepEqual(g.edges.map(e => [e.from, e.to, e.count]), [['servicea', 'serviceb', 1]]);
});

test('real: the graph of a trace set is the sum of the graphs of its traces', () => {
  const files = ['jaeger-v1/jaeger-ui--genaiTestTrace.json', 'zipkin/zipkin--messaging-kafka.json', 'jaeger-v1/jaeger-ui--TraceGraph-testTrace.json', 'otlp/jaeger--memory-otel_traces_01.json'];
  const tables = files.flatMap(real);
  const all = buildServiceGraph(tables);
  assert.equal(all.traceCount, tables.length);
  const parts = tables.map(t => buildServiceGraph([t]));
  for (const e of all.edges) {
    const sum = parts.reduce((n, g) => n + (edge(g, e.from, e.to)?.count ?? 0), 0);
    assert.equal(e.count, sum, `${e.from}→${e.to}`);
  }
  for (const n of all.nodes) assert.equal(n.requests, parts.reduce((k, g) => k + (node(g, n.service)?.requests ?? 0), 0));
});
