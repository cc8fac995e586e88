// Grafana Tempo HTTP API. Traces: /api/v2/traces/{id} (200 with an empty trace when not found), falling back to
// /api/traces/{id} (v1, `batches`, 404 when not found) on servers without v2. Asks for protobuf (smaller and faster
// to decode for big traces) and reads whichever the server sends. Search by TraceQL or tags; tag names/values for
// completion. Multi-tenant through X-Scope-OrgID (set from the backend's `tenant`).
import * as z from 'zod';
import { canonicalTraceId } from '../../core/ids';
import { BaseBackend, DEFAULT_SEARCH_LIMIT, searchWindow } from '../base';
import { MalformedBodyError, NotFoundError } from '../http/errors';
import type { HttpResponse } from '../http/client';
import type { DependencyLink, FetchedTrace, TraceSearchQuery, TraceSummary } from '../types';

const PROTOBUF = 'application/protobuf';

const SearchResponse = z.looseObject({
  traces: z.array(z.looseObject({
    traceID: z.string(),
    rootServiceName: z.string().optional(),
    rootTraceName: z.string().optional(),
    startTimeUnixNano: z.union([z.string(), z.number()]).optional(),
    durationMs: z.number().optional(),
    spanSets: z.array(z.looseObject({ matched: z.number().optional() })).optional(),
    spanSet: z.looseObject({ matched: z.number().optional() }).optional(),
  })).nullable().optional(),
});
const TagNamesV2 = z.looseObject({ scopes: z.array(z.looseObject({ name: z.string(), tags: z.array(z.string()).nullable().optional() })).nullable().optional() });
const TagNamesV1 = z.looseObject({ tagNames: z.array(z.string()).nullable().optional() });
const TagValuesV2 = z.looseObject({ tagValues: z.array(z.looseObject({ type: z.string().optional(), value: z.string().optional() })).nullable().optional() });
const TagValuesV1 = z.looseObject({ tagValues: z.array(z.string()).nullable().optional() });
const BuildInfo = z.looseObject({ version: z.string().optional() });
const V2Envelope = z.looseObject({ status: z.string().optional(), message: z.string().optional() });

export class TempoBackend extends BaseBackend {
  getTrace(traceId: string, signal?: AbortSignal): Promise<FetchedTrace> {
    return this.track(this.getTraceUntracked(traceId, signal));
  }

  private async getTraceUntracked(traceId: string, signal?: AbortSignal): Promise<FetchedTrace> {
    const sig = signal ? { signal } : {};
    let res: HttpResponse;
    try {
      res = await this.http.request({ path: `api/v2/traces/${traceId}`, headers: { accept: PROTOBUF }, ...sig });
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      // Tempo before v2.6 has no v2 endpoint; there, 404 on v1 means not found.
      const v1 = await this.http.request({ path: `api/traces/${traceId}`, headers: { accept: PROTOBUF }, ...sig });
      return this.readTrace(v1, traceId, false);
    }
    return this.readTrace(res, traceId, true);
  }

  private readTrace(res: HttpResponse, traceId: string, v2: boolean): FetchedTrace {
    if (res.body.length === 0) throw this.notFound(res);
    if (res.contentType.includes('protobuf')) {
      // v2: TraceByIDResponse { Trace trace = 1; …; PartialStatus status = 3; string message = 4 }.
      // v1 and the inner v2 Trace: { repeated ResourceSpans batches = 1 } — the same bytes as OTLP TracesData.
      const fields = v2 ? protoFields(res.body, this.malformed(res)) : undefined;
      const traceBytes = v2 ? fields!.get(1)?.bytes : res.body;
      if (!traceBytes || traceBytes.length === 0) throw this.notFound(res);
      const fetched = this.traceFromResponse(res, 'otlp-proto', traceId, traceBytes);
      const status = fields?.get(3)?.varint;
      return status === 1 ? { ...fetched, partial: fields?.get(4)?.text ?? 'the trace is larger than the server returns' } : fetched;
    }
    const json = this.http.parseJsonValue(res);
    // v2 not found: 200 with `{}` or `{"trace":{}}`.
    if (v2 && (!json || typeof json !== 'object' || !('trace' in json) || isEmptyTrace((json as { trace: unknown }).trace))) throw this.notFound(res);
    const fetched = this.traceFromResponse(res, 'otlp', traceId);
    const env = V2Envelope.safeParse(json);
    return env.success && env.data.status === 'PARTIAL' ? { ...fetched, partial: env.data.message ?? 'the trace is larger than the server returns' } : fetched;
  }

  private notFound(res: HttpResponse): NotFoundError {
    return new NotFoundError({ backend: this.displayName, url: res.url, status: res.status });
  }

  private malformed(res: HttpResponse): (detail: string) => MalformedBodyError {
    return detail => new MalformedBodyError({ backend: this.displayName, url: res.url, status: res.status, detail });
  }

  search(q: TraceSearchQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    return this.track((async () => {
      const { start, end } = searchWindow(q);
      const limit = q.limit ?? DEFAULT_SEARCH_LIMIT;
      const base = { start: Math.floor(start.getTime() / 1000), end: Math.ceil(end.getTime() / 1000), limit };
      let query: Record<string, string | number | undefined>;
      if (q.traceql) query = { ...base, q: q.traceql };
      else {
        const tags: Record<string, string> = { ...q.tags };
        if (q.service) tags['service.name'] = q.service;
        if (q.operation) tags.name = q.operation;
        query = {
          ...base,
          tags: Object.entries(tags).map(([k, v]) => `${k}=${/\s/.test(v) ? JSON.stringify(v) : v}`).join(' ') || undefined,
          minDuration: q.minDurationMs !== undefined ? `${q.minDurationMs}ms` : undefined,
          maxDuration: q.maxDurationMs !== undefined ? `${q.maxDurationMs}ms` : undefined,
        };
      }
      const v = await this.http.json({ path: 'api/search', query, ...(signal ? { signal } : {}) }, SearchResponse);
      return (v.traces ?? []).slice(0, limit).map(t => ({
        traceId: canonicalTraceId(t.traceID), // Tempo strips leading zeros
        ...(t.rootServiceName ? { rootService: t.rootServiceName } : {}),
        ...(t.rootTraceName ? { rootName: t.rootTraceName } : {}),
        ...(t.startTimeUnixNano !== undefined && /^\d+$/.test(String(t.startTimeUnixNano)) ? { startNs: BigInt(t.startTimeUnixNano) } : {}),
        ...(t.durationMs !== undefined ? { durationMs: t.durationMs } : {}),
      }));
    })());
  }

  /** Tag names for completion, by scope (`resource`, `span`, `intrinsic`); v1 servers give one unscoped list. */
  tagNames(signal?: AbortSignal): Promise<Record<string, string[]>> {
    return this.track((async () => {
      try {
        const v = await this.http.json({ path: 'api/v2/search/tags', ...(signal ? { signal } : {}) }, TagNamesV2);
        const out: Record<string, string[]> = {};
        for (const s of v.scopes ?? []) out[s.name] = (s.tags ?? []).slice().sort();
        return out;
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      const v = await this.http.json({ path: 'api/search/tags', ...(signal ? { signal } : {}) }, TagNamesV1);
      return { '': (v.tagNames ?? []).slice().sort() };
    })());
  }

  /** Values of a tag (`resource.service.name`, `name`, `span.http.route`…), optionally narrowed by a TraceQL query. */
  tagValues(tag: string, traceql?: string, signal?: AbortSignal): Promise<string[]> {
    return this.track((async () => {
      try {
        const v = await this.http.json({ path: `api/v2/search/tag/${encodeURIComponent(tag)}/values`, query: { q: traceql }, ...(signal ? { signal } : {}) }, TagValuesV2);
        return [...new Set((v.tagValues ?? []).map(x => x.value ?? '').filter(Boolean))].sort();
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      const v1tag = tag.replace(/^(resource|span)\./, '');
      const v = await this.http.json({ path: `api/search/tag/${encodeURIComponent(v1tag)}/values`, ...(signal ? { signal } : {}) }, TagValuesV1);
      return (v.tagValues ?? []).slice().sort();
    })());
  }

  services(signal?: AbortSignal): Promise<string[]> {
    return this.tagValues('resource.service.name', undefined, signal);
  }

  operations(service: string, signal?: AbortSignal): Promise<string[]> {
    return this.tagValues('name', `{resource.service.name=${JSON.stringify(service)}}`, signal);
  }

  /** Tempo serves no dependency graph of its own (it comes from the metrics generator, through Prometheus). */
  async dependencies(_end: Date, _lookbackMs: number, _signal?: AbortSignal): Promise<DependencyLink[]> {
    return [];
  }

  protected async probe(signal?: AbortSignal): Promise<string | undefined> {
    try {
      const v = await this.http.json({ path: 'api/status/buildinfo', ...(signal ? { signal } : {}) }, BuildInfo);
      return v.version;
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
    await this.http.request({ path: 'ready', headers: { accept: 'text/plain' }, ...(signal ? { signal } : {}) });
    return undefined;
  }
}

function isEmptyTrace(t: unknown): boolean {
  if (!t || typeof t !== 'object') return true;
  const o = t as Record<string, unknown>;
  const rs = o.resourceSpans ?? o.batches;
  return !Array.isArray(rs) || rs.length === 0;
}

interface ProtoField {
  readonly varint?: number;
  readonly bytes?: Uint8Array;
  readonly text?: string;
}

/** The top-level fields of a protobuf message (last occurrence wins; enough for TraceByIDResponse). */
function protoFields(buf: Uint8Array, malformed: (d: string) => Error): Map<number, ProtoField> {
  const out = new Map<number, ProtoField>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      if (i >= buf.length) throw malformed('protobuf ended inside a varint');
      const b = buf[i++]!;
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return v;
      mul *= 128;
    }
    throw malformed('protobuf varint too long');
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.set(field, { varint: varint() });
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw malformed(`protobuf field ${field} runs past the end`);
      const bytes = buf.subarray(i, i + len);
      i += len;
      out.set(field, { bytes, text: field === 4 ? new TextDecoder().decode(bytes) : undefined } as ProtoField);
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw malformed(`protobuf wire type ${wire} not expected in a TraceByIDResponse`);
  }
  return out;
}
