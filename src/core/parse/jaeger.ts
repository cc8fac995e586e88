// Jaeger v1 / UI JSON: the `{data:[trace…]}` envelope of /api/traces, a bare trace object, or a bare array of spans
// with an inline `process` each (the span dump / anonymizer format).
//
// Mapping decisions (documented here, relied on by the OTLP encoder for round trips):
// - References: the first CHILD_OF to a span of the same trace is the parent; without one, the first FOLLOWS_FROM to a
//   span of the same trace is the parent with parentRefType 'follows_from'. Every other reference becomes a link typed
//   'child_of' or 'follows_from' (references to other traces included).
// - Tags `span.kind`, `otel.status_code`, `otel.status_description`, `otel.scope.name`, `otel.scope.version` and
//   `w3c.tracestate` are what Jaeger's OTLP translator writes for OTLP fields: they become kind, status, scope and
//   traceState and are REMOVED from the attributes (so a Jaeger rendering of OTLP data reads back like the OTLP).
//   The `error` tag is KEPT as an attribute (users search for it) and, when true (bool or the string "true"), makes the
//   status an error unless `otel.status_code` says otherwise. HTTP status codes alone are not errors.
// - Logs become events; the `event` field is the event name (removed from the event's attributes).
// - A process becomes one shared Resource; its serviceName is also the `service.name` attribute.
import * as z from '../schema';
import {
  NO_ATTRIBUTES, TraceParseError,
  type Attr, type AttrValue, type Attributes, type Resource, type Span, type SpanEvent, type SpanKind, type SpanLink, type StatusCode,
} from '../model';
import { canonicalSpanId, canonicalTraceId, isAllZeroId } from '../ids';
import { BadSpan, Builder, describe, isObject, keyPath, makeSpan, requiredId } from './builder';
import { int64, kindName, makeStatus, microsToNanos } from './values';
import { check, validate } from './zod-path';

const zTag = z.object({ key: z.string(), type: z.nullish(z.string()), value: z.unknown() });
const zProcess = z.object({ serviceName: z.nullish(z.string()), tags: z.nullish(z.array(zTag)) });
const zTrace = z.object({
  traceID: z.nullish(z.string()),
  spans: z.custom<unknown[]>(v => Array.isArray(v), 'expected an array of spans'),
  processes: z.nullish(z.custom<Record<string, unknown>>(v => isObject(v), 'expected an object of processes')),
  warnings: z.nullish(z.array(z.string())),
});
const zEnvelope = z.object({
  data: z.nullable(z.array(z.unknown())),
  errors: z.nullish(z.array(z.looseObject({ msg: z.nullish(z.string()), code: z.nullish(z.number()), traceID: z.nullish(z.string()) }))),
});


export function readJaegerDocument(doc: unknown, base: string, b: Builder): void {
  if (Array.isArray(doc)) {
    readSpans(doc, `${base}`, undefined, undefined, b);
    return;
  }
  if (!isObject(doc)) throw new TraceParseError(`expected a Jaeger document (object or span array), got ${describe(doc)}`, base);
  if ('data' in doc) {
    const env = validate(zEnvelope, doc, base, 'Jaeger envelope');
    for (const e of env.errors ?? []) b.warn(`${base}.errors`, `Jaeger reported an error${e.traceID ? ` for trace ${e.traceID}` : ''}: ${e.msg ?? '(no message)'}`);
    const data = env.data ?? [];
    for (let i = 0; i < data.length; i++) readTrace(data[i], `${base}.data[${i}]`, b, data.length > 1);
    return;
  }
  readTrace(doc, base, b, false);
}

function readTrace(t: unknown, path: string, b: Builder, tolerant: boolean): void {
  const r = check(zTrace, t, path);
  if (!r.ok) {
    if (!tolerant) throw new TraceParseError(`Jaeger trace: ${r.message} at ${r.path}`, r.path);
    b.warn(r.path, `trace skipped: ${r.message}`);
    return;
  }
  const trace = r.data;
  const processes = readProcesses(trace.processes, path, b);
  const traceId = typeof trace.traceID === 'string' && trace.traceID !== '' ? canonicalTraceId(trace.traceID) : undefined;
  readSpans(trace.spans, `${path}.spans`, traceId, processes, b);
  if (trace.warnings && trace.warnings.length) {
    const id = traceId ?? firstTraceId(trace.spans);
    if (id) b.addTraceWarnings(id, trace.warnings);
  }
}

/** A Jaeger trace's processes by ID: a Resource each, or why it could not be read. */
export function readProcesses(raw: Record<string, unknown> | null | undefined, path: string, b: Builder): Map<string, Resource | string> {
  const processes = new Map<string, Resource | string>();
  if (raw) {
    for (const key of Object.keys(raw)) {
      const p = check(zProcess, raw[key], `${path}.processes${keyPath(key)}`);
      processes.set(key, p.ok ? processResource(p.data, b) : `process ${JSON.stringify(key)} is unreadable (${p.message} at ${p.path})`);
    }
  }
  return processes;
}

function firstTraceId(spans: unknown[]): string | undefined {
  const s = spans[0];
  return isObject(s) && typeof s.traceID === 'string' ? canonicalTraceId(s.traceID) : undefined;
}

function readSpans(spans: unknown[], path: string, traceId: string | undefined, processes: Map<string, Resource | string> | undefined, b: Builder): void {
  for (let i = 0; i < spans.length; i++) b.readSpan(path, i, jaegerSpan, spans[i], traceId, processes);
}

function processResource(p: { serviceName?: string | null | undefined; tags?: Array<{ key: string; type?: string | null | undefined; value: unknown }> | null | undefined }, b: Builder): Resource {
  const service = p.serviceName ?? undefined;
  const list: Attr[] = [];
  let hasServiceName = false;
  for (const t of p.tags ?? []) {
    const v = tagValue(t.type, t.value);
    if (v === undefined) continue;
    if (t.key === 'service.name') hasServiceName = true;
    list.push({ key: b.intern(t.key), value: v });
  }
  if (service !== undefined && !hasServiceName) list.unshift({ key: 'service.name', value: b.intern(service) });
  return b.resource(service, list.length ? list : NO_ATTRIBUTES);
}

const unknownProcessCache = new WeakMap<Builder, Resource>();
function unknownResource(b: Builder): Resource {
  let r = unknownProcessCache.get(b);
  if (!r) { r = b.resource(undefined, NO_ATTRIBUTES); unknownProcessCache.set(b, r); }
  return r;
}

/** A Jaeger tag value by its declared type (int64 > 2^53 arrive as strings, binary as base64). */
export function tagValue(type: unknown, value: unknown): AttrValue | undefined {
  const t = typeof type === 'string' ? type : '';
  switch (t) {
    case 'string': case 'STRING':
      return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
    case 'bool': case 'BOOL':
      if (typeof value === 'boolean') return value;
      if (value === 'true') return true;
      if (value === 'false') return false;
      return undefined;
    case 'int64': case 'INT64':
      return int64(value);
    case 'float64': case 'FLOAT64':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
      return undefined;
    case 'binary': case 'BINARY':
      return typeof value === 'string' ? { bytes: value } : undefined;
    default:
      // No or unknown type: go by the JSON type.
      if (typeof value === 'string') return value;
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
      return undefined;
  }
}

const NO_LINKS: readonly SpanLink[] = Object.freeze([]);
const NO_EVENTS: readonly SpanEvent[] = Object.freeze([]);

export function jaegerSpan(s: unknown, traceTraceId: string | undefined, processes: Map<string, Resource | string> | undefined, b: Builder, where: () => string): Span {
  if (!isObject(s)) throw new BadSpan(`expected a span object, got ${describe(s)}`);
  const traceId = s.traceID === undefined && traceTraceId !== undefined ? traceTraceId : requiredId(s.traceID, 'traceID', canonicalTraceId);
  const spanId = requiredId(s.spanID, 'spanID', canonicalSpanId);
  const startNs = microsToNanos(s.startTime, 'startTime');
  let warnings: string[] | undefined;
  const d = s.duration;
  let durationNs = 0;
  if (typeof d === 'number' && d >= 0 && Number.isFinite(d)) durationNs = Math.round(d * 1000);
  else (warnings ??= []).push(`duration ${describe(d)} is not a non-negative number: set to 0`);
  const op = s.operationName;
  const name = typeof op === 'string' ? b.intern(op) : '';
  if (typeof op !== 'string') (warnings ??= []).push(`operationName is ${describe(op)}, not a string`);

  // Resource: processID into the trace's processes, or an inline process.
  let resource: Resource;
  const proc = s.process;
  if (isObject(proc)) {
    const p = check(zProcess, proc, '');
    if (p.ok) resource = processResource(p.data, b);
    else { resource = unknownResource(b); (warnings ??= []).push(`process is unreadable: ${p.message}`); }
  } else {
    const pid = s.processID;
    const found = typeof pid === 'string' && processes ? processes.get(pid) : undefined;
    if (found === undefined) { resource = unknownResource(b); (warnings ??= []).push(`process ${describe(pid)} not found`); }
    else if (typeof found === 'string') { resource = unknownResource(b); (warnings ??= []).push(found); }
    else resource = found;
  }

  // Tags → attributes, with the OTLP-mapped ones lifted out.
  let kind: SpanKind = 'unspecified';
  let statusCode: StatusCode | undefined;
  let statusMessage: string | undefined;
  let errorTag = false;
  let scopeName: string | undefined;
  let scopeVersion: string | undefined;
  let traceState: string | undefined;
  let attributes: Attributes = NO_ATTRIBUTES;
  const tags = s.tags;
  if (Array.isArray(tags) && tags.length > 0) {
    const out: Attr[] = [];
    for (let i = 0; i < tags.length; i++) {
      const t = tags[i];
      if (!isObject(t) || typeof t.key !== 'string') { b.warn(`${where()}.tags[${i}]`, 'tag skipped: expected {key, type, value}'); continue; }
      const key = t.key;
      const tv = t.value;
      if (key.length > 5 || (key !== 'error' && key !== 'event')) {
        // Not one of the lifted OTel tags (checked below by prefix): the fast path with shared Attr objects.
        const c0 = key.charCodeAt(0);
        if (c0 !== 115 /* s */ && c0 !== 111 /* o */ && c0 !== 119 /* w */) {
          const type = t.type;
          if (type === 'string' && typeof tv === 'string') { out.push(b.sharedAttr(b.keyEntry(key), tv)); continue; }
          if (type === 'int64' && (typeof tv === 'number' || typeof tv === 'string')) {
            const a = b.sharedInt(b.keyEntry(key), tv, int64);
            if (a !== undefined) { out.push(a); continue; }
          } else if (type === 'bool' && typeof tv === 'boolean') { out.push(b.sharedAttr(b.keyEntry(key), tv)); continue; }
        }
      }
      const value = tagValue(t.type, tv);
      if (value === undefined) { b.warn(`${where()}.tags[${i}].value`, `tag ${JSON.stringify(key)} skipped: value ${describe(t.value)} does not match type ${describe(t.type)}`); continue; }
      switch (key) {
        case 'span.kind': {
          const k = kindName(value);
          if (k !== undefined) { kind = k; continue; }
          break;
        }
        case 'otel.status_code': {
          const c = typeof value === 'string' ? value.toUpperCase() : '';
          if (c === 'OK' || c === 'ERROR' || c === 'UNSET') { statusCode = c === 'OK' ? 'ok' : c === 'ERROR' ? 'error' : 'unset'; continue; }
          break;
        }
        // Tags the model keeps as span fields when they are strings; any other value stays an ordinary attribute.
        case 'otel.status_description': case 'otel.scope.name': case 'otel.scope.version': case 'w3c.tracestate':
          if (typeof value !== 'string') break;
          if (key === 'otel.status_description') statusMessage = value;
          else if (key === 'otel.scope.name') scopeName = value;
          else if (key === 'otel.scope.version') scopeVersion = value;
          else traceState = value;
          continue;
        case 'error':
          if (value === true || value === 'true') errorTag = true;
          break;
      }
      out.push(typeof value === 'string' || typeof value === 'boolean' ? b.sharedAttr(b.keyEntry(key), value) : { key: b.keyEntry(key).key, value });
    }
    if (out.length) attributes = out;
  } else if (tags !== undefined && tags !== null && !Array.isArray(tags)) {
    b.warn(`${where()}.tags`, `tags must be an array, got ${describe(tags)}; ignored`);
  }
  const status = makeStatus(statusCode ?? (errorTag ? 'error' : 'unset'), statusMessage, b);

  // References → parent + links.
  let parentId: string | undefined;
  let parentRefType: 'follows_from' | undefined;
  let links: readonly SpanLink[] = NO_LINKS;
  const refs = s.references;
  const only = Array.isArray(refs) && refs.length === 1 ? refs[0] : undefined;
  if (isObject(only) && only.refType === 'CHILD_OF' && typeof only.spanID === 'string' && (only.traceID === s.traceID || only.traceID === undefined) && only.spanID !== '' && !isAllZeroId(only.spanID)) {
    // The common case, one CHILD_OF to the same trace, without the temporary objects of the general path.
    parentId = canonicalSpanId(only.spanID);
  } else if (Array.isArray(refs) && refs.length > 0) {
    let parentIdx = -1;
    const parsed: Array<SpanLink | undefined> = [];
    for (let i = 0; i < refs.length; i++) {
      const r = refs[i];
      if (!isObject(r) || typeof r.spanID !== 'string') { parsed.push(undefined); b.warn(`${where()}.references[${i}]`, 'reference skipped: expected {refType, traceID, spanID}'); continue; }
      const rt = typeof r.refType === 'string' ? r.refType.toUpperCase() : 'CHILD_OF';
      const rSpan = canonicalSpanId(r.spanID);
      const rTrace = typeof r.traceID === 'string' ? canonicalTraceId(r.traceID) : traceId;
      if (rSpan === '' || isAllZeroId(rSpan)) { parsed.push(undefined); b.warn(`${where()}.references[${i}].spanID`, 'reference skipped: empty or all-zero spanID'); continue; }
      parsed.push({ traceId: rTrace, spanId: rSpan, type: rt === 'FOLLOWS_FROM' ? 'follows_from' : 'child_of', attributes: NO_ATTRIBUTES });
    }
    for (let i = 0; i < parsed.length && parentIdx < 0; i++) { const p = parsed[i]; if (p && p.type === 'child_of' && p.traceId === traceId) parentIdx = i; }
    for (let i = 0; i < parsed.length && parentIdx < 0; i++) { const p = parsed[i]; if (p && p.type === 'follows_from' && p.traceId === traceId) parentIdx = i; }
    if (parentIdx >= 0) {
      const p = parsed[parentIdx]!;
      parentId = p.spanId;
      if (p.type === 'follows_from') parentRefType = 'follows_from';
    }
    const out: SpanLink[] = [];
    for (let i = 0; i < parsed.length; i++) { const p = parsed[i]; if (p && i !== parentIdx) out.push(p); }
    if (out.length) links = out;
  } else if (typeof s.parentSpanID === 'string' && s.parentSpanID !== '') {
    const p = canonicalSpanId(s.parentSpanID);
    if (!isAllZeroId(p)) parentId = p;
  }

  const events = readLogs(s.logs, b, where);
  const flags = s.flags;
  const span = makeSpan(traceId, spanId, parentId, name, kind, resource, scopeName !== undefined ? b.scope(scopeName, scopeVersion, NO_ATTRIBUTES) : undefined,
    status, startNs, durationNs, attributes, events, links, typeof flags === 'number' && flags !== 0 ? flags : undefined);
  if (parentRefType) span.parentRefType = parentRefType;
  if (traceState) span.traceState = traceState;
  const sw = s.warnings;
  if (Array.isArray(sw)) for (const w of sw) if (typeof w === 'string') (warnings ??= []).push(w);
  if (warnings) span.warnings = warnings;
  return span;
}

function readLogs(logs: unknown, b: Builder, where: () => string): readonly SpanEvent[] {
  if (!Array.isArray(logs) || logs.length === 0) return NO_EVENTS;
  const out: SpanEvent[] = [];
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    if (!isObject(l)) { b.warn(`${where()}.logs[${i}]`, 'log skipped: expected an object'); continue; }
    let timeNs: bigint;
    try {
      timeNs = microsToNanos(l.timestamp, 'timestamp');
    } catch (err) {
      b.warn(`${where()}.logs[${i}].timestamp`, `log skipped: ${(err as Error).message}`);
      continue;
    }
    let name = '';
    const attrs: Attr[] = [];
    const fields = l.fields;
    if (Array.isArray(fields)) {
      for (const f of fields) {
        if (!isObject(f) || typeof f.key !== 'string') continue;
        const v = tagValue(f.type, f.value);
        if (v === undefined) continue;
        if (f.key === 'event' && typeof v === 'string' && name === '') { name = v; continue; }
        attrs.push({ key: b.intern(f.key), value: v });
      }
    }
    out.push({ timeNs, name, attributes: attrs.length ? attrs : NO_ATTRIBUTES });
  }
  return out.length ? out : NO_EVENTS;
}
