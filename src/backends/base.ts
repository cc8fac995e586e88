// What the Jaeger, Tempo and Zipkin clients share: the HTTP client built from settings and secrets, parsing a
// trace body with the core parser, summaries of parsed traces, and health bookkeeping.
import { parseTraceDocument } from '../core/parse/index';
import { TraceParseError, type ParseResult, type SourceFormat, type Trace } from '../core/model';
import { HttpClient, type HttpResponse } from './http/client';
import { BackendError, MalformedBodyError, NotFoundError } from './http/errors';
import {
  backendDisplayName,
  type BackendConfig,
  type BackendEnvironment,
  type BackendHealth,
  type BackendSecrets,
  type DependencyLink,
  type FetchedTrace,
  type TraceBackend,
  type TraceLookupHint,
  type TraceSearchQuery,
  type TraceSummary,
} from './types';

export const DEFAULT_LOOKBACK_MS = 60 * 60 * 1000;
export const DEFAULT_SEARCH_LIMIT = 20;

/** What a settings entry gives its HTTP client: a trace backend's or a metric source's. */
export interface HttpEndpointSettings {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tls?: { readonly caFile?: string; readonly insecureSkipVerify?: boolean };
  readonly timeoutMs?: number;
}

/**
 * The HTTP client for a settings entry: its URL, headers (plus `extraHeaders`, e.g. a tenant), TLS and timeout, the
 * user's secrets, and what every backend shares from the environment (proxy, noProxy, size limit, retries). The one
 * place this is built: trace backends and metric sources had a copy each, and the metric one lost noProxy.
 */
export function httpClientFor(name: string, config: HttpEndpointSettings, extraHeaders: Readonly<Record<string, string>>, secrets: BackendSecrets | undefined, env: BackendEnvironment | undefined): HttpClient {
  return new HttpClient({
    backend: name,
    baseUrl: config.url,
    headers: { ...config.headers, ...extraHeaders },
    ...(secrets ? { auth: secrets } : {}),
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
    ...(env?.proxy ? { proxy: env.proxy } : {}),
    ...(env?.noProxy?.length ? { noProxy: env.noProxy } : {}),
    ...(env?.maxBodyBytes !== undefined ? { maxBodyBytes: env.maxBodyBytes } : {}),
    ...(env?.retries !== undefined ? { retries: env.retries } : {}),
    ...(env?.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: env.retryBaseDelayMs } : {}),
  });
}

export function makeHttpClient(config: BackendConfig, secrets: BackendSecrets | undefined, env: BackendEnvironment | undefined): HttpClient {
  return httpClientFor(backendDisplayName(config), config, config.type === 'tempo' && config.tenant ? { 'X-Scope-OrgID': config.tenant } : {}, secrets, env);
}

export abstract class BaseBackend implements TraceBackend {
  readonly displayName: string;
  readonly http: HttpClient;
  private _lastHealth: BackendHealth | undefined;

  constructor(readonly config: BackendConfig, secrets?: BackendSecrets, env?: BackendEnvironment) {
    this.displayName = backendDisplayName(config);
    this.http = makeHttpClient(config, secrets, env);
  }

  get lastHealth(): BackendHealth | undefined {
    return this._lastHealth;
  }

  abstract getTrace(traceId: string, signal?: AbortSignal, hint?: TraceLookupHint): Promise<FetchedTrace>;
  abstract search(query: TraceSearchQuery, signal?: AbortSignal): Promise<TraceSummary[]>;
  abstract services(signal?: AbortSignal): Promise<string[]>;
  abstract operations(service: string, signal?: AbortSignal): Promise<string[]>;
  abstract dependencies(end: Date, lookbackMs: number, signal?: AbortSignal): Promise<DependencyLink[]>;
  /** One cheap call that proves the API answers; resolves with the version when it can be told. */
  protected abstract probe(signal?: AbortSignal): Promise<string | undefined>;

  async health(signal?: AbortSignal): Promise<BackendHealth> {
    const t0 = Date.now();
    try {
      const version = await this.probe(signal);
      this._lastHealth = { reachable: true, checkedAt: Date.now(), latencyMs: Date.now() - t0, ...(version ? { version } : {}) };
    } catch (e) {
      this._lastHealth = { reachable: !(e instanceof BackendError) || !isUnreachable(e), checkedAt: Date.now(), lastError: oneLine(e) };
    }
    return this._lastHealth;
  }

  /** Records the outcome of a call for health (the side panel shows the last error). */
  protected async track<T>(p: Promise<T>): Promise<T> {
    try {
      const v = await p;
      if (this._lastHealth?.lastError) this._lastHealth = { ...this._lastHealth, reachable: true, checkedAt: Date.now(), lastError: undefined } as BackendHealth;
      return v;
    } catch (e) {
      // Refusals of what the user asked (a bad query, an ID that is not one) say nothing about the backend's health.
      if (e instanceof BackendError && !USER_INPUT_KINDS.has(e.kind)) {
        this._lastHealth = { ...(this._lastHealth ?? {}), reachable: !isUnreachable(e), checkedAt: Date.now(), lastError: oneLine(e) };
      }
      throw e;
    }
  }

  /** Parses a response body into the one trace with `traceId`; NotFoundError when it holds no spans. */
  protected traceFromResponse(res: HttpResponse, format: SourceFormat, traceId: string, body: string | Uint8Array = res.body): FetchedTrace {
    const result = this.parse(res, body, format);
    const trace = result.traces.find(t => t.traceId === traceId) ?? result.traces[0];
    if (!trace || trace.spans.length === 0) throw new NotFoundError({ backend: this.displayName, url: res.url, status: res.status });
    return { trace, backend: this.displayName, warnings: result.warnings };
  }

  protected parse(res: HttpResponse, body: string | Uint8Array, format: SourceFormat): ParseResult {
    try {
      return parseTraceDocument(body, { format });
    } catch (e) {
      const detail = e instanceof TraceParseError ? `${e.message} at ${e.path}` : String(e);
      throw new MalformedBodyError({ backend: this.displayName, url: res.url, status: res.status, detail, cause: e });
    }
  }

  dispose(): void {
    this.http.dispose();
  }
}

const USER_INPUT_KINDS: ReadonlySet<string> = new Set(['not-found', 'cancelled', 'invalid-query', 'invalid-trace-id']);

function isUnreachable(e: BackendError): boolean {
  return ['connection-refused', 'dns-failure', 'tls-failure', 'timeout', 'connection-reset'].includes(e.kind);
}

/** The first line of an error's message. */
export function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!;
}

/** A summary row for a search result list, from a parsed trace. */
export function summarizeTrace(trace: Trace): TraceSummary {
  const ids = new Set(trace.spans.map(s => s.spanId));
  let root = trace.spans.find(s => !s.parentId) ?? trace.spans.find(s => !ids.has(s.parentId!));
  let minStart: bigint | undefined;
  let maxEnd: bigint | undefined;
  let errors = 0;
  const services = new Set<string>();
  for (const s of trace.spans) {
    if (minStart === undefined || s.startNs < minStart) minStart = s.startNs;
    const end = s.startNs + BigInt(Math.round(s.durationNs));
    if (maxEnd === undefined || end > maxEnd) maxEnd = end;
    if (s.status.code === 'error') errors++;
    services.add(s.resource.serviceName);
    if (root && !root.parentId && s.parentId === undefined && s.startNs < root.startNs) root = s;
  }
  return {
    traceId: trace.traceId,
    ...(root ? { rootService: root.resource.serviceName, rootName: root.name } : {}),
    ...(minStart !== undefined ? { startNs: minStart } : {}),
    ...(minStart !== undefined && maxEnd !== undefined ? { durationMs: Number(maxEnd - minStart) / 1e6 } : {}),
    spanCount: trace.spans.length,
    errorCount: errors,
    services: [...services].sort(),
  };
}

/** Whether a trace has a span carrying every tag (attribute or resource attribute, compared as text). */
export function traceMatchesTags(trace: Trace, tags: Readonly<Record<string, string>> | undefined): boolean {
  if (!tags || Object.keys(tags).length === 0) return true;
  return Object.entries(tags).every(([k, v]) =>
    trace.spans.some(s => [...s.attributes, ...s.resource.attributes].some(a => a.key === k && textOf(a.value) === v)),
  );
}

function textOf(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

export function searchWindow(q: TraceSearchQuery): { start: Date; end: Date } {
  const end = q.end ?? new Date();
  const start = q.start ?? new Date(end.getTime() - DEFAULT_LOOKBACK_MS);
  return { start, end };
}
