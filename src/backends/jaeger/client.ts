// Jaeger v2 (api_v3 + legacy /api) and v1 query service. api_v3 first; the legacy UI API when a server lacks
// api_v3 (404) or when the query needs what api_v3's HTTP gateway cannot do (tag filters are not supported there).
import * as z from 'zod';
import { BaseBackend, DEFAULT_SEARCH_LIMIT, searchWindow, summarizeTrace, traceMatchesTags } from '../base';
import { NotFoundError } from '../http/errors';
import type { DependencyLink, FetchedTrace, TraceSearchQuery, TraceSummary } from '../types';

const ServicesV3 = z.looseObject({ services: z.array(z.string()).optional() });
const OperationsV3 = z.looseObject({ operations: z.array(z.looseObject({ name: z.string(), spanKind: z.string().optional() })).optional() });
const DataStrings = z.looseObject({ data: z.array(z.string()).nullable().optional() });
const Dependencies = z.looseObject({
  data: z.array(z.looseObject({ parent: z.string(), child: z.string(), callCount: z.number() })).nullable().optional(),
});

export class JaegerBackend extends BaseBackend {
  getTrace(traceId: string, signal?: AbortSignal): Promise<FetchedTrace> {
    return this.track(this.getTraceUntracked(traceId, signal));
  }

  private async getTraceUntracked(traceId: string, signal?: AbortSignal): Promise<FetchedTrace> {
    try {
      const res = await this.http.request({ path: `api/v3/traces/${encodeURIComponent(traceId)}`, ...(signal ? { signal } : {}) });
      return this.traceFromResponse(res, 'jaeger-v3', traceId);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      // Not in api_v3, or no api_v3 on this server: the legacy endpoint answers both questions.
    }
    const res = await this.http.request({ path: `api/traces/${encodeURIComponent(traceId)}`, ...(signal ? { signal } : {}) });
    return this.traceFromResponse(res, 'jaeger', traceId);
  }

  search(query: TraceSearchQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    return this.track(this.searchUntracked(query, signal));
  }

  private async searchUntracked(q: TraceSearchQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    const { start, end } = searchWindow(q);
    const limit = q.limit ?? DEFAULT_SEARCH_LIMIT;
    const sig = signal ? { signal } : {};
    if (!q.service) throw new Error(`${this.displayName}: choose a service to search (Jaeger searches by service).`);
    const hasTags = !!q.tags && Object.keys(q.tags).length > 0;
    if (!hasTags) {
      try {
        const res = await this.http.request({
          path: 'api/v3/traces',
          query: {
            'query.service_name': q.service,
            'query.operation_name': q.operation,
            'query.start_time_min': start.toISOString(),
            'query.start_time_max': end.toISOString(),
            'query.num_traces': limit,
            'query.duration_min': q.minDurationMs !== undefined ? `${q.minDurationMs}ms` : undefined,
            'query.duration_max': q.maxDurationMs !== undefined ? `${q.maxDurationMs}ms` : undefined,
          },
          ...sig,
        });
        return this.summaries(this.parse(res, res.body, 'jaeger-v3').traces, limit);
      } catch (e) {
        // v3 answers 404 when nothing matches; a server without api_v3 also 404s: ask the legacy API.
        if (!(e instanceof NotFoundError)) throw e;
      }
    }
    try {
      const res = await this.http.request({
        path: 'api/traces',
        query: {
          service: q.service,
          operation: q.operation,
          tags: hasTags ? JSON.stringify(q.tags) : undefined,
          start: start.getTime() * 1000,
          end: end.getTime() * 1000,
          limit,
          minDuration: q.minDurationMs !== undefined ? `${q.minDurationMs}ms` : undefined,
          maxDuration: q.maxDurationMs !== undefined ? `${q.maxDurationMs}ms` : undefined,
        },
        ...sig,
      });
      const traces = this.parse(res, res.body, 'jaeger').traces.filter(t => traceMatchesTags(t, q.tags));
      return this.summaries(traces, limit);
    } catch (e) {
      if (e instanceof NotFoundError) return [];
      throw e;
    }
  }

  private summaries(traces: readonly import('../../core/model').Trace[], limit: number): TraceSummary[] {
    return traces
      .map(summarizeTrace)
      .sort((a, b) => (b.startNs ?? 0n) > (a.startNs ?? 0n) ? 1 : (b.startNs ?? 0n) < (a.startNs ?? 0n) ? -1 : 0)
      .slice(0, limit);
  }

  async services(signal?: AbortSignal): Promise<string[]> {
    return this.track((async () => {
      try {
        const v = await this.http.json({ path: 'api/v3/services', ...(signal ? { signal } : {}) }, ServicesV3);
        return (v.services ?? []).slice().sort();
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      const v = await this.http.json({ path: 'api/services', ...(signal ? { signal } : {}) }, DataStrings);
      return (v.data ?? []).slice().sort();
    })());
  }

  async operations(service: string, signal?: AbortSignal): Promise<string[]> {
    return this.track((async () => {
      try {
        const v = await this.http.json({ path: 'api/v3/operations', query: { service }, ...(signal ? { signal } : {}) }, OperationsV3);
        return [...new Set((v.operations ?? []).map(o => o.name))].sort();
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      const v = await this.http.json({ path: `api/services/${encodeURIComponent(service)}/operations`, ...(signal ? { signal } : {}) }, DataStrings);
      return (v.data ?? []).slice().sort();
    })());
  }

  async dependencies(end: Date, lookbackMs: number, signal?: AbortSignal): Promise<DependencyLink[]> {
    return this.track((async () => {
      const v = await this.http.json({ path: 'api/dependencies', query: { endTs: end.getTime(), lookback: lookbackMs }, ...(signal ? { signal } : {}) }, Dependencies);
      return (v.data ?? []).map(d => ({ parent: d.parent, child: d.child, callCount: d.callCount }));
    })());
  }

  protected async probe(signal?: AbortSignal): Promise<string | undefined> {
    await this.services(signal);
    // Jaeger's query API does not say its version.
    return undefined;
  }
}
