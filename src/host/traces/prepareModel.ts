// Analysis of a trace already in the model (the receiver's store): the same steps as the worker's prepareSync,
// without the parse. Receiver traces are built span batch by span batch and are small next to files, so this runs
// inline.
import { analyzeTrace } from '../../core/analysis/analyze';
import { summarizeTrace } from '../../core/analysis/summary';
import type { Trace } from '../../core/model';
import { encodeCompactTrace } from '../../protocol/compact';
import type { PreparedTrace } from '../../worker/client';

export function prepareModel(trace: Trace, skew: 'raw' | 'adjust' = 'raw'): PreparedTrace {
  const analysis = analyzeTrace(trace, { skew });
  return { summary: summarizeTrace(analysis), compact: encodeCompactTrace(analysis) };
}
