// The one HTTP client every backend uses. Built on node:http/https rather than fetch so that the response size
// limit is enforced while streaming (nothing past the limit is buffered), and so that the CA, TLS verification
// and the HTTP proxy are ours to set.
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type Socket } from 'node:net';
import * as tls from 'node:tls';
import * as zlib from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { bypassesProxy } from './noProxy';
import {
  BackendError,
  BodyTooLargeError,
  CancelledError,
  ConnectionRefusedError,
  ConnectionResetError,
  DnsFailureError,
  ForbiddenError,
  HttpStatusError,
  MalformedBodyError,
  NotFoundError,
  ServerError,
  TimeoutError,
  TlsFailureError,
  UnauthorizedError,
} from './errors';

export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * Longest a whole request may take (connection, retries and the entire body) unless told otherwise. The idle
 * timeout alone never ends a server that sends one byte every few hundred milliseconds.
 */
export const DEFAULT_DEADLINE_MS = 120_000;
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
export const DEFAULT_RETRIES = 2;
/** Error bodies are read only this far (for the message). */
const ERROR_BODY_BYTES = 16 * 1024;

export interface HttpAuth {
  readonly bearerToken?: string;
  readonly username?: string;
  readonly password?: string;
}

export interface HttpTlsOptions {
  /** PEM file with the CA(s) to trust in addition to the system ones. */
  readonly caFile?: string;
  /** PEM text of the CA(s); wins over caFile. */
  readonly ca?: string;
  /** Accept any certificate. Only for test servers; the user must set it explicitly. */
  readonly insecureSkipVerify?: boolean;
}

export interface HttpClientOptions {
  /** Display name used in every error, e.g. "Jaeger (local)". */
  readonly backend: string;
  /** Base URL; request paths are resolved against it (a path prefix such as /jaeger is kept). */
  readonly baseUrl: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: HttpAuth;
  /** Time allowed for the response headers, and for each gap between body chunks. */
  readonly timeoutMs?: number;
  /** Time allowed for a whole request, retries and body included (default: the larger of 2 min and timeoutMs). */
  readonly deadlineMs?: number;
  /** Largest response body accepted (after decompression). */
  readonly maxBodyBytes?: number;
  /** Extra attempts for idempotent GETs on 429/502/503/504 and connection resets. */
  readonly retries?: number;
  /** Longest wait between attempts; a larger Retry-After ends the retries. */
  readonly retryMaxDelayMs?: number;
  /** Base of the exponential backoff (tests set it low). */
  readonly retryBaseDelayMs?: number;
  /** HTTP proxy URL (VS Code's `http.proxy`), e.g. http://user:pass@proxy:3128. */
  readonly proxy?: string;
  /** Hosts reached without the proxy (`http.noProxy` and NO_PROXY; patterns as in ./noProxy.ts). */
  readonly noProxy?: readonly string[];
  readonly tls?: HttpTlsOptions;
  readonly userAgent?: string;
}

export type QueryValue = string | number | boolean | undefined | readonly string[];

export interface HttpRequest {
  /** Path relative to the base URL, e.g. `api/v3/traces/abc` or `/api/v3/traces/abc`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly method?: 'GET' | 'POST' | 'HEAD';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Overrides the client's deadlineMs for this request. */
  readonly deadlineMs?: number;
  readonly maxBodyBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** The URL that was requested (with credentials, for internal use only; errors carry the redacted one). */
  readonly url: string;
  readonly contentType: string;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

export class HttpClient {
  readonly backend: string;
  readonly baseUrl: URL;
  private readonly opts: HttpClientOptions;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly ca: string | undefined;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    this.backend = opts.backend;
    const base = new URL(opts.baseUrl);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base;
    this.ca = opts.tls?.ca ?? (opts.tls?.caFile ? readFileSync(opts.tls.caFile, 'utf8') : undefined);
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      ...(this.ca ? { ca: [...tls.rootCertificates, this.ca] } : {}),
      rejectUnauthorized: !opts.tls?.insecureSkipVerify,
    });
  }

  /** Closes idle keep-alive sockets. */
  dispose(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** The absolute URL of a request (credentials kept; redact before showing). */
  urlFor(path: string, query?: Readonly<Record<string, QueryValue>>): URL {
    const u = new URL(path.replace(/^\/+/, ''), this.baseUrl);
    if (query) {
      for (const [k, v] of Object.entries(query)) {
        if (v === undefined) continue;
        if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, item);
        else u.searchParams.append(k, String(v));
      }
    }
    return u;
  }

  /**
   * One request; resolves with a 2xx response, or rejects with a BackendError subclass
   * (404 → NotFoundError, 401 → UnauthorizedError, …). GETs are retried as the options say.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = this.urlFor(req.path, req.query);
    // The deadline covers everything below: it aborts the request like a cancel would, and is then reported
    // as the time-out it is.
    const deadlineMs = req.deadlineMs ?? this.opts.deadlineMs ?? Math.max(DEFAULT_DEADLINE_MS, req.timeoutMs ?? this.opts.timeoutMs ?? 0);
    const ac = new AbortController();
    let expired = false;
    const timer = setTimeout(() => { expired = true; ac.abort(); }, deadlineMs);
    const outer = req.signal;
    const onOuterAbort = (): void => ac.abort();
    if (outer?.aborted) ac.abort();
    else outer?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      return await this.attempts(url, { ...req, signal: ac.signal });
    } catch (e) {
      if (expired && e instanceof CancelledError) throw new TimeoutError({ backend: this.backend, url: url.toString(), timeoutMs: deadlineMs, whole: true });
      throw e;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  private async attempts(url: URL, req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? 'GET';
    const retries = method === 'GET' || method === 'HEAD' ? (this.opts.retries ?? DEFAULT_RETRIES) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.once(url, method, req);
        if (res.status >= 200 && res.status < 300) return res;
        if (attempt < retries && RETRY_STATUS.has(res.status)) {
          const delay = this.retryDelay(attempt, res.headers['retry-after']);
          if (delay !== undefined) {
            await sleep(delay, req.signal, () => this.cancelled(url));
            continue;
          }
        }
        throw this.statusError(url, res);
      } catch (e) {
        if (e instanceof ConnectionResetError && attempt < retries) {
          const delay = this.retryDelay(attempt, undefined);
          if (delay !== undefined) {
            await sleep(delay, req.signal, () => this.cancelled(url));
            continue;
          }
        }
        throw e;
      }
    }
  }

  /** GET (or the given method) and validate the JSON body with `schema`. */
  async json<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.output<S>> {
    const res = await this.request({ ...req, headers: { accept: 'application/json', ...req.headers } });
    return this.parseJson(res, schema);
  }

  parseJson<S extends z.ZodType>(res: HttpResponse, schema: S): z.output<S> {
    const value = this.parseJsonValue(res);
    const r = schema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0];
      const where = issue && issue.path.length ? issue.path.join('.') : '(top level)';
      throw new MalformedBodyError({ backend: this.backend, url: res.url, status: res.status, detail: `unexpected JSON at ${where}: ${issue?.message ?? 'invalid'}` });
    }
    return r.data;
  }

  parseJsonValue(res: HttpResponse): unknown {
    const text = res.body.toString('utf8');
    try {
      return JSON.parse(text);
    } catch (e) {
      const ct = res.contentType ? ` (${res.contentType})` : '';
      const start = text.slice(0, 60).replace(/\s+/g, ' ');
      throw new MalformedBodyError({
        backend: this.backend,
        url: res.url,
        status: res.status,
        detail: `not JSON${ct}: ${e instanceof Error ? e.message : String(e)}; starts with "${start}"`,
        cause: e,
      });
    }
  }

  private cancelled(url: URL): CancelledError {
    return new CancelledError({ backend: this.backend, url: url.toString() });
  }

  private retryDelay(attempt: number, retryAfter: string | undefined): number | undefined {
    const max = this.opts.retryMaxDelayMs ?? 10_000;
    if (retryAfter !== undefined) {
      let ms: number | undefined;
      if (/^\s*\d+\s*$/.test(retryAfter)) ms = Number(retryAfter) * 1000;
      else {
        const at = Date.parse(retryAfter);
        if (!Number.isNaN(at)) ms = Math.max(0, at - Date.now());
      }
      if (ms !== undefined) return ms <= max ? ms : undefined;
    }
    const base = this.opts.retryBaseDelayMs ?? 250;
    const backoff = base * 2 ** attempt;
    return Math.min(max, backoff + Math.random() * backoff * 0.5);
  }

  private statusError(url: URL, res: HttpResponse): BackendError {
    const init = { backend: this.backend, url: url.toString(), status: res.status };
    const detail = errorDetail(res.body);
    if (res.status === 404) return new NotFoundError(init);
    if (res.status === 401) return new UnauthorizedError(init);
    if (res.status === 403) return new ForbiddenError(init);
    if (res.status >= 500 || res.status === 429) return new ServerError({ ...init, ...(detail ? { detail } : {}) });
    return new HttpStatusError({ ...init, ...(detail ? { detail } : {}) });
  }

  private headersFor(url: URL, req: HttpRequest): Record<string, string> {
    const h: Record<string, string> = {
      'accept-encoding': 'gzip, deflate, br',
      'user-agent': this.opts.userAgent ?? 'spanscope',
      accept: 'application/json',
    };
    for (const [k, v] of Object.entries(this.opts.headers ?? {})) h[k.toLowerCase()] = v;
    for (const [k, v] of Object.entries(req.headers ?? {})) h[k.toLowerCase()] = v;
    const auth = this.opts.auth;
    if (auth?.bearerToken) h.authorization = `Bearer ${auth.bearerToken}`;
    else if (auth?.username !== undefined || auth?.password !== undefined) {
      h.authorization = `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}`;
    } else if (url.username || url.password) {
      h.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    }
    if (req.body !== undefined) h['content-length'] = String(Buffer.byteLength(req.body));
    return h;
  }

  /** One attempt: resolves with any status (the body of an error status is read only in part). */
  private async once(url: URL, method: string, req: HttpRequest): Promise<HttpResponse> {
    const signal = req.signal;
    if (signal?.aborted) throw this.cancelled(url);
    const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBody = req.maxBodyBytes ?? this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const headers = this.headersFor(url, req);
    const isHttps = url.protocol === 'https:';
    const proxy = this.opts.proxy && !bypassesProxy(url, this.opts.noProxy ?? []) ? new URL(this.opts.proxy) : undefined;
    const errInit = { backend: this.backend, url: url.toString() };

    let tunnel: Socket | undefined;
    if (proxy && isHttps) tunnel = await this.connectTunnel(proxy, url, signal, timeoutMs);

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let clientReq: http.ClientRequest | undefined;
      let body: Readable | undefined;
      const finish = (err: BackendError | undefined, res?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          body?.destroy();
          clientReq?.destroy();
          tunnel?.destroy();
          reject(err);
        } else {
          // A tunnel serves one request (no agent pools it).
          tunnel?.destroy();
          resolve(res!);
        }
      };
      const armTimer = (): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => finish(new TimeoutError({ ...errInit, timeoutMs })), timeoutMs);
      };
      const onAbort = (): void => finish(this.cancelled(url));
      signal?.addEventListener('abort', onAbort, { once: true });
      armTimer();

      const common: https.RequestOptions = { method, headers, timeout: 0 };
      let options: https.RequestOptions;
      if (tunnel) {
        const sock = tunnel;
        options = {
          ...common,
          host: url.hostname,
          port: url.port || 443,
          path: url.pathname + url.search,
          // No agent: with one, Node ignores createConnection and would dial the target directly.
          createConnection: () => tls.connect({
            socket: sock,
            ...(isIP(url.hostname) ? {} : { servername: url.hostname }),
            ...(this.ca ? { ca: [...tls.rootCertificates, this.ca] } : {}),
            rejectUnauthorized: !this.opts.tls?.insecureSkipVerify,
          }),
        };
      } else if (proxy) {
        // Plain HTTP through a proxy: the absolute URL as the request target.
        const ph: Record<string, string> = { ...headers, host: url.host };
        if (proxy.username || proxy.password) ph['proxy-authorization'] = proxyAuth(proxy);
        options = { ...common, headers: ph, host: proxy.hostname, port: proxy.port || 80, path: url.toString(), agent: false };
      } else {
        options = {
          ...common,
          host: url.hostname,
          port: url.port || (isHttps ? 443 : 80),
          path: url.pathname + url.search,
          agent: isHttps ? this.httpsAgent : this.httpAgent,
        };
      }
      const transport = isHttps ? https : http;
      try {
        clientReq = transport.request(options);
      } catch (e) {
        finish(this.networkError(url, e));
        return;
      }
      clientReq.on('error', e => finish(this.networkError(url, e)));
      clientReq.on('response', res => {
        armTimer();
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const limit = ok ? maxBody : ERROR_BODY_BYTES;
        const contentType = String(res.headers['content-type'] ?? '');
        const declared = Number(res.headers['content-length']);
        if (ok && Number.isFinite(declared) && declared > maxBody && !res.headers['content-encoding']) {
          finish(new BodyTooLargeError({ ...errInit, status, limitBytes: maxBody }));
          return;
        }
        const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
        let stream: Readable = res;
        if (method !== 'HEAD') {
          if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(zlib.createGunzip());
          else if (encoding === 'deflate') stream = res.pipe(zlib.createInflate());
          else if (encoding === 'br') stream = res.pipe(zlib.createBrotliDecompress());
        }
        body = stream;
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('aborted', () => finish(new ConnectionResetError(errInit)));
        res.on('error', e => finish(this.networkError(url, e)));
        if (stream !== res) {
          stream.on('error', e => finish(new MalformedBodyError({
            ...errInit,
            status,
            detail: `the ${encoding} body is corrupt or cut short (${e instanceof Error ? e.message : String(e)})`,
            cause: e,
          })));
        }
        stream.on('data', (chunk: Buffer) => {
          if (settled || truncated) return;
          armTimer();
          size += chunk.length;
          if (size > limit) {
            if (ok) {
              finish(new BodyTooLargeError({ ...errInit, status, limitBytes: maxBody }));
              return;
            }
            // Error bodies: keep the start for the message, stop reading.
            truncated = true;
            chunks.push(chunk.subarray(0, Math.max(0, limit - (size - chunk.length))));
            finish(undefined, { status, headers: res.headers, body: Buffer.concat(chunks), url: url.toString(), contentType });
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        stream.on('end', () => {
          if (!res.complete) {
            finish(new ConnectionResetError(errInit));
            return;
          }
          finish(undefined, { status, headers: res.headers, body: Buffer.concat(chunks), url: url.toString(), contentType });
        });
      });
      if (req.body !== undefined) clientReq.end(req.body);
      else clientReq.end();
    });
  }

  /** CONNECT through the HTTP proxy; resolves with the raw tunnel socket. */
  private connectTunnel(proxy: URL, target: URL, signal: AbortSignal | undefined, timeoutMs: number): Promise<Socket> {
    const errInit = { backend: this.backend, url: target.toString() };
    return new Promise<Socket>((resolve, reject) => {
      const headers: Record<string, string> = { host: `${target.hostname}:${target.port || 443}` };
      if (proxy.username || proxy.password) headers['proxy-authorization'] = proxyAuth(proxy);
      const r = http.request({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: `${target.hostname}:${target.port || 443}`, headers, agent: false });
      const timer = setTimeout(() => { r.destroy(); reject(new TimeoutError({ ...errInit, timeoutMs })); }, timeoutMs);
      const onAbort = (): void => { r.destroy(); clearTimeout(timer); reject(this.cancelled(target)); };
      signal?.addEventListener('abort', onAbort, { once: true });
      r.on('connect', (res, socket) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (res.statusCode !== 200) {
          socket.destroy();
          reject(new HttpStatusError({ ...errInit, status: res.statusCode ?? 0, detail: `the proxy ${proxy.host} refused the tunnel`, hint: 'Check http.proxy and the proxy\'s credentials.' }));
          return;
        }
        resolve(socket);
      });
      r.on('error', e => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(this.networkError(target, e, `proxy ${proxy.host}: `));
      });
      r.end();
    });
  }

  private networkError(url: URL, e: unknown, prefix = ''): BackendError {
    if (e instanceof BackendError) return e;
    const code = (e as { code?: string } | undefined)?.code ?? '';
    const message = e instanceof Error ? e.message : String(e);
    const init = { backend: this.backend, url: url.toString(), cause: e };
    if (code === 'ECONNREFUSED') return new ConnectionRefusedError(prefix ? { ...init, hint: `${prefix}connection refused; check http.proxy.` } : init);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return new DnsFailureError(init);
    if (code === 'ETIMEDOUT') return new TimeoutError({ ...init, timeoutMs: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    if (isTlsCode(code) || /certificate|ssl|tls/i.test(message)) return new TlsFailureError({ ...init, detail: `${code ? code + ': ' : ''}${message}` });
    return new ConnectionResetError({ ...init, ...(code ? {} : {}), hint: `${prefix}${code || message}: try again; a proxy or load balancer in between may be cutting the connection.` });
  }
}

function isTlsCode(code: string): boolean {
  return /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/.test(code);
}

function proxyAuth(proxy: URL): string {
  return `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
}

/** A short message from an error body: a JSON `error`/`message` field, else the first text. */
function errorDetail(body: Buffer): string | undefined {
  const text = body.toString('utf8').trim();
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const err = o.error;
      if (typeof err === 'string') return clip(err);
      if (err && typeof err === 'object' && typeof (err as Record<string, unknown>).message === 'string') return clip((err as Record<string, string>).message!);
      if (typeof o.message === 'string') return clip(o.message);
      if (Array.isArray(o.errors) && o.errors.length) return clip(JSON.stringify(o.errors[0]));
    }
  } catch {
    // plain text
  }
  if (/^<(!doctype|html)/i.test(text)) return undefined;
  return clip(text.replace(/\s+/g, ' '));
}

function clip(s: string): string {
  return s.length > 200 ? s.slice(0, 197) + '…' : s;
}

function sleep(ms: number, signal: AbortSignal | undefined, cancelled: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
