// Leaf readers shared by the JSON parsers: timestamps, OTLP AnyValue/KeyValue lists, enums.
// These run once per span or attribute, so they are hand-written checks rather than zod schemas (zod validates the
// envelopes and the small structures around them; see otlp-json.ts and jaeger.ts).
import { NO_ATTRIBUTES, type Attr, type AttrValue, type Attributes, type SpanKind, type Status, STATUS_UNSET } from '../model';
import { BadSpan, Builder, MAX_VALUE_DEPTH, describe, isObject } from './builder';

const DIGITS = /^\d{1,20}$/;
const MAX_U64 = (1n << 64n) - 1n;

/** Unix ns from an OTLP int64 (decimal string or number). Undefined when absent; BadSpan when malformed. */
export function nanosField(v: unknown, field: string): bigint | undefined {
  if (typeof v === 'string') {
    if (!DIGITS.test(v)) {
      if (v === '') return undefined;
      throw new BadSpan(`${field} is not an unsigned integer: ${describe(v)}`, `.${field}`);
    }
    const n = BigInt(v);
    if (n > MAX_U64) throw new BadSpan(`${field} is out of the uint64 range`, `.${field}`);
    return n;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new BadSpan(`${field} is not an unsigned integer: ${describe(v)}`, `.${field}`);
    return BigInt(Math.trunc(v));
  }
  if (v === undefined || v === null) return undefined;
  throw new BadSpan(`${field} must be a decimal string or a number, got ${describe(v)}`, `.${field}`);
}

/** µs number (Jaeger, Zipkin) → unix ns. */
export function microsToNanos(v: unknown, field: string): bigint {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
    return Number.isSafeInteger(v) ? BigInt(v) * 1000n : BigInt(Math.round(v * 1000));
  }
  if (typeof v === 'string' && DIGITS.test(v)) return BigInt(v) * 1000n;
  throw new BadSpan(`${field} must be a non-negative number of microseconds, got ${describe(v)}`, `.${field}`);
}

const SAFE_INT = /^-?\d{1,15}$/;
/** OTLP int64 (string or number) → bigint; undefined when unreadable. */
export function int64(v: unknown): bigint | undefined {
  if (typeof v === 'string') {
    if (SAFE_INT.test(v)) return BigInt(v);
    if (/^-?\d{1,20}$/.test(v)) {
      const n = BigInt(v);
      return n >= -(1n << 63n) && n < (1n << 63n) ? n : undefined;
    }
    return undefined;
  }
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return undefined;
}

function double(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    return v.trim() !== '' && !Number.isNaN(n) ? n : undefined;
  }
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/**
 * OTLP JSON AnyValue → AttrValue. Accepts camelCase and snake_case keys (snake_case documents are camelized first,
 * so only camelCase is read here). Undefined when the value is unreadable.
 */
export function anyValue(v: unknown, b: Builder, depth: number): AttrValue | undefined {
  if (!isObject(v)) return undefined;
  let x = v.stringValue;
  if (x !== undefined) return typeof x === 'string' ? x : undefined;
  x = v.intValue;
  if (x !== undefined) return int64(x);
  x = v.boolValue;
  if (x !== undefined) return bool(x);
  x = v.doubleValue;
  if (x !== undefined) return double(x);
  x = v.bytesValue;
  if (x !== undefined) return typeof x === 'string' ? { bytes: x } : undefined;
  x = v.arrayValue;
  if (x !== undefined) {
    const array = listOf(x, b, depth, anyValue);
    return array === undefined ? undefined : { array };
  }
  x = v.kvlistValue;
  if (x !== undefined) {
    const kvlist = listOf(x, b, depth, keyValue);
    return kvlist === undefined ? undefined : { kvlist };
  }
  // An empty AnyValue is legal OTLP (no value set): read it as the empty string.
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && v[k] !== null) return undefined;
  return '';
}

/**
 * The elements of an ArrayValue or KeyValueList, each read by `read` one level deeper: none when `values` is absent
 * (an empty list is legal OTLP). A list is kept whole or not at all: undefined when it, or any one element, is
 * unreadable, or when it is nested deeper than MAX_VALUE_DEPTH. `read` is handed `b` and the depth instead of
 * closing over them, so that reading a list allocates nothing but the list.
 */
function listOf<T>(x: unknown, b: Builder, depth: number, read: (item: unknown, b: Builder, depth: number) => T | undefined): T[] | undefined {
  if (depth >= MAX_VALUE_DEPTH || !isObject(x)) return undefined;
  const values = x.values;
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) return undefined;
  const out: T[] = [];
  for (const item of values) {
    const e = read(item, b, depth + 1);
    if (e === undefined) return undefined;
    out.push(e);
  }
  return out;
}

/** One entry of a KeyValueList (a kvlistValue's element); a missing value reads as the empty string. */
function keyValue(kv: unknown, b: Builder, depth: number): Attr | undefined {
  if (!isObject(kv) || typeof kv.key !== 'string') return undefined;
  const value = kv.value === undefined || kv.value === null ? '' : anyValue(kv.value, b, depth);
  return value === undefined ? undefined : { key: b.intern(kv.key), value };
}

/**
 * OTLP KeyValue list → Attributes. Unreadable entries are skipped with a warning at `path` (computed lazily by the
 * caller's `where`), so one bad attribute does not cost the span.
 */
export function otlpAttributes(list: unknown, b: Builder, where: () => string, field = 'attributes'): Attributes {
  if (list === undefined || list === null) return NO_ATTRIBUTES;
  if (!Array.isArray(list)) {
    b.warn(`${where()}.${field}`, `${field} must be an array, got ${describe(list)}; ignored`);
    return NO_ATTRIBUTES;
  }
  if (list.length === 0) return NO_ATTRIBUTES;
  const out: Attr[] = [];
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    if (isObject(kv) && typeof kv.key === 'string') {
      const e = b.keyEntry(kv.key);
      const raw = kv.value;
      if (isObject(raw)) {
        // Fast paths for the common scalar types, sharing Attr objects (see Builder.sharedAttr).
        const sv = raw.stringValue;
        if (typeof sv === 'string') { out.push(b.sharedAttr(e, sv)); continue; }
        const iv = raw.intValue;
        if (typeof iv === 'string' || typeof iv === 'number') {
          const a = b.sharedInt(e, iv, int64);
          if (a !== undefined) { out.push(a); continue; }
        } else {
          const bv = raw.boolValue;
          if (typeof bv === 'boolean') { out.push(b.sharedAttr(e, bv)); continue; }
        }
      }
      const value = raw === undefined || raw === null ? '' : anyValue(raw, b, 0);
      if (value !== undefined) {
        out.push({ key: e.key, value });
        continue;
      }
    }
    b.warn(`${where()}.${field}[${i}]`, `unreadable attribute ${isObject(kv) && typeof kv.key === 'string' ? JSON.stringify(kv.key) : ''} skipped`.replace('  ', ' '));
  }
  return out.length === 0 ? NO_ATTRIBUTES : out;
}

const KIND_BY_NAME: Record<string, SpanKind> = {
  SPAN_KIND_UNSPECIFIED: 'unspecified', SPAN_KIND_INTERNAL: 'internal', SPAN_KIND_SERVER: 'server',
  SPAN_KIND_CLIENT: 'client', SPAN_KIND_PRODUCER: 'producer', SPAN_KIND_CONSUMER: 'consumer',
  UNSPECIFIED: 'unspecified', INTERNAL: 'internal', SERVER: 'server', CLIENT: 'client', PRODUCER: 'producer', CONSUMER: 'consumer',
};
export const KIND_BY_NUMBER: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** OTLP kind: int or enum name (Tempo), any case; unknown values read as unspecified. */
export function otlpKind(v: unknown): SpanKind | undefined {
  if (typeof v === 'number') return KIND_BY_NUMBER[v];
  if (typeof v === 'string') return Object.prototype.hasOwnProperty.call(KIND_BY_NAME, v.toUpperCase()) ? KIND_BY_NAME[v.toUpperCase()] : undefined;
  if (v === undefined || v === null) return 'unspecified';
  return undefined;
}

/** Jaeger `span.kind` tag / Zipkin kind (lowercase or uppercase names). */
export function kindName(v: unknown): SpanKind | undefined {
  if (typeof v !== 'string') return undefined;
  const k = KIND_BY_NAME[v.toUpperCase()];
  return Object.prototype.hasOwnProperty.call(KIND_BY_NAME, v.toUpperCase()) ? k : undefined;
}

const STATUS_OK: Status = Object.freeze({ code: 'ok' });
const STATUS_ERROR: Status = Object.freeze({ code: 'error' });

export function makeStatus(code: 'unset' | 'ok' | 'error', message: string | undefined, b: Builder): Status {
  if (message === undefined || message === '') return code === 'unset' ? STATUS_UNSET : code === 'ok' ? STATUS_OK : STATUS_ERROR;
  return { code, message: b.intern(message) };
}

/** OTLP status code: int or enum name (`STATUS_CODE_ERROR`), also `ERROR`/`Error`. */
export function statusCode(v: unknown): 'unset' | 'ok' | 'error' | undefined {
  if (v === undefined || v === null || v === 0) return 'unset';
  if (v === 1) return 'ok';
  if (v === 2) return 'error';
  if (typeof v === 'string') {
    switch (v.toUpperCase()) {
      case 'STATUS_CODE_UNSET': case 'UNSET': return 'unset';
      case 'STATUS_CODE_OK': case 'OK': return 'ok';
      case 'STATUS_CODE_ERROR': case 'ERROR': return 'error';
    }
  }
  return undefined;
}
