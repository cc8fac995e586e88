// Typed errors of every backend call. Each names the backend, the URL (credentials stripped) and what to do
// next, so the host can show it as it is and offer the matching action.

/** What the host can offer next to the message. */
export type BackendAction = 'setCredentials' | 'openSettings' | 'retry';

export type BackendErrorKind =
  | 'not-found'
  | 'unauthorized'
  | 'forbidden'
  | 'http-status'
  | 'server-error'
  | 'connection-refused'
  | 'connection-reset'
  | 'dns-failure'
  | 'tls-failure'
  | 'timeout'
  | 'body-too-large'
  | 'malformed-body'
  | 'invalid-trace-id'
  | 'invalid-query'
  | 'trace-too-large'
  | 'cancelled';

export interface BackendErrorInit {
  /** Display name of the backend, e.g. "Jaeger (local)". */
  readonly backend: string;
  /** The request URL; credentials are stripped here. */
  readonly url: string;
  readonly status?: number;
  readonly cause?: unknown;
  /** Overrides the default "what to do next". */
  readonly hint?: string;
}

export abstract class BackendError extends Error {
  abstract readonly kind: BackendErrorKind;
  readonly backend: string;
  /** Request URL with user info and secret-looking query parameters removed. */
  readonly url: string;
  readonly status?: number;
  /** What the user can do next, one sentence. */
  readonly hint: string;
  /** Actions the host should offer with the message. */
  readonly actions: readonly BackendAction[];

  protected constructor(init: BackendErrorInit, what: string, hint: string, actions: readonly BackendAction[]) {
    const url = redactUrl(init.url);
    const h = init.hint ?? hint;
    super(`${init.backend}: ${what}${url ? ` (${url})` : ''}. ${h}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.backend = init.backend;
    this.url = url;
    if (init.status !== undefined) this.status = init.status;
    this.hint = h;
    this.actions = actions;
  }

  /** The cause alone, without backend and URL: "not found", "connection refused"… (for one-line summaries). */
  abstract get shortCause(): string;
}

/** The words of an error that takes nothing beyond BackendErrorInit (see BackendError's fields and constructor). */
interface PlainWords {
  readonly what: string;
  readonly shortCause: string;
  readonly actions: readonly BackendAction[];
  readonly hint: string;
}

/**
 * The errors that take nothing beyond BackendErrorInit differ only in their words, so each is declared from this
 * with its kind, its name and its words. Each is still a class of its own (instanceof, `name`).
 */
function plainError<K extends BackendErrorKind>(kind: K, name: string, words: PlainWords) {
  return class extends BackendError {
    readonly kind: K = kind;
    override readonly name: string = name;
    constructor(init: BackendErrorInit) {
      super(init, words.what, words.hint, words.actions);
    }
    get shortCause(): string { return words.shortCause; }
  };
}

export class NotFoundError extends plainError('not-found', 'NotFoundError', {
  what: 'not found', shortCause: 'not found', actions: [],
  hint: 'Check the ID, the time range, and that this backend is the one that received the trace.',
}) {}

export class UnauthorizedError extends plainError('unauthorized', 'UnauthorizedError', {
  what: 'authentication required (HTTP 401)', shortCause: 'authentication required (401)', actions: ['setCredentials'],
  hint: 'Set the backend credentials ("Spanscope: Set Backend Credentials…").',
}) {}

export class ForbiddenError extends plainError('forbidden', 'ForbiddenError', {
  what: 'access denied (HTTP 403)', shortCause: 'access denied (403)', actions: ['setCredentials', 'openSettings'],
  hint: 'Check the credentials and, for Tempo, the tenant (X-Scope-OrgID) ("Spanscope: Set Backend Credentials…").',
}) {}

/** A 4xx other than 401/403/404: the request was refused as it was. */
export class HttpStatusError extends BackendError {
  readonly kind = 'http-status';
  override readonly name = 'HttpStatusError';
  /** The server's own words (a JSON `error`/`message` or the start of a text body), when it gave any. */
  readonly detail?: string;
  constructor(init: BackendErrorInit & { readonly status: number; readonly detail?: string }) {
    super(init, `refused the request with HTTP ${init.status}${init.detail ? `: ${init.detail}` : ''}`, 'Check the backend type and URL in the settings.', ['openSettings']);
    if (init.detail) this.detail = init.detail;
  }
  get shortCause(): string { return `HTTP ${this.status ?? '?'}`; }
}

export class ServerError extends BackendError {
  readonly kind = 'server-error';
  override readonly name = 'ServerError';
  /** The server's own words (a JSON `error`/`message` or the start of a text body), when it gave any. */
  readonly detail?: string;
  constructor(init: BackendErrorInit & { readonly status: number; readonly detail?: string }) {
    super(init, `server error HTTP ${init.status}${init.detail ? `: ${init.detail}` : ''}`, 'The backend failed; try again later or check its logs.', ['retry']);
    if (init.detail) this.detail = init.detail;
  }
  get shortCause(): string { return `server error (HTTP ${this.status ?? '?'})`; }
}

export class ConnectionRefusedError extends plainError('connection-refused', 'ConnectionRefusedError', {
  what: 'connection refused', shortCause: 'connection refused', actions: ['retry', 'openSettings'],
  hint: 'Is the backend running, and is the URL (host and port) in the settings right?',
}) {}

export class ConnectionResetError extends plainError('connection-reset', 'ConnectionResetError', {
  what: 'the connection was closed before the response was complete', shortCause: 'connection reset', actions: ['retry'],
  hint: 'Try again; a proxy or load balancer in between may be cutting long responses.',
}) {}

export class DnsFailureError extends plainError('dns-failure', 'DnsFailureError', {
  what: 'host name not found (DNS)', shortCause: 'host name not found', actions: ['openSettings'],
  hint: 'Check the host name in the backend URL, or your network/VPN.',
}) {}

export class TlsFailureError extends BackendError {
  readonly kind = 'tls-failure';
  override readonly name = 'TlsFailureError';
  constructor(init: BackendErrorInit & { readonly detail?: string }) {
    super(init, `TLS failed${init.detail ? `: ${init.detail}` : ''}`, 'Set the backend\'s tls.caFile to the CA that signed its certificate (or, for a test server only, tls.insecureSkipVerify).', ['openSettings']);
  }
  get shortCause(): string { return 'TLS failure'; }
}

export class TimeoutError extends BackendError {
  readonly kind = 'timeout';
  override readonly name = 'TimeoutError';
  /** `whole`: the request as a whole (retries and body included) ran past its deadline, though data kept coming. */
  constructor(init: BackendErrorInit & { readonly timeoutMs: number; readonly whole?: boolean }) {
    super(init, init.whole ? `not complete within ${init.timeoutMs} ms` : `no answer within ${init.timeoutMs} ms`, 'The backend is slow or unreachable; try again or raise the backend\'s timeoutMs.', ['retry', 'openSettings']);
  }
  get shortCause(): string { return 'timed out'; }
}

export class BodyTooLargeError extends BackendError {
  readonly kind = 'body-too-large';
  override readonly name = 'BodyTooLargeError';
  constructor(init: BackendErrorInit & { readonly limitBytes: number }) {
    super(init, `response larger than the limit of ${formatBytes(init.limitBytes)}`, 'Raise spanscope.maxResponseSize if this trace is really that large.', ['openSettings']);
  }
  get shortCause(): string { return 'response too large'; }
}

export class MalformedBodyError extends BackendError {
  readonly kind = 'malformed-body';
  override readonly name = 'MalformedBodyError';
  constructor(init: BackendErrorInit & { readonly detail: string }) {
    super(init, `unreadable response: ${init.detail}`, 'Is this URL really a backend of the configured type (Jaeger, Tempo or Zipkin) and not a proxy or login page?', ['openSettings']);
  }
  get shortCause(): string { return 'unreadable response'; }
}

/** The backend refused the ID itself (Tempo: 400 for an ID that is not hex or longer than 128 bits). */
export class InvalidTraceIdError extends BackendError {
  readonly kind = 'invalid-trace-id';
  override readonly name = 'InvalidTraceIdError';
  constructor(init: BackendErrorInit & { readonly traceId: string; readonly detail?: string }) {
    super(init, `${JSON.stringify(init.traceId)} is not a valid trace ID${init.detail ? ` (${init.detail})` : ''}`, 'A trace ID is 16 or 32 hex digits; check where this one came from.', []);
  }
  get shortCause(): string { return 'not a valid trace ID'; }
}

/**
 * The backend refused a search as written: a TraceQL syntax error, or a time range longer than the server allows
 * (Tempo's query_frontend.search.max_duration). `reason` says which, so the host can point at the right field.
 */
export class InvalidQueryError extends BackendError {
  readonly kind = 'invalid-query';
  override readonly name = 'InvalidQueryError';
  readonly reason: 'traceql' | 'time-range' | 'tags';
  readonly detail: string;
  constructor(init: BackendErrorInit & { readonly reason: 'traceql' | 'time-range' | 'tags'; readonly detail: string }) {
    const what = init.reason === 'traceql' ? 'refused the TraceQL query' : init.reason === 'time-range' ? 'refused the time range' : 'refused the tag filter';
    const hint = init.reason === 'traceql' ? 'Fix the query (TraceQL: {resource.service.name="api" && duration > 1s}).'
      : init.reason === 'time-range' ? 'Search a shorter time range; the server caps how far one search may reach.'
        : 'Write tags as key=value pairs separated by spaces.';
    super(init, `${what}: ${init.detail}`, hint, []);
    this.reason = init.reason;
    this.detail = init.detail;
  }
  get shortCause(): string { return this.reason === 'traceql' ? 'invalid TraceQL' : this.reason === 'time-range' ? 'time range too long' : 'invalid tags'; }
}

/** The trace is larger than the server is configured to return (Tempo: 500 "trace exceeds max size"). */
export class TraceTooLargeError extends BackendError {
  readonly kind = 'trace-too-large';
  override readonly name = 'TraceTooLargeError';
  constructor(init: BackendErrorInit & { readonly detail?: string }) {
    super(init, `the trace is larger than the server returns${init.detail ? ` (${init.detail})` : ''}`, 'Tempo 2.6 and later return part of it; on older servers raise max_bytes_per_trace.', []);
  }
  get shortCause(): string { return 'trace exceeds the server\'s max size'; }
}

export class CancelledError extends plainError('cancelled', 'CancelledError', {
  what: 'cancelled', shortCause: 'cancelled', actions: [],
  hint: 'Nothing to do.',
}) {}

export function isBackendError(e: unknown): e is BackendError {
  return e instanceof BackendError;
}

const SECRET_PARAM = /^(token|access_token|api_key|apikey|key|password|secret|auth|authorization|sig|signature)$/i;

/** The URL without user info and with secret-looking query parameters replaced by "***". Never throws. */
export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return raw.replace(/\/\/[^/@\s]*@/, '//');
  }
  u.username = '';
  u.password = '';
  for (const k of [...u.searchParams.keys()]) if (SECRET_PARAM.test(k)) u.searchParams.set(k, '***');
  return u.toString();
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round(n / (1024 * 1024))} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
