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
