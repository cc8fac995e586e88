// Every view shows the same p95 for the same spans: the Statistics tab (core stats, carried to the webview in the
// compact form), the service graph (node and edge), the latency distribution, the editor's CodeLens, and the MCP
// tools the CLI serves (`spanscope mcp <file>`). Six SELECT stock spans take 10, 12, 14, 16, 18 and 120 ms: the
// nearest-rank p95 is 120 ms (src/core/units/percentile.ts); an interpolating view would say 94.5 ms.
import { fakeVscode } from '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryMemento, Uri } from '../../support/host/fakeVscode';
import { api, Range } from './editor/fakeEditorApi';
import { buildTrace, otlpDocument, type SpanSpec } from '../../support/webview-builders';
import { analyzeTrace } from '../../../src/core/analysis/analyze';
import { buildServiceGraph, tableFromAnalysis } from '../../../src/core/analysis/graph';
import { latencyDistribution } from '../../../src/core/analysis/distribution';
import { formatDuration } from '../../../src/core/units/duration';
import { decodeCompactTrace, encodeCompactTrace } from '../../../src/protocol/compact';
import { TOOLS } from '../../../src/mcp/tools';
import { TraceSources } from '../../../src/mcp/sources';
import { TraceService } from '../../../src/host/traces/traceService';
import { WorkspaceFileIndex } from '../../../src/host/mapping/workspaceIndex';
import { CodeMapper } from '../../../src/host/mapping/codeMapper';
import { SavedMappings } from '../../../src/host/mapping/savedMappings';
import { AnnotationModel } from '../../../src/host/editor/annotationModel';
import { DecorationController } from '../../../src/host/editor/decorations';
import { SpanCodeLensProvider } from '../../../src/host/editor/codeLens';

const MS = 1e6;
const DURATIONS_MS = [10, 12, 14, 16, 18, 120];
const P95 = 120 * MS;
const specs: SpanSpec[] = [
  { id: 'a000000000000001', name: 'GET /checkout', service: 'frontend', kind: 'server', startMs: 0, durMs: 400 },
  ...DURATIONS_MS.flatMap((d, k): SpanSpec[] => [
    { id: `c00000000000000${k}`, parent: 'a000000000000001', name: 'call inventory', service: 'frontend', kind: 'client', startMs: 1 + k * 2, durMs: d },
    { id: `d00000000000000${k}`, parent: `c00000000000000${k}`, name: 'SELECT stock', service: 'inventory', kind: 'server', startMs: 1 + k * 2, durMs: d, code: { filePath: '/app/src/inventory.ts', line: 3, source: 'code.attributes.old' } },
  ]),
];
const trace = buildTrace(specs);
const op = { service: 'inventory', name: 'SELECT stock' };

const dir = mkdtempSync(join(tmpdir(), 'spanscope-p95-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('stats, webview, service graph, distribution, CodeLens and MCP tools agree on the p95', async () => {
  const analysis = analyzeTrace(trace);
  const views: [string, number | undefined][] = [];
  views.push(['stats', analysis.operations.find(o => o.service === op.service && o.operation === op.name)?.p95Ns]);
  const compact = encodeCompactTrace(analysis);
  views.push(['webview Statistics tab', decodeCompactTrace(compact).compact.operations.find(o => o.service === op.service && o.operation === op.name)?.p95Ns]);
  const table = tableFromAnalysis(analysis);
  const graph = buildServiceGraph([table]);
  views.push(['graph node', graph.nodes.find(n => n.service === 'inventory')?.p95Ns]);
  views.push(['graph edge', graph.edges.find(e => e.from === 'frontend' && e.to === 'inventory')?.p95Ns]);
  views.push(['distribution', latencyDistribution([table], op).p95Ns]);

  // MCP tools over the file, as `spanscope mcp <file>` serves them.
  const file = join(dir, 'trace.json');
  writeFileSync(file, otlpDocument(specs, trace.traceId));
  const ctx = { sources: new TraceSources({ paths: [file], backends: [] }), maxChars: 100_000 };
  const tool = (name: string) => TOOLS.find(t => t.name === name)!;
  const services = JSON.parse(await tool('get_services').run({}, ctx)) as { services: { service: string; p95Ms?: number }[] };
  views.push(['MCP get_services', (services.services.find(s => s.service === 'inventory')?.p95Ms ?? NaN) * MS]);
  const code = JSON.parse(await tool('get_latency_for_code').run({ file: 'src/inventory.ts' }, ctx)) as { p95Ms?: number; spanCount: number };
  assert.equal(code.spanCount, DURATIONS_MS.length);
  views.push(['MCP get_latency_for_code', (code.p95Ms ?? NaN) * MS]);

  // The editor: the CodeLens above the line the spans map to.
  mkdirSync(join(dir, 'src'));
  const source = join(dir, 'src', 'inventory.ts');
  writeFileSync(source, '// inventory\nexport function stock() {\n  return db.query("SELECT stock");\n}\n');
  fakeVscode.workspaceFolders = [{ uri: Uri.file(dir), name: 'shop', index: 0 }];
  api.workspace.findFiles = async () => [Uri.file(source)];
  fakeVscode.settings.set('spanscope.pathMappings', { '/app/': '${workspaceFolder}/' });
  const traces = new TraceService(new MemoryMemento());
  const model = new AnnotationModel(traces, new CodeMapper(new WorkspaceFileIndex(), new SavedMappings(new MemoryMemento() as never)));
  const decorations = new DecorationController(model);
  const lines = readFileSync(source, 'utf8').split('\n');
  const document = { uri: Uri.file(source), lineCount: lines.length, version: 1, lineAt: (n: number) => ({ text: lines[n] ?? '', range: new Range(n, 0, n, (lines[n] ?? '').length) }) };
  api.window.visibleTextEditors = [{ document, visibleRanges: [new Range(0, 0, lines.length, 0)], setDecorations() { /* not looked at here */ } }];
  const changed = new Promise<void>(resolve => { let n = 0; model.onDidChange(() => { if (++n === 2) resolve(); }); });
  traces.open({ summary: { traceId: trace.traceId }, compact }, { kind: 'file', label: 'trace.json' });
  await changed;
  const lenses = await new SpanCodeLensProvider(model, decorations).provideCodeLenses(document as never, { isCancellationRequested: false } as never);
  const title = lenses.map(l => l.command?.title ?? '').find(t => t.includes('6 spans'));
  assert.equal(title, `p50 ${formatDuration(14 * MS)} · p95 ${formatDuration(P95)} · 6 spans`);

  for (const [view, p95] of views) assert.equal(p95, P95, `${view} shows p95 ${p95 === undefined ? 'nothing' : formatDuration(p95)}`);
  decorations.dispose();
  model.dispose();
  traces.dispose();
});
