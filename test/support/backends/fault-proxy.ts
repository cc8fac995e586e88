// A small fault-injecting reverse proxy for tests: put it in front of a real server and choose, per request,
// whether to pass the response through or to break it in one of the ways real networks do.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as zlib from 'node:zlib';
import { exchange, readBody, type RawResponse } from '../http';

export type Fault =
  | { readonly kind: 'pass' }
  /** Wait this long before sending anything. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Send the headers and part of the real body, then reset the connection. */
  | { readonly kind: 'reset-mid-body' }
  /** Reset the connection before any response. */
  | { readonly kind: 'reset' }
  /** The real body, gzip-compressed and cut in half (Content-Length matches what is sent). */
  | { readonly kind: 'truncated-gzip' }
  /** A 200 JSON body of this many bytes, streamed; with `declareLength` the Content-Length header says so. */
  | { readonly kind: 'huge'; readonly bytes: number; readonly declareLength: boolean }
  /** This status, with this body. */
  | { readonly kind: 'status'; readonly status: number; readonly body?: string; readonly headers?: Readonly<Record<string, string>> }
  /** 200 with a body that is not JSON. */
  | { readonly kind: 'garbage' };

export interface FaultProxy {
  readonly url: string;
  /** Applies `fault` to the next `times` requests (default: all until changed). */
  setFault(fault: Fault, times?: number): void;
  /** Requests seen since start. */
  readonly requests: readonly string[];
  /** Body bytes written by the `huge` fault, per request (to show the client stopped reading). */
  readonly hugeBytesWritten: number[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let fault: Fault = { kind: 'pass' };
  let remaining = Infinity;
  const requests: string[] = [];
  const hugeBytesWritten: number[] = [];
  const sockets = new Set<Socket>();

  const nextFault = (): Fault => {
    if (remaining <= 0) return { kind: 'pass' };
    remaining--;
    return fault;
  };

  const forward = (req: http.IncomingMessage, body: Buffer): Promise<RawResponse> => {
    const headers = { ...req.headers, host: upstream.host };
    delete headers['accept-encoding'];
    return exchange(http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }), body);
  };

  const server = http.createServer((req, res) => {
    void readBody(req).then(body => {
      requests.push(`${req.method} ${req.url}`);
      return handle(req, res, body, nextFault());
    }).catch(() => res.destroy());
  });
  server.on('connection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, f: Fault): Promise<void> {
    switch (f.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'status':
        res.writeHead(f.status, { 'content-type': 'application/json', ...f.headers });
        res.end(f.body ?? '');
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data": [ {"traceID": "abc", this is not json <html>');
        return;
      case 'huge': {
        const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
        if (f.declareLength) headers['content-length'] = f.bytes;
        res.writeHead(200, headers);
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let written = 0;
        const idx = hugeBytesWritten.push(0) - 1;
        const pump = (): void => {
          while (written < f.bytes) {
            const n = Math.min(chunk.length, f.bytes - written);
            written += n;
            hugeBytesWritten[idx] = written;
            if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('close', () => { written = f.bytes; });
        pump();
        return;
      }
      case 'delay':
        await new Promise<void>(resolve => {
          const t = setTimeout(resolve, f.ms);
          res.on('close', () => { clearTimeout(t); resolve(); });
        });
        if (res.destroyed) return;
        break;
      default:
        break;
    }
    const up = await forward(req, body);
    const headers = { ...up.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    if (f.kind === 'truncated-gzip') {
      const gz = zlib.gzipSync(up.body.length > 64 ? up.body : Buffer.concat([up.body, Buffer.alloc(256, 0x20)]));
      const cut = gz.subarray(0, Math.floor(gz.length / 2));
      res.writeHead(up.status, { ...headers, 'content-encoding': 'gzip', 'content-length': cut.length });
      res.end(cut);
      return;
    }
    if (f.kind === 'reset-mid-body') {
      const payload = up.body.length > 2 ? up.body : Buffer.from('{"data":[]}');
      res.writeHead(up.status, { ...headers, 'content-length': payload.length + 1024 });
      res.write(payload.subarray(0, Math.floor(payload.length / 2)));
      setTimeout(() => req.socket.resetAndDestroy(), 20);
      return;
    }
    res.writeHead(up.status, { ...headers, 'content-length': up.body.length });
    res.end(up.body);
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname === '/' ? '' : upstream.pathname}`,
    setFault(f: Fault, times?: number) {
      fault = f;
      remaining = times ?? Infinity;
    },
    requests,
    hugeBytesWritten,
    close: () => new Promise<void>(resolve => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
