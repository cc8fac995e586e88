// The embedded OTLP receiver: OTLP/HTTP (`POST /v1/traces`, protobuf or JSON, gzip/deflate) and OTLP/gRPC
// (`TraceService/Export`) into a TraceStore. No `vscode` here: the host passes settings in and listens to events.
//
// Answers follow the OTLP/HTTP spec: 200 + ExportTraceServiceResponse (partialSuccess for rejected spans) in the
// request's encoding; 400 + google.rpc.Status for bad data; 413 over the size limit (refused while streaming);
// 415 other content types; 405 other methods; 404 other paths; 429 + Retry-After when the store is full and may
// not evict; 503 + Retry-After when too many requests are in flight. Defence: loopback bind unless explicitly
// allowed, optional bearer token, CORS only for configured origins (a request with any other Origin is refused,
// which also stops DNS-rebinding pages), header/request timeouts against slowloris, bounded connections.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { BodyError, contentCoding, readBody, type ContentCoding } from './body';
import { Emitter, type Event } from './emitter';
import { ingest, ingestWith, type ExportEncoding, type IngestOutcome } from './ingest';
import { ParsePool, type ParsePoolOptions } from './parse-pool';
import { BearerCheck, OriginPolicy, isLoopbackHost } from './policy';
import { RECEIVER_ERROR } from './errors';
import { PortInUseError, findFreePort, probeOtlpHttp, type PortOccupant } from './ports';
import { RateMeter } from './rate';
import type { TraceStore, TraceStoreStats } from './store';
import { RPC_CODE, encodeExportResponse, encodeStatus } from './wire';

export const OTLP_TRACES_PATH = '/v1/traces';
export const GRPC_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const DEFAULT_HTTP_PORT = 4318;
export const DEFAULT_GRPC_PORT = 4317;

export interface OtlpReceiverOptions {
  readonly store: TraceStore;
  /** Default 127.0.0.1. Anything not loopback also needs `allowNonLoopback: true`, and fires onWarning. */
  readonly host?: string;
  readonly allowNonLoopback?: boolean;
  /** OTLP/HTTP port; 0 picks a free one. Default 4318. */
  readonly port?: number;
  /** OTLP/gRPC port; 0 picks a free one; false disables gRPC. Default 4317. */
  readonly grpcPort?: number | false;
  /** When set, requests need `Authorization: Bearer <token>` (HTTP header or gRPC metadata). */
  readonly bearerToken?: string;
  /** Browser origins allowed to export (CORS). Default none. See OriginPolicy for patterns. */
  readonly corsAllowedOrigins?: readonly string[];
  /** Largest body, on the wire and after decompression. Default 20 MiB (the Collector's default). */
  readonly maxBodyBytes?: number;
  /** Open TCP connections at once (HTTP); more are dropped by the server. Default 256. */
  readonly maxConnections?: number;
  /** Requests being read or decoded at once; more get 503 + Retry-After. Default 64. */
  readonly maxInFlightRequests?: number;
  /** Time allowed for the request headers. Default 10 s. */
  readonly headersTimeoutMs?: number;
  /** Time allowed for the whole request including its body (slow bodies are cut). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this. Default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Retry-After seconds when the store is full. Default 5. */
  readonly retryAfterSeconds?: number;
  /** Window of the spans/s figure. Default 10 s. */
  readonly rateWindowSeconds?: number;
  /**
   * Parse export requests in worker threads (dist/receiver-worker.js) instead of the thread that serves HTTP —
   * in VS Code, the extension host. Default: parse inline.
   */
  readonly parseWorkers?: ParsePoolOptions;
  /**
   * Answers requests for other paths than /v1/traces (the shared receiver's hub, see ./hub.ts) before the 404;
   * returns true when it took the request. Browser requests reach it only from allowed CORS origins.
   */
  readonly sideRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface ReceiverAddress {
  readonly host: string;
  readonly httpPort: number;
  /** `http://host:port/v1/traces` — what an app's OTLP/HTTP traces exporter should point at. */
  readonly httpUrl: string;
  readonly grpcPort?: number;
  /** `http://host:port` — the OTLP/gRPC endpoint. */
  readonly grpcUrl?: string;
}

export interface ExportEvent {
  readonly transport: 'http' | 'grpc';
  readonly encoding: ExportEncoding;
  readonly received: number;
  readonly accepted: number;
  readonly rejected: number;
}

export interface ReceiverStats {
  /** Spans accepted per second over the moving window. */
  readonly spansPerSecond: number;
  /** HTTP requests and gRPC calls answered, any status (including 404s, preflights and refusals). */
  readonly requests: number;
  readonly spansReceived: number;
  readonly spansAccepted: number;
  /** Retried spans the store already held. */
  readonly spansDuplicate: number;
  /** Spans answered as rejected (partialSuccess) or refused with 429/UNAVAILABLE. */
  readonly spansRejected: number;
  /** Spans evicted from the store to make room (whole traces). */
  readonly spansDropped: number;
  /** HTTP requests being read or decoded right now. */
  readonly inFlight: number;
  /** Answers by HTTP status (gRPC: by `grpc-<code>`). */
  readonly responses: Readonly<Record<string, number>>;
  readonly store: TraceStoreStats;
}

/** The host asked for a non-loopback address without `allowNonLoopback`. */
export class NonLoopbackBindError extends Error {
  override readonly name = 'NonLoopbackBindError';
  /** Check this (`isNonLoopbackBindError` in ./errors), not `instanceof` (see ./errors). */
  readonly code = RECEIVER_ERROR.nonLoopback;
  constructor(readonly host: string) {
    super(`refusing to listen on ${host}: only loopback addresses (127.0.0.1, ::1) are allowed unless non-loopback binding is explicitly enabled; `
      + 'anyone who can reach that address could send spans into the editor');
  }
}

const LOOPBACK = '127.0.0.1';

export class OtlpReceiver {
  private readonly store: TraceStore;
  private readonly host: string;
  private readonly httpPortWanted: number;
  private readonly grpcPortWanted: number | false;
  private readonly maxBodyBytes: number;
  private readonly maxInFlight: number;
  private readonly retryAfter: string;
  private readonly auth: BearerCheck | undefined;
  private readonly origins: OriginPolicy;
  private readonly rate: RateMeter;
  private readonly options: OtlpReceiverOptions;

  private http: http.Server | undefined;
  private grpc: grpc.Server | undefined;
  private pool: ParsePool | undefined;
  private addr: ReceiverAddress | undefined;
  private _grpcError: (Error & { readonly code: string }) | undefined;
  private inFlight = 0;
  private counts = { requests: 0, received: 0, accepted: 0, duplicate: 0, rejected: 0 };
  private readonly responses: Record<string, number> = {};

  private readonly _onWarning = new Emitter<string>();
  private readonly _onExport = new Emitter<ExportEvent>();
  private readonly _onInternalError = new Emitter<Error>();
  /** Something the user should know (non-loopback bind). */
  readonly onWarning: Event<string> = this._onWarning.event;
  /** After each export request that reached the store. */
  readonly onExport: Event<ExportEvent> = this._onExport.event;
  /** A bug-level failure while handling a request (answered 500); for the log. */
  readonly onInternalError: Event<Error> = this._onInternalError.event;

  constructor(options: OtlpReceiverOptions) {
    this.options = options;
    this.store = options.store;
    this.host = options.host?.trim() || LOOPBACK;
    this.httpPortWanted = options.port ?? DEFAULT_HTTP_PORT;
    this.grpcPortWanted = options.grpcPort === undefined ? DEFAULT_GRPC_PORT : options.grpcPort;
    this.maxBodyBytes = options.maxBodyBytes ?? 20 * 1024 * 1024;
    this.maxInFlight = options.maxInFlightRequests ?? 64;
    this.retryAfter = String(options.retryAfterSeconds ?? 5);
    this.auth = options.bearerToken ? new BearerCheck(options.bearerToken) : undefined;
    this.origins = new OriginPolicy(options.corsAllowedOrigins ?? []);
    this.rate = new RateMeter(options.rateWindowSeconds ?? 10);
  }

  /** Where it listens, once started. */
  get address(): ReceiverAddress | undefined {
    return this.addr;
  }

  get isRunning(): boolean {
    return this.addr !== undefined;
  }

  /**
   * Binds both ports. Rejects with NonLoopbackBindError, or PortInUseError for the HTTP port (with a free port to
   * offer and whether the port already holds an OTLP endpoint); nothing stays bound after a rejection. gRPC failing
   * to bind does not reject: HTTP runs, the address has no grpcPort, and `grpcError` says why.
   */
  async start(): Promise<ReceiverAddress> {
    if (this.addr) return this.addr;
    if (!isLoopbackHost(this.host)) {
      if (!this.options.allowNonLoopback) throw new NonLoopbackBindError(this.host);
      this._onWarning.fire(`the OTLP receiver listens on ${this.host}, reachable from other machines`
        + (this.auth ? '' : ' and without a bearer token: anyone who can reach it can send spans'));
    }
    const server = this.createHttpServer();
    if (this.options.parseWorkers) this.pool = new ParsePool(this.options.parseWorkers);
    this._grpcError = undefined;
    try {
      const httpPort = await listen(server, this.host, this.httpPortWanted);
      this.http = server;
      // gRPC is the second way in: failing to bind it (a Collector on 4317) must not take OTLP/HTTP down with it.
      const grpcPort = this.grpcPortWanted === false ? undefined : await this.startGrpc(this.grpcPortWanted, httpPort);
      const h = this.host.includes(':') ? `[${this.host}]` : this.host;
      this.addr = {
        host: this.host,
        httpPort,
        httpUrl: `http://${h}:${httpPort}${OTLP_TRACES_PATH}`,
        ...(grpcPort !== undefined ? { grpcPort, grpcUrl: `http://${h}:${grpcPort}` } : {}),
      };
      return this.addr;
    } catch (err) {
      await this.stop();
      server.close();
      if (isAddrInUse(err)) {
        const port = this.httpPortWanted;
        const occupant: PortOccupant = await probeOtlpHttp(this.host, port);
        // Never offer the port the other protocol wants.
        const other = this.grpcPortWanted;
        const suggested = await findFreePort(this.host, port, other === false ? [] : [other]);
        throw new PortInUseError('http', this.host, port, occupant, suggested);
      }
      throw err;
    }
  }

  /**
   * Why OTLP/gRPC is not listening although it was asked for (a PortInUseError with protocol 'grpc', or an error
   * with code SPANSCOPE_GRPC_BIND); undefined when it listens or is off. OTLP/HTTP runs either way.
   */
  get grpcError(): (Error & { readonly code: string }) | undefined {
    return this._grpcError;
  }

  /** Binds gRPC; on failure records why in `grpcError` and returns undefined instead of throwing. */
  private async startGrpc(port: number, httpPort: number): Promise<number | undefined> {
    const g = this.createGrpcServer();
    try {
      const bound = await bindGrpc(g, this.host, port);
      this.grpc = g;
      return bound;
    } catch (err) {
      g.forceShutdown();
      if (isAddrInUse(err)) {
        const occupant = await probeOtlpGrpc(this.host, port);
        const suggested = await findFreePort(this.host, port, [httpPort, this.httpPortWanted]);
        this._grpcError = new PortInUseError('grpc', this.host, port, occupant, suggested);
      } else {
        this._grpcError = Object.assign(new Error(`OTLP/gRPC could not listen on ${this.host}:${port}: ${(err as Error).message}`), { code: RECEIVER_ERROR.grpcBind });
      }
      this._onWarning.fire(`${this._grpcError.message} (OTLP/HTTP is running)`);
      return undefined;
    }
  }

  /** Closes both servers and every open connection. */
  async stop(): Promise<void> {
    const server = this.http;
    const g = this.grpc;
    this.http = undefined;
    this.grpc = undefined;
    this.addr = undefined;
    this.pool?.dispose();
    this.pool = undefined;
    const closing: Promise<void>[] = [];
    if (server) {
      closing.push(new Promise(resolve => server.close(() => resolve())));
      server.closeAllConnections();
    }
    if (g) {
      closing.push(new Promise(resolve => g.tryShutdown(() => resolve())));
      setTimeout(() => g.forceShutdown(), 1000).unref();
    }
    await Promise.all(closing);
  }

  stats(): ReceiverStats {
    const store = this.store.stats();
    return {
      spansPerSecond: this.rate.perSecond(),
      requests: this.counts.requests,
      spansReceived: this.counts.received,
      spansAccepted: this.counts.accepted,
      spansDuplicate: this.counts.duplicate,
      spansRejected: this.counts.rejected,
      spansDropped: store.evictedSpans,
      inFlight: this.inFlight,
      responses: { ...this.responses },
      store,
    };
  }

  dispose(): void {
    void this.stop();
    this._onWarning.dispose();
    this._onExport.dispose();
    this._onInternalError.dispose();
  }

  // ---- shared ------------------------------------------------------------------------------------------

  private ingest(body: Uint8Array, encoding: ExportEncoding): IngestOutcome | Promise<IngestOutcome> {
    return this.pool ? ingestWith(this.pool, this.store, body, encoding) : ingest(this.store, body, encoding);
  }

  private record(transport: 'http' | 'grpc', encoding: ExportEncoding, outcome: IngestOutcome): void {
    if (outcome.kind === 'bad' || outcome.kind === 'unavailable') return;
    this.counts.received += outcome.received;
    if (outcome.kind === 'full') {
      this.counts.rejected += outcome.received;
      return;
    }
    this.counts.accepted += outcome.accepted;
    this.counts.duplicate += outcome.duplicates;
    this.counts.rejected += outcome.rejected;
    this.rate.record(outcome.accepted);
    if (this._onExport.hasListeners) {
      this._onExport.fire({ transport, encoding, received: outcome.received, accepted: outcome.accepted, rejected: outcome.rejected });
    }
  }

  private count(key: string): void {
    this.responses[key] = (this.responses[key] ?? 0) + 1;
  }

  // ---- OTLP/HTTP ---------------------------------------------------------------------------------------

  private createHttpServer(): http.Server {
    const headersTimeout = this.options.headersTimeoutMs ?? 10_000;
    const requestTimeout = Math.max(this.options.requestTimeoutMs ?? 30_000, headersTimeout);
    const server = http.createServer({
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: this.options.keepAliveTimeoutMs ?? 5_000,
      // How often Node checks the two timeouts above (default 30 s would let a slow client linger).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))),
      maxHeaderSize: 16 * 1024,
    }, (req, res) => {
      this.onHttpRequest(req, res).catch(err => {
        this._onInternalError.fire(err instanceof Error ? err : new Error(String(err)));
        if (!res.headersSent) this.reply(res, 500, 'text/plain; charset=utf-8', Buffer.from('internal error in the Spanscope receiver'));
        else res.destroy();
      });
    });
    server.maxConnections = this.options.maxConnections ?? 256;
    // An idle socket (no bytes at all) is closed too.
    server.setTimeout(requestTimeout + 1000, socket => socket.destroy());
    return server;
  }

  private reply(res: http.ServerResponse, status: number, type: string | undefined, body: Buffer, headers: Record<string, string> = {}): void {
    this.counts.requests++;
    this.count(String(status));
    const h: Record<string, string | number> = { ...headers, 'content-length': body.length };
    if (type) h['content-type'] = type;
    res.writeHead(status, h);
    res.end(body);
  }

  private replyStatus(res: http.ServerResponse, status: number, encoding: ExportEncoding | undefined, rpcCode: number, message: string, headers: Record<string, string> = {}): void {
    if (encoding) this.reply(res, status, mediaType(encoding), encodeStatus(rpcCode, message, encoding), headers);
    else this.reply(res, status, 'text/plain; charset=utf-8', Buffer.from(message + '\n'), headers);
  }

  private async onHttpRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!this.origins.allows(origin)) {
        closeAfter(req, res);
        this.replyStatus(res, 403, undefined, RPC_CODE.permissionDenied, `origin ${origin.slice(0, 100)} is not allowed to send traces to this receiver (see the receiver's allowed CORS origins)`);
        return;
      }
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
    }
    if (path !== OTLP_TRACES_PATH && this.options.sideRoutes?.(req, res)) return;
    if (path !== OTLP_TRACES_PATH) {
      closeAfter(req, res);
      this.replyStatus(res, 404, undefined, 5, `not found: this OTLP receiver takes traces at POST ${OTLP_TRACES_PATH}`);
      return;
    }
    if (req.method === 'OPTIONS') {
      const headers: Record<string, string> = { allow: 'POST, OPTIONS' };
      if (origin !== undefined) {
        const asked = String(req.headers['access-control-request-headers'] ?? '');
        headers['access-control-allow-methods'] = 'POST';
        headers['access-control-allow-headers'] = /^[\w\-, ]{1,500}$/.test(asked) ? asked : 'content-type, content-encoding, authorization';
        headers['access-control-max-age'] = '600';
      }
      req.resume();
      this.reply(res, 204, undefined, Buffer.alloc(0), headers);
      return;
    }
    if (req.method !== 'POST') {
      closeAfter(req, res);
      this.replyStatus(res, 405, undefined, 12, `method ${req.method ?? '?'} not allowed: use POST`, { allow: 'POST, OPTIONS' });
      return;
    }
    const encoding = exportEncoding(req.headers['content-type']);
    if (this.auth && !this.auth.matches(req.headers.authorization)) {
      closeAfter(req, res);
      this.replyStatus(res, 401, encoding, RPC_CODE.unauthenticated, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer realm="spanscope"' });
      return;
    }
    if (!encoding) {
      closeAfter(req, res);
      this.replyStatus(res, 415, undefined, RPC_CODE.invalidArgument,
        `unsupported Content-Type "${String(req.headers['content-type'] ?? '').slice(0, 80)}": use application/x-protobuf or application/json`);
      return;
    }
    let coding: ContentCoding;
    try {
      coding = contentCoding(req.headers['content-encoding']);
    } catch (err) {
      closeAfter(req, res);
      this.replyStatus(res, 415, encoding, RPC_CODE.invalidArgument, (err as Error).message);
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBodyBytes) {
      closeAfter(req, res);
      this.replyStatus(res, 413, encoding, RPC_CODE.resourceExhausted, `request body of ${declared} bytes exceeds the limit of ${this.maxBodyBytes} bytes`);
      return;
    }
    if (this.store.isFull) {
      closeAfter(req, res);
      this.replyStatus(res, 429, encoding, RPC_CODE.resourceExhausted, 'the Spanscope trace store is full; retry later or clear it', { 'retry-after': this.retryAfter });
      return;
    }
    if (this.inFlight >= this.maxInFlight) {
      closeAfter(req, res);
      this.replyStatus(res, 503, encoding, RPC_CODE.unavailable, 'too many export requests in flight; retry later', { 'retry-after': '1' });
      return;
    }

    this.inFlight++;
    let body: Buffer;
    try {
      body = await readBody(req, coding, this.maxBodyBytes);
    } catch (err) {
      this.inFlight--;
      if (!(err instanceof BodyError)) throw err;
      if (err.kind === 'aborted') { req.destroy(); return; }
      closeAfter(req, res);
      if (err.kind === 'too-large') this.replyStatus(res, 413, encoding, RPC_CODE.resourceExhausted, err.message);
      else this.replyStatus(res, err.kind === 'unsupported-encoding' ? 415 : 400, encoding, RPC_CODE.invalidArgument, err.message);
      return;
    }
    let outcome: IngestOutcome;
    try {
      outcome = await this.ingest(body, encoding);
    } finally {
      this.inFlight--;
    }
    this.record('http', encoding, outcome);
    switch (outcome.kind) {
      case 'ok':
        this.reply(res, 200, mediaType(encoding), encodeExportResponse(outcome.rejected > 0 ? { rejectedSpans: outcome.rejected, errorMessage: outcome.message } : undefined, encoding));
        return;
      case 'bad':
        this.replyStatus(res, 400, encoding, RPC_CODE.invalidArgument, outcome.message);
        return;
      case 'full':
        this.replyStatus(res, 429, encoding, RPC_CODE.resourceExhausted, outcome.message, { 'retry-after': this.retryAfter });
        return;
      case 'unavailable':
        this.replyStatus(res, 503, encoding, RPC_CODE.unavailable, outcome.message, { 'retry-after': '1' });
        return;
    }
  }

  // ---- OTLP/gRPC ---------------------------------------------------------------------------------------

  private createGrpcServer(): grpc.Server {
    const server = new grpc.Server({
      // Applies to the decompressed message too (grpc-js checks it while inflating).
      'grpc.max_receive_message_length': this.maxBodyBytes,
      'grpc.max_send_message_length': 64 * 1024,
      'grpc.max_concurrent_streams': this.maxInFlight,
      'grpc.max_connection_idle_ms': 5 * 60_000,
    });
    const identity = (b: Buffer): Buffer => b;
    const definition: grpc.ServiceDefinition = {
      Export: {
        path: GRPC_EXPORT_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
        originalName: 'export',
      },
    };
    server.addService(definition, {
      Export: async (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        this.counts.requests++;
        const fail = (code: grpc.status, details: string) => {
          this.count(`grpc-${code}`);
          callback({ code, details } as grpc.ServiceError);
        };
        if (this.auth) {
          const presented = call.metadata.get('authorization')[0];
          if (!this.auth.matches(typeof presented === 'string' ? presented : presented?.toString('utf8'))) {
            fail(grpc.status.UNAUTHENTICATED, 'missing or wrong bearer token');
            return;
          }
        }
        let outcome: IngestOutcome;
        try {
          outcome = await this.ingest(call.request, 'proto');
        } catch (err) {
          this._onInternalError.fire(err instanceof Error ? err : new Error(String(err)));
          fail(grpc.status.INTERNAL, 'internal error in the Spanscope receiver');
          return;
        }
        this.record('grpc', 'proto', outcome);
        switch (outcome.kind) {
          case 'ok':
            this.count('grpc-0');
            callback(null, encodeExportResponse(outcome.rejected > 0 ? { rejectedSpans: outcome.rejected, errorMessage: outcome.message } : undefined, 'proto'));
            return;
          case 'bad':
            fail(grpc.status.INVALID_ARGUMENT, outcome.message);
            return;
          case 'full':
          case 'unavailable':
            // UNAVAILABLE is the retryable code for OTLP/gRPC (RESOURCE_EXHAUSTED needs RetryInfo details).
            fail(grpc.status.UNAVAILABLE, outcome.message);
            return;
        }
      },
    });
    return server;
  }
}

/** 'proto' | 'json' from a Content-Type header, or undefined for anything else. */
export function exportEncoding(contentType: string | undefined): ExportEncoding | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'proto';
  if (type === 'application/json') return 'json';
  return undefined;
}

function mediaType(encoding: ExportEncoding): string {
  return encoding === 'proto' ? 'application/x-protobuf' : 'application/json';
}

/** Answering before the body is read: close the connection rather than read (possibly huge) data to discard. */
function closeAfter(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.complete) return;
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  const h = host.includes(':') ? `[${host}]` : host;
  return new Promise((resolve, reject) => {
    server.bindAsync(`${h}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (!err) { resolve(bound); return; }
      const e = Object.assign(new Error(err.message), { grpc: true, code: /EADDRINUSE|address already in use/i.test(err.message) ? 'EADDRINUSE' : undefined });
      reject(e);
    });
  });
}

function isAddrInUse(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'EADDRINUSE';
}

/** Whether an OTLP/gRPC TraceService answers on host:port (an empty Export returns OK). */
export function probeOtlpGrpc(host: string, port: number, timeoutMs = 1000): Promise<PortOccupant> {
  const h = host.includes(':') ? `[${host}]` : host;
  const client = new grpc.Client(`${h}:${port}`, grpc.credentials.createInsecure());
  return new Promise<PortOccupant>(resolve => {
    client.makeUnaryRequest(GRPC_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), { deadline: Date.now() + timeoutMs }, err => {
      if (!err) resolve('otlp');
      else if (err.code === grpc.status.UNAUTHENTICATED) resolve('otlp');
      else if (err.code === grpc.status.UNIMPLEMENTED) resolve('other-http');
      else resolve('unknown');
    });
  }).finally(() => client.close());
}
