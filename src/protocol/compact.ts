// The compact, columnar form of an analysed trace that travels from the extension host to the webview.
//
// Why columnar: 100k spans as objects cost seconds to structured-clone and hundreds of MB of heap; as ~40 typed
// arrays plus ONE string (every distinct string concatenated, with an end-offset table) a postMessage is a few
// memcpys and the webview reads spans through `CompactView` accessors without materialising them.
//
// Indices: span `i` is the index into `trace.spans` (document order), the same index the analysis uses.
// String index 0 is always the empty string and doubles as "absent".

import type { Attr, AttrValue, SpanKind, StatusCode, Trace } from '../core/model';
import { SPAN_KINDS, attrToJson } from '../core/model';
import type { CodeLocation, FindingKind, FindingSeverity, OperationStats, ServiceStats, TraceAnalysis } from '../core/analysis/types';

export const COMPACT_VERSION = 1;

/** Attribute value types as stored in `attrType` (low 7 bits); bit 7 marks a value cut at `maxValueChars`. */
export const AttrType = { String: 0, Bool: 1, Double: 2, Int: 3, Bytes: 4, Array: 5, KvList: 6 } as const;
export type AttrTypeCode = (typeof AttrType)[keyof typeof AttrType];
export const ATTR_TRUNCATED = 0x80;
export const ATTR_TYPE_NAMES = ['string', 'bool', 'double', 'int', 'bytes', 'array', 'kvlist'] as const;
export type AttrTypeName = (typeof ATTR_TYPE_NAMES)[number];

const STATUS_CODES: readonly StatusCode[] = ['unset', 'ok', 'error'];
const LINK_TYPES = ['link', 'follows_from', 'child_of'] as const;
const CODE_SOURCES: readonly (CodeLocation['source'] | undefined)[] = [undefined, 'code.attributes', 'code.attributes.old', 'datadog.code_origin', 'stacktrace'];
const NO_NUMBER = 0xffffffff;
/** Attribute values longer than this are stored without de-duplication. */
const INTERN_MAX = 4096;

/** Every typed array of the compact trace. Grouped by what they are indexed by. */
export interface CompactColumns {
  // ---- per span (length spanCount; *Start arrays have spanCount + 1 entries) ----
  readonly spanId: Uint32Array;
  /** The parent span ID as written (string index, 0 = none); the parent may be absent from the trace. */
  readonly parentId: Uint32Array;
  readonly name: Uint32Array;
  /** Resource index. */
  readonly resource: Uint32Array;
  /** Scope index, -1 = none. */
  readonly scope: Int32Array;
  /** Index into SPAN_KINDS. */
  readonly kind: Uint8Array;
  /** 0 unset, 1 ok, 2 error. */
  readonly status: Uint8Array;
  readonly statusMessage: Uint32Array;
  /** Parent span index, -1 for top-level spans. */
  readonly parent: Int32Array;
  readonly depth: Uint16Array;
  /** SpanFlag bits. */
  readonly flags: Uint16Array;
  readonly relStartNs: Float64Array;
  readonly durationNs: Float64Array;
  readonly selfNs: Float64Array;
  readonly skewNs: Float64Array;
  readonly codeFile: Uint32Array;
  /** 1-based; 0xffffffff = unknown. */
  readonly codeLine: Uint32Array;
  /** 1-based; 0xffffffff = unknown. */
  readonly codeColumn: Uint32Array;
  readonly codeFunction: Uint32Array;
  readonly codeNamespace: Uint32Array;
  /** Index into CODE_SOURCES, 0 = no code location. */
  readonly codeSource: Uint8Array;
  /** Span attributes: [start, end) pairs into the attribute pool (2 entries per span). */
  readonly attrRange: Uint32Array;
  readonly eventStart: Uint32Array;
  readonly linkStart: Uint32Array;
  readonly warnStart: Uint32Array;
  /** Depth-first row order of all spans. */
  readonly preorder: Int32Array;
  // ---- per resource ----
  readonly resService: Uint32Array;
  /** [start, end) pairs into the attribute pool. */
  readonly resAttrRange: Uint32Array;
  // ---- per scope ----
  readonly scopeName: Uint32Array;
  readonly scopeVersion: Uint32Array;
  /** [start, end) pairs into the attribute pool. */
  readonly scopeAttrRange: Uint32Array;
  // ---- per event ----
  readonly eventRelNs: Float64Array;
  readonly eventName: Uint32Array;
  /** [start, end) pairs into the attribute pool. */
  readonly eventAttrRange: Uint32Array;
  // ---- per link ----
  readonly linkTraceId: Uint32Array;
  readonly linkSpanId: Uint32Array;
  readonly linkType: Uint8Array;
  /** [start, end) pairs into the attribute pool. */
  readonly linkAttrRange: Uint32Array;
  // ---- per span warning ----
  readonly warnText: Uint32Array;
  // ---- attribute pool (span, resource, scope, event and link attributes) ----
  readonly attrKey: Uint32Array;
  readonly attrType: Uint8Array;
  readonly attrValue: Uint32Array;
  // ---- analysis ----
  readonly criticalPath: Int32Array;
  readonly errorOrigins: Int32Array;
  readonly propagatedErrors: Int32Array;
}

export interface CompactFinding {
  readonly kind: FindingKind;
  readonly spanIndex: number;
  readonly relatedSpanIndices: readonly number[];
  readonly message: string;
  readonly severity?: FindingSeverity;
  readonly totalNs?: number;
  readonly savingNs?: number;
  readonly codeLocation?: CodeLocation;
}

export interface CompactTrace {
  readonly v: typeof COMPACT_VERSION;
  readonly traceId: string;
  readonly format: string;
  /** Earliest span start, unix ns, decimal (bigint does not survive every transport). */
  readonly startNs: string;
  readonly durationNs: number;
  readonly spanCount: number;
  readonly traceWarnings: readonly string[];
  /** Every distinct string, concatenated. */
  readonly strings: string;
  /** End offset of string k in `strings` (start is the previous end, 0 for k = 0). */
  readonly stringEnds: Uint32Array;
  readonly cols: CompactColumns;
  readonly findings: readonly CompactFinding[];
  readonly services: readonly ServiceStats[];
  readonly operations: readonly OperationStats[];
  readonly maxDepth: number;
  readonly errorCount: number;
  /**
   * Present on a preview: the first spans of a big document, shown while the whole is parsed (the complete trace
   * follows as an update). Its analysis (critical path, findings, statistics) covers only these spans.
   */
  readonly partial?: { readonly totalSpans: number };
}

export interface EncodeOptions {
  /** Attribute values longer than this are cut (and marked truncated). Default 256 KiB of UTF-16 units. */
  readonly maxValueChars?: number;
  /** Names, IDs and other short strings are cut at this length. Default 4096. */
  readonly maxNameChars?: number;
}

class StringTable {
  private readonly index = new Map<string, number>([['', 0]]);
  private readonly parts: string[] = [''];
  private readonly ends: number[] = [0];
  private length = 0;
  intern(s: string): number {
    let k = this.index.get(s);
    if (k === undefined) {
      k = this.parts.length;
      this.index.set(s, k);
      this.parts.push(s);
      this.length += s.length;
      this.ends.push(this.length);
    }
    return k;
  }
  /** Append without looking for an equal string (long values are rarely repeated; hashing them costs more). */
  append(s: string): number {
    const k = this.parts.length;
    this.parts.push(s);
    this.length += s.length;
    this.ends.push(this.length);
    return k;
  }
  finish(): { strings: string; stringEnds: Uint32Array } {
    return { strings: this.parts.join(''), stringEnds: Uint32Array.from(this.ends) };
  }
}

type PooledArray = Uint32Array | Uint8Array | Float64Array;
/**
 * Growable typed-array builder for the pooled (variable-length) columns, one class for the three element types
 * (an A/B of encodeCompactTrace on a 100k-span trace showed no difference from three monomorphic copies).
 */
class Pool<A extends PooledArray> {
  a: A;
  n = 0;
  constructor(private readonly make: (length: number) => A, cap: number) { this.a = make(cap); }
  push(v: number): void {
    if (this.n === this.a.length) { const b = this.make(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
  done(): A { return this.a.slice(0, this.n) as A; }
}
const U32 = (cap = 1024): Pool<Uint32Array> => new Pool(n => new Uint32Array(n), cap);
const U8 = (cap = 1024): Pool<Uint8Array> => new Pool(n => new Uint8Array(n), cap);
const F64 = (cap = 256): Pool<Float64Array> => new Pool(n => new Float64Array(n), cap);

function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/** Encode an analysed trace. Pure; O(spans + attributes). */
export function encodeCompactTrace(analysis: TraceAnalysis, opts: EncodeOptions = {}): CompactTrace {
  const maxValue = opts.maxValueChars ?? 256 * 1024;
  const maxName = opts.maxNameChars ?? 4096;
  const tree = analysis.tree;
  const trace: Trace = tree.trace;
  const spans = trace.spans;
  const n = spans.length;
  const st = new StringTable();
  const S = (s: string | undefined): number => (s ? st.intern(cut(s, maxName)) : 0);

  const attrKey = U32(n * 8 + 16);
  const attrType = U8(n * 8 + 16);
  const attrValue = U32(n * 8 + 16);
  const pushAttrs = (attrs: readonly Attr[], range: Pool<Uint32Array>): void => {
    range.push(attrKey.n);
    for (let k = 0; k < attrs.length; k++) {
      const a = attrs[k]!;
      const v = a.value;
      let type: AttrTypeCode;
      let text: string;
      // Inline of encodeValue (this loop runs once per attribute: ~700k times for a 100k-span trace).
      if (typeof v === 'string') { type = AttrType.String; text = v; }
      else if (typeof v === 'boolean') { type = AttrType.Bool; text = v ? 'true' : 'false'; }
      else if (typeof v === 'number') { type = AttrType.Double; text = String(v); }
      else if (typeof v === 'bigint') { type = AttrType.Int; text = v.toString(); }
      else [type, text] = encodeValue(v);
      const long = text.length > maxValue;
      attrKey.push(a.key.length > maxName ? st.intern(a.key.slice(0, maxName)) : st.intern(a.key));
      attrType.push(type | (long ? ATTR_TRUNCATED : 0));
      attrValue.push(text.length > INTERN_MAX ? st.append(long ? text.slice(0, maxValue) : text) : text.length === 0 ? 0 : st.intern(text));
    }
    range.push(attrKey.n);
  };

  // Resources and scopes are shared objects in well-behaved parsers; fall back to content keys when not.
  const resByRef = new Map<object, number>();
  const resByKey = new Map<string, number>();
  const resService = U32(64);
  const resAttrRange = U32(128);
  const scopeByRef = new Map<object, number>();
  const scopeByKey = new Map<string, number>();
  const scopeName = U32(64);
  const scopeVersion = U32(64);
  const scopeAttrRange = U32(128);
  const resourceIndex = (span: (typeof spans)[number]): number => {
    const r = span.resource;
    let k = resByRef.get(r);
    if (k !== undefined) return k;
    const key = r.serviceName + '\u0000' + r.attributes.map(a => a.key + '\u0001' + attrText(a.value)).join('\u0002');
    k = resByKey.get(key);
    if (k === undefined) {
      k = resService.n;
      resByKey.set(key, k);
      resService.push(S(r.serviceName));
      pushAttrs(r.attributes, resAttrRange);
    }
    resByRef.set(r, k);
    return k;
  };
  const scopeIndex = (span: (typeof spans)[number]): number => {
    const s = span.scope;
    if (!s) return -1;
    let k = scopeByRef.get(s);
    if (k !== undefined) return k;
    const key = s.name + '\u0000' + (s.version ?? '') + '\u0000' + s.attributes.map(a => a.key + '\u0001' + attrText(a.value)).join('\u0002');
    k = scopeByKey.get(key);
    if (k === undefined) {
      k = scopeName.n;
      scopeByKey.set(key, k);
      scopeName.push(S(s.name));
      scopeVersion.push(S(s.version));
      pushAttrs(s.attributes, scopeAttrRange);
    }
    scopeByRef.set(s, k);
    return k;
  };

  const spanId = new Uint32Array(n);
  const parentId = new Uint32Array(n);
  const name = new Uint32Array(n);
  const resource = new Uint32Array(n);
  const scope = new Int32Array(n);
  const kind = new Uint8Array(n);
  const status = new Uint8Array(n);
  const statusMessage = new Uint32Array(n);
  const durationNs = new Float64Array(n);
  const codeFile = new Uint32Array(n);
  const codeLine = new Uint32Array(n).fill(NO_NUMBER);
  const codeColumn = new Uint32Array(n).fill(NO_NUMBER);
  const codeFunction = new Uint32Array(n);
  const codeNamespace = new Uint32Array(n);
  const codeSource = new Uint8Array(n);
  const attrRange = U32(2 * n + 2);
  const eventStart = new Uint32Array(n + 1);
  const linkStart = new Uint32Array(n + 1);
  const warnStart = new Uint32Array(n + 1);
  const eventRelNs = F64(256);
  const eventName = U32(256);
  const eventAttrRange = U32(512);
  const linkTraceId = U32(64);
  const linkSpanId = U32(64);
  const linkType = U8(64);
  const linkAttrRange = U32(128);
  const warnText = U32(16);
  const t0 = tree.startNs;

  // Span IDs are appended, not interned: each is (nearly always) unique, and hashing 100k of them into the table
  // cost more than the rest of a span's strings. A parent ID that is its parent span's ID shares that string.
  for (let i = 0; i < n; i++) {
    const id = spans[i]!.spanId;
    spanId[i] = id ? st.append(cut(id, maxName)) : 0;
  }
  for (let i = 0; i < n; i++) {
    const sp = spans[i]!;
    const par = tree.parent[i]!;
    parentId[i] = !sp.parentId ? 0 : par >= 0 && spans[par]!.spanId === sp.parentId ? spanId[par]! : S(sp.parentId);
    name[i] = S(sp.name);
    resource[i] = resourceIndex(sp);
    scope[i] = scopeIndex(sp);
    const k = SPAN_KINDS.indexOf(sp.kind);
    kind[i] = k < 0 ? 0 : k;
    status[i] = sp.status.code === 'error' ? 2 : sp.status.code === 'ok' ? 1 : 0;
    statusMessage[i] = sp.status.message ? st.intern(cut(sp.status.message, maxValue)) : 0;
    durationNs[i] = sp.durationNs;
    const loc = analysis.codeLocations[i];
    if (loc) {
      codeFile[i] = S(loc.filePath);
      if (loc.line !== undefined && loc.line >= 0 && loc.line < NO_NUMBER) codeLine[i] = loc.line;
      if (loc.column !== undefined && loc.column >= 0 && loc.column < NO_NUMBER) codeColumn[i] = loc.column;
      codeFunction[i] = S(loc.function);
      codeNamespace[i] = S(loc.namespace);
      codeSource[i] = Math.max(1, CODE_SOURCES.indexOf(loc.source));
    }
    pushAttrs(sp.attributes, attrRange);
    eventStart[i] = eventName.n;
    for (const ev of sp.events) {
      eventRelNs.push(Number(ev.timeNs - t0));
      eventName.push(S(ev.name));
      pushAttrs(ev.attributes, eventAttrRange);
    }
    linkStart[i] = linkType.n;
    for (const l of sp.links) {
      linkTraceId.push(S(l.traceId));
      linkSpanId.push(S(l.spanId));
      linkType.push(Math.max(0, LINK_TYPES.indexOf(l.type)));
      pushAttrs(l.attributes, linkAttrRange);
    }
    warnStart[i] = warnText.n;
    if (sp.warnings) for (const w of sp.warnings) warnText.push(st.intern(cut(w, maxName)));
  }
  eventStart[n] = eventName.n;
  linkStart[n] = linkType.n;
  warnStart[n] = warnText.n;

  const { strings, stringEnds } = st.finish();
  const selfNs = analysis.selfTimeNs instanceof Float64Array && analysis.selfTimeNs.length === n ? analysis.selfTimeNs.slice() : Float64Array.from({ length: n }, (_, i) => analysis.selfTimeNs[i] ?? 0);
  return {
    v: COMPACT_VERSION,
    traceId: trace.traceId,
    format: trace.format,
    startNs: t0.toString(),
    durationNs: tree.durationNs,
    spanCount: n,
    traceWarnings: trace.warnings.slice(0, 100).map(w => cut(w, maxName)),
    strings,
    stringEnds,
    cols: {
      spanId, parentId, name, resource, scope, kind, status, statusMessage,
      parent: Int32Array.from(tree.parent),
      depth: Uint16Array.from(tree.depth),
      flags: Uint16Array.from(tree.flags),
      relStartNs: Float64Array.from(tree.relStartNs),
      durationNs,
      selfNs,
      skewNs: Float64Array.from(tree.skewNs),
      codeFile, codeLine, codeColumn, codeFunction, codeNamespace, codeSource,
      attrRange: attrRange.done(), eventStart, linkStart, warnStart,
      preorder: Int32Array.from(tree.preorder),
      resService: resService.done(), resAttrRange: resAttrRange.done(),
      scopeName: scopeName.done(), scopeVersion: scopeVersion.done(), scopeAttrRange: scopeAttrRange.done(),
      eventRelNs: eventRelNs.done(), eventName: eventName.done(), eventAttrRange: eventAttrRange.done(),
      linkTraceId: linkTraceId.done(), linkSpanId: linkSpanId.done(), linkType: linkType.done(), linkAttrRange: linkAttrRange.done(),
      warnText: warnText.done(),
      attrKey: attrKey.done(), attrType: attrType.done(), attrValue: attrValue.done(),
      criticalPath: Int32Array.from(analysis.criticalPath),
      errorOrigins: Int32Array.from(analysis.errorOrigins),
      propagatedErrors: Int32Array.from(analysis.propagatedErrors),
    },
    findings: analysis.findings.slice(0, 1000).map(f => ({
      kind: f.kind,
      spanIndex: f.spanIndex,
      relatedSpanIndices: f.relatedSpanIndices.slice(0, 10_000),
      message: cut(f.message, maxName),
      severity: f.severity,
      ...(f.totalNs !== undefined ? { totalNs: f.totalNs } : {}),
      ...(f.savingNs !== undefined ? { savingNs: f.savingNs } : {}),
      ...(f.codeLocation ? { codeLocation: { ...f.codeLocation } } : {}),
    })),
    services: analysis.services.map(s => ({ ...s })),
    operations: analysis.operations.map(o => ({ ...o })),
    maxDepth: analysis.maxDepth,
    errorCount: analysis.errorCount,
  };
}

function encodeValue(v: AttrValue): [AttrTypeCode, string] {
  switch (typeof v) {
    case 'string': return [AttrType.String, v];
    case 'boolean': return [AttrType.Bool, v ? 'true' : 'false'];
    case 'number': return [AttrType.Double, String(v)];
    case 'bigint': return [AttrType.Int, v.toString()];
    default:
      if ('bytes' in v) return [AttrType.Bytes, v.bytes];
      if ('array' in v) return [AttrType.Array, safeJson(attrToJson(v))];
      return [AttrType.KvList, safeJson(attrToJson(v))];
  }
}

function safeJson(x: unknown): string {
  try { return JSON.stringify(x) ?? ''; } catch { return ''; }
}

function attrText(v: AttrValue): string {
  return encodeValue(v)[1];
}

// ---------------------------------------------------------------------------------------------------------------
// Reading: CompactView (used by the webview and by the host to look at spans without a Trace).

export interface CompactAttr {
  readonly key: string;
  readonly type: AttrTypeName;
  /** Display text: strings as is, numbers/bools as written, int64 in decimal, bytes base64, arrays/maps JSON. */
  readonly value: string;
  /** The value was cut at the encoder's `maxValueChars`. */
  readonly truncated: boolean;
}
export interface CompactEvent {
  /** Relative to the trace start, ns. */
  readonly relNs: number;
  readonly name: string;
  readonly attributes: readonly CompactAttr[];
}
export interface CompactLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly type: (typeof LINK_TYPES)[number];
  readonly attributes: readonly CompactAttr[];
}
export interface CompactScope {
  readonly name: string;
  readonly version?: string;
  readonly attributes: readonly CompactAttr[];
}

export class CompactTraceError extends Error {
  override readonly name = 'CompactTraceError';
}

const PER_SPAN: readonly (keyof CompactColumns)[] = [
  'spanId', 'parentId', 'name', 'resource', 'scope', 'kind', 'status', 'statusMessage', 'parent', 'depth', 'flags',
  'relStartNs', 'durationNs', 'selfNs', 'skewNs', 'codeFile', 'codeLine', 'codeColumn', 'codeFunction', 'codeNamespace',
  'codeSource', 'preorder',
];
const STRING_COLS: readonly (keyof CompactColumns)[] = [
  'spanId', 'parentId', 'name', 'statusMessage', 'codeFile', 'codeFunction', 'codeNamespace', 'resService', 'scopeName',
  'scopeVersion', 'eventName', 'linkTraceId', 'linkSpanId', 'warnText', 'attrKey', 'attrValue',
];

/**
 * Check that a compact trace received from elsewhere is internally consistent (every index in range), so that
 * accessors never read out of bounds. O(size); throws CompactTraceError.
 */
export function validateCompactTrace(c: CompactTrace): void {
  const fail = (m: string): never => { throw new CompactTraceError(`invalid compact trace: ${m}`); };
  if (c.v !== COMPACT_VERSION) fail(`version ${String(c.v)}`);
  const n = c.spanCount;
  if (!Number.isInteger(n) || n < 0) fail('spanCount');
  const cols = c.cols as unknown as Record<string, unknown>;
  for (const k of PER_SPAN) {
    const a = cols[k] as ArrayLike<number> | undefined;
    if (!a || !ArrayBuffer.isView(a) || a.length !== n) fail(`column ${k} length`);
  }
  const ends = c.stringEnds;
  const strCount = ends.length;
  if (strCount < 1 || ends[0] !== 0) fail('string table');
  for (let k = 1; k < strCount; k++) if (ends[k]! < ends[k - 1]!) fail('string offsets');
  if (ends[strCount - 1] !== c.strings.length) fail('string table length');
  for (const k of STRING_COLS) {
    const a = cols[k] as Uint32Array;
    for (let i = 0; i < a.length; i++) if (a[i]! >= strCount) fail(`string index in ${k}`);
  }
  const resCount = c.cols.resService.length;
  const scopeCount = c.cols.scopeName.length;
  const attrCount = c.cols.attrKey.length;
  if (c.cols.attrType.length !== attrCount || c.cols.attrValue.length !== attrCount) fail('attribute pool');
  const ranges: [Uint32Array, number][] = [
    [c.cols.attrRange, n], [c.cols.resAttrRange, resCount], [c.cols.scopeAttrRange, scopeCount],
    [c.cols.eventAttrRange, c.cols.eventName.length], [c.cols.linkAttrRange, c.cols.linkType.length],
  ];
  for (const [r, count] of ranges) {
    if (r.length !== 2 * count) fail('attribute ranges length');
    for (let k = 0; k < count; k++) if (r[2 * k]! > r[2 * k + 1]! || r[2 * k + 1]! > attrCount) fail('attribute range');
  }
  const starts: [Uint32Array, number][] = [
    [c.cols.eventStart, c.cols.eventName.length], [c.cols.linkStart, c.cols.linkType.length], [c.cols.warnStart, c.cols.warnText.length],
  ];
  for (const [s, total] of starts) {
    if (s.length !== n + 1 || s[n] !== total) fail('pool starts');
    for (let i = 0; i < n; i++) if (s[i]! > s[i + 1]!) fail('pool starts order');
  }
  if (c.cols.eventRelNs.length !== c.cols.eventName.length) fail('events');
  if (c.cols.linkTraceId.length !== c.cols.linkType.length || c.cols.linkSpanId.length !== c.cols.linkType.length) fail('links');
  if (c.cols.scopeVersion.length !== scopeCount) fail('scopes');
  const { resource, scope, parent, preorder } = c.cols;
  for (let i = 0; i < n; i++) {
    if (resource[i]! >= resCount) fail('resource index');
    if (scope[i]! >= scopeCount || scope[i]! < -1) fail('scope index');
    if (parent[i]! >= n || parent[i]! < -1) fail('parent index');
    if (preorder[i]! < 0 || preorder[i]! >= n) fail('preorder index');
  }
  for (const a of [c.cols.criticalPath, c.cols.errorOrigins, c.cols.propagatedErrors]) for (let k = 0; k < a.length; k++) if (a[k]! < 0 || a[k]! >= n) fail('analysis index');
  for (const f of c.findings) if (!(f.spanIndex >= 0 && f.spanIndex < n) || f.relatedSpanIndices.some(x => !(x >= 0 && x < n))) fail('finding index');
}

/** Read-only accessors over a compact trace. Cheap to construct; strings are sliced on demand. */
export class CompactView {
  readonly spanCount: number;
  readonly traceId: string;
  readonly durationNs: number;
  readonly startNs: bigint;
  readonly cols: CompactColumns;
  private spanIndexById: Map<string, number> | undefined;

  constructor(readonly compact: CompactTrace) {
    this.spanCount = compact.spanCount;
    this.traceId = compact.traceId;
    this.durationNs = compact.durationNs;
    this.startNs = BigInt(compact.startNs);
    this.cols = compact.cols;
  }

  /** String k of the table. */
  str(k: number): string {
    const e = this.compact.stringEnds;
    return k <= 0 ? '' : this.compact.strings.slice(e[k - 1]!, e[k]!);
  }
  spanId(i: number): string { return this.str(this.cols.spanId[i]!); }
  parentSpanId(i: number): string | undefined { return this.cols.parentId[i] ? this.str(this.cols.parentId[i]!) : undefined; }
  name(i: number): string { return this.str(this.cols.name[i]!); }
  /** String index of the service name: equal services have equal keys (for colours and grouping). */
  serviceKey(i: number): number { return this.cols.resService[this.cols.resource[i]!]!; }
  service(i: number): string { return this.str(this.serviceKey(i)); }
  kind(i: number): SpanKind { return SPAN_KINDS[this.cols.kind[i]!] ?? 'unspecified'; }
  status(i: number): StatusCode { return STATUS_CODES[this.cols.status[i]!] ?? 'unset'; }
  statusMessage(i: number): string | undefined { return this.cols.statusMessage[i] ? this.str(this.cols.statusMessage[i]!) : undefined; }
  parent(i: number): number { return this.cols.parent[i]!; }
  depth(i: number): number { return this.cols.depth[i]!; }
  flags(i: number): number { return this.cols.flags[i]!; }
  /** Start relative to the trace start, ns (raw; add skewNs for adjusted). */
  relStartNs(i: number): number { return this.cols.relStartNs[i]!; }
  startNsOf(i: number): bigint { return this.startNs + BigInt(Math.round(this.cols.relStartNs[i]!)); }
  durationNsOf(i: number): number { return this.cols.durationNs[i]!; }
  selfNs(i: number): number { return this.cols.selfNs[i]!; }
  skewNs(i: number): number { return this.cols.skewNs[i]!; }

  codeLocation(i: number): CodeLocation | undefined {
    const c = this.cols;
    const source = CODE_SOURCES[c.codeSource[i]!];
    if (!source) return undefined;
    const loc: { -readonly [K in keyof CodeLocation]: CodeLocation[K] } = { source };
    if (c.codeFile[i]) loc.filePath = this.str(c.codeFile[i]!);
    if (c.codeLine[i] !== NO_NUMBER) loc.line = c.codeLine[i]!;
    if (c.codeColumn[i] !== NO_NUMBER) loc.column = c.codeColumn[i]!;
    if (c.codeFunction[i]) loc.function = this.str(c.codeFunction[i]!);
    if (c.codeNamespace[i]) loc.namespace = this.str(c.codeNamespace[i]!);
    return loc;
  }

  private attrsIn(from: number, to: number): CompactAttr[] {
    const out: CompactAttr[] = [];
    const { attrKey, attrType, attrValue } = this.cols;
    for (let k = from; k < to; k++) {
      const t = attrType[k]!;
      out.push({ key: this.str(attrKey[k]!), type: ATTR_TYPE_NAMES[t & 0x7f] ?? 'string', value: this.str(attrValue[k]!), truncated: (t & ATTR_TRUNCATED) !== 0 });
    }
    return out;
  }
  attributes(i: number): CompactAttr[] { return this.attrsIn(this.cols.attrRange[2 * i]!, this.cols.attrRange[2 * i + 1]!); }
  attributeCount(i: number): number { return this.cols.attrRange[2 * i + 1]! - this.cols.attrRange[2 * i]!; }
  resourceAttributes(i: number): CompactAttr[] {
    const r = this.cols.resource[i]!;
    return this.attrsIn(this.cols.resAttrRange[2 * r]!, this.cols.resAttrRange[2 * r + 1]!);
  }
  scope(i: number): CompactScope | undefined {
    const s = this.cols.scope[i]!;
    if (s < 0) return undefined;
    const version = this.cols.scopeVersion[s] ? this.str(this.cols.scopeVersion[s]!) : undefined;
    return { name: this.str(this.cols.scopeName[s]!), ...(version !== undefined ? { version } : {}), attributes: this.attrsIn(this.cols.scopeAttrRange[2 * s]!, this.cols.scopeAttrRange[2 * s + 1]!) };
  }
  /** Value (display text) of the first span attribute with this key. */
  attribute(i: number, key: string): string | undefined {
    const { attrKey, attrValue, attrRange } = this.cols;
    for (let k = attrRange[2 * i]!; k < attrRange[2 * i + 1]!; k++) if (this.str(attrKey[k]!) === key) return this.str(attrValue[k]!);
    return undefined;
  }
  eventCount(i: number): number { return this.cols.eventStart[i + 1]! - this.cols.eventStart[i]!; }
  /** Event times relative to the trace start, ns. */
  eventTimes(i: number): Float64Array { return this.cols.eventRelNs.subarray(this.cols.eventStart[i]!, this.cols.eventStart[i + 1]!); }
  events(i: number): CompactEvent[] {
    const out: CompactEvent[] = [];
    const c = this.cols;
    for (let e = c.eventStart[i]!; e < c.eventStart[i + 1]!; e++) {
      out.push({ relNs: c.eventRelNs[e]!, name: this.str(c.eventName[e]!), attributes: this.attrsIn(c.eventAttrRange[2 * e]!, c.eventAttrRange[2 * e + 1]!) });
    }
    return out;
  }
  linkCount(i: number): number { return this.cols.linkStart[i + 1]! - this.cols.linkStart[i]!; }
  links(i: number): CompactLink[] {
    const out: CompactLink[] = [];
    const c = this.cols;
    for (let l = c.linkStart[i]!; l < c.linkStart[i + 1]!; l++) {
      out.push({ traceId: this.str(c.linkTraceId[l]!), spanId: this.str(c.linkSpanId[l]!), type: LINK_TYPES[c.linkType[l]!] ?? 'link', attributes: this.attrsIn(c.linkAttrRange[2 * l]!, c.linkAttrRange[2 * l + 1]!) });
    }
    return out;
  }
  warnings(i: number): string[] {
    const out: string[] = [];
    for (let w = this.cols.warnStart[i]!; w < this.cols.warnStart[i + 1]!; w++) out.push(this.str(this.cols.warnText[w]!));
    return out;
  }
  /** Index of the first span with this span ID, -1 when absent. Builds its map on first use. */
  indexOf(spanId: string): number {
    if (!this.spanIndexById) {
      const m = new Map<string, number>();
      for (let i = 0; i < this.spanCount; i++) { const id = this.spanId(i); if (!m.has(id)) m.set(id, i); }
      this.spanIndexById = m;
    }
    return this.spanIndexById.get(spanId.toLowerCase()) ?? this.spanIndexById.get(spanId) ?? -1;
  }
  /** Top-level spans in row order. */
  roots(): number[] {
    const out: number[] = [];
    for (const i of this.cols.preorder) if (this.cols.parent[i] === -1) out.push(i);
    return out;
  }
}

/** Validate and wrap. Throws CompactTraceError when the data is inconsistent. */
export function decodeCompactTrace(c: CompactTrace): CompactView {
  validateCompactTrace(c);
  return new CompactView(c);
}

/** The ArrayBuffers of a compact trace, for `postMessage(msg, transferables(c))` (Worker, MessagePort, window). */
export function transferables(c: CompactTrace): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView): void => { if (a.buffer instanceof ArrayBuffer) out.add(a.buffer); };
  add(c.stringEnds);
  for (const a of Object.values(c.cols) as ArrayBufferView[]) add(a);
  return [...out];
}

/** Byte size of the compact trace (typed arrays + 2 bytes per string char), for logs and bounds. */
export function compactByteSize(c: CompactTrace): number {
  let n = c.strings.length * 2 + c.stringEnds.byteLength;
  for (const a of Object.values(c.cols) as ArrayBufferView[]) n += a.byteLength;
  return n;
}
