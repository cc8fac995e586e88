// Metric sources (fleet latency): the settings entry parser, the factory, and the cache key of a query. The clients
// are in prometheus.ts, jaegerSpm.ts and tempoMetrics.ts; they answer in the shape of src/core/fleet/types.ts.
import * as z from 'zod';
import type { FleetQuery, MetricSource } from '../../core/fleet/types';
import type { BackendEnvironment, BackendSecrets } from '../types';
import { endpointEntryFields, entryName } from '../endpointEntry';
import { JaegerSpmMetricSource } from './jaegerSpm';
import { PrometheusMetricSource } from './prometheus';
import { TempoMetricSource } from './tempoMetrics';
import { METRIC_SOURCE_TYPES, type MetricSourceConfig } from './types';

export { METRIC_SOURCE_TYPES, METRIC_SOURCE_TYPE_LABEL, metricSourceDisplayName, type MetricSourceConfig, type MetricSourceType } from './types';

export function createMetricSource(config: MetricSourceConfig, secrets?: BackendSecrets, env?: BackendEnvironment): MetricSource {
  switch (config.type) {
    case 'prometheus': return new PrometheusMetricSource(config, secrets, env);
    case 'jaeger-spm': return new JaegerSpmMetricSource(config, secrets, env);
    case 'tempo-metrics': return new TempoMetricSource(config, secrets, env);
  }
}

/** One settings entry, validated the way `spanscope.backends` entries are (src/host/backends/backendSettings.ts). */
export const MetricSourceEntry = z.object({
  name: entryName,
  type: z.enum(METRIC_SOURCE_TYPES as unknown as [MetricSourceConfig['type'], ...MetricSourceConfig['type'][]]),
  ...endpointEntryFields,
});

export interface MetricSourceSettings {
  readonly sources: readonly MetricSourceConfig[];
  /** One line per entry that could not be used, naming the setting and the field. */
  readonly problems: readonly string[];
}

/**
 * The metric sources of a settings value (a list of entries). Bad entries are reported and skipped, not fatal; a
 * name used twice keeps the first. `setting` names the setting in the problems, e.g. `spanscope.fleet.sources`.
 */
export function parseMetricSources(raw: unknown, setting: string): MetricSourceSettings {
  const problems: string[] = [];
  const sources: MetricSourceConfig[] = [];
  const seen = new Set<string>();
  if (raw === undefined || raw === null) return { sources, problems };
  if (!Array.isArray(raw)) return { sources, problems: [`${setting} must be a list`] };
  for (const [i, entry] of raw.entries()) {
    const r = MetricSourceEntry.safeParse(entry);
    if (!r.success) {
      const issue = r.error.issues[0];
      problems.push(`${setting}[${i}]${issue?.path.length ? '.' + issue.path.join('.') : ''}: ${issue?.message ?? 'invalid'}`);
      continue;
    }
    if (seen.has(r.data.name)) {
      problems.push(`${setting}[${i}]: the name "${r.data.name}" is used twice`);
      continue;
    }
    seen.add(r.data.name);
    sources.push(r.data as MetricSourceConfig);
  }
  return { sources, problems };
}

/**
 * The cache key of one query to one source: equal for queries that must get the same answer (the filter lists are
 * sets, so their order does not matter), different otherwise (another source, URL, tenant, window or bound).
 * Callers that want hits across time align the window first (e.g. end rounded down to the step).
 */
export function fleetQueryKey(source: Pick<MetricSourceConfig, 'type' | 'name' | 'url'> & { readonly tenant?: string }, q: FleetQuery): string {
  const set = (xs: readonly string[] | undefined): string[] => [...new Set(xs ?? [])].sort();
  return JSON.stringify([
    source.type, source.name, source.url, source.tenant ?? '',
    q.window.startMs, q.window.endMs, q.window.stepMs,
    set(q.services), set(q.spanNames), set(q.codeFunctions), q.maxSeries,
  ]);
}
