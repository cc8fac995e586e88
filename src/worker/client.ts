// Prepares trace documents for the host without blocking it: small inputs inline (a worker's start-up
// would cost more than the work), large ones in a worker thread whose result comes back as transferred
// typed arrays, so the main thread only pays for receiving the message.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TraceParseError } from '../core/model';
import type { WorkerReply, WorkerRequest } from './messages';
import { prepareSync, type PrepareOptions, type PreparedDocument, type PreparedTrace } from './prepare';

export type { PreparedTrace, PreparedDocument, PrepareOptions };

/** Inputs from this size on are prepared in a worker thread. */
export const WORKER_THRESHOLD_BYTES = 2 * 1024 * 1024;

export interface PrepareTracesOptions extends PrepareOptions {
  /** Path of dist/parse-worker.js; defaults to the file next to the running bundle. */
  readonly workerPath?: string;
  /** Override WORKER_THRESHOLD_BYTES (0: always use the worker). */
  readonly workerThresholdBytes?: number;
  /**
   * Hand the input's memory to the worker instead of copying it (the caller's Uint8Array becomes unusable).
   * Only when the array spans its whole ArrayBuffer; otherwise it is copied.
   */
  readonly transferInput?: boolean;
  readonly signal?: AbortSignal;
  /**
   * Called with the first spans of a big single-trace document (compact marked `partial`) while the whole is
   * still being parsed; the promise then resolves with the whole as usual. Not called for small documents.
   */
  readonly onPreview?: (preview: PreparedTrace) => void;
}

function defaultWorkerPath(): string {
  // in the esbuild bundles (dist/extension.js, dist/cli.js) __dirname is dist/
  return join(typeof __dirname === 'string' ? __dirname : process.cwd(), 'parse-worker.js');
}

/** Parses, analyses and encodes every trace of a document. Rejects with TraceParseError on bad input. */
export function prepareDocument(input: Uint8Array, opts: PrepareTracesOptions = {}): Promise<PreparedDocument> {
  const threshold = opts.workerThresholdBytes ?? WORKER_THRESHOLD_BYTES;
  const popts: PrepareOptions = { ...(opts.format ? { format: opts.format } : {}), ...(opts.skew ? { skew: opts.skew } : {}) };
  if (input.byteLength < threshold) {
    try {
      return Promise.resolve(prepareSync(input, popts));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return new Promise<PreparedDocument>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason ?? new Error('aborted'));
    const worker = new Worker(opts.workerPath ?? defaultWorkerPath());
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(opts.signal?.reason ?? new Error('aborted')));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const strings: string[] = [];
    worker.on('message', (reply: WorkerReply) => {
      if (reply.ok && reply.part === 'preview') {
        // The caller's view failing to show a preview must not fail the parse of the whole (the caller logs).
        try { if (!settled) opts.onPreview?.(reply.trace); } catch { /* see above */ }
        return;
      }
      if (reply.ok && reply.part === 'strings') {
        strings[reply.index] = reply.strings;
        return;
      }
      finish(() => {
        if (reply.ok) resolve({ ...reply.doc, traces: reply.doc.traces.map((t, i) => ({ ...t, compact: { ...t.compact, strings: strings[i] ?? '' } })) });
        else if (reply.parseError) reject(new TraceParseError(reply.message, reply.path));
        else reject(new Error(`trace worker failed: ${reply.message}`));
      });
    });
    worker.once('error', err => finish(() => reject(err)));
    worker.once('exit', code => finish(() => reject(new Error(`trace worker exited (code ${code}) before answering`))));
    const whole = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength && input.buffer instanceof ArrayBuffer;
    const req: WorkerRequest = { input, opts: popts, ...(opts.onPreview ? { preview: true } : {}) };
    worker.postMessage(req, opts.transferInput && whole ? [input.buffer as ArrayBuffer] : []);
  });
}

/** The traces of a document, each as its summary and its compact (webview) form. */
export async function prepareTraces(input: Uint8Array, opts: PrepareTracesOptions = {}): Promise<PreparedTrace[]> {
  return (await prepareDocument(input, opts)).traces;
}
