// Worker-thread entry (dist/parse-worker.js): parses and analyses one document off the extension host's
// main thread and posts the result back with every typed array transferred, not copied.
import { parentPort } from 'node:worker_threads';
import { TraceParseError } from '../core/model';
import { transferables } from '../protocol/compact';
import type { WorkerReply, WorkerRequest } from './messages';
import { preparePreview, prepareSync } from './prepare';

parentPort?.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const preview = req.preview ? preparePreview(req.input, req.opts) : undefined;
    if (preview) post({ ok: true, part: 'preview', trace: preview }, transferables(preview.compact));
    const prepared = prepareSync(req.input, req.opts);
    prepared.traces.forEach((t, index) => post({ ok: true, part: 'strings', index, strings: t.compact.strings }, []));
    const doc = { ...prepared, traces: prepared.traces.map(t => ({ ...t, compact: { ...t.compact, strings: '' } })) };
    reply = { ok: true, part: 'doc', doc };
    for (const t of doc.traces) transfer = transfer.concat(transferables(t.compact));
  } catch (err) {
    reply = err instanceof TraceParseError
      ? { ok: false, parseError: true, message: err.message, path: err.path }
      : { ok: false, parseError: false, message: err instanceof Error ? err.message : String(err), path: '$' };
  }
  post(reply, transfer);
});

function post(reply: WorkerReply, transfer: ArrayBuffer[]): void {
  parentPort!.postMessage(reply, transfer);
}
