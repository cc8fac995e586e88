// Backends by type, and "which backend has this trace?" asked of all of them at once.
import { JaegerBackend } from './jaeger/client';
import { TempoBackend } from './tempo/client';
import { ZipkinBackend } from './zipkin/client';
import { BackendError, CancelledError } from './http/errors';
import type { BackendConfig, BackendEnvironment, BackendSecrets, FetchedTrace, TraceBackend, TraceLookupHint } from './types';

export function createBackend(config: BackendConfig, secrets?: BackendSecrets, env?: BackendEnvironment): TraceBackend {
  switch (config.type) {
    case 'jaeger': return new JaegerBackend(config, secrets, env);
    case 'tempo': return new TempoBackend(config, secrets, env);
    case 'zipkin': return new ZipkinBackend(config, secrets, env);
  }
}

/** Anything that can be asked for a trace by ID: a backend client, or the embedded receiver's store. */
export interface TraceSource {
  readonly displayName: string;
  /** Resolves with the trace, or rejects (NotFoundError when it does not have it). `hint` may narrow the lookup. */
  getTrace(traceId: string, signal?: AbortSignal, hint?: TraceLookupHint): Promise<FetchedTrace>;
}

export interface SourceFailure {
  readonly source: string;
  readonly error: unknown;
}

/**
 * No source had the trace. `notFoundIn` lists those that answered "not found"; `failures` those that could not
 * be asked (each with its error). When `failures` is empty the trace is truly not there (CLI exit 3).
 */
export class TraceNotFoundError extends Error {
  override readonly name = 'TraceNotFoundError';
  constructor(readonly traceId: string, readonly notFoundIn: readonly string[], readonly failures: readonly SourceFailure[]) {
    super(describeMiss(traceId, notFoundIn, failures));
  }
  /** True when every source answered and none has it. */
  get everywhereNotFound(): boolean {
    return this.failures.length === 0;
  }
}

function describeMiss(traceId: string, notFoundIn: readonly string[], failures: readonly SourceFailure[]): string {
  const parts: string[] = [];
  // A backend that refused the ID itself (Tempo's 400) did answer: say that the ID is the problem, not the fetch.
  const invalid = failures.filter(f => f.error instanceof BackendError && f.error.kind === 'invalid-trace-id');
  const others = failures.filter(f => !invalid.includes(f));
  if (notFoundIn.length) parts.push(`Trace ${traceId} not found in ${notFoundIn.join(', ')}`);
  if (invalid.length) parts.push(`${traceId} is not a valid trace ID for ${invalid.map(f => f.source).join(', ')}`);
  if (!notFoundIn.length && !invalid.length) parts.push(`Trace ${traceId} could not be fetched`);
  for (const f of others) {
    const cause = f.error instanceof BackendError ? f.error.shortCause : f.error instanceof Error ? f.error.message : String(f.error);
    parts.push(`${f.source}: ${cause}`);
  }
  if (notFoundIn.length === 0 && failures.length === 0) return `Trace ${traceId}: no backend is configured.`;
  return parts.join('; ') + '.';
}

export interface FoundTrace extends FetchedTrace {
  /** The display name of the source that had it. */
  readonly source: string;
}

/**
 * Asks every source at once; the first that has the trace wins and the others are cancelled.
 * Rejects with TraceNotFoundError when none has it, or CancelledError when `signal` aborts first.
 */
export function findTraceInBackends(traceId: string, sources: readonly TraceSource[], signal?: AbortSignal, hint?: TraceLookupHint): Promise<FoundTrace> {
  const ac = new AbortController();
  const onAbort = (): void => ac.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise<FoundTrace>((resolve, reject) => {
    let pending = sources.length;
    let done = false;
    const outcomes: Array<{ kind: 'not-found' } | { kind: 'failed'; error: unknown } | undefined> = sources.map(() => undefined);
    const finish = (): void => {
      done = true;
      signal?.removeEventListener('abort', onAbort);
      ac.abort();
    };
    if (signal?.aborted) {
      finish();
      reject(new CancelledError({ backend: sources.map(s => s.displayName).join(', ') || 'backends', url: '' }));
      return;
    }
    signal?.addEventListener('abort', () => {
      if (done) return;
      finish();
      reject(new CancelledError({ backend: sources.map(s => s.displayName).join(', '), url: '' }));
    }, { once: true });
    const settleIfLast = (): void => {
      if (--pending > 0 || done) return;
      finish();
      const notFoundIn: string[] = [];
      const failures: SourceFailure[] = [];
      sources.forEach((s, i) => {
        const o = outcomes[i];
        if (o?.kind === 'failed') failures.push({ source: s.displayName, error: o.error });
        else notFoundIn.push(s.displayName);
      });
      reject(new TraceNotFoundError(traceId, notFoundIn, failures));
    };
    if (sources.length === 0) {
      finish();
      reject(new TraceNotFoundError(traceId, [], []));
      return;
    }
    sources.forEach((s, i) => {
      let p: Promise<FetchedTrace>;
      try {
        p = hint ? s.getTrace(traceId, ac.signal, hint) : s.getTrace(traceId, ac.signal);
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        found => {
          if (done) return;
          finish();
          resolve({ ...found, source: s.displayName });
        },
        (e: unknown) => {
          outcomes[i] = e instanceof BackendError && e.kind === 'not-found' ? { kind: 'not-found' } : { kind: 'failed', error: e };
          settleIfLast();
        },
      );
    });
  });
}
