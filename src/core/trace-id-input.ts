// Whatever a user pasted into "Open Trace by ID" (or clicked in a terminal) → a canonical trace ID.
//
// Accepted: raw hex (any case, 1..32 digits, padded to 32), base64 (Tempo JSON), W3C traceparent,
// uber-trace-id, B3 single and X-B3-TraceId, Jaeger UI/API URLs, Grafana Explore URLs (ID inside the
// URL-encoded `panes`/`left` JSON), Tempo and Zipkin URLs, Spanscope URIs, and a line of text (a log
// line) with a trace ID inside. A span ID is returned when the input carries one.
// Pure: no Node built-ins, so the host, the CLI and the webview can all use it.

/** Where the ID was found; tells the user what we understood. */
export type TraceIdSource =
  | 'hex'
  | 'base64'
  | 'traceparent'
  | 'uber-trace-id'
  | 'b3'
  | 'b3-header'
  | 'jaeger-url'
  | 'grafana-url'
  | 'tempo-url'
  | 'zipkin-url'
  | 'spanscope-uri'
  | 'text';

/**
 * When the trace happened, as far as the input says: a Spanscope link's `start=`, a Grafana Explore URL's absolute
 * time range, a Tempo API URL's `start`/`end`. Backends that can narrow a lookup by time use it (Tempo).
 */
export interface TraceTimeHint {
  /** ms since 1970. */
  readonly startMs: number;
  readonly durationMs?: number;
}

export interface TraceIdInput {
  /** Canonical: 32 lowercase hex digits, left-padded with 0. Never all zero. */
  readonly traceId: string;
  /** Canonical 16 lowercase hex digits, when the input named a span. */
  readonly spanId?: string;
  readonly source: TraceIdSource;
  /** `backend=` of a Spanscope URI: the backend the link asks for. */
  readonly backend?: string;
  /** When the trace happened, when the input (a URL) says so. */
  readonly time?: TraceTimeHint;
}

export type TraceIdInputErrorReason = 'empty' | 'all-zero' | 'malformed' | 'no-trace-id';

/** The input holds no usable trace ID. The message is meant for the user as it is. */
export class TraceIdInputError extends Error {
  override readonly name = 'TraceIdInputError';
  constructor(readonly reason: TraceIdInputErrorReason, message: string) {
    super(message);
  }
}

const HEX = '[0-9a-fA-F]';
const ZERO_RE = /^0+$/;

/** Lowercase, left-pad to `width`; undefined when not 1..width hex digits. */
function canonHex(raw: string, width: number): string | undefined {
  const s = raw.trim().toLowerCase();
  if (s.length === 0 || s.length > width || !/^[0-9a-f]+$/.test(s)) return undefined;
  return s.padStart(width, '0');
}

/** A span ID as links and commands give it (1..16 hex digits, any case) in canonical form; undefined when not one. */
export function canonicalSpanId(raw: string): string | undefined {
  const s = canonHex(raw, 16);
  return s === undefined || ZERO_RE.test(s) ? undefined : s;
}

/** The 16-digit (64-bit) form of a canonical trace ID whose high half is zero (Zipkin, old Jaeger), else undefined. */
export function shortTraceId(traceId: string): string | undefined {
  return traceId.length === 32 && traceId.startsWith('0000000000000000') ? traceId.slice(16) : undefined;
}

function allZero(hex: string): TraceIdInputError {
  return new TraceIdInputError(
    'all-zero',
    `"${hex}" is an all-zero trace ID, which means "no trace" (the span was not sampled or no context was propagated). Copy the ID from a sampled request.`,
  );
}

function result(traceHex: string, source: TraceIdSource, spanHex?: string, backend?: string): TraceIdInput {
  const traceId = canonHex(traceHex, 32);
  if (traceId === undefined) {
    throw new TraceIdInputError('malformed', `"${clip(traceHex)}" is not a trace ID: expected up to 32 hex digits.`);
  }
  if (ZERO_RE.test(traceId)) throw allZero(traceHex);
  const spanId = spanHex === undefined ? undefined : canonHex(spanHex, 16);
  const out: { traceId: string; source: TraceIdSource; spanId?: string; backend?: string } = { traceId, source };
  if (spanId !== undefined && !ZERO_RE.test(spanId)) out.spanId = spanId;
  if (backend) out.backend = backend;
  return out;
}

function clip(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

function base64ToHex(s: string): string | undefined {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const body = s.replace(/=+$/, '');
  let bits = 0;
  let acc = 0;
  let hex = '';
  for (const ch of body) {
    const v = alphabet.indexOf(ch === '-' ? '+' : ch === '_' ? '/' : ch);
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      hex += ((acc >> bits) & 0xff).toString(16).padStart(2, '0');
    }
  }
  return hex;
}

// ---- patterns that may appear anywhere in a line ------------------------------------------------

interface Match {
  readonly start: number;
  readonly length: number;
  readonly traceHex: string;
  readonly spanHex?: string;
  readonly source: TraceIdSource;
}

// Each returns matches with positions; `start`/`length` cover the text a terminal link should underline.
const B = '(?<![0-9A-Za-z])'; // left boundary
const E = '(?![0-9A-Za-z])'; // right boundary

const TRACEPARENT_RE = new RegExp(`${B}(${HEX}{2})-(${HEX}{32})-(${HEX}{16})-(${HEX}{2})${E}`, 'g');
const UBER_RE = new RegExp(`${B}(${HEX}{1,32})(?::|%3[aA])(${HEX}{1,16})(?::|%3[aA])(${HEX}{1,16})(?::|%3[aA])(${HEX}{1,2})${E}`, 'g');
const B3_SINGLE_RE = new RegExp(`${B}(${HEX}{32}|${HEX}{16})-(${HEX}{16})(?:-([01d])(?:-(${HEX}{16}))?)?${E}`, 'g');
const B3_TRACE_HEADER_RE = new RegExp(`x-b3-traceid["']?\\s*[:=]\\s*["']?(${HEX}{16}|${HEX}{32})${E}`, 'gi');
const B3_SPAN_HEADER_RE = new RegExp(`x-b3-spanid["']?\\s*[:=]\\s*["']?(${HEX}{16})${E}`, 'i');
// trace_id=…, traceId":"…", trace.id: …, traceID=…, otel.trace_id=…
// The key may carry a prefix (otel., x-), but the pattern does not spell the prefix out: `[\\w.]*[._-]` before
// the key made every start position scan to the end of a long run of word characters and dots (64 KB of "a." took
// seconds). A prefix always ends in one of . _ -, none of which is a letter or digit, so "the key starts at a
// word boundary" (B) accepts exactly the same keys, and only the value's position is used.
const KEYED_TRACE_RE = new RegExp(`${B}trace[._-]?id["']?\\s*[:=]\\s*["']?(${HEX}{16}|${HEX}{32})${E}`, 'gi');
const KEYED_SPAN_RE = new RegExp(`${B}span[._-]?id["']?\\s*[:=]\\s*["']?(${HEX}{16})${E}`, 'i');
/** The keyed patterns, for the test that checks they accept what the earlier, quadratic ones accepted. */
export const KEYED_ID_PATTERNS = { trace: KEYED_TRACE_RE, span: KEYED_SPAN_RE } as const;
const BARE_RE = new RegExp(`${B}(${HEX}{32}|${HEX}{16})${E}`, 'g');

function collect(re: RegExp, text: string, source: TraceIdSource, pick: (m: RegExpMatchArray) => { trace: string; span?: string; valueOffset?: number; valueLength?: number } | undefined): Match[] {
  const out: Match[] = [];
  for (const m of text.matchAll(re)) {
    const p = pick(m);
    if (!p) continue;
    const start = (m.index ?? 0) + (p.valueOffset ?? 0);
    const length = p.valueLength ?? m[0].length;
    const match: { start: number; length: number; traceHex: string; source: TraceIdSource; spanHex?: string } = { start, length, traceHex: p.trace, source };
    if (p.span !== undefined) match.spanHex = p.span;
    out.push(match);
  }
  return out;
}

/** Candidate IDs in a line of text, strongest kind first within each position. */
function scan(text: string): Match[] {
  const all: Match[] = [];
  all.push(...collect(TRACEPARENT_RE, text, 'traceparent', m => (m[1]!.toLowerCase() === 'ff' ? undefined : { trace: m[2]!, span: m[3]! })));
  all.push(...collect(UBER_RE, text, 'uber-trace-id', m => ({ trace: m[1]!, span: m[2]! })));
  all.push(...collect(B3_SINGLE_RE, text, 'b3', m => ({ trace: m[1]!, span: m[2]! })));
  const b3span = B3_SPAN_HEADER_RE.exec(text)?.[1];
  all.push(...collect(B3_TRACE_HEADER_RE, text, 'b3-header', m => {
    const v = m[1]!;
    return { trace: v, ...(b3span ? { span: b3span } : {}), valueOffset: m[0].length - v.length, valueLength: v.length };
  }));
  const keyedSpan = KEYED_SPAN_RE.exec(text)?.[1];
  all.push(...collect(KEYED_TRACE_RE, text, 'text', m => {
    const v = m[1]!;
    return { trace: v, ...(keyedSpan ? { span: keyedSpan } : {}), valueOffset: m[0].length - v.length, valueLength: v.length };
  }));
  all.push(...collect(BARE_RE, text, 'text', m => ({ trace: m[1]! })));
  // Keep the first (strongest) match at each region; drop weaker ones that overlap a kept one.
  const kept: Match[] = [];
  for (const m of all) {
    if (kept.some(k => m.start < k.start + k.length && k.start < m.start + m.length)) continue;
    kept.push(m);
  }
  return kept;
}

// ---- URLs ---------------------------------------------------------------------------------------

function findIdInJson(value: unknown, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  if (typeof value === 'string') {
    const t = value.trim();
    return new RegExp(`^${HEX}{1,32}$`).test(t) ? t : undefined;
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      const f = findIdInJson(v, depth + 1);
      if (f) return f;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    // Grafana keeps the trace ID in a query's `query` field; look there before anything else.
    for (const key of ['query', 'traceId', 'traceID']) {
      const f = typeof obj[key] === 'string' ? findIdInJson(obj[key], depth + 1) : undefined;
      if (f) return f;
    }
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'query' || k === 'range' || k === 'datasource' || k === 'refId' || k === 'uid') continue;
      if (typeof v === 'object') {
        const f = findIdInJson(v, depth + 1);
        if (f) return f;
      }
    }
  }
  return undefined;
}

/** A link's `start`: ms since 1970 (digits) or an ISO 8601 time; undefined when absent or unreadable. */
export function linkStartMs(v: string | null | undefined): number | undefined {
  if (!v) return undefined;
  const ms = /^\d{1,16}$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function secondsParam(v: string | null): number | undefined {
  return v !== null && /^\d{1,12}$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}

function timeOf(startMs: number | undefined, durationMs?: number): TraceTimeHint | undefined {
  return startMs === undefined ? undefined : { startMs, ...(durationMs !== undefined ? { durationMs } : {}) };
}

function withTime(input: TraceIdInput, time: TraceTimeHint | undefined): TraceIdInput {
  return time ? { ...input, time } : input;
}

/**
 * The absolute time range of a Grafana Explore state (`panes` → `{…: {range: {from, to}}}`, or the old `left` array
 * `[from, to, …]`); relative ranges (`now-1h`) say nothing about when the trace was, so they give none.
 */
function grafanaRange(state: unknown): TraceTimeHint | undefined {
  const abs = (v: unknown): number | undefined => (typeof v === 'string' || typeof v === 'number') && /^\d{1,16}$/.test(String(v)) && Number(v) > 0 ? Number(v) : undefined;
  const range = (from: unknown, to: unknown): TraceTimeHint | undefined => {
    const f = abs(from);
    const t = abs(to);
    return timeOf(f, f !== undefined && t !== undefined && t >= f ? t - f : undefined);
  };
  if (Array.isArray(state)) return range(state[0], state[1]);
  if (state && typeof state === 'object') {
    const o = state as Record<string, unknown>;
    if (o.range && typeof o.range === 'object') return range((o.range as Record<string, unknown>).from, (o.range as Record<string, unknown>).to);
    for (const pane of Object.values(o)) {
      if (pane && typeof pane === 'object' && !Array.isArray(pane) && (pane as Record<string, unknown>).range) {
        const r = (pane as { range: Record<string, unknown> }).range;
        return range(r.from, r.to);
      }
    }
  }
  return undefined;
}

function parseUrl(text: string): TraceIdInput | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const path = decodeURIComponent(url.pathname);
  const q = url.searchParams;
  if (url.protocol === 'vscode:' || url.protocol === 'vscode-insiders:' || url.protocol.startsWith('code-oss')) {
    const m = /\/trace\/([^/?#]+)/.exec(path);
    if (m) return withTime(result(m[1]!, 'spanscope-uri', q.get('span') ?? undefined, q.get('backend') ?? undefined), timeOf(linkStartMs(q.get('start'))));
  }
  for (const key of ['panes', 'left', 'right']) {
    const raw = q.get(key);
    if (!raw) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      continue;
    }
    const id = findIdInJson(parsed);
    if (id) return withTime(result(id, 'grafana-url'), grafanaRange(parsed));
  }
  const routes: Array<[RegExp, TraceIdSource]> = [
    [/\/api\/v2\/trace\/([^/]+)\/?$/, 'zipkin-url'],
    [/\/zipkin\/traces\/([^/]+)\/?$/, 'zipkin-url'],
    [/\/api\/v3\/traces\/([^/]+)\/?$/, 'jaeger-url'],
    // /api/traces/{id} and /api/v2/traces/{id}: Tempo on :3200, Jaeger's v1 API elsewhere.
    [/\/api\/v2\/traces\/([^/]+)\/?$/, 'tempo-url'],
    [/\/api\/traces\/([^/]+)\/?$/, url.port === '3200' || /tempo/i.test(url.hostname) ? 'tempo-url' : 'jaeger-url'],
    [/\/traces\/([^/]+)\/?$/, 'zipkin-url'],
    [/\/trace\/([^/]+)\/?$/, 'jaeger-url'],
  ];
  for (const [re, source] of routes) {
    const m = re.exec(path);
    if (!m) continue;
    const span = q.get('uiFind') ?? q.get('span') ?? q.get('spanId') ?? undefined;
    const found = result(m[1]!, source, span && new RegExp(`^${HEX}{1,16}$`).test(span) ? span : undefined);
    // Tempo's own API URLs may carry the window they were asked with (unix seconds).
    const start = secondsParam(q.get('start'));
    const end = secondsParam(q.get('end'));
    return source === 'tempo-url' && start !== undefined ? withTime(found, timeOf(start * 1000, end !== undefined && end >= start ? (end - start) * 1000 : undefined)) : found;
  }
  // Some other URL (a Grafana trace panel, a Kibana link…): look for an ID anywhere in it.
  const found = scan(decodeURIComponentSafe(text))[0];
  if (found) return result(found.traceHex, 'text', found.spanHex);
  throw new TraceIdInputError('no-trace-id', `No trace ID found in the URL ${clip(text)}. Paste a trace view URL (…/trace/<id>) or the ID itself.`);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---- entry points -------------------------------------------------------------------------------

/** Parses whatever the user pasted. Throws `TraceIdInputError` when it holds no usable trace ID. */
export function parseTraceIdInput(input: string): TraceIdInput {
  let text = input.trim();
  if (text.length === 0) throw new TraceIdInputError('empty', 'Enter a trace ID, a traceparent header, or a trace URL.');
  // Quotes around a copied value.
  const unq = /^(["'`])(.*)\1$/s.exec(text);
  if (unq) text = unq[2]!.trim();
  if (text.length > 64 * 1024) throw new TraceIdInputError('malformed', 'The text is too long to hold a single trace ID (over 64 KB).');

  const bare = /^(?:0x)?([0-9a-fA-F]+)$/.exec(text);
  if (bare) {
    if (bare[1]!.length > 32) {
      throw new TraceIdInputError('malformed', `"${clip(text)}" has ${bare[1]!.length} hex digits; a trace ID has at most 32.`);
    }
    return result(bare[1]!, 'hex');
  }
  if (/^[A-Za-z0-9+/_-]{22}==$|^[A-Za-z0-9+/_-]{11}=$/.test(text)) {
    const hex = base64ToHex(text);
    if (hex) return result(hex, 'base64');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const fromUrl = parseUrl(text);
    if (fromUrl) return fromUrl;
  }
  const found = scan(text)[0];
  if (found) return result(found.traceHex, found.source, found.spanHex);
  throw new TraceIdInputError(
    'no-trace-id',
    `No trace ID found in "${clip(text)}". Paste 16 or 32 hex digits, a traceparent, an uber-trace-id, a B3 header, or a Jaeger/Grafana/Tempo/Zipkin URL.`,
  );
}

/** Like `parseTraceIdInput`, but undefined instead of an error (pre-filling from the clipboard). */
export function tryParseTraceIdInput(input: string): TraceIdInput | undefined {
  try {
    return parseTraceIdInput(input);
  } catch (e) {
    if (e instanceof TraceIdInputError) return undefined;
    throw e;
  }
}

export interface TraceIdInText extends TraceIdInput {
  /** Offset of the linkable text in the line (UTF-16 units). */
  readonly start: number;
  readonly length: number;
}

/** Every trace ID in a line of text with its position, for terminal links. All-zero IDs are skipped. */
export function findTraceIdsInText(line: string): TraceIdInText[] {
  if (line.length > 16 * 1024) return [];
  const out: TraceIdInText[] = [];
  for (const m of scan(line).sort((a, b) => a.start - b.start)) {
    try {
      out.push({ ...result(m.traceHex, m.source, m.spanHex), start: m.start, length: m.length });
    } catch {
      // all-zero or otherwise unusable: not a link
    }
  }
  return out;
}
