// OTLP JSON: TracesData / ExportTraceServiceRequest (`resourceSpans`), Tempo v1 (`batches`), Tempo v2
// (`{trace:{resourceSpans}}`), Jaeger api_v3 (`{result:{resourceSpans}}`), legacy `instrumentationLibrarySpans`,
// snake_case field names (Grafana/Tempo proto-JSON paths), hex (any case) or base64 IDs, enum ints or names, int64
// as strings or numbers.
//
// zod validates the envelope, resources and scopes; spans (the hot path, 100k of them) are checked by hand in
// `otlpSpan`, which also produces the model objects, so every field is read exactly once.
import * as z from '../schema';
import {
  NO_ATTRIBUTES, TraceParseError,
  type Attr, type Attributes, type Resource, type Scope, type Span, type SpanEvent, type SpanLink, type LinkType,
} from '../model';
import { canonicalSpanId, canonicalTraceId, isAllZeroId } from '../ids';
import { BadSpan, Builder, describe, isObject, makeSpan } from './builder';
import { makeStatus, nanosField, otlpAttributes, otlpKind, statusCode } from './values';
import { validate, check, pathOf } from './zod-path';

const zAttrList = z.nullish(z.array(z.unknown()));
export const zResource = z.nullish(z.object({ attributes: zAttrList }));
export const zScope = z.nullish(z.object({
  name: z.nullish(z.string()),
  version: z.nullish(z.string()),
  attributes: zAttrList,
}));
const zScopeSpans = z.object({
  scope: zScope,
  instrumentationLibrary: zScope,
  // The spans array is passed through as is (checked span by span by hand): no 100k-element copy.
  spans: z.nullish(z.custom<unknown[]>(v => Array.isArray(v), 'expected an array of spans')),
});
const zResourceSpans = z.object({
  resource: zResource,
  scopeSpans: z.nullish(z.array(zScopeSpans)),
  instrumentationLibrarySpans: z.nullish(z.array(zScopeSpans)),
});
const zResourceSpansList = z.array(z.unknown());

/** Where the resourceSpans list sits in a document; undefined when this is not OTLP JSON. */
export function findResourceSpans(doc: unknown): { list: unknown; path: string } | undefined {
  if (!isObject(doc)) return undefined;
  if (doc.resourceSpans !== undefined) return { list: doc.resourceSpans, path: '.resourceSpans' };
  if (doc.resource_spans !== undefined) return { list: doc.resource_spans, path: '.resource_spans' };
  if (doc.batches !== undefined) return { list: doc.batches, path: '.batches' };
  const t = doc.trace;
  if (isObject(t)) {
    if (t.resourceSpans !== undefined) return { list: t.resourceSpans, path: '.trace.resourceSpans' };
    if (t.resource_spans !== undefined) return { list: t.resource_spans, path: '.trace.resource_spans' };
    if (t.batches !== undefined) return { list: t.batches, path: '.trace.batches' };
    // Tempo v2 "not found" answers 200 with an empty trace object.
    if (Object.keys(t).length === 0) return { list: [], path: '.trace' };
  }
  const r = doc.result;
  if (isObject(r)) {
    if (r.resourceSpans !== undefined) return { list: r.resourceSpans, path: '.result.resourceSpans' };
    if (r.resource_spans !== undefined) return { list: r.resource_spans, path: '.result.resource_spans' };
  }
  return undefined;
}

/** Normalizes one OTLP JSON document into the builder. */
export function readOtlpDocument(doc: unknown, base: string, b: Builder): void {
  const found = findResourceSpans(doc);
  if (!found) throw new TraceParseError(`not an OTLP trace document: expected a "resourceSpans" array at ${base}`, base);
  const listPath = base + found.path;
  let list = validate(zResourceSpansList, found.list, listPath, 'OTLP resourceSpans');
  if (list.length > 0 && needsCamelize(list)) list = camelize(list, 0) as unknown[];
  for (let r = 0; r < list.length; r++) {
    const rsPath = `${listPath}[${r}]`;
    const rs = check(zResourceSpans, list[r], rsPath);
    if (!rs.ok) {
      b.warn(rs.path, `resourceSpans entry skipped: ${rs.message}`);
      continue;
    }
    const res = readResource(rs.data.resource, b, () => `${rsPath}.resource`);
    const groups: Array<{ scope?: z.output<typeof zScopeSpans>['scope'] | null; spans?: unknown[] | null }> = [];
    const groupPaths: string[] = [];
    if (rs.data.scopeSpans) rs.data.scopeSpans.forEach((g, i) => { groups.push({ scope: g.scope, spans: g.spans }); groupPaths.push(`${rsPath}.scopeSpans[${i}]`); });
    if (rs.data.instrumentationLibrarySpans) rs.data.instrumentationLibrarySpans.forEach((g, i) => { groups.push({ scope: g.instrumentationLibrary ?? g.scope, spans: g.spans }); groupPaths.push(`${rsPath}.instrumentationLibrarySpans[${i}]`); });
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      const gPath = groupPaths[g]!;
      const scope = readScope(group.scope, b, () => `${gPath}.scope`);
      const spans = group.spans;
      if (!spans) continue;
      const spansPath = `${gPath}.spans`;
      for (let i = 0; i < spans.length; i++) b.readSpan(spansPath, i, otlpSpan, spans[i], res, scope);
    }
  }
}

export function readResource(r: { attributes?: unknown[] | null | undefined } | null | undefined, b: Builder, where: () => string): Resource {
  const attributes = r ? otlpAttributes(r.attributes, b, where) : NO_ATTRIBUTES;
  let service: string | undefined;
  for (const a of attributes) if (a.key === 'service.name' && typeof a.value === 'string') { service = a.value; break; }
  return b.resource(service, attributes);
}

export function readScope(s: { name?: string | null | undefined; version?: string | null | undefined; attributes?: unknown[] | null | undefined } | null | undefined, b: Builder, where: () => string): Scope | undefined {
  if (!s) return undefined;
  const attributes = otlpAttributes(s.attributes, b, where);
  const name = s.name ?? '';
  const version = s.version ?? undefined;
  if (name === '' && version === undefined && attributes.length === 0) return undefined;
  return b.scope(name, version === '' ? undefined : version, attributes);
}

function id(v: unknown, field: string, canon: (s: string) => string, required: boolean): string | undefined {
  if (typeof v === 'string') {
    if (v === '') {
      if (required) throw new BadSpan(`${field} is empty`, `.${field}`);
      return undefined;
    }
    const c = canon(v);
    if (isAllZeroId(c)) {
      if (required) throw new BadSpan(`${field} is all zeros (invalid)`, `.${field}`);
      return undefined;
    }
    return c;
  }
  if (v === undefined || v === null) {
    if (required) throw new BadSpan(`${field} is missing`, `.${field}`);
    return undefined;
  }
  throw new BadSpan(`${field} must be a string, got ${describe(v)}`, `.${field}`);
}

/** Link attribute Jaeger's OTLP translator uses to carry OpenTracing reference types. */
export const REF_TYPE_KEY = 'opentracing.ref_type';

export function otlpSpan(s: unknown, resource: Resource, scope: Scope | undefined, b: Builder, where: () => string): Span {
  if (!isObject(s)) throw new BadSpan(`expected a span object, got ${describe(s)}`);
  const traceId = id(s.traceId, 'traceId', canonicalTraceId, true)!;
  const spanId = id(s.spanId, 'spanId', canonicalSpanId, true)!;
  const parentId = id(s.parentSpanId, 'parentSpanId', canonicalSpanId, false);
  // proto3 JSON omits zero values: a missing time is 0 (Jaeger's api_v3 golden GetTrace has neither).
  let warnings: string[] | undefined;
  let startNs = nanosField(s.startTimeUnixNano, 'startTimeUnixNano');
  if (startNs === undefined) { startNs = 0n; (warnings ??= []).push('startTimeUnixNano is missing (read as 0)'); }
  let durationNs = decimalDifference(s.startTimeUnixNano, s.endTimeUnixNano);
  if (durationNs < 0) {
    durationNs = 0;
    const endNs = nanosField(s.endTimeUnixNano, 'endTimeUnixNano');
    if (endNs === undefined) (warnings ??= []).push('endTimeUnixNano is missing: duration set to 0');
    else if (endNs < startNs) (warnings ??= []).push('endTimeUnixNano is before startTimeUnixNano: duration set to 0');
    else durationNs = Number(endNs - startNs);
  }
  const rawName = s.name;
  const name = typeof rawName === 'string' ? b.intern(rawName) : '';
  if (typeof rawName !== 'string' && rawName !== undefined) (warnings ??= []).push(`name is ${describe(rawName)}, not a string`);
  let kind = otlpKind(s.kind);
  if (kind === undefined) { (warnings ??= []).push(`unknown span kind ${describe(s.kind)}`); kind = 'unspecified'; }
  let status = makeStatus('unset', undefined, b);
  const st = s.status;
  if (isObject(st)) {
    const code = statusCode(st.code);
    const msg = typeof st.message === 'string' ? st.message : undefined;
    if (code === undefined) (warnings ??= []).push(`unknown status code ${describe(st.code)}`);
    status = makeStatus(code ?? 'unset', msg, b);
  } else if (st !== undefined && st !== null) (warnings ??= []).push(`status is ${describe(st)}, not an object`);
  const attributes = otlpAttributes(s.attributes, b, where);
  const events = readEvents(s.events, b, where);
  const linksRaw = s.links;
  let links: readonly SpanLink[] = NO_LINKS;
  let parentRefType: 'follows_from' | undefined;
  if (Array.isArray(linksRaw) && linksRaw.length > 0) {
    const out: SpanLink[] = [];
    for (let i = 0; i < linksRaw.length; i++) {
      const l = readLink(linksRaw[i], b);
      if (typeof l === 'string') { b.warn(`${where()}.links[${i}]`, `link skipped: ${l}`); continue; }
      // A FOLLOWS_FROM parent in OTLP (gen-trace, our encoder): parentSpanId plus, as the FIRST link, a link to the
      // parent typed follows_from. A follows_from link to the parent in another position is an ordinary link.
      if (i === 0 && l.type === 'follows_from' && parentId !== undefined && l.spanId === parentId && l.traceId === traceId && l.attributes.length === 0) {
        parentRefType = 'follows_from';
        continue;
      }
      out.push(l);
    }
    if (out.length > 0) links = out;
  }
  const flags = s.flags;
  const span = makeSpan(traceId, spanId, parentId, name, kind, resource, scope, status, startNs, durationNs, attributes, events, links,
    typeof flags === 'number' && flags !== 0 ? flags : undefined);
  if (parentRefType) span.parentRefType = parentRefType;
  if (typeof s.traceState === 'string' && s.traceState !== '') span.traceState = s.traceState;
  if (warnings) span.warnings = warnings;
  return span;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * end − start of two decimal uint64 strings of the same length whose leading digits agree (the usual case: a span
 * lasts far less than 10^15 ns), computed on the last 15 digits without allocating bigints; −1 when that does not
 * apply (the caller then goes the exact bigint way).
 */
function decimalDifference(start: unknown, end: unknown): number {
  if (typeof start !== 'string' || typeof end !== 'string') return -1;
  const n = start.length;
  if (n !== end.length || n < 16 || n > 20) return -1;
  const head = n - 15;
  for (let i = 0; i < head; i++) if (start.charCodeAt(i) !== end.charCodeAt(i)) return -1;
  let a = 0, b = 0;
  for (let i = head; i < n; i++) {
    const x = start.charCodeAt(i) - 48, y = end.charCodeAt(i) - 48;
    if (x < 0 || x > 9 || y < 0 || y > 9) return -1;
    a = a * 10 + x;
    b = b * 10 + y;
  }
  return b >= a ? b - a : -1;
}
const NO_LINKS: readonly SpanLink[] = Object.freeze([]);
const NO_EVENTS: readonly SpanEvent[] = Object.freeze([]);

function readEvents(raw: unknown, b: Builder, where: () => string): readonly SpanEvent[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    if (raw !== undefined && raw !== null && !Array.isArray(raw)) b.warn(`${where()}.events`, `events must be an array, got ${describe(raw)}; ignored`);
    return NO_EVENTS;
  }
  const out: SpanEvent[] = [];
  for (let i = 0; i < raw.length; i++) {
    const e = raw[i];
    const ePath = () => `${where()}.events[${i}]`;
    if (!isObject(e)) { b.warn(ePath(), `event skipped: expected an object, got ${describe(e)}`); continue; }
    let timeNs: bigint | undefined;
    try {
      timeNs = nanosField(e.timeUnixNano, 'timeUnixNano');
    } catch (err) {
      b.warn(ePath() + '.timeUnixNano', `event skipped: ${(err as Error).message}`);
      continue;
    }
    if (timeNs === undefined) { b.warn(ePath(), 'event skipped: timeUnixNano is missing'); continue; }
    out.push({ timeNs, name: typeof e.name === 'string' ? b.intern(e.name) : '', attributes: otlpAttributes(e.attributes, b, ePath) });
  }
  return out.length ? out : NO_EVENTS;
}

function readLink(l: unknown, b: Builder): SpanLink | string {
  if (!isObject(l)) return `expected an object, got ${describe(l)}`;
  let traceId: string | undefined;
  let spanId: string | undefined;
  try {
    traceId = id(l.traceId, 'traceId', canonicalTraceId, true);
    spanId = id(l.spanId, 'spanId', canonicalSpanId, true);
  } catch (err) {
    return (err as Error).message;
  }
  let attributes: Attributes = otlpAttributes(l.attributes, b, () => '$');
  let type: LinkType = 'link';
  const refIdx = attributes.findIndex(a => a.key === REF_TYPE_KEY);
  if (refIdx >= 0) {
    const v = attributes[refIdx]!.value;
    if (v === 'follows_from' || v === 'child_of') {
      type = v;
      const rest: Attr[] = attributes.filter((_, i) => i !== refIdx);
      attributes = rest.length ? rest : NO_ATTRIBUTES;
    }
  }
  const link: Mutable<SpanLink> = { traceId: traceId!, spanId: spanId!, type, attributes };
  if (typeof l.traceState === 'string' && l.traceState !== '') link.traceState = l.traceState;
  return link;
}

// ---- snake_case (proto field names as JSON, e.g. Grafana's Tempo test data) --------------------------------------

function needsCamelize(list: unknown[]): boolean {
  const rs = list[0];
  if (!isObject(rs)) return false;
  if ('scope_spans' in rs || 'instrumentation_library_spans' in rs) return true;
  const groups = rs.scopeSpans ?? rs.instrumentationLibrarySpans;
  if (!Array.isArray(groups) || !isObject(groups[0])) return false;
  const spans = groups[0].spans;
  return Array.isArray(spans) && isObject(spans[0]) && ('trace_id' in spans[0] || 'start_time_unix_nano' in spans[0]);
}

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
/** Copy with snake_case keys renamed to camelCase; objects without a prototype so data keys stay data. */
function camelize(v: unknown, depth: number): unknown {
  if (depth > 64) throw new TraceParseError('document is nested too deeply', '$');
  if (Array.isArray(v)) return v.map(x => camelize(x, depth + 1));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(v)) {
    const key = SNAKE.test(k) ? k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : k;
    out[key] = camelize(v[k], depth + 1);
  }
  return out;
}

export { pathOf };
