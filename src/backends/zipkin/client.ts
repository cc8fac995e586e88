// Zipkin v2 API: /api/v2/trace/{id}, /api/v2/traces, services, span names, dependencies.
import * as z from 'zod';
import { BaseBackend, DEFAULT_SEARCH_LIMIT, searchWindow, summarizeTrace } from '../base';
import { shortTraceId } from '../../core/trace-id-input';
import type { DependencyLink, FetchedTrace, TraceSearchQuery, TraceSummary } from '../types';

const Strings = z.array(z.string());
const Dependencies = z.array(z.looseObject({ parent: z.string(), child: z.string(), callCount: z.number().optional(), errorCount: z.number().optional() }));
const Info = z.looseObject({ zipkin: z.looseObject({ version: z.string().optional() }).optional() });
const ArrayOfArrays = z.array(z.array(z.unknown()));

export class ZipkinBackend extends BaseBackend {
  getTrace(traceId: string, signal?: AbortSignal): Promise<FetchedTrace> {
    return this.track((async () => {
      // Zipkin keeps 64-bit IDs as 16 hex digits (a 32-digit ID with a zero high half is the same trace). With its
      // default STRICT_TRACE_ID=true a 128-bit trace is not found by its lower half alone.
      const id = shortTraceId(traceId) ?? traceId;
      const res = await this.http.request({ path: `api/v2/trace/${id}`, ...(signal ? { signal } : {}) });
      return this.traceFromResponse(res, 'zipkin', traceId);
    })());
  }

  search(q: TraceSearchQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    return this.track((async () => {
      const { start, end } = searchWindow(q);
      const limit = q.limit ?? DEFAULT_SEARCH_LIMIT;
      const tagTerms = Object.entries(q.tags ?? {}).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
      const annotationQuery = [q.annotationQuery, ...tagTerms].filter(Boolean).join(' and ') || undefined;
      const res = await this.http.request({
        path: 'api/v2/traces',
        query: {
          serviceName: q.service,
          spanName: q.operation,
          annotationQuery,
          minDuration: q.minDurationMs !== undefined ? Math.round(q.minDurationMs * 1000) : undefined,
          maxDuration: q.maxDurationMs !== undefined ? Math.round(q.maxDurationMs * 1000) : undefined,
          endTs: end.getTime(),
          lookback: end.getTime() - start.getTime(),
          limit,
        },
        ...(signal ? { signal } : {}),
      });
      // Validate the outer shape here; the parser validates each span.
      this.http.parseJson(res, ArrayOfArrays);
      const traces = this.parse(res, res.body, 'zipkin').traces;
      return traces.map(summarizeTrace).slice(0, limit);
    })());
  }

  services(signal?: AbortSignal): Promise<string[]> {
    return this.track(this.http.json({ path: 'api/v2/services', ...(signal ? { signal } : {}) }, Strings).then(s => s.slice().sort()));
  }

  operations(service: string, signal?: AbortSignal): Promise<string[]> {
    return this.track(this.http.json({ path: 'api/v2/spans', query: { serviceName: service }, ...(signal ? { signal } : {}) }, Strings).then(s => s.slice().sort()));
  }

  dependencies(end: Date, lookbackMs: number, signal?: AbortSignal): Promise<DependencyLink[]> {
    return this.track(this.http.json({ path: 'api/v2/dependencies', query: { endTs: end.getTime(), lookback: lookbackMs }, ...(signal ? { signal } : {}) }, Dependencies)
      .then(ds => ds.map(d => ({ parent: d.parent, child: d.child, callCount: d.callCount ?? 0, ...(d.errorCount !== undefined ? { errorCount: d.errorCount } : {}) }))));
  }

  protected async probe(signal?: AbortSignal): Promise<string | undefined> {
    await this.services(signal);
    try {
      const info = await this.http.json({ path: 'info', ...(signal ? { signal } : {}) }, Info);
      return info.zipkin?.version;
    } catch {
      return undefined; // /info is optional (a Zipkin-compatible server may not have it)
    }
  }
}
