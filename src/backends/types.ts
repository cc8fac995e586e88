// What every trace backend client offers, and the configuration it is made from. No vscode here: the host
// reads settings and secrets and passes them in.
import type { ParseWarning, Trace, UnixNanos } from '../core/model';
import type { HttpClient } from './http/client';

export type BackendType = 'jaeger' | 'tempo' | 'zipkin';
export const BACKEND_TYPES: readonly BackendType[] = ['jaeger', 'tempo', 'zipkin'];
export const BACKEND_TYPE_LABEL: Readonly<Record<BackendType, string>> = { jaeger: 'Jaeger', tempo: 'Tempo', zipkin: 'Zipkin' };

/** A server the extension calls over HTTP(S): what trace backends and metric sources (metrics/types.ts) share. */
export interface EndpointConfig {
  readonly name: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tenant?: string;
  readonly tls?: { readonly caFile?: string; readonly insecureSkipVerify?: boolean };
  readonly timeoutMs?: number;
}

/** One entry of the `spanscope.backends` setting. */
export interface BackendConfig extends EndpointConfig {
  readonly type: BackendType;
  /** Tempo: X-Scope-OrgID. */
  readonly tenant?: string;
}

/** Kept in SecretStorage, never in settings. */
export interface BackendSecrets {
  readonly bearerToken?: string;
  readonly username?: string;
  readonly password?: string;
}

/** Settings that apply to every backend. */
export interface BackendEnvironment {
  /** VS Code's http.proxy. */
  readonly proxy?: string;
  /** Hosts that bypass the proxy: VS Code's http.noProxy and the NO_PROXY environment variable. */
  readonly noProxy?: readonly string[];
  /** spanscope.maxResponseSize in bytes. */
  readonly maxBodyBytes?: number;
  readonly retries?: number;
  readonly retryBaseDelayMs?: number;
}

export interface FetchedTrace {
  readonly trace: Trace;
  /** Display name of the backend it came from, e.g. "Jaeger (local)". */
  readonly backend: string;
  readonly warnings: readonly ParseWarning[];
  /** Tempo v2 `status: PARTIAL`: the backend returned only part of the trace. */
  readonly partial?: string;
}

export interface TraceSearchQuery {
  readonly service?: string;
  /** Operation / span name. */
  readonly operation?: string;
  /** Attribute filters (Jaeger tags, Tempo tags, Zipkin annotationQuery key=value). */
  readonly tags?: Readonly<Record<string, string>>;
  readonly minDurationMs?: number;
  readonly maxDurationMs?: number;
  /** Time range (defaults: the last hour). */
  readonly start?: Date;
  readonly end?: Date;
  readonly limit?: number;
  /** Tempo only: a TraceQL query; wins over the other filters. */
  readonly traceql?: string;
  /** Zipkin only: a raw annotationQuery. */
  readonly annotationQuery?: string;
}

/**
 * What the caller already knows about a trace it asks for by ID (it was opened from a search result, a link that
 * carries its time, …). Optional everywhere: a backend that cannot use it ignores it. Tempo turns it into a
 * `start`/`end` window so that it reads only the blocks of that time instead of every block it has.
 */
export interface TraceLookupHint {
  /** When the trace (its earliest span) started, in ms since the epoch. */
  readonly startMs?: number;
  /** How long it lasted, when known (widens the window's end). */
  readonly durationMs?: number;
}

export interface TraceSummary {
  readonly traceId: string;
  readonly rootService?: string;
  /** The root span's name; for Tempo, `<root span not yet received>` when the root has not arrived (then no rootService). */
  readonly rootName?: string;
  readonly startNs?: UnixNanos;
  readonly durationMs?: number;
  readonly spanCount?: number;
  readonly errorCount?: number;
  readonly services?: readonly string[];
}

export interface DependencyLink {
  readonly parent: string;
  readonly child: string;
  readonly callCount: number;
  readonly errorCount?: number;
}

export interface BackendHealth {
  readonly reachable: boolean;
  readonly version?: string;
  /** One line, when the last call failed. */
  readonly lastError?: string;
  readonly checkedAt: number;
  readonly latencyMs?: number;
}

export interface TraceBackend {
  readonly config: BackendConfig;
  /** "Jaeger (local)": the type and the configured name, used in every message. */
  readonly displayName: string;
  readonly http: HttpClient;
  /** Throws NotFoundError when the backend does not have it, another BackendError when the call fails. */
  getTrace(traceId: string, signal?: AbortSignal, hint?: TraceLookupHint): Promise<FetchedTrace>;
  search(query: TraceSearchQuery, signal?: AbortSignal): Promise<TraceSummary[]>;
  services(signal?: AbortSignal): Promise<string[]>;
  /** Operation / span names of a service. */
  operations(service: string, signal?: AbortSignal): Promise<string[]>;
  dependencies(end: Date, lookbackMs: number, signal?: AbortSignal): Promise<DependencyLink[]>;
  /** Reachability and version; never throws. */
  health(signal?: AbortSignal): Promise<BackendHealth>;
  /** The last health result (or undefined before the first check / call). */
  readonly lastHealth: BackendHealth | undefined;
  dispose(): void;
}

export function backendDisplayName(config: Pick<BackendConfig, 'name' | 'type'>): string {
  const label = BACKEND_TYPE_LABEL[config.type];
  return !config.name || config.name.toLowerCase() === config.type ? label : `${label} (${config.name})`;
}
