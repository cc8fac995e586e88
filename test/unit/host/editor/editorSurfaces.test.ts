// The editor surfaces end to end against the fake `vscode` module: a real workspace folder on disk (with a
// TypeScript file compiled by esbuild to dist/ with a source map), a real trace through the core analysis and
// the compact form, TraceService; then the mapping (why here / why not), the decorations set per type, the
// CodeLens and the hover.
import { fakeVscode } from '../../../support/host/register';
import { api, decorationTypes, Range, type Hover } from './fakeEditorApi';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { MemoryMemento, Position, Uri } from '../../../support/host/fakeVscode';
import { trace } from '../../../support/builders';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { encodeCompactTrace } from '../../../../src/protocol/compact';
import { TraceService } from '../../../../src/host/traces/traceService';
import { WorkspaceFileIndex } from '../../../../src/host/mapping/workspaceIndex';
import { CodeMapper } from '../../../../src/host/mapping/codeMapper';
import { SavedMappings } from '../../../../src/host/mapping/savedMappings';
import { AnnotationModel } from '../../../../src/host/editor/annotationModel';
import { DecorationController, ERROR_COLOR_ID, HEAT_COLOR_IDS } from '../../../../src/host/editor/decorations';
import { SpanCodeLensProvider } from '../../../../src/host/editor/codeLens';
import { SpanHoverProvider } from '../../../../src/host/editor/hover';
import { Commands } from '../../../../src/host/commands';

const dir = mkdtempSync(join(tmpdir(), 'spanscope-ws-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const ORDERS = Array.from({ length: 30 }, (_, i) => `// orders line ${i + 1}`);
ORDERS[4] = "export function placeOrder() { return tracer.startActiveSpan('place order', s => s.end()); }";
ORDERS[11] = "  db.query('SELECT * FROM orders WHERE id = ?');";
mkdirSync(join(dir, 'src'));
writeFileSync(join(dir, 'src', 'orders.ts'), ORDERS.join('\n'));
const APP_TS = ['export function a(): number {', '  return 1;', '}', 'export function charge(amount: number): string {', "  const id = 'CHARGE' + amount;", '  return id;', '}', 'console.log(a(), charge(2));', ''].join('\n');
writeFileSync(join(dir, 'src', 'app.ts'), APP_TS);
writeFileSync(join(dir, 'src', 'ship.ts'), "router.post('/ship/:orderId', ship);\n");

function files(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? files(join(root, e.name)) : [join(root, e.name)]));
}
fakeVscode.workspaceFolders = [{ uri: Uri.file(dir), name: 'shop', index: 0 }];
api.workspace.findFiles = async () => files(dir).map(f => Uri.file(f));
fakeVscode.settings.set('spanscope.pathMappings', { '/app/': '${workspaceFolder}/' });

function fakeEditor(path: string) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const set = new Map<string, Range[] | { range: Range; renderOptions: { after: { contentText: string } } }[]>();
  let setCalls = 0;
  const document = {
    uri: Uri.file(path), lineCount: lines.length, version: 1,
    lineAt: (n: number) => ({ text: lines[n] ?? '', range: new Range(n, 0, n, (lines[n] ?? '').length) }),
  };
  return { document, visibleRanges: [new Range(0, 0, lines.length, 0)], set, get setCalls() { return setCalls; },
    setDecorations(type: { key: string }, items: never[]) { setCalls++; set.set(type.key, items); } };
}

test('spans map to code by path mapping, suffix, source map and route search; the rest say why not; the editor draws them', async () => {
  await esbuild.build({ entryPoints: [join(dir, 'src', 'app.ts')], outfile: join(dir, 'dist', 'app.js'), bundle: true, sourcemap: 'linked', platform: 'node', format: 'cjs', logLevel: 'silent' });
  const distLines = readFileSync(join(dir, 'dist', 'app.js'), 'utf8').split('\n');
  const chargeLine = distLines.findIndex(l => l.includes('"CHARGE"') || l.includes("'CHARGE'")) + 1;
  assert.ok(chargeLine > 0);

  const t = trace([
    { id: 'r', name: 'GET /checkout', service: 'gateway', dur: 1000 },
    // Old attribute names, a path the /app/ mapping covers.
    { id: 'a', parent: 'r', name: 'place order', service: 'orders', start: 10, dur: 400, attrs: { 'code.filepath': '/app/src/orders.ts', 'code.lineno': 5 } },
    // New attribute names, a CI path only the suffix index explains; two calls, one failing.
    { id: 'b', parent: 'a', name: 'SELECT orders', service: 'orders', start: 20, dur: 100, attrs: { 'code.file.path': '/home/runner/work/shop/src/orders.ts', 'code.line.number': 12 } },
    { id: 'c', parent: 'a', name: 'SELECT orders', service: 'orders', start: 130, dur: 80, status: 'error', attrs: { 'code.file.path': '/home/runner/work/shop/src/orders.ts', 'code.line.number': 12 } },
    // Compiled JS: the source map leads back to src/app.ts.
    { id: 'd', parent: 'r', name: 'charge', service: 'payments', start: 500, dur: 50, attrs: { 'code.file.path': `/app/dist/app.js`, 'code.line.number': chargeLine } },
    // Only a route: found by searching the sources.
    { id: 'e', parent: 'r', name: 'POST /ship/:orderId', service: 'orders', kind: 'server', start: 600, dur: 30 },
    // Hostile and unknown.
    { id: 'f', parent: 'r', name: 'evil', service: 'x', start: 700, dur: 5, attrs: { 'code.filepath': 'command:workbench.action.terminal.new', 'code.lineno': 1 } },
    { id: 'g', parent: 'r', name: 'nowhere', service: 'x', start: 710, dur: 5, attrs: { 'code.filepath': '/srv/other/missing.go', 'code.lineno': 3 } },
    // A file but no line: the function's symbol in that file's outline.
    { id: 'h', parent: 'r', name: 'ship', service: 'orders', start: 720, dur: 20, attrs: { 'code.filepath': '/app/src/orders.ts', 'code.function': 'shipOrder' } },
  ]);
  // The document symbol provider of orders.ts (a language extension in real VS Code).
  fakeVscode.commands.set('vscode.executeDocumentSymbolProvider', (uri: unknown) => ((uri as Uri).fsPath.endsWith('orders.ts')
    ? [{ name: 'shipOrder', kind: 11, range: new Range(19, 0, 21, 0), selectionRange: new Range(19, 0, 19, 9), children: [] }] : []));
  const compact = encodeCompactTrace(analyzeTrace(t));
  const traces = new TraceService(new MemoryMemento());
  const index = new WorkspaceFileIndex();
  const mapper = new CodeMapper(index, new SavedMappings(new MemoryMemento() as never));
  const model = new AnnotationModel(traces, mapper);
  const decorations = new DecorationController(model);
  const orders = fakeEditor(join(dir, 'src', 'orders.ts'));
  const app = fakeEditor(join(dir, 'src', 'app.ts'));
  api.window.visibleTextEditors = [orders, app];

  const changed = new Promise<void>(resolve => { let n = 0; model.onDidChange(() => { if (++n === 2) resolve(); }); });
  traces.open({ summary: { traceId: t.traceId }, compact }, { kind: 'file', label: 't.json' });
  await changed; // phase 1, then phase 2 (symbols, name search)

  const m = model.state.traces[0]!.mapping;
  const v = model.state.traces[0]!.view;
  const bySpan = (id: string) => m.spans[v.indexOf(id)];
  const why = (id: string) => m.unmapped.find(u => u.spanIndex === v.indexOf(id))?.reason;
  const ordersPath = join(dir, 'src', 'orders.ts');
  assert.deepEqual([bySpan('a')?.path, bySpan('a')?.line, bySpan('a')?.how], [ordersPath, 5, 'path-mapping']);
  assert.deepEqual([bySpan('b')?.path, bySpan('b')?.line, bySpan('b')?.how], [ordersPath, 12, 'suffix']);
  assert.deepEqual([bySpan('d')?.path, bySpan('d')?.line, bySpan('d')?.how], [join(dir, 'src', 'app.ts'), 5, 'source-map']);
  assert.deepEqual([bySpan('e')?.path, bySpan('e')?.line, bySpan('e')?.how], [join(dir, 'src', 'ship.ts'), 1, 'name-search']);
  assert.match(why('f') ?? '', /scheme "command:" is not a file path and is never followed/);
  assert.match(why('g') ?? '', /not in the workspace and no path mapping or file suffix matches it/);
  assert.match(why('r') ?? '', /no code\.\* attributes/);
  assert.deepEqual([bySpan('h')?.path, bySpan('h')?.line, bySpan('h')?.how], [ordersPath, 20, 'symbol']);

  // Jump to source from the waterfall uses the same resolution (the source resolver's first step).
  const loc = await mapper.resolveLocation('/app/dist/app.js', chargeLine);
  assert.deepEqual([loc?.path, loc?.line, loc?.how], [join(dir, 'src', 'app.ts'), 5, 'source-map']);
  assert.equal((await mapper.resolveLocation('/app/src/orders.ts', 3))?.how, 'path-mapping');
  assert.equal(await mapper.resolveLocation('command:workbench.action.terminal.new', 1), undefined);

  // One setDecorations per decoration type per editor and update: 5 heat levels, errors, inline. Counted around
  // this update only: the model's changes above also scheduled a (debounced) one, which a loaded machine may
  // already have run while the test awaited.
  const callsBefore = orders.setCalls;
  decorations.update();
  assert.equal(decorationTypes.length, 7);
  assert.equal(orders.setCalls - callsBefore, 7);
  const typeOf = (color: string) => decorationTypes.find(d => (d.options.overviewRulerColor as { id?: string } | undefined)?.id === color)!.key;
  const lines = (key: string) => (orders.set.get(key) as Range[]).map(r => r.start.line);
  // Line 12 (0-based 11) has an error among its spans: the error mark, not a heat mark. Line 5 holds 40% of the trace.
  assert.deepEqual(lines(typeOf(ERROR_COLOR_ID)), [11]);
  assert.deepEqual(lines(typeOf(HEAT_COLOR_IDS[3])), [4]);
  const inline = orders.set.get(decorationTypes[6]!.key) as { range: Range; renderOptions: { after: { contentText: string } } }[];
  assert.deepEqual(inline.map(i => [i.range.start.line, i.renderOptions.after.contentText]), [[4, '400 µs · 40% · 1 call'], [11, '180 µs · 18% · 2 calls · 1 error'], [19, '20 µs · 2% · 1 call']]);
  assert.equal(inline[0]!.range.start.character, ORDERS[4]!.length, 'after the end of the line');
  assert.equal((decorationTypes[6]!.options.after as { color: { id: string } }).color.id, 'spanscope.inlineAnnotationForeground');

  // Inline annotations off: the inline type is cleared, the marks stay.
  fakeVscode.settings.set('spanscope.annotations.inline', false);
  decorations.update();
  assert.deepEqual(orders.set.get(decorationTypes[6]!.key), []);
  assert.deepEqual(lines(typeOf(ERROR_COLOR_ID)), [11]);
  fakeVscode.settings.delete('spanscope.annotations.inline');

  // CodeLens: no symbol provider here, so one lens per mapped line.
  const lens = new SpanCodeLensProvider(model, decorations);
  const lenses = await lens.provideCodeLenses(orders.document as never, { isCancellationRequested: false } as never);
  assert.deepEqual(lenses.map(l => [l.range.start.line, l.command?.title]), [[4, 'p50 400 µs · p95 400 µs · 1 span'], [11, 'p50 80 µs · p95 100 µs · 2 spans · 1 error'], [19, 'p50 20 µs · p95 20 µs · 1 span']]);
  assert.equal(lenses[1]!.command?.command, Commands.revealSpans);
  assert.deepEqual((lenses[1]!.command?.arguments?.[0] as { spanId: string }[]).map(r => r.spanId).sort(), ['b', 'c']);

  // Hover: the line's spans, escaped, with only our two commands enabled.
  const hover = new SpanHoverProvider(model, decorations).provideHover(orders.document as never, new Position(11, 3) as never) as unknown as Hover;
  const md = hover.contents.value;
  assert.match(md, /\| SELECT orders \| orders \| 100 µs \| unset \|/);
  assert.match(md, /\$\(error\) error/);
  // The hover says what the gutter mark of the line means.
  assert.match(md, /Gutter: the red \\! marks 1 span here that ended in error/);
  assert.match(md, /command:spanscope\.revealSpanInWaterfall\?/);
  assert.match(md, /command:spanscope\.showSpanDetails\?/);
  assert.deepEqual(hover.contents.isTrusted, { enabledCommands: [Commands.revealSpanInWaterfall, Commands.showSpanDetails] });
  assert.match(md, /Why here:_ the longest matching path suffix/);
  assert.equal(new SpanHoverProvider(model, decorations).provideHover(orders.document as never, new Position(2, 0) as never), undefined);

  // Clearing removes everything from the editors.
  model.clear();
  decorations.update();
  assert.ok(decorationTypes.length > 0);
  for (const d of decorationTypes) assert.deepEqual(orders.set.get(d.key), []);
  decorations.dispose();
  model.dispose();
  mapper.dispose();
  index.dispose();
  traces.dispose();
});
