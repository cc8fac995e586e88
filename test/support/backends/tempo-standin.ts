// A stand-in for Grafana Tempo's HTTP API, because Tempo itself is AGPL-3.0 and may not be used here (see
// scripts/install-backends.mjs). It is a test double for a component we cannot run, and it is deliberately no more
// forgiving than Tempo: each behaviour below is what Tempo's documentation says, so a client that only works against
// a lenient server fails here too. It ingests OTLP/HTTP JSON (what the OTel SDK exporter sends to Tempo's :4318).
//
// The facts it follows (../shared/FORMATS.md, "Tempo" and "Identifiers"/"Units"), with the documentation page each
// comes from (Tempo HTTP API: https://grafana.com/docs/tempo/latest/api_docs/ unless another page is named):
// - Trace by ID: v1 `GET /api/traces/<id>` answers OTLP JSON under `batches` (404, empty body, when not found);
//   v2 `GET /api/v2/traces/<id>` answers `{trace:{resourceSpans}, metrics, status?: "PARTIAL", message?}` (200 with
//   no trace when not found), or with `Accept: application/protobuf` a TraceByIDResponse (trace = 1, metrics = 2,
//   status = 3, message = 4). Both take optional `start`/`end` (unix seconds); without them every block is read,
//   with them only the blocks of that window (and the live store).
// - JSON uses base64 IDs and enum names (`SPAN_KIND_CLIENT`, `STATUS_CODE_ERROR`) — the protobuf-JSON mapping.
// - A malformed trace ID is refused with 400 (not hex, or longer than 128 bits); a trace larger than the configured
//   max is refused on v1 with 500 "trace exceeds max size (max bytes: N)" (v2 answers PARTIAL instead).
// - Search `GET /api/search?q=|tags=&minDuration=&maxDuration=&limit=&start=&end=` (seconds) answers
//   `{traces:[{traceID (leading zeros stripped), rootServiceName, rootTraceName, startTimeUnixNano, durationMs}],
//   metrics}`; `rootServiceName` is `<root span not yet received>` (and no root name) while the root is missing.
//   `tags` is logfmt (go-logfmt rules: a value with a space, `=` or `"` must be quoted; an unquoted one with `=` or
//   `"` is a syntax error → 400 "invalid tags: …"), and tag values match as case-insensitive substrings (this one
//   comes from a reading of Tempo's docs and issue tracker; no API page states it in so many words). A range
//   longer than the configured max (`max_duration`, 168h by default) is refused: 400 "range specified by start and
//   end exceeds …". A query that is not TraceQL is refused with 400 (TraceQL: https://grafana.com/docs/tempo/latest/traceql/).
// - Tag names/values: `/api/search/tags` (`{tagNames}`), `/api/v2/search/tags` (`{scopes:[{name,tags}]}`),
//   `/api/search/tag/<tag>/values` (`{tagValues:[string]}`), `/api/v2/search/tag/<tag>/values`
//   (`{tagValues:[{type,value}]}`, optional `q`; a `q` it cannot use is ignored — "fails open" — not refused).
//   Without `start`/`end` only the live store (recent data, not yet flushed to blocks) is read; with them, the
//   blocks of that window too.
// - `GET /api/echo` answers 200 `echo`: the query frontend's health check. `/ready` (every service) and
//   `/api/status/buildinfo` (the "Status" service) are not query-frontend endpoints, and a gateway
//   (`gateway: true`) does not route them.
// - Multi-tenancy (https://grafana.com/docs/tempo/latest/operations/manage-advanced-systems/multitenancy/): with it
//   on, `X-Scope-OrgID` is required (401 without). Cross-tenant queries
//   (https://grafana.com/docs/tempo/latest/operations/manage-advanced-systems/cross_tenant_query/) name tenants
//   separated by `|` and cover search, tags and trace by ID.
// - Grafana Cloud (https://grafana.com/docs/learning-paths/tempo-data-source/prepare-connection/): the query URL is
//   `https://tempo-<zone>.grafana.net/tempo` (a `/tempo` base path on a gateway), with HTTP basic auth (the numeric
//   instance ID as user, an access-policy token with `traces:read` as password); the user is the tenant.
// - TraceQL metrics (`/api/metrics/query_range`, `/api/metrics/query`): computed from the spans held, in Tempo's
//   documented response format; see tempo-metrics.ts for what it evaluates.
// What it does not do: TraceQL search beyond `{ a = "x" && b != "y" }` over names, service and attributes plus
// duration comparisons (anything else is a 400 like a parse error would be), streaming.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spansExtent, type Span, type Trace } from '../../../src/core/model';
import { parseTraceDocument } from '../../../src/core/parse/index';
import { traceToOtlpJson } from '../../../src/core/otlp/encode';
import { encodeOtlpProtobuf } from '../../../src/core/otlp/proto';
import { answerMetrics, goDurationNs, spanMatches, spanValues, type Cond } from './tempo-metrics';

export interface TempoStandInOptions {
  /** Multi-tenancy on: every request must name a tenant in X-Scope-OrgID (or by basic auth). */
  readonly multitenancy?: boolean;
  /** Serve the API under this path, as a gateway does (Grafana Cloud: `/tempo`). OTLP ingest stays at `/v1/traces`. */
  readonly basePath?: string;
  /** A gateway in front: only the query frontend's API is routed (no `/ready`, no `/api/status/buildinfo`). */
  readonly gateway?: boolean;
  /** Require HTTP basic auth with these credentials; the user is then the tenant (Grafana Cloud). */
  readonly basicAuth?: { readonly user: string; readonly password: string };
  /** Search `max_duration` in ms (Tempo's default is 168h). */
  readonly maxSearchDurationMs?: number;
  /** TraceQL metrics: most series one answer holds (Tempo's `max_response_series`); past it the answer is PARTIAL. */
  readonly maxMetricsSeries?: number;
}

export interface TempoRequest {
  readonly method: string;
  /** Path without the base path. */
  readonly path: string;
  readonly params: URLSearchParams;
  readonly tenants: readonly string[];
}

export interface TempoStandIn {
  /** The API's base URL (with the base path, if any): what a user would configure. */
  readonly url: string;
  /** Where OTLP/HTTP JSON goes in (Tempo's distributor; outside the base path). */
  readonly otlpUrl: string;
  /** Search requests seen (query strings), to check the parameters the client sends. */
  readonly searches: URLSearchParams[];
  /** Every API request seen, in order. */
  readonly requests: TempoRequest[];
  /** Answer like Tempo < 2.6 (no /api/v2/*). */
  v1Only: boolean;
  /** Mark traces as PARTIAL on v2. */
  partial: boolean;
  /** `max_bytes_per_trace`: v1 refuses bigger traces with 500 "trace exceeds max size". */
  maxBytesPerTrace: number | undefined;
  /**
   * What Tempo's ingesters do after `max_block_duration`: move everything in the live store into a block on the
   * backend. Afterwards the data is found only by requests whose `start`/`end` window covers it.
   */
  flush(): void;
  close(): Promise<void>;
}

export const ROOT_PENDING = '<root span not yet received>';
const DEFAULT_MAX_SEARCH_MS = 168 * 3600_000;
const KIND = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/** Tempo's JSON flavour of OTLP: base64 IDs, enum names. */
function tempoJson(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map(x => tempoJson(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = tempoJson(x, k);
    return out;
  }
  if ((key === 'traceId' || key === 'spanId' || key === 'parentSpanId') && typeof v === 'string' && /^[0-9a-f]+$/.test(v)) return Buffer.from(v, 'hex').toString('base64');
  if (key === 'kind' && typeof v === 'number') return KIND[v];
  if (key === 'code' && typeof v === 'number') return STATUS[v];
  return v;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) { out.push((n & 127) | 128); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}
function field(no: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([...varint((no << 3) | 2), ...varint(bytes.length)]), Buffer.from(bytes)]);
}
/** TraceByIDMetrics { uint64 inspectedBytes = 1 } as field 2 of a TraceByIDResponse. */
function metricsField(inspectedBytes: number): Buffer {
  return field(2, Buffer.from([1 << 3, ...varint(inspectedBytes)]));
}

/** Tempo's trace ID parsing: hex, at most 128 bits, odd lengths padded. The error text is what the 400 says. */
export function parseTempoTraceId(raw: string): string | { error: string } {
  if (raw === '') return { error: 'trace IDs can\'t be empty' };
  const bad = /[^0-9a-fA-F]/.exec(raw);
  if (bad) return { error: `encoding/hex: invalid byte: U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${bad[0]}'` };
  if (raw.length > 32) return { error: 'trace IDs can\'t be larger than 128 bits' };
  return raw.toLowerCase().padStart(32, '0');
}

/**
 * Decodes logfmt the way go-logfmt (what Tempo uses for `tags`) does: keys end at `=` or a space; a value is either
 * quoted (JSON-like escapes) or bare up to the next space, and a bare value may not contain `=` or `"`.
 * Returns the pairs, or the syntax error Tempo would report.
 */
export function parseLogfmt(text: string): Array<[string, string]> | { error: string } {
  const out: Array<[string, string]> = [];
  let i = 0;
  const err = (what: string): { error: string } => ({ error: `logfmt syntax error at pos ${i + 1} on line 1: ${what}` });
  while (i < text.length) {
    while (i < text.length && text[i]! <= ' ') i++;
    if (i >= text.length) break;
    const k0 = i;
    while (i < text.length && text[i]! > ' ' && text[i] !== '=' && text[i] !== '"') i++;
    if (text[i] === '"') return err('unexpected \'"\'');
    const key = text.slice(k0, i);
    if (key === '') return err('unexpected \'=\'');
    if (text[i] !== '=') { out.push([key, '']); continue; }
    i++;
    if (text[i] === '"') {
      i++;
      let value = '';
      for (;;) {
        if (i >= text.length) return err('unterminated quoted value');
        const c = text[i]!;
        if (c === '"') { i++; break; }
        if (c === '\\') {
          const e = text[i + 1];
          const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
          if (e !== undefined && simple[e] !== undefined) { value += simple[e]; i += 2; continue; }
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)); i += 6; continue; }
          return err('invalid quoted value');
        }
        value += c;
        i++;
      }
      if (i < text.length && text[i]! > ' ') return err('unexpected character after quoted value');
      out.push([key, value]);
      continue;
    }
    const v0 = i;
    while (i < text.length && text[i]! > ' ') {
      if (text[i] === '=' || text[i] === '"') return err(`unexpected '${text[i]}'`);
      i++;
    }
    out.push([key, text.slice(v0, i)]);
  }
  return out;
}

type Condition = Cond;

/** The TraceQL subset the stand-in evaluates: `{}` or `{ c && c … }`; anything else is Tempo's 400. */
function parseTraceql(q: string): Condition[] | { error: string } {
  const m = /^\s*\{(.*)\}\s*$/s.exec(q);
  if (!m) return { error: 'invalid TraceQL query: parse error at line 1, col 1: syntax error: unexpected input, expecting {' };
  const body = m[1]!.trim();
  if (body === '') return [];
  const out: Condition[] = [];
  for (const part of body.split('&&')) {
    const c = /^\s*((?:resource|span)?\.[\w.]+|name|duration|status)\s*(=|!=|>=|<=|>|<)\s*("(?:[^"\\]|\\.)*"|\d+(?:\.\d+)?(?:ns|us|ms|s|m|h)|error|ok|unset)\s*$/.exec(part);
    if (!c) return { error: `invalid TraceQL query: parse error at line 1, col ${q.indexOf(part.trim()) + 1}: syntax error: unexpected ${JSON.stringify(part.trim().split(/\s+/)[0] ?? '')}` };
    const raw = c[3]!;
    const value = raw.startsWith('"') ? JSON.parse(raw) as string : c[1] === 'duration' ? goDurationNs(raw) ?? 0 : raw;
    out.push({ attr: c[1]!, op: c[2]!, value });
  }
  return out;
}

/** The root: a span without a parent, or none (Tempo then says `<root span not yet received>`). */
function rootOf(t: Trace): Span | undefined {
  return t.spans.find(s => !s.parentId);
}
/** A merged trace has at least one span. */
function bounds(t: Trace): { start: bigint; end: bigint } {
  const { startNs, endNs } = spansExtent(t.spans)!;
  return { start: startNs, end: endNs };
}

function mergeTraces(parts: readonly Trace[]): Trace | undefined {
  if (parts.length === 0) return undefined;
  const seen = new Set<string>();
  const spans: Span[] = [];
  for (const p of parts) for (const s of p.spans) if (!seen.has(s.spanId)) { seen.add(s.spanId); spans.push(s); }
  return { ...parts[0]!, spans };
}

interface Block { readonly tenant: string; readonly traces: ReadonlyMap<string, Trace>; readonly start: bigint; readonly end: bigint }

export async function startTempoStandIn(opts: TempoStandInOptions = {}): Promise<TempoStandIn> {
  // The live store (what the ingesters hold) per tenant, and the blocks flushed from it.
  const live = new Map<string, Map<string, Trace>>();
  const blocks: Block[] = [];
  const searches: URLSearchParams[] = [];
  const requests: TempoRequest[] = [];
  const state = { v1Only: false, partial: false, maxBytesPerTrace: undefined as number | undefined };
  const base = (opts.basePath ?? '').replace(/\/+$/, '');
  const maxSearchMs = opts.maxSearchDurationMs ?? DEFAULT_MAX_SEARCH_MS;

  /** Where a request may look: the live store always, and blocks overlapping [start, end] when a window is given (all blocks for trace by ID without one). */
  const tracesFor = (tenants: readonly string[], window: { start: bigint; end: bigint } | undefined, allBlocksWithoutWindow: boolean): Trace[][] => {
    const byId = new Map<string, Trace[]>();
    const add = (t: Trace): void => { const l = byId.get(t.traceId) ?? []; l.push(t); byId.set(t.traceId, l); };
    for (const tenant of tenants) {
      for (const t of live.get(tenant)?.values() ?? []) add(t);
      for (const b of blocks) {
        if (b.tenant !== tenant) continue;
        if (window ? b.end < window.start || b.start > window.end : !allBlocksWithoutWindow) continue;
        for (const t of b.traces.values()) add(t);
      }
    }
    return [...byId.values()];
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body: string | Buffer, type = 'application/json'): void => {
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      // Tenants: the basic-auth user on a gateway, else X-Scope-OrgID (`a|b` for a cross-tenant query).
      let tenants: string[];
      if (opts.basicAuth) {
        const m = /^Basic (.+)$/i.exec(String(req.headers.authorization ?? ''));
        const [user, ...pw] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':') : [];
        if (user !== opts.basicAuth.user || pw.join(':') !== opts.basicAuth.password) { send(401, 'invalid authentication credentials', 'text/plain'); return; }
        tenants = [user];
      } else {
        const header = String(req.headers['x-scope-orgid'] ?? '');
        tenants = header === '' ? [''] : header.split('|');
      }
      if (req.method === 'POST' && u.pathname === '/v1/traces') {
        if (tenants.length !== 1) { send(400, 'cross-tenant writes are not allowed', 'text/plain'); return; }
        const store = live.get(tenants[0]!) ?? new Map<string, Trace>();
        live.set(tenants[0]!, store);
        for (const t of parseTraceDocument(Buffer.concat(chunks).toString('utf8')).traces) store.set(t.traceId, mergeTraces([store.get(t.traceId), t].filter((x): x is Trace => !!x))!);
        send(200, '{}');
        return;
      }
      if (!u.pathname.startsWith(`${base}/`)) { send(404, '404 page not found\n', 'text/plain'); return; }
      const path = u.pathname.slice(base.length);
      const params = u.searchParams;
      requests.push({ method: req.method ?? 'GET', path, params, tenants });
      if (!opts.gateway && path === '/ready') { send(200, 'ready', 'text/plain'); return; }
      if (opts.multitenancy && tenants.includes('')) { send(401, 'no org id', 'text/plain'); return; }
      if (path === '/api/echo') { send(200, 'echo', 'text/plain'); return; }
      if (!opts.gateway && path === '/api/status/buildinfo') { send(200, JSON.stringify({ version: 'stand-in (Tempo 2.x API)', revision: 'none' })); return; }
      const seconds = (name: string): bigint | undefined => {
        const v = params.get(name);
        return v !== null && /^\d+$/.test(v) ? BigInt(v) * 1_000_000_000n : undefined;
      };
      const start = seconds('start');
      const end = seconds('end');
      const window = start !== undefined && end !== undefined ? { start, end } : undefined;
      const wantsProto = req.headers.accept === 'application/protobuf';

      let m = /^\/api\/(v2\/)?traces\/([^/]*)$/.exec(path);
      if (m && !(m[1] && state.v1Only)) {
        const id = parseTempoTraceId(decodeURIComponent(m[2]!));
        if (typeof id !== 'string') { send(400, id.error, 'text/plain'); return; }
        const t = mergeTraces(tracesFor(tenants, window, true).flat().filter(x => x.traceId === id));
        const size = t ? encodeOtlpProtobuf([t]).length : 0;
        if (!m[1]) { // v1
          if (!t) { send(404, '', 'text/plain'); return; }
          if (state.maxBytesPerTrace !== undefined && size > state.maxBytesPerTrace) { send(500, `trace exceeds max size (max bytes: ${state.maxBytesPerTrace})`, 'text/plain'); return; }
          if (wantsProto) { send(200, Buffer.from(encodeOtlpProtobuf([t])), 'application/protobuf'); return; }
          const otlp = tempoJson(traceToOtlpJson([t])) as { resourceSpans: unknown };
          send(200, JSON.stringify({ batches: otlp.resourceSpans }));
          return;
        }
        if (wantsProto) {
          // TraceByIDResponse { Trace trace = 1; TraceByIDMetrics metrics = 2; PartialStatus status = 3; string message = 4 }
          const parts = t ? [field(1, encodeOtlpProtobuf([t])), metricsField(size)] : [metricsField(0)];
          if (t && state.partial) parts.push(Buffer.from([3 << 3, 1]), field(4, Buffer.from('trace exceeds max size')));
          send(200, Buffer.concat(parts), 'application/protobuf');
          return;
        }
        if (!t) { send(200, JSON.stringify({ trace: {}, metrics: {} })); return; }
        const body: Record<string, unknown> = { trace: tempoJson(traceToOtlpJson([t])), metrics: { inspectedBytes: String(size) } };
        if (state.partial) Object.assign(body, { status: 'PARTIAL', message: 'trace exceeds max size' });
        send(200, JSON.stringify(body));
        return;
      }

      if (path === '/api/search') {
        searches.push(params);
        if (window && window.end - window.start > BigInt(maxSearchMs) * 1_000_000n) {
          const h = maxSearchMs / 3600_000;
          send(400, `range specified by start and end exceeds ${h}h0m0s. received start=${params.get('start')} end=${params.get('end')}`, 'text/plain');
          return;
        }
        const q = params.get('q');
        let conditions: Condition[] = [];
        if (q) {
          const parsed = parseTraceql(q);
          if (!Array.isArray(parsed)) { send(400, parsed.error, 'text/plain'); return; }
          conditions = parsed;
        }
        const tags = parseLogfmt(params.get('tags') ?? '');
        if (!Array.isArray(tags)) { send(400, `invalid tags: ${tags.error}`, 'text/plain'); return; }
        const minD = params.get('minDuration');
        const maxD = params.get('maxDuration');
        const minNs = minD ? goDurationNs(minD) : undefined;
        const maxNs = maxD ? goDurationNs(maxD) : undefined;
        if ((minD && minNs === undefined) || (maxD && maxNs === undefined)) { send(400, 'invalid minDuration or maxDuration', 'text/plain'); return; }
        const rows = tracesFor(tenants, window, false).map(parts => mergeTraces(parts)!).filter(t => {
          const { start: s0, end: e0 } = bounds(t);
          if (window && (s0 < window.start || s0 > window.end)) return false;
          const dur = Number(e0 - s0);
          if (minNs !== undefined && dur < minNs) return false;
          if (maxNs !== undefined && dur > maxNs) return false;
          // TraceQL: one span must satisfy every condition.
          if (conditions.length && !t.spans.some(s => conditions.every(c => spanMatches(s, c)))) return false;
          // Tags: every tag found on some span, its value a case-insensitive substring.
          for (const [k, v] of tags) {
            const needle = v.toLowerCase();
            const attr = k === 'name' ? 'name' : k === 'status' ? 'status' : `.${k}`;
            if (!t.spans.some(s => spanValues(s, attr).some(x => x.toLowerCase().includes(needle)))) return false;
          }
          return true;
        }).sort((a, b) => Number(bounds(b).start - bounds(a).start)).map(t => {
          const root = rootOf(t);
          const { start: s0, end: e0 } = bounds(t);
          return {
            traceID: t.traceId.replace(/^0+/, ''),
            rootServiceName: root ? root.resource.serviceName : ROOT_PENDING,
            ...(root ? { rootTraceName: root.name } : {}),
            startTimeUnixNano: s0.toString(),
            durationMs: Math.round(Number(e0 - s0) / 1e6),
          };
        });
        send(200, JSON.stringify({ traces: rows.slice(0, Number(params.get('limit') ?? 20)), metrics: { inspectedTraces: rows.length, completedJobs: 1, totalJobs: 1 } }));
        return;
      }

      if (path === '/api/metrics/query_range' || path === '/api/metrics/query') {
        const spansIn = (startMs: number, endMs: number): Span[] =>
          tracesFor(tenants, { start: BigInt(Math.floor(startMs)) * 1_000_000n, end: BigInt(Math.ceil(endMs)) * 1_000_000n }, false).map(parts => mergeTraces(parts)!).flatMap(t => t.spans);
        const a = answerMetrics(path === '/api/metrics/query', params, spansIn, opts.maxMetricsSeries);
        send(a.status, a.body, a.type);
        return;
      }

      // Tag names and values: the live store, plus the blocks of the window when one is given.
      const visibleSpans = (): Span[] => tracesFor(tenants, window, false).flat().flatMap(t => t.spans);
      if (path === '/api/v2/search/tags' && !state.v1Only) {
        const resource = new Set<string>();
        const span = new Set<string>();
        for (const s of visibleSpans()) {
          resource.add('service.name');
          for (const a of s.resource.attributes) resource.add(a.key);
          for (const a of s.attributes) span.add(a.key);
        }
        send(200, JSON.stringify({ scopes: [{ name: 'resource', tags: [...resource] }, { name: 'span', tags: [...span] }, { name: 'intrinsic', tags: ['duration', 'kind', 'name', 'status'] }] }));
        return;
      }
      if (path === '/api/search/tags') {
        const names = new Set<string>();
        for (const s of visibleSpans()) { names.add('service.name'); for (const a of [...s.resource.attributes, ...s.attributes]) names.add(a.key); }
        send(200, JSON.stringify({ tagNames: [...names] }));
        return;
      }
      m = /^\/api\/(v2\/)?search\/tag\/([^/]+)\/values$/.exec(path);
      if (m && !(m[1] && state.v1Only)) {
        const tag = decodeURIComponent(m[2]!);
        const v2 = !!m[1];
        let filter: Condition[] = [];
        const q = v2 ? params.get('q') : null;
        if (q) {
          // Tempo fails open here: a filter it cannot use is dropped and every value is returned.
          const parsed = parseTraceql(q);
          if (Array.isArray(parsed)) filter = parsed;
        }
        // v2 names scoped attributes (`resource.service.name`), v1 bare ones (`service.name`).
        const attr = tag === 'name' || tag === 'status' ? tag : v2 ? (/^(resource|span)\./.test(tag) ? tag : `.${tag.replace(/^\./, '')}`) : `.${tag}`;
        const values = new Set<string>();
        for (const s of visibleSpans()) {
          if (filter.length && !filter.every(c => spanMatches(s, c))) continue;
          for (const v of spanValues(s, attr)) values.add(v);
        }
        send(200, JSON.stringify({ tagValues: v2 ? [...values].map(value => ({ type: 'string', value })) : [...values] }));
        return;
      }
      send(404, '404 page not found\n', 'text/plain');
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    otlpUrl: `http://127.0.0.1:${port}/v1/traces`,
    searches,
    requests,
    get v1Only() { return state.v1Only; },
    set v1Only(v: boolean) { state.v1Only = v; },
    get partial() { return state.partial; },
    set partial(v: boolean) { state.partial = v; },
    get maxBytesPerTrace() { return state.maxBytesPerTrace; },
    set maxBytesPerTrace(v: number | undefined) { state.maxBytesPerTrace = v; },
    flush: () => {
      for (const [tenant, store] of live) {
        if (store.size === 0) continue;
        const all = [...store.values()].map(bounds);
        blocks.push({
          tenant,
          traces: new Map(store),
          start: all.reduce((a, b) => (b.start < a ? b.start : a), all[0]!.start),
          end: all.reduce((a, b) => (b.end > a ? b.end : a), all[0]!.end),
        });
        store.clear();
      }
    },
    close: () => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
