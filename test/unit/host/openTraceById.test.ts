// Open Trace by ID without a backend: what pre-fills the input box (the selection and the clipboard, both capped
// in size before they are read or parsed), and vscode:// links with hostile span= and trace IDs.
import { fakeVscode } from '../../support/host/register';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryMemento } from '../../support/host/fakeVscode';
import { TraceService } from '../../../src/host/traces/traceService';
import { prepareModel } from '../../../src/host/traces/prepareModel';
import type { HostContext } from '../../../src/host/hostContext';
import { BackendsController, MAX_PREFILL_CHARS } from '../../../src/host/backends/backendsController';
import type { OpenOptions, OpenTrace } from '../../../src/host/traces/traceService';
import { parseHostMessage, PROTOCOL_VERSION } from '../../../src/protocol/messages';
import { Uri } from '../../support/host/fakeVscode';
import { trace } from '../../support/builders';
import { analyzeTrace } from '../../../src/core/analysis/analyze';
import { encodeCompactTrace } from '../../../src/protocol/compact';

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

test('a vscode:// link with a long span= opens the trace without selecting a span (the panel is not left blank)', async () => {
  // The receiver holds the trace; the link's span= is 300 characters.
  const opened: { traceId: string; options: OpenOptions | undefined }[] = [];
  const receiver = {
    ready: Promise.resolve(),
    getTrace: (id: string) => (id === T32 ? ({} as never) : undefined),
    openTrace: async (traceId: string, options?: OpenOptions) => { opened.push({ traceId, options }); return {} as OpenTrace; },
  };
  const c = new BackendsController({ extension: ctx, log, traces } as unknown as HostContext, { prepare: t => prepareModel(t), receiver });
  try {
    const longSpan = 'a'.repeat(300);
    await c.handleUri(Uri.parse(`vscode://spanscope.spanscope/trace/${T32}?span=${longSpan}`) as never);
    assert.equal(opened.length, 1);
    assert.equal(opened[0]!.traceId, T32);
    assert.equal(opened[0]!.options?.selectSpanId, undefined, 'not a span ID: dropped');
    // Why it matters: the panel validates its first message, and a span ID this long made it invalid (blank panel).
    const compact = encodeCompactTrace(analyzeTrace(trace([{ id: 'r', name: 'GET /', service: 'gateway', dur: 50 }])));
    const init = (selectSpanId?: string) => parseHostMessage({ type: 'init', protocol: PROTOCOL_VERSION, traceKey: 'k', sourceLabel: 's', compact, ...(selectSpanId ? { selectSpanId } : {}) }, () => undefined);
    assert.ok(init(), 'a valid first message');
    assert.equal(init(longSpan), undefined, 'the same with the long span ID is refused');

    // A good span= is kept, in canonical form.
    await c.handleUri(Uri.parse(`vscode://spanscope.spanscope/trace/${T32}?span=00F067AA0BA902B7`) as never);
    assert.equal(opened[1]!.options?.selectSpanId, '00f067aa0ba902b7');

    // A "%" in the ID: one clear message, not an exception that opens nothing and says nothing.
    const before = fakeVscode.messages.length;
    await c.handleUri(Uri.parse(`vscode://spanscope.spanscope/trace/${T32.slice(0, 8)}%25zz`) as never);
    const said = fakeVscode.messages.slice(before);
    assert.equal(said.length, 1);
    assert.equal(said[0]!.level, 'error');
    assert.match(said[0]!.text, /No trace ID found|not a trace ID/);
    assert.equal(opened.length, 2);
  } finally {
    c.dispose();
  }
});
