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
