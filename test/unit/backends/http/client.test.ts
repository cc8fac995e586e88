// The HTTP layer against real loopback servers (an origin, the fault proxy, a TLS server, a forward proxy).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { HttpClient } from '../../../../src/backends/http/client';
import * as errors from '../../../../src/backends/http/errors';
import { startFaultProxy, type FaultProxy } from '../../../support/backends/fault-proxy';
import { makeTestCerts, type TestCerts } from '../../../support/backends/tls-certs';

const PAYLOAD = { hello: 'world', items: Array.from({ length: 200 }, (_, i) => ({ i, name: `item-${i}` })) };
const SCHEMA = z.object({ hello: z.string(), items: z.array(z.object({ i: z.number(), name: z.string() })) });

let origin: http.Server;
let originUrl: string;
let proxy: FaultProxy;
const seenHeaders: http.IncomingHttpHeaders[] = [];
let flaky = 0;

function listen(server: net.Server): Promise<number> {
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function rejectsWith<T extends errors.BackendError>(p: Promise<unknown>, type: new (...a: never[]) => T, check?: (e: T) => void): Promise<T> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    check?.(e);
    return e;
  }
  assert.fail(`expected ${type.name}, but the request succeeded`);
}

before(async () => {
  origin = http.createServer((req, res) => {
    seenHeaders.push(req.headers);
    const u = new URL(req.url ?? '/', 'http://x');
    const body = Buffer.from(JSON.stringify(PAYLOAD));
    switch (u.pathname) {
      case '/json': res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); return;
      case '/gzip': res.writeHead(200, { 'content-encoding': 'gzip' }); res.end(zlib.gzipSync(body)); return;
      case '/deflate': res.writeHead(200, { 'content-encoding': 'deflate' }); res.end(zlib.deflateSync(body)); return;
      case '/br': res.writeHead(200, { 'content-encoding': 'br' }); res.end(zlib.brotliCompressSync(body)); return;
      case '/wrong-shape': res.writeHead(200); res.end('{"hello": 5}'); return;
      case '/html': res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>login</html>'); return;
      case '/flaky-503':
        if (flaky++ % 2 === 0) { res.writeHead(503, { 'retry-after': '1' }); res.end('busy'); return; }
        res.writeHead(200); res.end(body); return;
      case '/flaky-reset':
        if (flaky++ % 2 === 0) { req.socket.destroy(); return; }
        res.writeHead(200); res.end(body); return;
      case '/always-503': res.writeHead(503); res.end('{"message":"overloaded"}'); return;
      case '/post': res.writeHead(502); res.end(); return;
      case '/stall-body':
        res.writeHead(200, { 'content-length': 100 });
        res.write('{"hello":');
        return; // never finishes
      case '/trickle': {
        // A byte every 300 ms, for ever: every gap is shorter than any idle timeout.
        res.writeHead(200, { 'content-type': 'application/json' });
        const t = setInterval(() => res.write(' '), 300);
        res.on('close', () => clearInterval(t));
        return;
      }
      case '/echo-headers': res.writeHead(200); res.end(JSON.stringify(req.headers)); return;
      default: res.writeHead(404); res.end('{"error":{"httpCode":404,"message":"trace not found"}}');
    }
  });
  originUrl = `http://127.0.0.1:${await listen(origin)}`;
  proxy = await startFaultProxy(originUrl);
});

after(async () => {
  await proxy.close();
  await new Promise<void>(r => { origin.closeAllConnections(); origin.close(() => r()); });
});

function client(extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  return new HttpClient({ backend: 'Test (unit)', baseUrl: originUrl, retryBaseDelayMs: 10, timeoutMs: 2000, ...extra });
}

describe('decoding', () => {
  for (const path of ['json', 'gzip', 'deflate', 'br']) {
    test(`${path} body decodes and validates`, async () => {
      const c = client();
      const v = await c.json({ path }, SCHEMA);
      assert.equal(v.items.length, 200);
      c.dispose();
    });
  }
  test('asks for compressed bodies and sends configured headers and auth', async () => {
    const c = client({ headers: { 'X-Scope-OrgID': 'tenant-a' }, auth: { bearerToken: 's3cret' } });
    const v = await c.json({ path: 'echo-headers' }, z.record(z.string(), z.string()));
    assert.equal(v['accept-encoding'], 'gzip, deflate, br');
    assert.equal(v['x-scope-orgid'], 'tenant-a');
    assert.equal(v.authorization, 'Bearer s3cret');
    c.dispose();
  });
  test('a path prefix in the base URL is kept', async () => {
    const c = new HttpClient({ backend: 'x', baseUrl: `${originUrl}/jaeger` });
    assert.equal(c.urlFor('/api/traces/1', { a: 'b', c: undefined, d: ['1', '2'] }).toString(), `${originUrl}/jaeger/api/traces/1?a=b&d=1&d=2`);
    c.dispose();
  });
});

describe('typed errors', () => {
  test('404 → errors.NotFoundError naming the backend and the redacted URL', async () => {
    const c = new HttpClient({ backend: 'Jaeger (local)', baseUrl: originUrl.replace('http://', 'http://alice:pw@') });
    const e = await rejectsWith(c.json({ path: 'missing', query: { token: 'abc' } }, SCHEMA), errors.NotFoundError);
    assert.equal(e.backend, 'Jaeger (local)');
    assert.ok(!e.message.includes('alice') && !e.message.includes('pw@') && !e.message.includes('abc'), e.message);
    assert.match(e.message, /^Jaeger \(local\): not found \(http:\/\/127\.0\.0\.1:\d+\/missing\?token=\*\*\*\)\./);
    c.dispose();
  });
  test('401 and 403 carry the set-credentials action', async () => {
    proxy.setFault({ kind: 'status', status: 401 }, 1);
    const c = client({ baseUrl: proxy.url });
    const e = await rejectsWith(c.json({ path: 'json' }, SCHEMA), errors.UnauthorizedError);
    assert.deepEqual(e.actions, ['setCredentials']);
    assert.match(e.message, /Set Backend Credentials/);
    proxy.setFault({ kind: 'status', status: 403 }, 1);
    const f = await rejectsWith(c.json({ path: 'json' }, SCHEMA), errors.ForbiddenError);
    assert.ok(f.actions.includes('setCredentials'));
    c.dispose();
  });
  test('500 → errors.ServerError with the server\'s message; 400 → errors.HttpStatusError', async () => {
    proxy.setFault({ kind: 'status', status: 500, body: '{"error":"storage unavailable"}' }, 1);
    const c = client({ baseUrl: proxy.url });
    const e = await rejectsWith(c.json({ path: 'json' }, SCHEMA), errors.ServerError);
    assert.equal(e.status, 500);
    assert.match(e.message, /storage unavailable/);
    proxy.setFault({ kind: 'status', status: 400, body: 'bad query' }, 1);
    await rejectsWith(c.json({ path: 'json' }, SCHEMA), errors.HttpStatusError, x => assert.match(x.message, /bad query/));
    c.dispose();
  });
  test('garbage JSON, an HTML page and a wrong shape → errors.MalformedBodyError', async () => {
    proxy.setFault({ kind: 'garbage' }, 1);
    const c = client({ baseUrl: proxy.url });
    await rejectsWith(c.json({ path: 'json' }, SCHEMA), errors.MalformedBodyError, e => assert.match(e.message, /not JSON/));
    await rejectsWith(c.json({ path: 'html' }, SCHEMA), errors.MalformedBodyError, e => assert.match(e.message, /text\/html/));
    await rejectsWith(c.json({ path: 'wrong-shape' }, SCHEMA), errors.MalformedBodyError, e => assert.match(e.message, /hello/));
    c.dispose();
  });
  test('truncated gzip → errors.MalformedBodyError', async () => {
    proxy.setFault({ kind: 'truncated-gzip' }, 1);
    const c = client({ baseUrl: proxy.url });
    await rejectsWith(c.json({ path: 'json' }, SCHEMA), errors.MalformedBodyError, e => assert.match(e.message, /gzip body is corrupt or cut short/));
    c.dispose();
  });
  test('connection reset mid-body → errors.ConnectionResetError after the retries', async () => {
    proxy.setFault({ kind: 'reset-mid-body' });
    const before = proxy.requests.length;
    const c = client({ baseUrl: proxy.url, retries: 1 });
    await rejectsWith(c.json({ path: 'json' }, SCHEMA), errors.ConnectionResetError);
    assert.equal(proxy.requests.length - before, 2, 'one retry');
    proxy.setFault({ kind: 'pass' });
    c.dispose();
  });
  test('connection refused, DNS failure', async () => {
    const s = net.createServer();
    const port = await listen(s);
    await new Promise<void>(r => s.close(() => r()));
    const c = new HttpClient({ backend: 'Zipkin', baseUrl: `http://127.0.0.1:${port}`, retries: 0 });
    await rejectsWith(c.request({ path: 'x' }), errors.ConnectionRefusedError, e => assert.match(e.message, /Is the backend running/));
    const d = new HttpClient({ backend: 'Zipkin', baseUrl: 'http://no-such-host.invalid:9411', retries: 0 });
    await rejectsWith(d.request({ path: 'x' }), errors.DnsFailureError);
    c.dispose();
    d.dispose();
  });
});

describe('time limits and cancellation', () => {
  test('no answer within timeoutMs → errors.TimeoutError, and the proxy sees the client go away', async () => {
    proxy.setFault({ kind: 'delay', ms: 5000 }, 1);
    const c = client({ baseUrl: proxy.url, timeoutMs: 200 });
    const t0 = Date.now();
    await rejectsWith(c.request({ path: 'json' }), errors.TimeoutError, e => assert.match(e.message, /no answer within 200 ms/));
    assert.ok(Date.now() - t0 < 1500);
    c.dispose();
  });
  test('a body that stalls → errors.TimeoutError', async () => {
    const c = client({ timeoutMs: 200 });
    await rejectsWith(c.request({ path: 'stall-body' }), errors.TimeoutError);
    c.dispose();
  });
  test('a body that trickles in for ever ends at the overall deadline → errors.TimeoutError', async () => {
    const c = client({ timeoutMs: 1000, deadlineMs: 1500 });
    const t0 = Date.now();
    // Without a deadline this request never ends; the test gives up on its own after 15 s.
    let giveUp: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => { giveUp = setTimeout(() => reject(new Error('still running after 15 s')), 15_000); });
    try {
      await rejectsWith(Promise.race([c.request({ path: 'trickle' }), hung]), errors.TimeoutError, e => assert.match(e.message, /not complete within 1500 ms/));
    } finally {
      clearTimeout(giveUp);
      c.dispose();
    }
    const took = Date.now() - t0;
    assert.ok(took >= 1400 && took < 6000, `took ${took} ms`);
    // A per-request deadline wins over the client's.
    const c2 = client({ timeoutMs: 1000, deadlineMs: 60_000 });
    await rejectsWith(c2.request({ path: 'trickle', deadlineMs: 700 }), errors.TimeoutError, e => assert.match(e.message, /within 700 ms/));
    c2.dispose();
  });
  test('abort while waiting → errors.CancelledError at once', async () => {
    proxy.setFault({ kind: 'delay', ms: 5000 }, 1);
    const c = client({ baseUrl: proxy.url, timeoutMs: 10_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await rejectsWith(c.request({ path: 'json', signal: ac.signal }), errors.CancelledError);
    assert.ok(Date.now() - t0 < 1000);
    await rejectsWith(c.request({ path: 'json', signal: ac.signal }), errors.CancelledError); // already aborted
    c.dispose();
  });
  test('abort during a retry wait → errors.CancelledError', async () => {
    const c = client({ retryBaseDelayMs: 5000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    await rejectsWith(c.request({ path: 'always-503', signal: ac.signal }), errors.CancelledError);
    c.dispose();
  });
});

describe('size limit', () => {
  test('a declared Content-Length over the limit is refused before reading', async () => {
    proxy.setFault({ kind: 'huge', bytes: 300 * 1024 * 1024, declareLength: true }, 1);
    const c = client({ baseUrl: proxy.url });
    await rejectsWith(c.request({ path: 'json' }), errors.BodyTooLargeError, e => assert.match(e.message, /256 MB/));
    c.dispose();
  });
  test('a streamed body is cut at the limit, without reading the rest', async () => {
    proxy.setFault({ kind: 'huge', bytes: 300 * 1024 * 1024, declareLength: false }, 1);
    const c = client({ baseUrl: proxy.url, maxBodyBytes: 8 * 1024 * 1024 });
    await rejectsWith(c.request({ path: 'json' }), errors.BodyTooLargeError, e => assert.match(e.message, /8 MB/));
    await new Promise(r => setTimeout(r, 100));
    const written = proxy.hugeBytesWritten.at(-1)!;
    assert.ok(written < 64 * 1024 * 1024, `the proxy wrote ${written} bytes; the client should have hung up near 8 MB`);
    c.dispose();
  });
  test('the limit applies after decompression (gzip bomb)', async () => {
    const c = client({ maxBodyBytes: 1000 });
    await rejectsWith(c.request({ path: 'gzip' }), errors.BodyTooLargeError);
    c.dispose();
  });
});

describe('retries', () => {
  test('GET retried on 503 honouring Retry-After', async () => {
    flaky = 0;
    const c = client();
    const t0 = Date.now();
    const v = await c.json({ path: 'flaky-503' }, SCHEMA);
    assert.equal(v.hello, 'world');
    assert.ok(Date.now() - t0 >= 900, 'waited the Retry-After second');
    c.dispose();
  });
  test('a Retry-After beyond the maximum wait is not waited for', async () => {
    flaky = 0;
    const c = client({ retryMaxDelayMs: 500 });
    await rejectsWith(c.request({ path: 'flaky-503' }), errors.ServerError, e => assert.equal(e.status, 503));
    c.dispose();
  });
  test('GET retried on a connection reset', async () => {
    flaky = 0;
    const c = client();
    assert.equal((await c.json({ path: 'flaky-reset' }, SCHEMA)).hello, 'world');
    c.dispose();
  });
  test('POST is never retried', async () => {
    const c = client();
    const n = seenHeaders.length;
    await rejectsWith(c.request({ path: 'post', method: 'POST', body: '{}' }), errors.ServerError);
    assert.equal(seenHeaders.length - n, 1);
    c.dispose();
  });
  test('gives up after the configured attempts', async () => {
    const c = client({ retries: 2 });
    const n = seenHeaders.length;
    await rejectsWith(c.request({ path: 'always-503' }), errors.ServerError, e => assert.match(e.message, /overloaded/));
    assert.equal(seenHeaders.length - n, 3);
    c.dispose();
  });
});

describe('TLS and proxies', () => {
  let certs: TestCerts;
  let tlsServer: https.Server;
  let tlsUrl: string;
  let forward: http.Server;
  let forwardUrl: string;
  const forwarded: string[] = [];
  const tunnels = new Set<{ destroy(): void }>();
  before(async () => {
    certs = makeTestCerts();
    tlsServer = https.createServer({ key: certs.keyPem, cert: certs.certPem }, (_req, res) => { res.writeHead(200); res.end(JSON.stringify(PAYLOAD)); });
    tlsUrl = `https://127.0.0.1:${await listen(tlsServer)}`;
    // A forward proxy: absolute-URL GETs and CONNECT tunnels.
    forward = http.createServer((req, res) => {
      forwarded.push(`${req.method} ${req.url}`);
      const u = new URL(req.url!);
      const r = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers: req.headers }, up => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      });
      r.on('error', () => res.destroy());
      req.pipe(r);
    });
    forward.on('connect', (req, socket, head) => {
      tunnels.add(socket);
      forwarded.push(`CONNECT ${req.url}`);
      const [host, port] = req.url!.split(':');
      const upstream = net.connect(Number(port), host!, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    forwardUrl = `http://127.0.0.1:${await listen(forward)}`;
  });
  after(async () => {
    certs.cleanup();
    tlsServer.closeAllConnections();
    forward.closeAllConnections();
    for (const t of tunnels) t.destroy();
    await new Promise<void>(r => tlsServer.close(() => r()));
    await new Promise<void>(r => forward.close(() => r()));
  });

  test('an unknown CA → errors.TlsFailureError', async () => {
    const c = new HttpClient({ backend: 'Tempo (prod)', baseUrl: tlsUrl, retries: 0 });
    await rejectsWith(c.request({ path: 'x' }), errors.TlsFailureError, e => assert.match(e.message, /tls\.caFile/));
    c.dispose();
  });
  test('a custom CA file is trusted', async () => {
    const c = new HttpClient({ backend: 'Tempo (prod)', baseUrl: tlsUrl, tls: { caFile: certs.caFile } });
    assert.equal((await c.json({ path: 'x' }, SCHEMA)).hello, 'world');
    c.dispose();
  });
  test('insecureSkipVerify accepts any certificate', async () => {
    const c = new HttpClient({ backend: 'Tempo (prod)', baseUrl: tlsUrl, tls: { insecureSkipVerify: true } });
    assert.equal((await c.json({ path: 'x' }, SCHEMA)).hello, 'world');
    c.dispose();
  });
  test('plain HTTP through the proxy', async () => {
    const c = client({ proxy: forwardUrl });
    assert.equal((await c.json({ path: 'json' }, SCHEMA)).hello, 'world');
    assert.ok(forwarded.some(f => f === `GET ${originUrl}/json`), forwarded.join(','));
    c.dispose();
  });
  test('http.noProxy / NO_PROXY: a matching host is reached directly, others still through the proxy', async () => {
    const before = forwarded.length;
    // The origin listens on 127.0.0.1: listed, it is fetched without the proxy (the proxy records nothing).
    const direct = client({ proxy: forwardUrl, noProxy: ['example.com', '127.0.0.1'] });
    assert.equal((await direct.json({ path: 'json' }, SCHEMA)).hello, 'world');
    assert.deepEqual(forwarded.slice(before), []);
    direct.dispose();
    const tls = new HttpClient({ backend: 'x', baseUrl: tlsUrl, tls: { caFile: certs.caFile }, proxy: forwardUrl, noProxy: [`127.0.0.1:${new URL(tlsUrl).port}`] });
    assert.equal((await tls.json({ path: 'x' }, SCHEMA)).hello, 'world');
    assert.deepEqual(forwarded.slice(before), [], 'no CONNECT for a listed host:port');
    tls.dispose();
    // Not matching (another host, another port): through the proxy as before.
    const proxied = client({ proxy: forwardUrl, noProxy: ['example.com', '127.0.0.1:1'] });
    assert.equal((await proxied.json({ path: 'json' }, SCHEMA)).hello, 'world');
    assert.deepEqual(forwarded.slice(before), [`GET ${originUrl}/json`]);
    proxied.dispose();
  });
  test('HTTPS through the proxy with CONNECT', async () => {
    const c = new HttpClient({ backend: 'x', baseUrl: tlsUrl, tls: { caFile: certs.caFile }, proxy: forwardUrl });
    assert.equal((await c.json({ path: 'x' }, SCHEMA)).hello, 'world');
    assert.ok(forwarded.some(f => f.startsWith('CONNECT 127.0.0.1:')));
    c.dispose();
  });
});

test('errors.redactUrl strips user info and secret parameters', () => {
  assert.equal(errors.redactUrl('https://u:p@h:1/a?token=x&q=1'), 'https://h:1/a?token=***&q=1');
  assert.equal(errors.redactUrl('not a url //u:p@h'), 'not a url //h');
});
