// Worker-thread entry (dist/parse-worker.js): parses and analyses one document off the extension host's
// main thread, reading it as a stream (the spans read so far are posted as previews while the rest is read), and
// posts the result back with every typed array transferred, not copied.
import { parentPort } from 'node:worker_threads';
import { TraceParseError } from '../core/model';
import { transferables } from '../protocol/compact';
import type { WorkerReply, WorkerRequest } from './messages';
import { StreamingPrepare, type PreparedDocument, type StreamPrepareOptions } from './prepare';

let current: StreamingPrepare | undefined;
let failed = false;

parentPort?.on('message', (req: WorkerRequest) => {
  if ('input' in req) {
    if (!start({ ...req.opts, expectedBytes: req.input.byteLength }, req.preview)) return;
    if (step(() => current!.write(req.input))) end();
    return;
  }
  if (req.stream === 'start') { start({ ...req.opts, ...(req.expectedBytes ? { expectedBytes: req.expectedBytes } : {}) }, req.preview); return; }
  if (failed || !current) return;
  if (req.stream === 'chunk') step(() => current!.write(req.chunk));
  else end();
});

function start(opts: StreamPrepareOptions, preview: boolean | undefined): boolean {
  failed = false;
  return step(() => {
    current = new StreamingPrepare({
      ...opts,
      ...(preview ? { onPartial: trace => post({ ok: true, part: 'preview', trace }, transferables(trace.compact)) } : {}),
    });
  });
}

function end(): void {
  let doc: PreparedDocument | undefined;
  if (!step(() => { doc = current!.finish(); })) return;
  current = undefined;
  doc!.traces.forEach((t, index) => post({ ok: true, part: 'strings', index, strings: t.compact.strings }, []));
  const out = { ...doc!, traces: doc!.traces.map(t => ({ ...t, compact: { ...t.compact, strings: '' } })) };
  let transfer: ArrayBuffer[] = [];
  for (const t of out.traces) transfer = transfer.concat(transferables(t.compact));
  post({ ok: true, part: 'doc', doc: out }, transfer);
}

/** Runs one step; a failure is posted once and ends the document. */
function step(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    failed = true;
    current = undefined;
    post(err instanceof TraceParseError
      ? { ok: false, parseError: true, message: err.message, path: err.path }
      : { ok: false, parseError: false, message: err instanceof Error ? err.message : String(err), path: '$' }, []);
    return false;
  }
}

function post(reply: WorkerReply, transfer: ArrayBuffer[]): void {
  parentPort!.postMessage(reply, transfer);
}
