// The configuration a metric source (fleet latency: Prometheus over the spanmetrics series, Jaeger SPM, Tempo's
// TraceQL metrics) is made from. Same conventions as the trace backends' BackendConfig (src/backends/types.ts):
// settings carry no secrets (credentials come from SecretStorage as BackendSecrets), `tenant` is the multi-tenant
// header, `timeoutMs` the idle timeout of each request, `tls` the CA to trust.
import type { MetricSourceType } from '../../core/fleet/types';
import type { EndpointConfig } from '../types';

export type { MetricSourceType } from '../../core/fleet/types';
export const METRIC_SOURCE_TYPES: readonly MetricSourceType[] = ['prometheus', 'jaeger-spm', 'tempo-metrics'];
export const METRIC_SOURCE_TYPE_LABEL: Readonly<Record<MetricSourceType, string>> = {
  prometheus: 'Prometheus',
  'jaeger-spm': 'Jaeger SPM',
  'tempo-metrics': 'Tempo metrics',
};

/** One entry of the metric sources setting. */
export interface MetricSourceConfig extends EndpointConfig {
  readonly type: MetricSourceType;
  /**
   * Base URL of the API: Prometheus (or Mimir/Thanos/VictoriaMetrics' Prometheus API, e.g. https://mimir/prometheus),
   * the Jaeger query service (its HTTP port, 16686), or Tempo's query frontend (3200).
   */
  readonly url: string;
  /**
   * Multi-tenant servers: sent as X-Scope-OrgID to Prometheus-compatible stores (Mimir, Cortex) and Tempo, and as
   * x-tenant (Jaeger's default tenancy header) to Jaeger.
   */
  readonly tenant?: string;
}

export function metricSourceDisplayName(config: Pick<MetricSourceConfig, 'name' | 'type'>): string {
  const label = METRIC_SOURCE_TYPE_LABEL[config.type];
  return !config.name || config.name.toLowerCase() === config.type ? label : `${label} (${config.name})`;
}
