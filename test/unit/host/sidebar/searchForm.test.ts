// The Search Traces form is one quick input of several steps: each step replaces the one before without the widget
// closing in between (a close gives the focus back to the waterfall's webview, whose frame then took it from the next
// step in a CI run, and the form was gone). Back returns to the step before with its answer kept; Escape leaves.
import { fakeVscode } from '../../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../analysis/fakePanels';
import { MemoryMemento, type FakeQuickInput } from '../../../support/host/fakeVscode';
import { TraceService } from '../../../../src/host/traces/traceService';
import { TracesView } from '../../../../src/host/sidebar/tracesView';
import type { BackendsSource, ReceiverListItem, TraceSearchQuery } from '../../../../src/host/sidebar/deps';

const Back = (fakeVscode.api.QuickInputButtons as { Back: unknown }).Back;

/** The next quick input the form shows (after those already seen), once it is shown. */
async function nextStep(seen: number): Promise<FakeQuickInput> {
  for (let i = 0; i < 200; i++) {
    const q = fakeVscode.quickInputs[seen];
    if (q?.shown) return q;
    await new Promise(r => setTimeout(r, 5));
  }
  throw new Error(`no quick input #${seen + 1} (${fakeVscode.quickInputs.length} made)`);
}

function pick(q: FakeQuickInput, label: string): void {
  const item = (q.widget.items as { label: string }[]).find(i => i.label === label);
  assert.ok(item, `"${label}" among ${(q.widget.items as { label: string }[]).map(i => i.label).join(', ')}`);
  q.widget.selectedItems = [item];
  q.accept();
}

function answer(q: FakeQuickInput, text: string): void {
  q.type(text);
  q.accept();
}

function setup() {
  const queries: [string, TraceSearchQuery][] = [];
  const row = { traceId: 'a'.repeat(32), rootService: 'shop', rootName: 'GET /', durationNs: 5e6, spanCount: 3, errorCount: 0, startMs: Date.now() };
  let servicesAsked = 0;
  const backends: BackendsSource = {
    onDidChange: () => ({ dispose() {} }),
    list: () => [{ id: 'j', label: 'local-jaeger', kind: 'jaeger', status: 'ok' }],
    services: async () => { servicesAsked++; await new Promise(r => setTimeout(r, 20)); return ['shop', 'stock']; },
    search: async (id, q) => { queries.push([id, q]); return [row]; },
  } as BackendsSource;
  const listed: ReceiverListItem = { traceId: 'b'.repeat(32), rootService: 'frontend', rootName: 'GET /checkout', startNs: BigInt(Date.now()) * 1_000_000n, durationNs: 9e6, spanCount: 4, errorCount: 0, lastUpdateMs: Date.now(), completed: true };
  const receiver = { state: { kind: 'running' as const, address: { httpUrl: 'http://127.0.0.1:4318' } }, onDidChangeState: () => ({ dispose() {} }), onDidChangeTraces: () => ({ dispose() {} }), list: () => [listed] };
  const traces = new TraceService(new MemoryMemento());
  const view = new TracesView(traces, receiver, () => backends);
  return { view, queries, servicesAsked: () => servicesAsked, dispose: () => { view.dispose(); traces.dispose(); } };
}

test('Search Traces: six steps in one quick input that never closes between them; the query has every answer', async () => {
  const { view, queries, servicesAsked, dispose } = setup();
  const seen = fakeVscode.quickInputs.length;
  const done = view.search();
  const backend = await nextStep(seen);
  assert.equal(backend.widget.title, 'Search Traces');
  assert.deepEqual([backend.widget.step, backend.widget.totalSteps], [1, 6]);
  assert.deepEqual(backend.widget.buttons, [], 'no Back on the first step');
  assert.equal(backend.widget.ignoreFocusOut, true, 'a webview taking the focus back does not close the form');
  pick(backend, 'local-jaeger');
  const service = await nextStep(seen + 1);
  // the step before is disposed only after this one is shown: the quick input never closes in between
  assert.ok(backend.disposed);
  assert.equal(servicesAsked(), 1);
  assert.deepEqual(service.widget.buttons, [Back]);
  assert.equal(service.widget.step, 2);
  pick(service, 'stock');
  answer(await nextStep(seen + 2), 'SELECT');
  answer(await nextStep(seen + 3), 'error=true');
  const duration = await nextStep(seen + 4);
  answer(duration, 'ten');
  assert.equal(duration.widget.validationMessage, 'Write min-max in ms');
  assert.equal(fakeVscode.quickInputs.length, seen + 5, 'a refused value stays on its step');
  answer(duration, '100-');
  const range = await nextStep(seen + 5);
  assert.equal((range.widget.activeItems as { label: string }[])[0]?.label, 'Last hour', 'the usual range is highlighted');
  pick(range, 'Last 6 hours');
  await done;
  assert.ok(range.disposed, 'the form closes after its last step');
  assert.deepEqual(queries, [['j', { service: 'stock', operation: 'SELECT', tags: 'error=true', minDurationMs: 100, lookbackMinutes: 360, limit: 50 }]]);
  assert.equal(view.searchResults?.items.length, 1);
  dispose();
});

test('Search Traces: Back keeps the earlier answer; Escape at any step leaves without searching', async () => {
  const { view, queries, servicesAsked, dispose } = setup();
  let seen = fakeVscode.quickInputs.length;
  let done = view.search();
  pick(await nextStep(seen++), 'Embedded receiver');
  pick(await nextStep(seen++), 'frontend');
  const operation = await nextStep(seen++);
  answer(operation, 'GET');
  const tags = await nextStep(seen++);
  tags.press(Back);
  const again = await nextStep(seen++);
  assert.equal(again.widget.value, 'GET', 'the operation typed before');
  assert.equal(again.widget.step, 3);
  again.press(Back);
  const serviceAgain = await nextStep(seen++);
  assert.equal((serviceAgain.widget.activeItems as { label: string }[])[0]?.label, 'frontend', 'the service picked before');
  serviceAgain.escape();
  await done;
  assert.deepEqual(queries, []);
  assert.equal(view.searchResults, undefined);
  assert.equal(servicesAsked(), 0, 'the receiver lists its services itself');


  // Escape while a backend's services load (the answered step stays up, busy): the form is gone, no next step shows
  seen = fakeVscode.quickInputs.length;
  done = view.search();
  const first = await nextStep(seen);
  pick(first, 'local-jaeger');
  await new Promise(r => setTimeout(r, 2)); // the services take 20 ms
  assert.equal(first.widget.busy, true, 'busy while the services load');
  first.escape();
  await done;
  assert.equal(fakeVscode.quickInputs.filter((q, i) => i > seen && q.shown).length, 0, 'nothing shown after Escape');
  assert.equal(view.searchResults, undefined);

  // Escape on the first step: nothing asked, nothing searched
  seen = fakeVscode.quickInputs.length;
  done = view.search();
  (await nextStep(seen)).escape();
  await done;
  assert.equal(view.searchResults, undefined);
  dispose();
});
