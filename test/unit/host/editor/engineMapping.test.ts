// The CodeMapper with the mapping engine, against the fake `vscode` module and a real Java workspace on disk with
// two OrderService.java in two modules: the Java agent's spans (no file, no line) land on their methods; an error
// span's stack frame resolves through its package, not the bare file name; nothing depends on a language extension.
import { fakeVscode } from '../../../support/host/register';
import { api } from './fakeEditorApi';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MemoryMemento, Uri } from '../../../support/host/fakeVscode';
import { trace } from '../../../support/builders';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { encodeCompactTrace, CompactView } from '../../../../src/protocol/compact';
import { WorkspaceFileIndex } from '../../../../src/host/mapping/workspaceIndex';
import { CodeMapper } from '../../../../src/host/mapping/codeMapper';
import { SavedMappings } from '../../../../src/host/mapping/savedMappings';
import { createSyntaxService } from '../../../../src/worker/syntax';

const dir = mkdtempSync(join(tmpdir(), 'spanscope-java-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const SHOP = join(dir, 'shop/src/main/java/com/example/shop/OrderService.java');
const BILLING = join(dir, 'billing/src/main/java/com/example/billing/OrderService.java');
const write = (p: string, text: string) => { mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, text); };
write(SHOP, `package com.example.shop;

import io.opentelemetry.instrumentation.annotations.WithSpan;

public class OrderService {
    @WithSpan
    public long placeOrder(String item) {
        return chargeCard(item.length());
    }

    long chargeCard(int cents) {
        if (cents > 100) {
            throw new IllegalStateException("card declined");
        }
        return cents;
    }
}
`);
write(BILLING, `package com.example.billing;

public class OrderService {
    public void placeOrder(String item) {
        throw new IllegalStateException("billing down");
    }
}
`);

function files(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? files(join(root, e.name)) : [join(root, e.name)]));
}

test('Java agent spans map to their methods, stack frames through their package, without any symbol provider', async () => {
  fakeVscode.workspaceFolders = [{ uri: Uri.file(dir), name: 'shop', index: 0 }];
  api.workspace.findFiles = async () => files(dir).map(f => Uri.file(f));
  // No language extension: the symbol providers answer nothing.
  fakeVscode.commands.set('vscode.executeWorkspaceSymbolProvider', () => []);
  fakeVscode.commands.set('vscode.executeDocumentSymbolProvider', () => []);
  const t = trace([
    { id: 'r', name: 'GET /orders', service: 'shop', kind: 'server', dur: 1000 },
    { id: 'a', parent: 'r', name: 'OrderService.placeOrder', service: 'shop', start: 10, dur: 400, attrs: { 'code.namespace': 'com.example.shop.OrderService', 'code.function': 'placeOrder' } },
    { id: 'b', parent: 'r', name: 'OrderService.chargeCard', service: 'shop', start: 20, dur: 100, attrs: { 'code.function.name': 'com.example.shop.OrderService.chargeCard' } },
    {
      id: 'c', parent: 'r', name: 'billing', service: 'billing', start: 500, dur: 50, status: 'error',
      events: [{ name: 'exception', attrs: { 'exception.stacktrace': 'java.lang.IllegalStateException: billing down\n\tat com.example.billing.OrderService.placeOrder(OrderService.java:5)\n\tat com.example.billing.Api.run(Api.java:9)' } }],
    },
  ]);
  const view = new CompactView(encodeCompactTrace(analyzeTrace(t)));
  const index = new WorkspaceFileIndex();
  const syntax = createSyntaxService();
  const mapper = new CodeMapper(index, new SavedMappings(new MemoryMemento() as never), undefined, syntax);
  const mapping = await mapper.mapTrace(view);
  const at = (id: string) => mapping.spans[view.indexOf(id)];
  // Phase 1 (no provider, no parsing): the stack frame, through its package path.
  assert.deepEqual([at('c')?.path, at('c')?.line, at('c')?.how], [BILLING, 5, 'stack-frame']);
  await mapper.completeTrace(mapping);
  assert.deepEqual([at('a')?.path, at('a')?.line, at('a')?.confidence], [SHOP, 7, 'high']);
  assert.deepEqual([at('b')?.path, at('b')?.line, at('b')?.confidence], [SHOP, 11, 'high']);
  assert.match(at('a')!.detail, /com\.example\.shop\.OrderService\.placeOrder declared here/);
  const why = mapping.unmapped.find(u => u.spanIndex === view.indexOf('r'))?.reason ?? '';
  assert.doesNotMatch(why, /language extension/);
  mapper.dispose();
  index.dispose();
  syntax.dispose();
});

test('Go to source: ranked candidates open a quick pick with their reasons and the choice is saved; none says why', { timeout: 60_000 }, async () => {
  const { TraceService } = await import('../../../../src/host/traces/traceService');
  const { AnnotationModel } = await import('../../../../src/host/editor/annotationModel');
  const { openSpanMapping } = await import('../../../../src/host/editor/spanSource');
  fakeVscode.workspaceFolders = [{ uri: Uri.file(dir), name: 'shop', index: 0 }];
  api.workspace.findFiles = async () => files(dir).map(f => Uri.file(f));
  // Two overloads of quote(): the engine cannot tell which one a span without a stack trace came from.
  const QUOTE = join(dir, 'shop/src/main/java/com/example/shop/Quotes.java');
  write(QUOTE, 'package com.example.shop;\n\npublic class Quotes {\n    long quote(String item) { return 1; }\n\n    long quote(String item, int n) { return n; }\n}\n');
  const t = trace([
    { id: 'q', name: 'Quotes.quote', service: 'shop', dur: 10, attrs: { 'code.namespace': 'com.example.shop.Quotes', 'code.function': 'quote' } },
    { id: 'n', parent: 'q', name: 'mystery', service: 'shop', start: 1, dur: 2 },
  ]);
  const syntax = createSyntaxService();
  const index = new WorkspaceFileIndex();
  const traces = new TraceService(new MemoryMemento());
  const mapper = new CodeMapper(index, new SavedMappings(new MemoryMemento() as never), undefined, syntax);
  const model = new AnnotationModel(traces, mapper);
  // Mapped once phase 2 (the engine) has run over this trace
  const changed = new Promise<void>(resolve => { model.onDidChange(s => { if (s.traces[0]?.mapping.complete && s.traces[0].mapping.spans[0]) resolve(); }); });
  const open = traces.open({ summary: { traceId: t.traceId }, compact: encodeCompactTrace(analyzeTrace(t)) }, { kind: 'file', label: 't.json' });
  await changed;
  const m = model.state.traces[0]!.mapping.spans[0];
  assert.equal(m?.confidence, 'low');
  assert.deepEqual(m?.candidates?.map(c => c.line), [4, 6]);

  // The hover on a guessed line says it is one
  const { DecorationController } = await import('../../../../src/host/editor/decorations');
  const { SpanHoverProvider } = await import('../../../../src/host/editor/hover');
  const { Range } = await import('./fakeEditorApi');
  const { Position } = await import('../../../support/host/fakeVscode');
  const decorations = new DecorationController(model);
  const doc = { uri: Uri.file(QUOTE), lineCount: 8, version: 1, lineAt: (n: number) => ({ text: '', range: new Range(n, 0, n, 0) }) };
  const hover = new SpanHoverProvider(model, decorations).provideHover(doc as never, new Position(3, 0) as never) as unknown as { contents: { value: string } };
  assert.match(hover.contents.value, /_A guess:_ 2 places match; Go to source offers them/);
  decorations.dispose();

  let offered: { label: string; detail: string }[] = [];
  fakeVscode.pick = items => { offered = items as typeof offered; return items[1]; };
  const handled = await openSpanMapping(model, open.traceKey, 'q', undefined);
  assert.equal(handled, true);
  assert.deepEqual(offered.map(o => o.label), ['Quotes.java:4', 'Quotes.java:6']);
  assert.match(offered[0]!.detail, /com\.example\.shop\.Quotes\.quote declared here/);
  const shown = fakeVscode.shownEditors[fakeVscode.shownEditors.length - 1] as { document: { uri: Uri }; selection: { start: { line: number } } };
  assert.deepEqual([shown.document.uri.fsPath, shown.selection.start.line], [QUOTE, 5]);
  // The choice is remembered for this service and span name.
  assert.deepEqual(mapper.saved.get('shop', 'Quotes.quote', mapper.folders), { path: QUOTE, line: 6 });

  // A span nothing matches: the reason, and (no path in the span) the offer to map it to the cursor line.
  fakeVscode.messageAnswers.push(undefined);
  assert.equal(await openSpanMapping(model, open.traceKey, 'n', undefined), true);
  const msg = fakeVscode.messages[fakeVscode.messages.length - 1]!;
  assert.match(msg.text, /"mystery" has no code location: no code\.\* attributes/);
  assert.deepEqual(msg.items, ['Map to Cursor Line…']);
  // A stack frame link (another path than the span's own) is left to the path resolution.
  assert.equal(await openSpanMapping(model, open.traceKey, 'q', 'com/example/shop/Other.java'), false);
  fakeVscode.pick = undefined;
  model.dispose();
  mapper.dispose();
  index.dispose();
  traces.dispose();
  syntax.dispose();
});
