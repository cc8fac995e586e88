// The editor keeps showing the last focused trace while the user is in a text editor (TraceService's active
// trace is then undefined), follows a newly focused one, and moves on when its trace is closed.
import '../../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryMemento } from '../../../support/host/fakeVscode';
import { trace } from '../../../support/builders';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { encodeCompactTrace } from '../../../../src/protocol/compact';
import { TraceService } from '../../../../src/host/traces/traceService';
import { CurrentTrace } from '../../../../src/host/editor/currentTrace';

const prepared = (traceId: string) => {
  const compact = { ...encodeCompactTrace(analyzeTrace({ ...trace([{ id: 'r', dur: 10 }]), traceId })), traceId };
  return { summary: { traceId }, compact };
};

test('sticky current trace', () => {
  const traces = new TraceService(new MemoryMemento());
  const current = new CurrentTrace(traces);
  const seen: (string | undefined)[] = [];
  current.onDidChange(t => seen.push(t?.traceId));
  const a = traces.open(prepared('aa'), { kind: 'file', label: 'a' });
  traces.setActive(undefined); // focus moved to a text editor
  assert.equal(current.trace?.traceKey, a.traceKey);
  const b = traces.open(prepared('bb'), { kind: 'file', label: 'b' });
  assert.equal(current.trace?.traceKey, b.traceKey);
  traces.setActive(undefined);
  traces.close(b.traceKey);
  assert.equal(current.trace?.traceKey, a.traceKey);
  traces.close(a.traceKey);
  assert.equal(current.trace, undefined);
  assert.deepEqual(seen, ['aa', 'bb', 'aa', undefined]);
  current.dispose();
  traces.dispose();
});

test('Findings says "No findings" and what was checked, and keeps the trace (as Spans does) when focus goes to a source file', async () => {
  const { fakeVscode } = await import('../../../support/host/register');
  const { FindingsView, CHECKED_FOR } = await import('../../../../src/host/sidebar/findingsView');
  const { bindTraceContext } = await import('../../../../src/host/editor/currentTrace');
  const traces = new TraceService(new MemoryMemento());
  const current = new CurrentTrace(traces);
  const context = bindTraceContext(current);
  const findings = new FindingsView(traces, current);
  const hasActiveTrace = () => fakeVscode.calls.filter(c => c.api === 'commands.executeCommand' && c.args[0] === 'setContext' && c.args[1] === 'spanscope.hasActiveTrace').at(-1)?.args[2];
  try {
    assert.deepEqual(findings.getChildren(), []);
    assert.equal(hasActiveTrace(), false);
    const a = traces.open(prepared('aa'), { kind: 'file', label: 'a' });
    const rows = () => findings.getChildren().map(n => findings.getTreeItem(n));
    const item = rows()[0]!;
    assert.equal(rows().length, 1);
    assert.equal(item.label, 'No findings');
    assert.equal(item.description, `checked: ${CHECKED_FOR}`);
    assert.match(CHECKED_FOR, /N\+1 calls/);
    assert.equal(hasActiveTrace(), true);
    // Focus moves to a text editor: TraceService has no active trace, but every view keeps showing this one.
    traces.setActive(undefined);
    assert.equal(traces.active, undefined);
    assert.equal(rows()[0]!.label, 'No findings');
    assert.equal(rows()[0]!.id, `${a.traceKey}#none`);
    assert.equal(hasActiveTrace(), true, 'the welcome text "no trace open" stays hidden');
    traces.close(a.traceKey);
    assert.deepEqual(findings.getChildren(), []);
    assert.equal(hasActiveTrace(), false);
  } finally {
    findings.dispose();
    context.dispose();
    current.dispose();
    traces.dispose();
  }
});
