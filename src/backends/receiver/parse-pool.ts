// A few worker threads that parse export requests (ingest-worker.ts), so ingest does not run on the thread that
// serves HTTP and, in VS Code, the extension host. Requests go to the least busy worker; a worker that dies is
// replaced and its requests fail (the receiver answers 503, the exporter retries).
import { Worker } from 'node:worker_threads';
import { TraceParseError } from '../../core/model';
import type { ExportEncoding, Prepared } from './ingest';

export interface WorkerRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly encoding: ExportEncoding;
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly prepared: Prepared }
  | { readonly id: number; readonly ok: false; readonly parseError: boolean; readonly message: string; readonly path: string };

export interface ParsePoolOptions {
  /** The built worker (dist/receiver-worker.js), or the .ts entry with `execArgv: ['--import', 'tsx']` in tests. */
  readonly workerPath: string;
  /** Default 1. */
  readonly threads?: number;
  readonly execArgv?: readonly string[];
}

interface Slot {
  worker: Worker | undefined;
  readonly pending: Map<number, { resolve: (p: Prepared) => void; reject: (e: Error) => void }>;
}

export class ParsePool {
  private readonly slots: Slot[];
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: ParsePoolOptions) {
    this.slots = Array.from({ length: Math.max(1, Math.floor(options.threads ?? 1)) }, () => ({ worker: undefined, pending: new Map() }));
  }

  /**
   * Prepares a request (ingest.ts) in a worker. Rejects with TraceParseError for bad data, Error when the worker
   * failed. The Prepared's `bytes` are always the worker's (a protobuf request comes back moved, not copied).
   */
  prepare(bytes: Uint8Array, encoding: ExportEncoding): Promise<Prepared> {
    if (this.disposed) return Promise.reject(new Error('parse pool disposed'));
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const worker = this.workerOf(slot);
    const id = this.nextId++;
    // Moved, not cloned: a structured clone of a request costs more than its memcpy here, and a Buffer's memory may
    // be shared (a slice of a socket read, Node's pool), so the request is first copied into memory of its own.
    const own = new Uint8Array(bytes);
    return new Promise<Prepared>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes: own, encoding } satisfies WorkerRequest, [own.buffer]);
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.slots) {
      this.failAll(s, new Error('parse pool disposed'));
      void s.worker?.terminate();
      s.worker = undefined;
    }
  }

  private workerOf(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const w = new Worker(this.options.workerPath, { execArgv: [...(this.options.execArgv ?? [])] });
    w.unref();
    w.on('message', (reply: WorkerReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.prepared);
      else p.reject(reply.parseError ? new TraceParseError(reply.message, reply.path) : new Error(`parse worker: ${reply.message}`));
    });
    const lost = (err: Error) => {
      if (slot.worker !== w) return;
      slot.worker = undefined;
      this.failAll(slot, err);
    };
    w.on('error', err => lost(err));
    w.on('exit', code => lost(new Error(`parse worker exited with code ${code}`)));
    slot.worker = w;
    return w;
  }

  private failAll(slot: Slot, err: Error): void {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  }
}
