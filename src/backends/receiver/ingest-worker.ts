// Worker-thread entry (dist/receiver-worker.js): parses OTLP export requests off the main thread (in VS Code, the
// extension host every extension shares) and answers with span summaries (see summaries.ts).
import { parentPort } from 'node:worker_threads';
import { TraceParseError } from '../../core/model';
import { parseTraceDocument } from '../../core/parse/index';
import { summarize, transferList } from './summaries';
import type { WorkerReply, WorkerRequest } from './parse-pool';

parentPort?.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const batch = summarize(parseTraceDocument(req.bytes, { format: req.format }));
    reply = { id: req.id, ok: true, batch };
    transfer = transferList(batch);
  } catch (err) {
    reply = err instanceof TraceParseError
      ? { id: req.id, ok: false, parseError: true, message: err.message, path: err.path }
      : { id: req.id, ok: false, parseError: false, message: err instanceof Error ? err.message : String(err), path: '$' };
  }
  parentPort!.postMessage(reply, transfer);
});
