// Fleet answers cached per key (source + window) with an expiry, shared while in flight: the CodeLens, the hover,
// the gutter and Hot Spots asking at once cost one query. The query runs on its own AbortSignal, aborted only when
// every caller waiting on it has given up (each caller's CancellationToken becomes its own AbortSignal), so one
// closed hover does not cancel the lenses' answer. Failures are not cached. Pure: the clock is passed in.

interface Entry<T> {
  value?: T;
  expiresAt: number;
  pending?: Promise<T>;
  controller?: AbortController;
  waiters: number;
}

export class FleetCache<T> {
  private readonly _entries = new Map<string, Entry<T>>();
  /** Queries started (for the log, tests and the bench: one per file view at most). */
  started = 0;

  constructor(private readonly _ttlMs: number, private readonly _now: () => number = Date.now, private readonly _maxEntries = 32) {}

  /** The cached answer if still fresh. */
  peek(key: string): T | undefined {
    const e = this._entries.get(key);
    return e && e.value !== undefined && e.expiresAt > this._now() ? e.value : undefined;
  }

  /**
   * The cached answer, the one in flight, or a new query. `signal`: this caller giving up (it gets an AbortError;
   * the query itself stops only when no caller waits for it any more).
   */
  get(key: string, run: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const fresh = this.peek(key);
    if (fresh !== undefined) return Promise.resolve(fresh);
    if (signal?.aborted) return Promise.reject(abortError());
    let e = this._entries.get(key);
    if (!e || !e.pending) {
      const controller = new AbortController();
      const entry: Entry<T> = { expiresAt: 0, controller, waiters: 0 };
      e = entry;
      this._entries.set(key, entry);
      this.started++;
      entry.pending = run(controller.signal).then(value => {
        if (this._entries.get(key) === entry) {
          entry.value = value;
          entry.expiresAt = this._now() + this._ttlMs;
          delete entry.pending;
          delete entry.controller;
          this._evict();
        }
        return value;
      }, err => {
        if (this._entries.get(key) === entry) this._entries.delete(key);
        throw err;
      });
      // A query nobody awaits any more must not surface as an unhandled rejection.
      entry.pending.catch(() => undefined);
    }
    const entry = e;
    entry.waiters++;
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = () => {
        if (done) return false;
        done = true;
        entry.waiters--;
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = () => {
        if (!finish()) return;
        if (entry.waiters === 0 && entry.pending) {
          entry.controller?.abort();
          if (this._entries.get(key) === entry) this._entries.delete(key);
        }
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.pending!.then(v => { if (finish()) resolve(v); }, err => { if (finish()) reject(err); });
    });
  }

  /** Forgets everything (settings changed) and aborts what is in flight. */
  clear(): void {
    for (const e of this._entries.values()) e.controller?.abort();
    this._entries.clear();
  }

  private _evict(): void {
    if (this._entries.size <= this._maxEntries) return;
    // Expired answers go first, then the oldest (a Map iterates in insertion order); queries in flight stay.
    const now = this._now();
    for (const [k, e] of this._entries) if (!e.pending && e.expiresAt <= now) this._entries.delete(k);
    for (const [k, e] of this._entries) {
      if (this._entries.size <= this._maxEntries) break;
      if (!e.pending) this._entries.delete(k);
    }
  }
}

export function abortError(): Error {
  const e = new Error('The fleet query was cancelled');
  e.name = 'AbortError';
  return e;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
