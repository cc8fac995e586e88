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
   * Called with the spans read so far of a single-trace document (compact marked `partial`, growing from call to
   * call) while the rest is still being read; the promise then resolves with the whole as usual. Not called for
   * documents prepared inline (below the worker threshold).
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
  const popts = prepareOptions(opts);
  if (input.byteLength < threshold) {
    try {
      return Promise.resolve(prepareSync(input, popts));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  const w = startWorker(opts);
  const whole = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength && input.buffer instanceof ArrayBuffer;
  w.post({ input, opts: popts, ...(opts.onPreview ? { preview: true } : {}) }, opts.transferInput && whole ? [input.buffer as ArrayBuffer] : []);
  return w.done;
}

/** A document being streamed to the parse worker as it arrives (see prepareDocumentStream). */
export interface DocumentStream {
  /** Hands a chunk to the worker (transferred when it spans its whole buffer: do not use it afterwards). */
  write(chunk: Uint8Array): void;
  /** No more chunks: the promise settles with the whole document (or its error). */
  end(): Promise<PreparedDocument>;
  /** Settles when the worker answers, also before `end` (an error in the first bytes). */
  readonly done: Promise<PreparedDocument>;
}

/**
 * Streams a document to the parse worker as its bytes arrive (a file read in chunks, an HTTP body): the worker
 * reads each span as soon as it is complete and, with `onPreview`, posts the spans read so far, so the first rows
 * are shown after the first chunk whatever the document's size, and nothing waits for the whole body first.
 */
export function prepareDocumentStream(opts: PrepareTracesOptions & { expectedBytes?: number } = {}): DocumentStream {
  const w = startWorker(opts);
  w.post({ stream: 'start', opts: prepareOptions(opts), ...(opts.onPreview ? { preview: true } : {}), ...(opts.expectedBytes ? { expectedBytes: opts.expectedBytes } : {}) }, []);
  let ended = false;
  return {
    write(chunk) {
      if (ended || chunk.length === 0) return;
      const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
      w.post({ stream: 'chunk', chunk }, whole ? [chunk.buffer as ArrayBuffer] : []);
    },
    end() {
      if (!ended) { ended = true; w.post({ stream: 'end' }, []); }
      return w.done;
    },
    done: w.done,
  };
}

function prepareOptions(opts: PrepareTracesOptions): PrepareOptions {
  return { ...(opts.format ? { format: opts.format } : {}), ...(opts.skew ? { skew: opts.skew } : {}), ...(opts.maxSpans !== undefined ? { maxSpans: opts.maxSpans } : {}) };
}

/** A parse worker for one document: `post` sends to it, `done` settles with its answer (the worker then stops). */
function startWorker(opts: PrepareTracesOptions): { post(req: WorkerRequest, transfer: ArrayBuffer[]): void; done: Promise<PreparedDocument> } {
  let worker: Worker | undefined;
  let settled = false;
  const done = new Promise<PreparedDocument>((resolve, reject) => {
    if (opts.signal?.aborted) { settled = true; reject(opts.signal.reason ?? new Error('aborted')); return; }
    const w = worker = new Worker(opts.workerPath ?? defaultWorkerPath());
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void w.terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(opts.signal?.reason ?? new Error('aborted')));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const strings: string[] = [];
    w.on('message', (reply: WorkerReply) => {
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
    w.once('error', err => finish(() => reject(err)));
    w.once('exit', code => finish(() => reject(new Error(`trace worker exited (code ${code}) before answering`))));
  });
  return {
    post(req, transfer) { if (!settled && worker) worker.postMessage(req, transfer); },
    done,
  };
}

/** The traces of a document, each as its summary and its compact (webview) form. */
export async function prepareTraces(input: Uint8Array, opts: PrepareTracesOptions = {}): Promise<PreparedTrace[]> {
  return (await prepareDocument(input, opts)).traces;
}
