// Worker thread entry (dist/aggregate-worker.js): per-location statistics of an aggregate (p50/p95/max/count/
// errors/self time and p95-rank heat per line, for every file) computed off the extension host's main thread.
// Pure core code only; no vscode here.
import { parentPort } from 'node:worker_threads';
import { annotateFile, FileSpans, type FileAnnotations } from '../../core/mapping/lineAnnotations';

export interface AggregateFileInput {
  readonly path: string;
  readonly line: Int32Array;
  readonly durationNs: Float64Array;
  readonly selfNs: Float64Array;
  readonly error: Uint8Array;
  readonly ref: Int32Array;
  readonly trace: Int32Array;
}

export function annotateAggregate(files: readonly AggregateFileInput[]): { path: string; annotations: FileAnnotations }[] {
  return files.map(f => {
    const spans = new FileSpans(0);
    spans.line = f.line; spans.durationNs = f.durationNs; spans.selfNs = f.selfNs; spans.error = f.error; spans.ref = f.ref; spans.trace = f.trace;
    spans.length = f.line.length;
    return { path: f.path, annotations: annotateFile(spans, { kind: 'aggregate' }) };
  });
}

parentPort?.on('message', (msg: { id: number; files: AggregateFileInput[] }) => {
  try {
    const out = annotateAggregate(msg.files);
    parentPort!.postMessage({ id: msg.id, ok: true, out }, out.map(o => o.annotations.order.buffer as ArrayBuffer));
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
