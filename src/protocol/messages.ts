// Every message between the extension host and the waterfall webview, defined once.
//
// Handshake (pull model): the webview sends `ready`; the host answers with ONE `init` that carries all initial
// state and pushes nothing before it. Requests from the webview carry an `id`; the host answers each with a
// `reply` of the same id (`ok: false` + `error` is a rejection). Both sides validate what they receive with
// these schemas and drop (and log) anything that does not match.

import * as z from '../core/schema';
import type { CompactTrace } from './compact';
import { PROTOCOL_VERSION } from './version';

export { PROTOCOL_VERSION };

const typed = <T>(ctor: { new (...a: never[]): T; name: string }) =>
  z.custom<T>(v => v instanceof ctor || (ArrayBuffer.isView(v) && (v as object).constructor?.name === ctor.name), { message: `expected ${ctor.name}` });

const u32 = typed(Uint32Array);
const i32 = typed(Int32Array);
const u16 = typed(Uint16Array);
const u8 = typed(Uint8Array);
const f64 = typed(Float64Array);

const codeLocationSchema = z.object({
  filePath: z.optional(z.maxString(4096)),
  line: z.optional(z.nonNegativeInt()),
  column: z.optional(z.nonNegativeInt()),
  function: z.optional(z.maxString(4096)),
  namespace: z.optional(z.maxString(4096)),
  source: z.enum(['code.attributes', 'code.attributes.old', 'datadog.code_origin', 'stacktrace']),
});

const statsBase = {
  count: z.number(), totalNs: z.number(), selfTotalNs: z.number(), p50Ns: z.number(), p95Ns: z.number(), maxNs: z.number(), errors: z.number(),
};

/** Shape check of a CompactTrace (cheap: no per-element work); `validateCompactTrace` checks the indices. */
export const compactTraceSchema = z.object({
  v: z.literal(1),
  traceId: z.maxString(4096),
  format: z.maxString(64),
  startNs: z.string().check(z.regex(/^-?\d{1,30}$/)),
  durationNs: z.number(),
  spanCount: z.nonNegativeInt(),
  traceWarnings: z.array(z.string()),
  partial: z.optional(z.object({ totalSpans: z.nonNegativeInt() })),
  strings: z.string(),
  stringEnds: u32,
  cols: z.object({
    spanId: u32, parentId: u32, name: u32, resource: u32, scope: i32, kind: u8, status: u8, statusMessage: u32,
    parent: i32, depth: u16, flags: u16, relStartNs: f64, durationNs: f64, selfNs: f64, skewNs: f64,
    codeFile: u32, codeLine: u32, codeColumn: u32, codeFunction: u32, codeNamespace: u32, codeSource: u8,
    attrRange: u32, eventStart: u32, linkStart: u32, warnStart: u32, preorder: i32,
    resService: u32, resAttrRange: u32, scopeName: u32, scopeVersion: u32, scopeAttrRange: u32,
    eventRelNs: f64, eventName: u32, eventAttrRange: u32,
    linkTraceId: u32, linkSpanId: u32, linkType: u8, linkAttrRange: u32, warnText: u32,
    attrKey: u32, attrType: u8, attrValue: u32,
    criticalPath: i32, errorOrigins: i32, propagatedErrors: i32,
  }),
  findings: z.array(z.object({
    kind: z.enum(['orphan', 'client-without-server', 'multiple-roots', 'n-plus-one', 'sequential-chain', 'bottleneck', 'retry', 'concurrency-limit', 'error-origin', 'duplicate-span-id', 'clock-skew']),
    spanIndex: z.int(),
    relatedSpanIndices: z.array(z.int()),
    severity: z.optional(z.enum(['high', 'medium', 'low'])),
    message: z.string(),
    totalNs: z.optional(z.number()),
    savingNs: z.optional(z.number()),
    codeLocation: z.optional(codeLocationSchema),
  })),
  services: z.array(z.object({ service: z.string(), ...statsBase })),
  operations: z.array(z.object({ service: z.string(), operation: z.string(), ...statsBase })),
  maxDepth: z.nonNegativeInt(),
  errorCount: z.nonNegativeInt(),
}) as unknown as z.ZodMiniType<CompactTrace>;

const spanIndexList = z.union([i32, z.array(z.nonNegativeInt())]);

/** Which spans map to files of the open workspace, and which to the active editor's file (host-computed). */
export const sourceMappingSchema = z.object({
  workspaceSpans: spanIndexList,
  currentFileSpans: spanIndexList,
  currentFile: z.optional(z.maxString(4096)),
});
export type SourceMapping = z.infer<typeof sourceMappingSchema>;

const spanId = z.nonEmptyString(256);
const requestId = z.nonNegativeInt();

// ---- host → webview ---------------------------------------------------------------------------------------------

export const hostToWebviewSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    protocol: z.literal(PROTOCOL_VERSION),
    traceKey: z.maxString(1024),
    sourceLabel: z.maxString(4096),
    compact: compactTraceSchema,
    selectSpanId: z.optional(spanId),
    mapping: z.optional(sourceMappingSchema),
  }),
  /** More spans of the same trace (live receiver, refresh): replace the data, keep the view state. */
  z.object({ type: z.literal('update'), compact: compactTraceSchema }),
  z.object({ type: z.literal('reveal'), spanId }),
  z.object({ type: z.literal('mapping'), mapping: sourceMappingSchema }),
  /** Fill the search box with `text` and apply it; `hide` hides non-matching rows, `dim` (default) only dims them. */
  z.object({ type: z.literal('setFilter'), text: z.maxString(1000), mode: z.optional(z.enum(['dim', 'hide'])) }),
  z.discriminatedUnion('ok', [
    z.object({ type: z.literal('reply'), id: requestId, ok: z.literal(true) }),
    z.object({ type: z.literal('reply'), id: requestId, ok: z.literal(false), error: z.maxString(4096) }),
  ]),
  /** The trace could not be loaded; the webview shows the message instead of rows. */
  z.object({ type: z.literal('error'), message: z.maxString(4096) }),
]);
export type HostToWebview = z.infer<typeof hostToWebviewSchema>;

// ---- webview → host ---------------------------------------------------------------------------------------------

/** A file dropped on the panel is refused above this size (it is read whole into the webview's memory). */
export const MAX_DROPPED_BYTES = 512 * 1024 * 1024;
/** URIs a drop may open: local files and files of the remote workspace; anything else is refused. */
export const DROPPABLE_URI = /^(file|vscode-remote):\/\//i;

const location = z.object({
  filePath: z.nonEmptyString(4096),
  /** 1-based, as in the span. */
  line: z.optional(z.int().check(z.positive())),
  /** 1-based, as in the span. */
  column: z.optional(z.int().check(z.positive())),
});
export type SourceRequestLocation = z.infer<typeof location>;

export const webviewToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), protocol: z.literal(PROTOCOL_VERSION) }),
  /** Request: open this file at this line (from Go to source, Enter on a row, a stack frame). */
  // Without a location (the span carries no file): the host opens where its mapping engine placed the span.
  z.object({ type: z.literal('openSource'), id: requestId, spanId: z.optional(spanId), location: z.optional(location) }),
  /** Request: open another trace (a span link). */
  z.object({ type: z.literal('openTrace'), id: requestId, traceId: z.nonEmptyString(256), spanId: z.optional(spanId) }),
  z.object({ type: z.literal('selectionChanged'), spanId: z.nullable(spanId) }),
  z.object({ type: z.literal('copyText'), text: z.maxString(4 * 1024 * 1024) }),
  /** A file was dropped on the panel (its bytes): open the traces it holds. */
  z.object({ type: z.literal('openDroppedFile'), name: z.nonEmptyString(1024), bytes: u8.check(z.refine(b => b.byteLength <= MAX_DROPPED_BYTES, { message: 'dropped file too large' })) }),
  /** Files were dropped from VS Code's explorer (a URI list): open them. */
  z.object({ type: z.literal('openDroppedUris'), uris: z.array(z.string().check(z.maxLength(8192), z.regex(DROPPABLE_URI))).check(z.minLength(1), z.maxLength(64)) }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.maxString(16_384) }),
]);
export type WebviewToHost = z.infer<typeof webviewToHostSchema>;
export type WebviewRequest = Extract<WebviewToHost, { id: number }>;

export type Logger = (message: string) => void;

function kindOf(data: unknown): string {
  return typeof data === 'object' && data !== null && 'type' in data ? String((data as { type: unknown }).type).slice(0, 40) : typeof data;
}

/** Validate a message received by the webview; undefined (and a log line) when invalid. */
export function parseHostMessage(data: unknown, log: Logger): HostToWebview | undefined {
  const r = hostToWebviewSchema.safeParse(data);
  if (r.success) return r.data;
  log(`dropped invalid host message (${kindOf(data)}): ${z.describeIssues(r.error)}`);
  return undefined;
}

/** Validate a message received by the host; undefined (and a log line) when invalid. */
export function parseWebviewMessage(data: unknown, log: Logger): WebviewToHost | undefined {
  const r = webviewToHostSchema.safeParse(data);
  if (r.success) return r.data;
  log(`dropped invalid webview message (${kindOf(data)}): ${z.describeIssues(r.error)}`);
  return undefined;
}
