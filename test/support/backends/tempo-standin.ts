// A stand-in for Grafana Tempo's HTTP API, built from the documented behaviour in ../shared/FORMATS.md, because
// Tempo itself is AGPL-3.0 and may not be used here (see scripts/install-backends.mjs). It ingests OTLP/HTTP JSON
// (what the OTel SDK exporter sends to Tempo's :4318) and answers the query API with Tempo's quirks:
// base64 IDs and enum names in JSON, `batches` on v1, `{trace:{…}}` on v2, 200 with an empty trace for "not found"
// on v2 and an empty 404 on v1, protobuf when asked, leading zeros stripped in search results, start/end in
// seconds, X-Scope-OrgID multi-tenancy. It is a test double for a component we cannot run, and says so.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trace } from '../../../src/core/model';
import { parseTraceDocument } from '../../../src/core/parse/index';
import { traceToOtlpJson } from '../../../src/core/otlp/encode';
import { encodeOtlpProtobuf } from '../../../src/core/otlp/proto';

export interface TempoStandIn {
  readonly url: string;
  /** Search requests seen (query strings), to check the parameters the client sends. */
  readonly searches: URLSearchParams[];
  /** Answer like Tempo < 2.6 (no /api/v2/*). */
  v1Only: boolean;
  /** Mark traces as PARTIAL on v2. */
  partial: boolean;
  close(): Promise<void>;
}

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

export async function startTempoStandIn(opts: { tenant?: string } = {}): Promise<TempoStandIn> {
  const traces = new Map<string, Trace>(); // by tenant + trace ID
  const searches: URLSearchParams[] = [];
  const state = { v1Only: false, partial: false };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const tenant = String(req.headers['x-scope-orgid'] ?? '');
      const send = (status: number, body: string | Buffer, type = 'application/json'): void => {
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (opts.tenant !== undefined && !u.pathname.startsWith('/ready') && tenant !== opts.tenant) {
        send(401, 'no org id', 'text/plain');
        return;
      }
      if (req.method === 'POST' && u.pathname === '/v1/traces') {
        for (const t of parseTraceDocument(Buffer.concat(chunks).toString('utf8')).traces) {
          const key = `${tenant}/${t.traceId}`;
          const prev = traces.get(key);
          traces.set(key, prev ? { ...t, spans: [...prev.spans, ...t.spans] } : t);
        }
        send(200, '{}');
        return;
      }
      if (u.pathname === '/ready') { send(200, 'ready', 'text/plain'); return; }
      if (u.pathname === '/api/status/buildinfo') { send(200, JSON.stringify({ version: 'stand-in (Tempo 2.x API)', revision: 'none' })); return; }
      const wantsProto = req.headers.accept === 'application/protobuf';
      let m = /^\/api\/v2\/traces\/([0-9a-fA-F]+)$/.exec(u.pathname);
      if (m && !state.v1Only) {
        const t = traces.get(`${tenant}/${m[1]!.toLowerCase().padStart(32, '0')}`);
        if (wantsProto) {
          // TraceByIDResponse { Trace trace = 1; …; PartialStatus status = 3; string message = 4 }
          if (!t) { send(200, Buffer.alloc(0), 'application/protobuf'); return; }
          const parts = [field(1, encodeOtlpProtobuf([t]))];
          if (state.partial) parts.push(Buffer.from([3 << 3, 1]), field(4, Buffer.from('trace exceeds max size')));
          send(200, Buffer.concat(parts), 'application/protobuf');
          return;
        }
        if (!t) { send(200, JSON.stringify({ trace: {} })); return; }
        const body: Record<string, unknown> = { trace: tempoJson(traceToOtlpJson([t])) };
        if (state.partial) Object.assign(body, { status: 'PARTIAL', message: 'trace exceeds max size' });
        send(200, JSON.stringify(body));
        return;
      }
      m = /^\/api\/traces\/([0-9a-fA-F]+)$/.exec(u.pathname);
      if (m) {
        const t = traces.get(`${tenant}/${m[1]!.toLowerCase().padStart(32, '0')}`);
        if (!t) { send(404, '', 'text/plain'); return; }
        if (wantsProto) { send(200, Buffer.from(encodeOtlpProtobuf([t])), 'application/protobuf'); return; }
        const otlp = tempoJson(traceToOtlpJson([t])) as { resourceSpans: unknown };
        send(200, JSON.stringify({ batches: otlp.resourceSpans }));
        return;
      }
      if (u.pathname === '/api/search') {
        searches.push(u.searchParams);
        const start = Number(u.searchParams.get('start')) * 1e9;
        const end = Number(u.searchParams.get('end')) * 1e9;
        const tags = new Map<string, string>();
        for (const m2 of (u.searchParams.get('tags') ?? '').matchAll(/([\w.]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) tags.set(m2[1]!, m2[2]!.startsWith('"') ? JSON.parse(m2[2]!) as string : m2[2]!);
        const q = u.searchParams.get('q');
        const qService = q ? /resource\.service\.name\s*=\s*"([^"]*)"/.exec(q)?.[1] : undefined;
        const rows = [...traces.entries()].filter(([k]) => k.startsWith(`${tenant}/`)).map(([, t]) => t).filter(t => {
          const root = t.spans.find(s => !s.parentId) ?? t.spans[0]!;
          if (Number(root.startNs) < start || Number(root.startNs) > end) return false;
          if (qService && !t.spans.some(s => s.resource.serviceName === qService)) return false;
          for (const [k, v] of tags) {
            if (k === 'service.name') { if (!t.spans.some(s => s.resource.serviceName === v)) return false; continue; }
            if (k === 'name') { if (!t.spans.some(s => s.name === v)) return false; continue; }
            if (!t.spans.some(s => s.attributes.some(a => a.key === k && String(a.value) === v))) return false;
          }
          return true;
        }).map(t => {
          const root = t.spans.find(s => !s.parentId) ?? t.spans[0]!;
          return { traceID: t.traceId.replace(/^0+/, ''), rootServiceName: root.resource.serviceName, rootTraceName: root.name, startTimeUnixNano: root.startNs.toString(), durationMs: Math.round(root.durationNs / 1e6) };
        });
        send(200, JSON.stringify({ traces: rows.slice(0, Number(u.searchParams.get('limit') ?? 20)), metrics: { inspectedTraces: traces.size } }));
        return;
      }
      if (u.pathname === '/api/v2/search/tags' && !state.v1Only) {
        send(200, JSON.stringify({ scopes: [{ name: 'resource', tags: ['service.name', 'service.version'] }, { name: 'span', tags: ['http.request.method', 'db.system'] }, { name: 'intrinsic', tags: ['duration', 'name', 'status'] }] }));
        return;
      }
      m = /^\/api\/v2\/search\/tag\/([^/]+)\/values$/.exec(u.pathname);
      if (m && !state.v1Only) {
        const tag = decodeURIComponent(m[1]!);
        const q = u.searchParams.get('q');
        const svc = q ? /resource\.service\.name\s*=\s*"([^"]*)"/.exec(q)?.[1] : undefined;
        const values = new Set<string>();
        for (const t of traces.values()) for (const s of t.spans) {
          if (svc && s.resource.serviceName !== svc) continue;
          if (tag === 'resource.service.name') values.add(s.resource.serviceName);
          else if (tag === 'name') values.add(s.name);
        }
        send(200, JSON.stringify({ tagValues: [...values].map(value => ({ type: 'string', value })) }));
        return;
      }
      if (u.pathname === '/api/search/tags') { send(200, JSON.stringify({ tagNames: ['service.name', 'http.request.method'] })); return; }
      m = /^\/api\/search\/tag\/([^/]+)\/values$/.exec(u.pathname);
      if (m) {
        const values = new Set<string>();
        for (const t of traces.values()) for (const s of t.spans) if (m[1] === 'service.name') values.add(s.resource.serviceName);
        send(200, JSON.stringify({ tagValues: [...values] }));
        return;
      }
      send(404, '404 page not found\n', 'text/plain');
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    searches,
    get v1Only() { return state.v1Only; },
    set v1Only(v: boolean) { state.v1Only = v; },
    get partial() { return state.partial; },
    set partial(v: boolean) { state.partial = v; },
    close: () => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
