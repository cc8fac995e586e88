// Revealing spans from a CodeLens: one trace → its waterfall at the slowest span; several traces → a quick pick.
import { fakeVscode } from '../../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryMemento } from '../../../support/host/fakeVscode';
import { trace } from '../../../support/builders';
import { analyzeTrace } from '../../../../src/core/analysis/analyze';
import { encodeCompactTrace } from '../../../../src/protocol/compact';
import { TraceService } from '../../../../src/host/traces/traceService';
import { revealSpans, setPanels } from '../../../../src/host/editor/reveal';

const prepared = (traceId: string) => {
  const compact = { ...encodeCompactTrace(analyzeTrace({ ...trace([{ id: 'r', dur: 100 }, { id: 'a', parent: 'r', dur: 10 }, { id: 'b', parent: 'r', dur: 60 }]), traceId })), traceId };
  return { summary: { traceId }, compact };
};

test('one trace: straight to the slowest span; several traces: pick', async () => {
  const traces = new TraceService(new MemoryMemento());
  const t1 = traces.open(prepared('aa'), { kind: 'file', label: '1' });
  const t2 = traces.open(prepared('bb'), { kind: 'file', label: '2' });
  const revealed: string[] = [];
  setPanels({ onDidChangeSelection: () => ({ dispose: () => undefined }), reveal: (key, spanId) => { revealed.push(`${key}/${spanId}`); return true; } });
  await revealSpans(traces, [{ traceKey: t1.traceKey, spanId: 'a' }, { traceKey: t1.traceKey, spanId: 'b' }]);
  assert.deepEqual(revealed, [`${t1.traceKey}/b`]);
  const picks: unknown[][] = [];
  fakeVscode.pick = (items: unknown[]) => { picks.push(items); return items[0]; };
  await revealSpans(traces, [{ traceKey: t1.traceKey, spanId: 'a' }, { traceKey: t2.traceKey, spanId: 'b' }]);
  assert.equal(picks.length, 1);
  assert.equal(picks[0]!.length, 2);
  assert.deepEqual(revealed.slice(1), [`${t2.traceKey}/b`], 'the slowest first in the pick');
  setPanels(undefined);
  traces.dispose();
});
