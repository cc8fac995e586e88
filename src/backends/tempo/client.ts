// Grafana Tempo HTTP API. Traces: /api/v2/traces/{id} (200 with an empty trace when not found), falling back to
// /api/traces/{id} (v1, `batches`, 404 when not found) on servers without v2. Asks for protobuf (smaller and faster
// to decode for big traces) and reads whichever the server sends. Search by TraceQL or tags; tag names/values for
// completion. Multi-tenant through X-Scope-OrgID (set from the backend's `tenant`; `a|b` queries several tenants).
//
// What Tempo's HTTP API documentation (grafana.com/docs/tempo/latest/api_docs/) says and this client follows:
// - Tag names/values without `start`/`end` read only the live store (recent data in the ingesters); with them, the
//   blocks of that window too. So every tag call sends a window (seconds), else quiet services vanish from lists.
// - Search `tags` is logfmt: a value with a space, `=`, `"` or `\` must be quoted (and `"`/`\` escaped), else Tempo
//   refuses it with 400. Tempo matches tag values as case-insensitive substrings (README says so to the user).
// - Trace by ID takes an optional `start`/`end`; without them every block is read. When the caller knows when the
//   trace happened (TraceLookupHint) a window around it is sent, and a miss in that window asks once without it.
// - `/api/echo` is the query frontend's documented health check and is routed by gateways (a `/tempo` base path on
//   Grafana Cloud) that do not route `/ready`.
// - Errors: 400 for a malformed trace ID, a bad TraceQL query or a search range over the configured maximum;
//   500 "trace exceeds max size"; each becomes its own typed error with a message that says what to change.
import * as z from 'zod';
import { canonicalTraceId } from '../../core/ids';
import { BaseBackend, DEFAULT_SEARCH_LIMIT, searchWindow } from '../base';
import {
  BackendError,
  CancelledError,
  HttpStatusError,
  InvalidQueryError,
  InvalidTraceIdError,
  MalformedBodyError,
  NotFoundError,
  ServerError,
  TraceTooLargeError,
} from '../http/errors';
import type { HttpResponse, QueryValue } from '../http/client';
import type { DependencyLink, FetchedTrace, TraceLookupHint, TraceSearchQuery, TraceSummary } from '../types';

const PROTOBUF = 'application/protobuf';
/** What Tempo puts in `rootServiceName` while a trace's root span has not arrived; it is not a service. */
export const ROOT_PENDING = '<root span not yet received>';
/**
 * How far back tag names and values (the service and operation lists) look when no search window is given: long
 * enough that a service quiet for an afternoon still shows, short enough that Tempo reads a day of blocks at most.
 */
export const TAG_LOOKBACK_MS = 24 * 60 * 60 * 1000;
/**
 * The margin around a known trace start for a lookup by ID. Spans of one trace can be written to blocks some
 * minutes apart (late spans, clock skew between services), so the window is generous; it still spares Tempo the
 * blocks of every other hour.
 */
export const TRACE_LOOKUP_MARGIN_MS = 30 * 60 * 1000;

/** A time window in unix seconds, as Tempo's `start`/`end` parameters want it. */
export interface TempoWindow {
  readonly start: Date;
  readonly end: Date;
}

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
  getTrace(traceId: string, signal?: AbortSignal, hint?: TraceLookupHint): Promise<FetchedTrace> {
    return this.track(this.getTraceUntracked(traceId, signal, hint));
  }

  private async getTraceUntracked(traceId: string, signal?: AbortSignal, hint?: TraceLookupHint): Promise<FetchedTrace> {
    const window = lookupWindow(hint);
    if (!window) return this.lookup(traceId, undefined, signal);
    try {
      return await this.lookup(traceId, window, signal);
    } catch (e) {
      // The hint was wrong (a clock far off, a link with the wrong time): one more try over every block. A 400 is
      // asked again too, so that only a 400 without a window is blamed on the ID.
      if (!(e instanceof NotFoundError) && !(e instanceof InvalidTraceIdError)) throw e;
      return this.lookup(traceId, undefined, signal);
    }
  }

  private async lookup(traceId: string, window: TempoWindow | undefined, signal: AbortSignal | undefined): Promise<FetchedTrace> {
    const sig = signal ? { signal } : {};
    // Encoded: an opaque ID from a link must not become another path or query.
    const id = encodeURIComponent(traceId);
    const query = window ? seconds(window) : undefined;
    let res: HttpResponse;
    try {
      try {
        res = await this.http.request({ path: `api/v2/traces/${id}`, headers: { accept: PROTOBUF }, ...(query ? { query } : {}), ...sig });
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        // Tempo before v2.6 has no v2 endpoint; there, 404 on v1 means not found.
        const v1 = await this.http.request({ path: `api/traces/${id}`, headers: { accept: PROTOBUF }, ...(query ? { query } : {}), ...sig });
        return this.readTrace(v1, traceId, false);
      }
    } catch (e) {
      throw this.lookupError(e, traceId);
    }
    return this.readTrace(res, traceId, true);
  }

  /** Tempo's answers to a lookup by ID, as the typed errors the user should see. */
  private lookupError(e: unknown, traceId: string): unknown {
    if (e instanceof HttpStatusError && e.status === 400) {
      return new InvalidTraceIdError({ backend: this.displayName, url: e.url, status: 400, traceId, ...(e.detail ? { detail: e.detail } : {}), cause: e });
    }
    if ((e instanceof ServerError || e instanceof HttpStatusError) && /exceeds max size/i.test(e.detail ?? '')) {
      return new TraceTooLargeError({ backend: this.displayName, url: e.url, ...(e.status !== undefined ? { status: e.status } : {}), ...(e.detail ? { detail: e.detail } : {}), cause: e });
    }
    return e;
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
          tags: this.logfmtTags(tags) || undefined,
          minDuration: q.minDurationMs !== undefined ? `${q.minDurationMs}ms` : undefined,
          maxDuration: q.maxDurationMs !== undefined ? `${q.maxDurationMs}ms` : undefined,
        };
      }
      let v: z.output<typeof SearchResponse>;
      try {
        v = await this.http.json({ path: 'api/search', query, ...(signal ? { signal } : {}) }, SearchResponse);
      } catch (e) {
        throw this.searchError(e, q);
      }
      return (v.traces ?? []).slice(0, limit).map(t => ({
        traceId: canonicalTraceId(t.traceID), // Tempo strips leading zeros
        // While the root span is missing Tempo puts a placeholder where the service goes; keep it as the name.
        ...(t.rootServiceName === ROOT_PENDING ? { rootName: ROOT_PENDING } : {}),
        ...(t.rootServiceName && t.rootServiceName !== ROOT_PENDING ? { rootService: t.rootServiceName } : {}),
        ...(t.rootTraceName && t.rootServiceName !== ROOT_PENDING ? { rootName: t.rootTraceName } : {}),
        ...(t.startTimeUnixNano !== undefined && /^\d+$/.test(String(t.startTimeUnixNano)) ? { startNs: BigInt(t.startTimeUnixNano) } : {}),
        ...(t.durationMs !== undefined ? { durationMs: t.durationMs } : {}),
      }));
    })());
  }

  /** Search `tags` as logfmt (Tempo parses it with go-logfmt): bare when safe, else quoted with `"` and `\\` escaped. */
  private logfmtTags(tags: Readonly<Record<string, string>>): string {
    return Object.entries(tags).map(([k, v]) => {
      // A key cannot be quoted in logfmt; one with a space, `=` or `"` cannot be sent at all.
      if (!k || /[\s="]/.test(k)) {
        throw new InvalidQueryError({ backend: this.displayName, url: this.http.urlFor('api/search').toString(), reason: 'tags', detail: `the tag name ${JSON.stringify(k)} cannot be written in logfmt` });
      }
      return `${k}=${logfmtValue(v)}`;
    }).join(' ');
  }

  /** Tempo's 400s to a search, as typed errors that say which part of the query to change. */
  private searchError(e: unknown, q: TraceSearchQuery): unknown {
    if (!(e instanceof HttpStatusError) || e.status !== 400) return e;
    const detail = e.detail ?? 'HTTP 400';
    const init = { backend: this.displayName, url: e.url, status: 400, detail, cause: e };
    if (/range specified by start and end exceeds|exceeds.*max.*duration|time range exceeds/i.test(detail)) return new InvalidQueryError({ ...init, reason: 'time-range' });
    if (q.traceql) return new InvalidQueryError({ ...init, reason: 'traceql' });
    return new InvalidQueryError({ ...init, reason: 'tags' });
  }

  /**
   * A tag call with a time window. Without `start`/`end` Tempo reads only its live store, so a window is always
   * sent; a server that refuses the window (400: longer than it allows) is asked once more without it.
   */
  private async tagJson<S extends z.ZodType>(path: string, extra: Readonly<Record<string, QueryValue>>, window: TempoWindow | undefined, schema: S, signal: AbortSignal | undefined): Promise<z.output<S>> {
    const w = window ?? { end: new Date(), start: new Date(Date.now() - TAG_LOOKBACK_MS) };
    const sig = signal ? { signal } : {};
    try {
      return await this.http.json({ path, query: { ...extra, ...seconds(w) }, ...sig }, schema);
    } catch (e) {
      if (!(e instanceof HttpStatusError) || e.status !== 400) throw e;
      return this.http.json({ path, query: extra, ...sig }, schema);
    }
  }

  /** Tag names for completion, by scope (`resource`, `span`, `intrinsic`); v1 servers give one unscoped list. */
  tagNames(signal?: AbortSignal, window?: TempoWindow): Promise<Record<string, string[]>> {
    return this.track((async () => {
      try {
        const v = await this.tagJson('api/v2/search/tags', {}, window, TagNamesV2, signal);
        const out: Record<string, string[]> = {};
        for (const s of v.scopes ?? []) out[s.name] = (s.tags ?? []).slice().sort();
        return out;
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      const v = await this.tagJson('api/search/tags', {}, window, TagNamesV1, signal);
      return { '': (v.tagNames ?? []).slice().sort() };
    })());
  }

  /** Values of a tag (`resource.service.name`, `name`, `span.http.route`…), optionally narrowed by a TraceQL query. */
  tagValues(tag: string, traceql?: string, signal?: AbortSignal, window?: TempoWindow): Promise<string[]> {
    return this.track((async () => {
      try {
        const v = await this.tagJson(`api/v2/search/tag/${encodeURIComponent(tag)}/values`, { q: traceql }, window, TagValuesV2, signal);
        return [...new Set((v.tagValues ?? []).map(x => x.value ?? '').filter(Boolean))].sort();
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      const v1tag = tag.replace(/^(resource|span)\./, '');
      const v = await this.tagJson(`api/search/tag/${encodeURIComponent(v1tag)}/values`, {}, window, TagValuesV1, signal);
      return (v.tagValues ?? []).slice().sort();
    })());
  }

  services(signal?: AbortSignal, window?: TempoWindow): Promise<string[]> {
    return this.tagValues('resource.service.name', undefined, signal, window);
  }

  operations(service: string, signal?: AbortSignal, window?: TempoWindow): Promise<string[]> {
    return this.tagValues('name', `{resource.service.name=${JSON.stringify(service)}}`, signal, window);
  }

  /** Tempo serves no dependency graph of its own (it comes from the metrics generator, through Prometheus). */
  async dependencies(_end: Date, _lookbackMs: number, _signal?: AbortSignal): Promise<DependencyLink[]> {
    return [];
  }

  /**
   * `/api/echo` first: the query frontend's documented check, routed wherever the query API is (also behind a
   * `/tempo` base path), unlike `/ready`, which only servers without `/api/echo` are asked. The version comes from
   * buildinfo when that is routed too; a gateway that does not route it leaves the version unknown.
   */
  protected async probe(signal?: AbortSignal): Promise<string | undefined> {
    const sig = signal ? { signal } : {};
    try {
      await this.http.request({ path: 'api/echo', headers: { accept: 'text/plain' }, ...sig });
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      await this.http.request({ path: 'ready', headers: { accept: 'text/plain' }, ...sig });
    }
    try {
      return (await this.http.json({ path: 'api/status/buildinfo', ...sig }, BuildInfo)).version;
    } catch (e) {
      if (e instanceof CancelledError || !(e instanceof BackendError)) throw e;
      return undefined;
    }
  }
}

/** The `start`/`end` query parameters of a window: unix seconds, widened to whole seconds. */
function seconds(w: TempoWindow): { start: number; end: number } {
  return { start: Math.floor(w.start.getTime() / 1000), end: Math.ceil(w.end.getTime() / 1000) };
}

/** The window to look a trace up in, from what the caller knows about it (none when it knows nothing usable). */
export function lookupWindow(hint: TraceLookupHint | undefined): TempoWindow | undefined {
  const start = hint?.startMs;
  if (start === undefined || !Number.isFinite(start) || start <= 0) return undefined;
  const duration = hint?.durationMs !== undefined && Number.isFinite(hint.durationMs) && hint.durationMs > 0 ? hint.durationMs : 0;
  return { start: new Date(start - TRACE_LOOKUP_MARGIN_MS), end: new Date(start + duration + TRACE_LOOKUP_MARGIN_MS) };
}

/** One logfmt value: bare when it has nothing logfmt treats specially, else a quoted string with escapes. */
export function logfmtValue(v: string): string {
  // JSON string escapes (\", \\, \n, \u0000) are what go-logfmt's quoted values understand.
  const special = v === '' || /[\s="\\]/.test(v) || [...v].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  return special ? JSON.stringify(v) : v;
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
