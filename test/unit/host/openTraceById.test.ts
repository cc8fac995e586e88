// Open Trace by ID without a backend: what pre-fills the input box (the selection and the clipboard, both capped
// in size before they are read or parsed).
import { fakeVscode } from '../../support/host/register';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryMemento } from '../../support/host/fakeVscode';
import { TraceService } from '../../../src/host/traces/traceService';
import { prepareModel } from '../../../src/host/traces/prepareModel';
import type { HostContext } from '../../../src/host/hostContext';
import { BackendsController, MAX_PREFILL_CHARS } from '../../../src/host/backends/backendsController';

const T32 = '4bf92f3577b34da6a3ce929d0e0e4736';
const window = fakeVscode.api.window as Record<string, unknown>;
const realInputBox = window.showInputBox;
const ctx = fakeVscode.newContext();
const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
const traces = new TraceService(new MemoryMemento());
const controller = new BackendsController({ extension: ctx, log, traces } as unknown as HostContext, { prepare: t => prepareModel(t) });

after(() => {
  window.showInputBox = realInputBox;
  window.activeTextEditor = undefined;
  controller.dispose();
  traces.dispose();
});

/** An editor whose whole text is selected; counts how often the text is read. */
function editorWithSelection(text: string) {
  const reads = { count: 0 };
  const editor = {
    selection: { isEmpty: text.length === 0, start: 0, end: text.length },
    document: {
      offsetAt: (p: number) => p,
      getText: () => { reads.count++; return text; },
    },
  };
  return { editor, reads };
}

async function prefilledWith(selection: string, clipboard = ''): Promise<{ value: string | undefined; reads: number }> {
  const { editor, reads } = editorWithSelection(selection);
  window.activeTextEditor = editor;
  fakeVscode.clipboard = clipboard;
  let asked: { value?: string } | undefined;
  window.showInputBox = async (o: { value?: string }) => { asked = o; return undefined; };
  assert.equal(await controller.openTraceById(), undefined);
  assert.ok(asked, 'the input box was shown');
  return { value: asked.value, reads: reads.count };
}

test('a selection holding a trace ID pre-fills Open Trace by ID', async () => {
  const line = `ERROR failed trace_id=${T32}`;
  assert.equal((await prefilledWith(line)).value, line);
});

test('a selection over the cap is neither read nor parsed, even when it holds an ID (a whole file selected)', async () => {
  const big = `${'x '.repeat(MAX_PREFILL_CHARS)} trace_id=${T32}`;
  const r = await prefilledWith(big);
  assert.equal(r.value, undefined);
  assert.equal(r.reads, 0);
  // The clipboard is capped the same way.
  assert.equal((await prefilledWith('', big)).value, undefined);
  assert.equal((await prefilledWith('', T32)).value, T32);
});
