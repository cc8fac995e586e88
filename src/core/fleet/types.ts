// Fleet latency: what a metric engine (Prometheus fed by the OpenTelemetry Collector's spanmetrics connector, Jaeger's
// Service Performance Monitoring API, Tempo's TraceQL metrics) says about an operation over a time window, in one shape
// that the editor surfaces (CodeLens, hover, gutter "fleet" mode, Hot Spots) read without knowing which engine answered.
// Pure data: no vscode, no Node built-ins. The clients that fill it live in src/backends/metrics/.

/** The dimensions a series is keyed by. Only `service` and `spanName` are always present; the code attributes are there
 *  when the connector was configured with them as dimensions (then the series maps to code without the mapping engine). */
export interface FleetKey {
  readonly service: string;
  readonly spanName: string;
  readonly spanKind?: string;
  /** `code.function.name` (or the older `code.function`, joined with `code.namespace` when both are dimensions). */
  readonly codeFunction?: string;
  readonly codeFilePath?: string;
  readonly codeLine?: number;
}

/** A time window: [startMs, endMs] in ms since the epoch, sampled every stepMs for the sparkline. */
export interface FleetWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

/** One point of a sparkline. `value` is NaN where the engine had no sample. */
export interface FleetPoint {
  readonly t: number;
  readonly value: number;
}

/** A trace that shows the figure: a Prometheus exemplar, or a trace found by a backend search. */
export interface FleetExemplar {
  readonly traceId: string;
  readonly spanId?: string;
  readonly durationMs?: number;
  /** ms since the epoch. */
  readonly t?: number;
}

/** The fleet's figures for one key over one window. Any figure the engine could not give is undefined, never 0. */
export interface FleetStats {
  readonly key: FleetKey;
  readonly window: FleetWindow;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
  /** Calls per second averaged over the window. */
  readonly callsPerSec?: number;
  /** Errors / calls over the window, 0..1. */
  readonly errorRatio?: number;
  /** p95 over time, for the hover's sparkline. */
  readonly p95Series?: readonly FleetPoint[];
  readonly exemplars?: readonly FleetExemplar[];
}

/** What a metric source found it can answer: discovered, not assumed (connector versions name things differently). */
export interface FleetSchema {
  /** e.g. `traces_span_metrics_duration_milliseconds` or `duration_seconds`; undefined for engines with a fixed API. */
  readonly durationMetric?: string;
  readonly callsMetric?: string;
  /** Unit of the duration histogram's buckets, as discovered. */
  readonly durationUnit?: 'ms' | 's';
  /** The dimensions present on the series (label names), so the caller knows whether code attributes are there. */
  readonly dimensions: readonly string[];
  readonly services: readonly string[];
}

/** One batched question: every key of one file (or of the Hot Spots list) in one call. */
export interface FleetQuery {
  readonly window: FleetWindow;
  /** Restrict to these services (empty or undefined: all). */
  readonly services?: readonly string[];
  /** Restrict to these span names. */
  readonly spanNames?: readonly string[];
  /** Restrict to these code functions (when the schema has the dimension). */
  readonly codeFunctions?: readonly string[];
  /** Never ask the engine for more series than this; the result says when it was cut. */
  readonly maxSeries: number;
}

export interface FleetResult {
  readonly stats: readonly FleetStats[];
  /** True when `maxSeries` cut the answer short. */
  readonly truncated: boolean;
  /** How many HTTP requests answering this cost (the cost budget is one batched query per file view). */
  readonly requests: number;
}

export type MetricSourceType = 'prometheus' | 'jaeger-spm' | 'tempo-metrics';

/** A metric engine client. Throws the typed BackendErrors of src/backends/http/errors.ts, as trace backends do. */
export interface MetricSource {
  readonly type: MetricSourceType;
  readonly displayName: string;
  discover(signal?: AbortSignal): Promise<FleetSchema>;
  query(query: FleetQuery, signal?: AbortSignal): Promise<FleetResult>;
  /**
   * Example traces of one key in a window, newest first, from what the engine keeps beside its figures (Prometheus
   * exemplars). One request, made only when the user asks for examples. Absent when the engine keeps none (then
   * the caller searches a trace backend for the service/operation and duration range instead).
   */
  exemplars?(key: FleetKey, window: FleetWindow, signal?: AbortSignal): Promise<FleetExemplar[]>;
  dispose(): void;
}
