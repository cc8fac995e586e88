// Runs the aggregate's per-location statistics in a worker thread (dist/aggregate-worker.js next to the running
// bundle); cancellation terminates the worker. Where the worker file is absent (tests running the TypeScript
// sources), the same function runs inline.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileAnnotations, FileSpans } from '../../core/mapping/lineAnnotations';
import { annotateAggregate, type AggregateFileInput } from './aggregateWorker';

export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

export function aggregateWorkerPath(): string {
  return join(typeof __dirname === 'string' ? __dirname : process.cwd(), 'aggregate-worker.js');
}

function inputs(files: ReadonlyMap<string, FileSpans>): AggregateFileInput[] {
  return [...files].map(([path, s]) => ({
    path, line: s.line.slice(0, s.length), durationNs: s.durationNs.slice(0, s.length), selfNs: s.selfNs.slice(0, s.length),
    error: s.error.slice(0, s.length), ref: s.ref.slice(0, s.length), trace: s.trace.slice(0, s.length),
  }));
}

/** Annotations of every file of an aggregate; `where` tells whether a worker thread did the work. */
export async function annotateAggregateOffThread(files: ReadonlyMap<string, FileSpans>, token?: CancelToken, workerPath = aggregateWorkerPath()): Promise<{ result: Map<string, FileAnnotations>; where: 'worker' | 'inline' } | undefined> {
  const data = inputs(files);
  if (!existsSync(workerPath)) return { result: new Map(annotateAggregate(data).map(o => [o.path, o.annotations])), where: 'inline' };
  const worker = new Worker(workerPath);
  try {
    return await new Promise((resolve, reject) => {
      const sub = token?.onCancellationRequested(() => { void worker.terminate(); resolve(undefined); });
      worker.once('error', reject);
      worker.once('message', (msg: { ok: boolean; out?: { path: string; annotations: FileAnnotations }[]; error?: string }) => {
        sub?.dispose();
        if (msg.ok && msg.out) resolve({ result: new Map(msg.out.map(o => [o.path, o.annotations])), where: 'worker' });
        else reject(new Error(msg.error ?? 'aggregate worker failed'));
      });
      const transfer = data.flatMap(d => [d.line.buffer, d.durationNs.buffer, d.selfNs.buffer, d.error.buffer, d.ref.buffer, d.trace.buffer] as ArrayBuffer[]);
      worker.postMessage({ id: 1, files: data }, transfer);
    });
  } finally {
    void worker.terminate();
  }
}
