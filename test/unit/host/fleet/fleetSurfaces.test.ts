// The fleet surfaces against the fake `vscode` module, a real workspace on disk, the real mapping engine and syntax
// service, and an in-memory metric source (the clients themselves are tested against real Prometheus elsewhere):
// no source configured → nothing shown and nothing queried; with one, the lenses land on the lines the series map
// to (by span name, by code attributes), the hover has the sparkline and the example link, and every surface of
// several file views shares ONE query; a workspace's list is ignored in Restricted Mode; a failing source is told
// once, not on every redraw.
import { fakeVscode } from '../../../support/host/register';
import { api, Hover, Range } from '../editor/fakeEditorApi';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource, MemoryMemento, Position, Uri } from '../../../support/host/fakeVscode';
import type { FleetQuery, FleetResult, MetricSource } from '../../../../src/core/fleet/types';
import { CodeMapper } from '../../../../src/host/mapping/codeMapper';
import { SavedMappings } from '../../../../src/host/mapping/savedMappings';
import { WorkspaceFileIndex } from '../../../../src/host/mapping/workspaceIndex';
import { FleetHub } from '../../../../src/host/fleet/fleetHub';
import { FleetService } from '../../../../src/host/fleet/fleetService';
import { FleetCodeLensProvider, FleetHoverProvider } from '../../../../src/host/fleet/fleetSurfaces';
import { openFleetExamples } from '../../../../src/host/fleet/fleetExamples';
import type { BackendsSource, TraceSearchQuery } from '../../../../src/host/sidebar/deps';
import type { FleetExemplar } from '../../../../src/core/fleet/types';
import { Commands } from '../../../../src/host/commands';
import type { HostContext } from '../../../../src/host/hostContext';
import { createSyntaxService } from '../../../../src/worker/syntax';

const dir = mkdtempSync(join(tmpdir(), 'spanscope-fleet-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'src'));
const CHECKOUT = join(dir, 'src', 'checkout.js');
const PAY = join(dir, 'src', 'pay.ts');
writeFileSync(CHECKOUT, 'const tracer = require("t");\n\nfunction checkout() {\n  return tracer.startActiveSpan("checkout", s => s.end());\n}\nconsole.log("checkout");\n');
writeFileSync(PAY, 'export class Pay {\n  // charge the card\n  charge(): void {}\n}\n');
fakeVscode.workspaceFolders = [{ uri: Uri.file(dir), name: 'shop', index: 0 }];
api.workspace.findFiles = async () => [Uri.file(CHECKOUT), Uri.file(PAY)];

const syntax = createSyntaxService();
after(() => syntax.dispose());

const W = { startMs: 0, endMs: 3_600_000, stepMs: 120_000 };
function source(log: { queries: FleetQuery[] }, fail?: Error, exemplars?: FleetExemplar[]): MetricSource {
  return {
    ...(exemplars ? { exemplars: async () => exemplars } : {}),
    type: 'prometheus', displayName: 'mem',
    discover: async () => ({ dimensions: ['service.name', 'span.name'], services: ['web', 'pay'] }),
    query: async (q): Promise<FleetResult> => {
      log.queries.push(q);
      await new Promise(r => setImmediate(r));
      if (fail) throw fail;
      return {
        truncated: false, requests: 1,
        stats: [
          { key: { service: 'web', spanName: 'checkout' }, window: W, p50Ms: 40, p95Ms: 1200, callsPerSec: 40, errorRatio: 0.02, p95Series: [1, 3, 2, 8].map((value, t) => ({ t, value })) },
          { key: { service: 'pay', spanName: 'Pay.charge', codeFilePath: 'src/pay.ts', codeLine: 3 }, window: W, p95Ms: 180, callsPerSec: 5 },
          { key: { service: 'other', spanName: 'not in this workspace' }, window: W, p95Ms: 1 },
        ],
      };
    },
    dispose: () => undefined,
  };
}

function host(): HostContext {
  const noop = () => undefined;
  const log = { trace: noop, debug: noop, info: noop, warn: noop, error: noop } as unknown as HostContext['log'];
  return { extension: fakeVscode.newContext() as never, log, traces: undefined as never };
}

function doc(path: string) {
  const lines = readFileSync(path, 'utf8').split('\n');
  return { uri: Uri.file(path), lineCount: lines.length, version: 1, lineAt: (n: number) => ({ text: lines[n] ?? '', range: new Range(n, 0, n, (lines[n] ?? '').length) }) } as never;
}
const token = () => new CancellationTokenSource().token as never;

function build(fail?: Error, exemplars?: FleetExemplar[]) {
  const log = { queries: [] as FleetQuery[] };
  let built = 0;
  const mapper = new CodeMapper(new WorkspaceFileIndex(), new SavedMappings(new MemoryMemento() as never), undefined, syntax);
  const hub = new FleetHub(host(), mapper, async (h, m) => new FleetService(h, m, () => { built++; return source(log, fail, exemplars); }));
  return { hub, log, built: () => built, lenses: new FleetCodeLensProvider(hub), hover: new FleetHoverProvider(hub) };
}

test('no metric source: no lens, no hover, no query, nothing loaded', async () => {
  fakeVscode.settings.delete('spanscope.metricSources');
  const f = build();
  assert.deepEqual(await f.lenses.provideCodeLenses(doc(CHECKOUT), token()), []);
  assert.equal(await f.hover.provideHover(doc(CHECKOUT), new Position(3, 0) as never, token()), undefined);
  assert.equal(f.hub.loaded, undefined);
  assert.equal(f.built(), 0);
  assert.equal(f.log.queries.length, 0);
});

test('a workspace\'s metric sources are ignored in Restricted Mode (the user\'s own count)', async () => {
  fakeVscode.settings.delete('spanscope.metricSources');
  fakeVscode.workspaceSettings.set('spanscope.metricSources', [{ name: 'ws', type: 'prometheus', url: 'http://127.0.0.1:9' }]);
  fakeVscode.workspaceTrusted = false;
  try {
    const f = build();
    assert.deepEqual(await f.lenses.provideCodeLenses(doc(CHECKOUT), token()), []);
    assert.equal(f.log.queries.length, 0);
  } finally {
    fakeVscode.workspaceSettings.delete('spanscope.metricSources');
    fakeVscode.workspaceTrusted = true;
  }
});

test('lenses on the mapped lines, a hover with sparkline and example link, one query for every surface of two files', async () => {
  fakeVscode.settings.set('spanscope.metricSources', [{ name: 'prom', type: 'prometheus', url: 'http://127.0.0.1:9' }]);
  fakeVscode.settings.set('spanscope.fleet.window', '24h');
  fakeVscode.settings.set('spanscope.fleet.maxSeries', 250);
  try {
    const f = build();
    const [a, b, c] = await Promise.all([
      f.lenses.provideCodeLenses(doc(CHECKOUT), token()),
      f.lenses.provideCodeLenses(doc(PAY), token()),
      f.hover.provideHover(doc(CHECKOUT), new Position(3, 0) as never, token()),
    ]);
    const lens = a as unknown as { range: Range; command: { title: string; command: string; arguments: unknown[] } }[];
    assert.deepEqual(lens.map(l => [l.range.start.line, l.command.title]), [[3, 'fleet p95 1.2 s · 40/s · 2% err (24h)']], 'on the tracer.startActiveSpan line, not the console.log');
    assert.equal(lens[0]!.command.command, Commands.fleetOpenExamples);
    assert.deepEqual((lens[0]!.command.arguments[0] as { key: unknown }).key, { service: 'web', spanName: 'checkout' });
    const pay = b as unknown as { range: Range; command: { title: string } }[];
    assert.deepEqual(pay.map(l => [l.range.start.line, l.command.title]), [[2, 'fleet p95 180 ms · 5/s (24h)']], 'placed by its code attributes');
    const md = (c as unknown as Hover).contents;
    assert.match(md.value, /▁▃▂█/);
    assert.match(md.value, /last 24h/);
    assert.match(md.value, /command:spanscope\.fleet\.openExamples\?/);
    assert.deepEqual(md.isTrusted, { enabledCommands: [Commands.fleetOpenExamples] });
    // More views of the same files: served from the cache.
    await f.lenses.provideCodeLenses(doc(CHECKOUT), token());
    await f.hover.provideHover(doc(PAY), new Position(2, 0) as never, token());
    assert.equal(f.log.queries.length, 1, 'one query for all of it');
    assert.equal(f.log.queries[0]!.maxSeries, 250);
    assert.equal(f.log.queries[0]!.window.endMs - f.log.queries[0]!.window.startMs, 86_400_000);
    assert.equal(await f.hover.provideHover(doc(CHECKOUT), new Position(5, 0) as never, token()), undefined, 'no hover on the console.log line');
  } finally {
    fakeVscode.settings.delete('spanscope.fleet.window');
    fakeVscode.settings.delete('spanscope.fleet.maxSeries');
  }
});

test('a failing source: no lenses, told once (not on every redraw), asked again on the next view', async () => {
  fakeVscode.settings.set('spanscope.metricSources', [{ name: 'prom', type: 'prometheus', url: 'http://127.0.0.1:9' }]);
  const before = fakeVscode.messages.length;
  const f = build(new Error('connection refused'));
  assert.deepEqual(await f.lenses.provideCodeLenses(doc(CHECKOUT), token()), []);
  assert.deepEqual(await f.lenses.provideCodeLenses(doc(PAY), token()), []);
  const told = fakeVscode.messages.slice(before).filter(m => /connection refused/.test(m.text));
  assert.equal(told.length, 1);
  assert.equal(f.log.queries.length, 2, 'a failure is not cached');
  assert.equal(f.hub.loaded?.items()[0]?.status, 'error');
});

test('example traces: the exemplar nearest the p95 opens by ID; else a backend searched near the p95; hostile arguments do nothing', async () => {
  fakeVscode.settings.set('spanscope.metricSources', [{ name: 'prom', type: 'prometheus', url: 'http://127.0.0.1:9' }]);
  const opened: unknown[] = [];
  fakeVscode.commands.set(Commands.openTraceById, (arg: unknown) => { opened.push(arg); });
  const noop = () => undefined;
  const log = { trace: noop, debug: noop, info: noop, warn: noop, error: noop } as never;
  const arg = { key: { service: 'web', spanName: 'checkout' }, p95Ms: 1200, startMs: Date.now() - 3_600_000, endMs: Date.now() };
  try {
    // Exemplars: the one closest to the p95, with its span.
    const withEx = build(undefined, [{ traceId: 'a'.repeat(32), durationMs: 90 }, { traceId: 'b'.repeat(32), spanId: 'c'.repeat(16), durationMs: 1100 }, { traceId: 'd'.repeat(32), durationMs: 5000 }]);
    assert.equal(await openFleetExamples({ hub: withEx.hub, backends: () => undefined, log }, arg), true);
    assert.deepEqual(opened, [{ traceId: 'b'.repeat(32), spanId: 'c'.repeat(16) }]);

    // No exemplars: the backend is searched for the operation, durations near the p95 first.
    const searches: TraceSearchQuery[] = [];
    const openedFromBackend: unknown[] = [];
    const backends: BackendsSource = {
      onDidChange: () => ({ dispose: noop }),
      list: () => [{ id: 'jaeger', label: 'Jaeger', kind: 'jaeger', status: 'ok' }],
      search: async (_id, q) => {
        searches.push(q);
        return q.minDurationMs !== undefined && q.maxDurationMs === undefined
          ? [{ traceId: 'e'.repeat(32), rootService: 'web', rootName: 'checkout', durationNs: 700e6, spanCount: 3, errorCount: 0, startMs: 5 }]
          : [];
      },
      open: async (id, traceId, hint) => { openedFromBackend.push([id, traceId, hint]); },
    };
    const plain = build();
    assert.equal(await openFleetExamples({ hub: plain.hub, backends: () => backends, log }, arg), true);
    assert.deepEqual(searches.map(q => [q.service, q.operation, q.minDurationMs, q.maxDurationMs]), [['web', 'checkout', 900, 1800], ['web', 'checkout', 600, undefined]]);
    assert.ok(searches.every(q => q.lookbackMinutes >= 60 && q.lookbackMinutes <= 61));
    assert.deepEqual(openedFromBackend, [['jaeger', 'e'.repeat(32), { startMs: 5, durationMs: 700 }]]);

    // Nothing anywhere: said so.
    const before = fakeVscode.messages.length;
    assert.equal(await openFleetExamples({ hub: plain.hub, backends: () => undefined, log }, arg), false);
    assert.ok(fakeVscode.messages.slice(before).some(m => /No example trace of checkout/.test(m.text)));

    // Arguments come through command links: anything malformed is ignored.
    for (const bad of [undefined, 'x', { key: { service: 'web' }, startMs: 0, endMs: 1 }, { key: { service: 'web', spanName: 'x'.repeat(301) }, startMs: 0, endMs: 1 }, { key: { service: 'w', spanName: 'n' }, startMs: 5, endMs: 5 }, { key: { service: 'w', spanName: 'n' }, startMs: NaN, endMs: 9 }]) {
      assert.equal(await openFleetExamples({ hub: plain.hub, backends: () => backends, log }, bad), false, JSON.stringify(bad));
    }
    assert.equal(opened.length, 1);
  } finally {
    fakeVscode.commands.delete(Commands.openTraceById);
  }
});
