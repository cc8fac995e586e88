// Worker-thread entry (dist/receiver-worker.js): reads OTLP export requests off the main thread (in VS Code, the
// extension host every extension shares) and answers with the Prepared request (ingest.ts): the index's typed arrays
// and any re-encoded bytes are transferred, not copied.
import { parentPort } from 'node:worker_threads';
import { TraceParseError } from '../../core/model';
import { prepare, type Prepared } from './ingest';
import type { WorkerReply, WorkerRequest } from './parse-pool';

parentPort?.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const prepared = prepare(req.bytes, req.encoding);
    reply = { id: req.id, ok: true, prepared };
    // A protobuf request's own bytes, which the index points into, go back the way they came: moved.
    transfer = transferList(prepared);
  } catch (err) {
    reply = err instanceof TraceParseError
      ? { id: req.id, ok: false, parseError: true, message: err.message, path: err.path }
      : { id: req.id, ok: false, parseError: false, message: err instanceof Error ? err.message : String(err), path: '$' };
  }
  parentPort!.postMessage(reply, transfer);
});

/** The buffers of a Prepared that can move to the main thread (each once; never a pooled or shared one). */
function transferList(p: Prepared): ArrayBuffer[] {
  const x = p.index;
  const out = new Set<ArrayBuffer>();
  for (const a of [x.traceOf, x.groupOf, x.spanAt, x.spanEnd, x.parentless, x.startNs, x.durationNs, x.error, x.nameAt, x.nameEnd, x.spanTag, x.groups, p.exclude]) {
    if (a && a.buffer instanceof ArrayBuffer && a.byteLength === a.buffer.byteLength) out.add(a.buffer);
  }
  // Re-encoded JSON (bytes made here) or the protobuf request itself: moved rather than copied.
  if (p.bytes.byteLength > 0 && p.bytes.buffer instanceof ArrayBuffer && p.bytes.byteLength === p.bytes.buffer.byteLength) out.add(p.bytes.buffer);
  return [...out];
}

