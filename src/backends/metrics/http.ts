// The HTTP client of a metric source: the same client, auth, proxy, TLS, size limit and retries as the trace
// backends (src/backends/base.ts makeHttpClient), with the tenant header each engine expects.
import { HttpClient } from '../http/client';
import type { BackendEnvironment, BackendSecrets } from '../types';
import { metricSourceDisplayName, type MetricSourceConfig } from './types';

/** The header that carries `tenant`: Jaeger's tenancy default, and the Grafana/Cortex one everywhere else. */
export function tenantHeader(config: Pick<MetricSourceConfig, 'type'>): string {
  return config.type === 'jaeger-spm' ? 'x-tenant' : 'X-Scope-OrgID';
}

export function makeMetricHttpClient(config: MetricSourceConfig, secrets: BackendSecrets | undefined, env: BackendEnvironment | undefined): HttpClient {
  const headers: Record<string, string> = { ...config.headers };
  if (config.tenant) headers[tenantHeader(config)] = config.tenant;
  return new HttpClient({
    backend: metricSourceDisplayName(config),
    baseUrl: config.url,
    headers,
    ...(secrets ? { auth: secrets } : {}),
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
    ...(env?.proxy ? { proxy: env.proxy } : {}),
    ...(env?.maxBodyBytes !== undefined ? { maxBodyBytes: env.maxBodyBytes } : {}),
    ...(env?.retries !== undefined ? { retries: env.retries } : {}),
    ...(env?.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: env.retryBaseDelayMs } : {}),
  });
}
