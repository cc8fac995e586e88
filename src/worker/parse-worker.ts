// Worker-thread entry (dist/parse-worker.js): parses and analyses one document off the extension host's
// main thread and posts the result back with every typed array transferred, not copied.
import { parentPort } from 'node:worker_threads';
import { TraceParseError } from '../core/model';
import { transferables } from '../protocol/compact';
import type { WorkerReply, WorkerRequest } from './messages';
import { prepareSync } from './prepare';

parentPort?.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const doc = prepareSync(req.input, req.opts);
    reply = { ok: true, doc };
    for (const t of doc.traces) transfer = transfer.concat(transferables(t.compact));
  } catch (err) {
    reply = err instanceof TraceParseError
      ? { ok: false, parseError: true, message: err.message, path: err.path }
      : { ok: false, parseError: false, message: err instanceof Error ? err.message : String(err), path: '$' };
  }
  parentPort!.postMessage(reply, transfer);
});
