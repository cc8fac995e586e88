// Every file in test/fixtures/real (see its SOURCES.md) through the built CLI and the analysis, checked against the facts
// its SOURCES.md states (span counts, roots, orphans, duplicates, errors, skew, children outliving parents).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTrace } from '../../src/core/analysis/analyze';
import { SpanFlag } from '../../src/core/analysis/types';
import type { TraceSummary } from '../../src/core/analysis/summary';
import { parseTraceDocument } from '../../src/core/parse/index';
import { PROJECT_ROOT, REAL_FIXTURES } from '../support/paths';

const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');

type Facts = Partial<Omit<TraceSummary, 'findings' | 'criticalPath'>> & { findingKinds?: string[]; noFindingKinds?: string[] };
/** Per file: the facts of each trace in order, or `reject` for files that are not trace documents. */
const EXPECTED: Record<string, Facts[] | 'reject'> = {
  'jaeger-api-v3/jaeger--FindTraceSummaries.json': 'reject',
  'jaeger-api-v3/jaeger--GetOperations.json': 'reject',
  'jaeger-api-v3/jaeger--GetServices.json': 'reject',
  'jaeger-api-v3/jaeger--GetTrace.json': [{ spanCount: 1, rootCount: 1, errorCount: 1, findingKinds: ['error-origin'] }],
  'jaeger-v1/jaeger--anonymizer-trace_success.json': [{ spanCount: 2, errorCount: 1 }],
  'jaeger-v1/jaeger--otlp2jaeger-out.json': [{ spanCount: 2, orphanCount: 2, rootCount: 0, duplicateSpanIdCount: 1, findingKinds: ['orphan', 'duplicate-span-id'] }],
  'jaeger-v1/jaeger--ui_01.json': [{ traceId: '00000000000000000000000000000001', spanCount: 5, rootCount: 2, duplicateSpanIdCount: 1, errorCount: 1, findingKinds: ['duplicate-span-id'] }],
  'jaeger-v1/jaeger-ui--TraceGraph-testTrace.json': [{ traceId: 'trace-123', spanCount: 11, rootCount: 1, errorCount: 1 }],
  'jaeger-v1/jaeger-ui--genaiTestTrace.json': [{ spanCount: 57, serviceCount: 10, rootCount: 1, errorCount: 1 }],
  'jaeger-v1/jaeger-ui--oltp2jaeger-multi-out.json': [{ spanCount: 4, serviceCount: 1, rootCount: 1, errorCount: 0 }],
  'jaeger-v1/jaeger-ui--spanLongerAsParent.json': [{ spanCount: 8, rootCount: 1, orphanCount: 0, noFindingKinds: ['clock-skew'] }],
  'jaeger-v1/jaeger-ui--traceWithMultipleSpansWithTheSameValueInDifferentTags.json': [{ traceId: '0000000000000000006c3cf93508f205', spanCount: 4, rootCount: 4, duplicateSpanIdCount: 1, findingKinds: ['duplicate-span-id', 'multiple-roots'] }],
  'otlp/jaeger--integration-example_trace.json': [{ spanCount: 5, serviceCount: 3, rootCount: 5, orphanCount: 0 }],
  'otlp/jaeger--integration-span_tags_trace.json': [{ spanCount: 1, rootCount: 1 }],
  'otlp/jaeger--memory-otel_traces_01.json': [
    { traceId: '00000000000000010000000000000000', spanCount: 2, orphanCount: 2, rootCount: 0, errorCount: 2 },
    { traceId: '00000000000000020000000000000000', spanCount: 2, orphanCount: 2, rootCount: 0, errorCount: 2 },
  ],
  'otlp/jaeger--otlp2jaeger-in.json': [{ spanCount: 2, orphanCount: 2, duplicateSpanIdCount: 1 }],
  'otlp/jaeger-ui--otlp2jaeger-multi-in-combined.json': [{ spanCount: 4, serviceCount: 1, rootCount: 1 }],
  'otlp/jaeger-ui--otlp2jaeger-multi-in.jsonl': [{ spanCount: 4, serviceCount: 1, rootCount: 1 }],
  'otlp/opentelemetry-proto--trace.json': [{ traceId: '5b8efff798038103d269b633813fc60c', spanCount: 1, rootCount: 0, orphanCount: 1, findingKinds: ['orphan'] }],
  'tempo/tempo--tempopb-trace-batches.json': [{ spanCount: 1 }],
  'zipkin/zipkin--messaging-kafka.json': [{ spanCount: 28, errorCount: 3 }],
  'zipkin/zipkin--messaging2.json': [{ spanCount: 11, orphanCount: 6, findingKinds: ['orphan'] }],
  'zipkin/zipkin--skew.json': [{ traceId: '00000000000000001e223ff1f80f1c69', spanCount: 4, rootCount: 1, duplicateSpanIdCount: 0, findingKinds: ['clock-skew'] }],
  'zipkin/zipkin--smartthings-mobile-web-install.json': [{ spanCount: 1041, errorCount: 2, rootCount: 1, duplicateSpanIdCount: 0 }],
};

function allFiles(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(REAL_FIXTURES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(REAL_FIXTURES, dir.name))) out.push(`${dir.name}/${f}`);
  }
  return out.sort();
}

function cli(file: string, ...args: string[]) {
  if (!existsSync(CLI)) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  const r = spawnSync(process.execPath, [CLI, 'summary', join(REAL_FIXTURES, file), ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function analyze(file: string, skew: 'raw' | 'adjust' = 'raw') {
  const r = parseTraceDocument(readFileSync(join(REAL_FIXTURES, file)));
  return r.traces.map(t => analyzeTrace(t, { skew }));
}

test('every real fixture file has expectations here (no file goes unchecked)', () => {
  assert.deepEqual(allFiles(), Object.keys(EXPECTED).sort());
});

for (const [file, expected] of Object.entries(EXPECTED)) {
  test(`summary of ${file}`, () => {
    const r = cli(file);
    if (expected === 'reject') {
      assert.equal(r.code, 2);
      assert.equal(r.err.trimEnd().split('\n').length, 1);
      assert.match(r.err, /unknown trace format/);
      return;
    }
    assert.equal(r.code, 0, r.err);
    const traces: TraceSummary[] = JSON.parse(r.out).traces;
    assert.equal(traces.length, expected.length);
    expected.forEach((facts, k) => {
      const t = traces[k]!;
      const { findingKinds, noFindingKinds, ...fields } = facts;
      for (const [key, value] of Object.entries(fields)) assert.equal(t[key as keyof TraceSummary], value, `${key} of trace ${k}`);
      const kinds = new Set(t.findings.map(f => f.kind));
      for (const kind of findingKinds ?? []) assert.ok(kinds.has(kind as never), `expected a ${kind} finding, got ${[...kinds].join(', ')}`);
      for (const kind of noFindingKinds ?? []) assert.ok(!kinds.has(kind as never), `unexpected ${kind} finding`);
      assert.ok(t.criticalPath.length > 0, 'a critical path');
      for (const f of t.findings) assert.ok(f.message.length > 20 && !f.message.includes('undefined'), f.message);
    });
  });
}

test('zipkin--skew: the shared server half is the child of its client half, skewed, and moved into it with --skew adjust', () => {
  const [a] = analyze('zipkin/zipkin--skew.json');
  const { tree } = a!;
  const spans = tree.trace.spans;
  const server = spans.findIndex(s => s.shared);
  const client = spans.findIndex(s => s.spanId === spans[server]!.spanId && !s.shared);
  assert.equal(tree.parent[server], client);
  assert.ok(tree.flags[server]! & SpanFlag.SharedServerHalf);
  assert.ok(tree.flags[server]! & SpanFlag.Skewed);
  assert.ok(!(tree.flags[server]! & SpanFlag.Duplicate));
  // client 94539 µs, server 93577 µs: latency 481 µs; server at …008761 → client …074202 + 481
  assert.equal(tree.skewNs[server], (74202 + 481 - 8761) * 1000);
  const asyncChild = spans.findIndex(s => s.name === 'async');
  assert.equal(tree.skewNs[asyncChild], tree.skewNs[server], 'the server’s own child moves with it');
  const adjusted = cli('zipkin/zipkin--skew.json', '--skew', 'adjust');
  const raw = cli('zipkin/zipkin--skew.json');
  const du = (out: string) => (JSON.parse(out).traces[0] as TraceSummary).durationUs;
  assert.ok(du(adjusted.out) < du(raw.out), `adjusted ${du(adjusted.out)} < raw ${du(raw.out)}`);
});

test('spanLongerAsParent: children that outlive their parent are flagged, not skewed', () => {
  const [a] = analyze('jaeger-v1/jaeger-ui--spanLongerAsParent.json');
  const flags = Array.from(a!.tree.flags);
  assert.ok(flags.filter(f => f & SpanFlag.OutlivesParent).length >= 2);
  assert.equal(flags.filter(f => f & SpanFlag.Skewed).length, 0);
});

test('error tags: Zipkin empty string and Jaeger string "true" count as errors', () => {
  const [kafka] = analyze('zipkin/zipkin--messaging-kafka.json');
  const emptyTagged = kafka!.tree.trace.spans.findIndex(s => s.attributes.some(x => x.key === 'error' && x.value === '') || (s.status.code === 'error' && s.status.message === ''));
  assert.ok(emptyTagged >= 0);
  assert.ok(kafka!.tree.flags[emptyTagged]! & SpanFlag.Error);
  const [graph] = analyze('jaeger-v1/jaeger-ui--TraceGraph-testTrace.json');
  const i = graph!.tree.indexOf('span-2');
  assert.ok(i >= 0 && graph!.tree.flags[i]! & SpanFlag.Error);
});

test('ui_01: the duplicate span ID is kept twice, both flagged; the cross-trace reference does not break the tree', () => {
  const [a] = analyze('jaeger-v1/jaeger--ui_01.json');
  const { tree } = a!;
  const dups = tree.trace.spans.map((s, i) => [s.spanId, tree.flags[i]! & SpanFlag.Duplicate] as const).filter(x => x[1]);
  assert.equal(dups.length, 2);
  assert.equal(tree.preorder.length, 5);
});

test('smartthings (1041 spans, shared halves): no duplicates, every span in the tree, fast', () => {
  const t0 = performance.now();
  const [a] = analyze('zipkin/zipkin--smartthings-mobile-web-install.json');
  const ms = performance.now() - t0;
  const { tree } = a!;
  assert.equal(new Set(tree.preorder).size, 1041);
  const paired = Array.from(tree.flags).filter(f => f & SpanFlag.SharedServerHalf).length;
  assert.ok(paired >= 280, `${paired} shared server halves paired`);
  assert.ok(ms < 10_000, `${ms} ms`);
});
