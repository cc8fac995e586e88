// The HTTP client of a metric source: built as the trace backends' is (src/backends/base.ts httpClientFor: auth,
// proxy and noProxy, TLS, size limit, retries), with the tenant header each engine expects.
import { httpClientFor } from '../base';
import type { HttpClient } from '../http/client';
import type { BackendEnvironment, BackendSecrets } from '../types';
import { metricSourceDisplayName, type MetricSourceConfig } from './types';

/** The header that carries `tenant`: Jaeger's tenancy default, and the Grafana/Cortex one everywhere else. */
export function tenantHeader(config: Pick<MetricSourceConfig, 'type'>): string {
  return config.type === 'jaeger-spm' ? 'x-tenant' : 'X-Scope-OrgID';
}

export function makeMetricHttpClient(config: MetricSourceConfig, secrets: BackendSecrets | undefined, env: BackendEnvironment | undefined): HttpClient {
  return httpClientFor(metricSourceDisplayName(config), config, config.tenant ? { [tenantHeader(config)]: config.tenant } : {}, secrets, env);
}
