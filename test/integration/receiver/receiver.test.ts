// The receiver's answers to good, bad, huge, slow, unauthorised and cross-origin requests on a real loopback port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { TraceStore, type TraceStoreOptions } from '../../../src/backends/receiver/store';
import { GRPC_EXPORT_PATH, NonLoopbackBindError, OtlpReceiver, type OtlpReceiverOptions } from '../../../src/backends/receiver/receiver';
import { PortInUseError } from '../../../src/backends/receiver/ports';
import { decodeExportTraceServiceResponse } from '../../../src/core/otlp/proto';
import { jsonBody, modelTrace, post, protoBody, traceIdOf } from './payloads';

const Status = protobuf.parse('syntax = "proto3"; message Status { int32 code = 1; string message = 2; }').root.lookupType('Status');
const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

async function withReceiver(
  opts: Partial<OtlpReceiverOptions> & { storeOptions?: TraceStoreOptions },
  fn: (url: string, r: OtlpReceiver, store: TraceStore) => Promise<void>,
): Promise<void> {
  const store = new TraceStore({ autoSweep: false, ...opts.storeOptions });
  const receiver = new OtlpReceiver({ port: 0, grpcPort: false, ...opts, store });
  const addr = await receiver.start();
  try {
    await fn(addr.httpUrl, receiver, store);
  } finally {
    await receiver.stop();
    store.dispose();
  }
}

test('protobuf and JSON, plain, gzip and deflate: 200 with an empty ExportTraceServiceResponse; spans stored', async () => {
  await withReceiver({}, async (url, receiver, store) => {
    const cases: [string, Buffer, Record<string, string>][] = [
      ['proto', protoBody([modelTrace(1)]), PROTO],
      ['proto+gzip', zlib.gzipSync(protoBody([modelTrace(2)])), { ...PROTO, 'content-encoding': 'gzip' }],
      ['json+deflate', zlib.deflateSync(jsonBody([modelTrace(3)])), { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'deflate' }],
      ['json+gzip', zlib.gzipSync(jsonBody([modelTrace(4)])), { ...JSON_TYPE, 'content-encoding': 'gzip' }],
      ['proto (application/protobuf)', protoBody([modelTrace(5)]), { 'content-type': 'application/protobuf' }],
    ];
    for (const [name, body, headers] of cases) {
      const res = await post(url, body, headers);
      assert.equal(res.status, 200, name);
      if (headers['content-type']!.includes('json')) {
        assert.equal(res.headers['content-type'], 'application/json');
        assert.deepEqual(JSON.parse(res.body.toString()), {});
      } else {
        assert.equal(res.headers['content-type'], 'application/x-protobuf');
        assert.deepEqual(decodeExportTraceServiceResponse(res.body), { rejectedSpans: 0, errorMessage: '' });
      }
    }
    for (let n = 1; n <= 5; n++) assert.equal(store.get(traceIdOf(n))?.spans.length, 3, `trace ${n}`);
    assert.equal(receiver.stats().spansAccepted, 15);
  });
});

test('spans without a valid ID are rejected with partialSuccess; the rest are stored', async () => {
  await withReceiver({}, async (url, _r, store) => {
    const doc = JSON.parse(jsonBody([modelTrace(1)]).toString());
    doc.resourceSpans[0].scopeSpans[0].spans[1].spanId = '0000000000000000';
    const res = await post(url, JSON.stringify(doc), JSON_TYPE);
    assert.equal(res.status, 200);
    const body = JSON.parse(res.body.toString());
    assert.equal(body.partialSuccess.rejectedSpans, '1');
    assert.match(body.partialSuccess.errorMessage, /1 unreadable span/);
    assert.equal(store.get(traceIdOf(1))?.spans.length, 2);
  });
});

test('a retried export is stored once', async () => {
  await withReceiver({}, async (url, receiver, store) => {
    const body = protoBody([modelTrace(1, 10)]);
    assert.equal((await post(url, body, PROTO)).status, 200);
    assert.equal((await post(url, body, PROTO)).status, 200);
    assert.equal(store.get(traceIdOf(1))?.spans.length, 10);
    assert.equal(receiver.stats().spansDuplicate, 10);
  });
});

test('malformed data: 400 with a google.rpc.Status in the request encoding', async () => {
  await withReceiver({}, async (url) => {
    const whole = protoBody([modelTrace(1, 20)]);
    const truncated = await post(url, whole.subarray(0, Math.floor(whole.length / 2)), PROTO);
    assert.equal(truncated.status, 400);
    assert.equal(truncated.headers['content-type'], 'application/x-protobuf');
    const st = Status.toObject(Status.decode(truncated.body)) as { code: number; message: string };
    assert.equal(st.code, 3);
    assert.match(st.message, /invalid OTLP protobuf/);

    const badJson = await post(url, '{"resourceSpans": [', JSON_TYPE);
    assert.equal(badJson.status, 400);
    assert.equal(badJson.headers['content-type'], 'application/json');
    assert.match(JSON.parse(badJson.body.toString()).message, /invalid OTLP JSON/);

    const badGzip = await post(url, Buffer.from('definitely not gzip'), { ...PROTO, 'content-encoding': 'gzip' });
    assert.equal(badGzip.status, 400);
  });
});

test('wrong content type 415, wrong coding 415, other method 405 with Allow, other path 404', async () => {
  await withReceiver({}, async (url) => {
    const text = await post(url, 'hello', { 'content-type': 'text/plain' });
    assert.equal(text.status, 415);
    assert.match(text.body.toString(), /application\/x-protobuf or application\/json/);
    assert.equal((await post(url, 'x', { ...PROTO, 'content-encoding': 'br' })).status, 415);
    const get = await post(url, '', {}, 'GET');
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST, OPTIONS');
    assert.equal((await post(url.replace('/v1/traces', '/v1/metrics'), 'x', PROTO)).status, 404);
  });
});

test('413 for a declared length over the limit, answered before any body byte is read', async () => {
  await withReceiver({ maxBodyBytes: 1000 }, async (url, receiver) => {
    const res = await post(url, Buffer.alloc(1001), PROTO);
    assert.equal(res.status, 413);
    assert.equal(receiver.stats().responses['413'], 1);
  });
});

test('a 100 MB streamed body is refused at the limit without being buffered', async () => {
  await withReceiver({ maxBodyBytes: 4 * 1024 * 1024 }, async (url, receiver) => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const rssBefore = process.memoryUsage().rss;
    let written = 0;
    const outcome = await new Promise<string>(resolve => {
      // Chunked: no Content-Length, so the limit must be enforced while streaming.
      const req = http.request(url, { method: 'POST', headers: PROTO, agent: false }, res => {
        res.resume();
        resolve(`status ${res.statusCode}`);
      });
      req.on('error', e => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
      const pump = () => {
        while (written < 100 * 1024 * 1024) {
          written += chunk.length;
          if (!req.write(chunk)) { req.once('drain', pump); return; }
        }
        req.end();
      };
      pump();
    });
    assert.ok(outcome === 'status 413' || outcome === 'error ECONNRESET' || outcome === 'error EPIPE', outcome);
    assert.equal(receiver.stats().responses['413'], 1, 'the receiver answered 413');
    const grew = process.memoryUsage().rss - rssBefore;
    assert.ok(grew < 64 * 1024 * 1024, `RSS grew by ${(grew / 1048576).toFixed(1)} MB`);
    assert.ok(written < 60 * 1024 * 1024, `the client could only push ${(written / 1048576).toFixed(0)} MB before being cut off`);
  });
});

test('429 with Retry-After when the store is full and may not evict', async () => {
  await withReceiver({ retryAfterSeconds: 7, storeOptions: { maxSpans: 5, evictWhenFull: false } }, async (url, receiver, store) => {
    assert.equal((await post(url, protoBody([modelTrace(1, 5)]), PROTO)).status, 200);
    const full = await post(url, protoBody([modelTrace(2, 1)]), PROTO);
    assert.equal(full.status, 429);
    assert.equal(full.headers['retry-after'], '7');
    assert.equal(store.has(traceIdOf(2)), false);
    assert.equal(receiver.stats().responses['429'], 1);
  });
});

test('partial room: the spans that fit are kept and the rest reported in partialSuccess', async () => {
  await withReceiver({ storeOptions: { maxSpans: 4, evictWhenFull: false } }, async (url) => {
    const res = await post(url, protoBody([modelTrace(1, 6)]), PROTO);
    assert.equal(res.status, 200);
    const r = decodeExportTraceServiceResponse(res.body);
    assert.equal(r.rejectedSpans, 2);
    assert.match(r.errorMessage, /store is full/);
  });
});

test('503 with Retry-After when too many requests are in flight', async () => {
  await withReceiver({ maxInFlightRequests: 1 }, async (url, receiver) => {
    // A request whose body never finishes holds the only slot.
    const hold = http.request(url, { method: 'POST', headers: { ...PROTO, 'content-length': '100' }, agent: false });
    hold.on('error', () => {});
    hold.write(Buffer.alloc(10));
    await waitFor(() => receiver.stats().inFlight === 1);
    const res = await post(url, protoBody([modelTrace(1)]), PROTO);
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '1');
    hold.destroy();
  });
});

test('10k small requests from 200 concurrent clients: none lost, counts exact, memory bounded', async () => {
  await withReceiver({ storeOptions: { maxTraces: 20_000 } }, async (url, receiver, store) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
    const rssBefore = process.memoryUsage().rss;
    const TOTAL = 10_000;
    const WAVE = 500;
    const statuses = new Map<number, number>();
    for (let start = 0; start < TOTAL; start += WAVE) {
      const wave = Array.from({ length: WAVE }, (_, k) => {
        const n = start + k;
        // One new trace per request, so every request must show up as its own stored trace.
        return post(url, protoBody([modelTrace(n, 1)]), PROTO, 'POST', agent).then(r => statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1));
      });
      await Promise.all(wave);
    }
    agent.destroy();
    assert.deepEqual([...statuses], [[200, TOTAL]]);
    assert.equal(receiver.stats().spansAccepted, TOTAL);
    assert.equal(store.stats().spans, TOTAL);
    assert.equal(store.list().length, TOTAL);
    const grew = process.memoryUsage().rss - rssBefore;
    assert.ok(grew < 200 * 1024 * 1024, `RSS grew by ${(grew / 1048576).toFixed(1)} MB`);
  });
});

test('slowloris: slow headers and a slow body are both cut by the timeouts', async () => {
  await withReceiver({ headersTimeoutMs: 400, requestTimeoutMs: 800 }, async (url) => {
    const { port } = new URL(url);
    const slow = async (lines: string[], everyMs: number): Promise<number> => {
      const started = Date.now();
      const sock = net.connect(Number(port), '127.0.0.1');
      await new Promise<void>(resolve => sock.once('connect', () => resolve()));
      let i = 0;
      const timer = setInterval(() => {
        if (sock.writable && i < lines.length) sock.write(lines[i++]!);
      }, everyMs);
      await new Promise<void>(resolve => { sock.on('close', () => resolve()); sock.on('error', () => {}); sock.resume(); });
      clearInterval(timer);
      return Date.now() - started;
    };
    const headerDrip = ['POST /v1/traces HTTP/1.1\r\n', 'Host: x\r\n', ...Array.from({ length: 200 }, (_, k) => `X-Slow-${k}: 1\r\n`)];
    const tookHeaders = await slow(headerDrip, 50);
    assert.ok(tookHeaders < 4000, `slow headers cut after ${tookHeaders} ms`);
    const bodyDrip = ['POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n', ...Array.from({ length: 200 }, () => 'a')];
    const tookBody = await slow(bodyDrip, 50);
    assert.ok(tookBody < 4000, `slow body cut after ${tookBody} ms`);
  });
});

test('connections beyond maxConnections are closed at once; the ones inside the bound are served', async () => {
  await withReceiver({ maxConnections: 2 }, async (url) => {
    const { port } = new URL(url);
    const open = async () => {
      const sock = net.connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve, reject) => { sock.once('connect', () => resolve()); sock.once('error', reject); });
      return sock;
    };
    const a = await open();
    const b = await open();
    const c = await open();
    const closed = await new Promise<boolean>(resolve => {
      c.on('close', () => resolve(true));
      c.on('error', () => {});
      setTimeout(() => resolve(false), 2000);
    });
    assert.equal(closed, true, 'the third connection was dropped');
    // The first two still work.
    const body = protoBody([modelTrace(1)]);
    a.write(`POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    a.write(body);
    const answer = await new Promise<string>(resolve => { let t = ''; a.on('data', d => { t += d; }); a.on('end', () => resolve(t)); });
    assert.match(answer, /^HTTP\/1\.1 200 /);
    b.destroy();
  });
});

test('non-loopback bind is refused by default; allowed explicitly with a warning', async () => {
  const store = new TraceStore({ autoSweep: false });
  await assert.rejects(new OtlpReceiver({ store, host: '0.0.0.0', port: 0, grpcPort: false }).start(), NonLoopbackBindError);
  const r = new OtlpReceiver({ store, host: '0.0.0.0', port: 0, grpcPort: false, allowNonLoopback: true });
  const warnings: string[] = [];
  r.onWarning(w => warnings.push(w));
  await r.start();
  await r.stop();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /0\.0\.0\.0.*without a bearer token/);
  store.dispose();
});

test('by default the receiver cannot be reached on a non-loopback address of this machine', async (t) => {
  const external = Object.values(os.networkInterfaces()).flat().find(i => i && i.family === 'IPv4' && !i.internal);
  if (!external) { t.skip('this machine has no non-loopback IPv4 address'); return; }
  await withReceiver({}, async (url) => {
    const port = new URL(url).port;
    // Refused, or (behind a firewall that drops) never answered: either way not served.
    const outcome = await new Promise<string>(resolve => {
      const sock = net.connect(Number(port), external.address);
      sock.setTimeout(2000, () => { sock.destroy(); resolve('timeout'); });
      sock.on('connect', () => { sock.destroy(); resolve('connected'); });
      sock.on('error', e => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
    });
    assert.notEqual(outcome, 'connected');
    assert.equal((await post(url, protoBody([modelTrace(1)]), PROTO)).status, 200);
  });
});

test('bearer token: 401 without or with a wrong token (HTTP and gRPC), accepted with it', async () => {
  await withReceiver({ bearerToken: 'tok-123', grpcPort: 0 }, async (url, receiver, store) => {
    const body = protoBody([modelTrace(1)]);
    const none = await post(url, body, PROTO);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="spanscope"');
    assert.equal((await post(url, body, { ...PROTO, authorization: 'Bearer nope' })).status, 401);
    assert.equal(store.has(traceIdOf(1)), false);
    assert.equal((await post(url, body, { ...PROTO, authorization: 'Bearer tok-123' })).status, 200);
    assert.equal(store.has(traceIdOf(1)), true);

    const target = `127.0.0.1:${receiver.address!.grpcPort}`;
    const call = (token?: string) => grpcExport(target, protoBody([modelTrace(2)]), token);
    assert.equal((await call()).code, grpc.status.UNAUTHENTICATED);
    assert.equal((await call('Bearer tok-123')).code, grpc.status.OK);
    assert.equal(store.has(traceIdOf(2)), true);
  });
});

test('CORS: no origin allowed by default; preflight and POST for an allowed origin; others 403', async () => {
  await withReceiver({}, async (url) => {
    const pre = await post(url, '', { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' }, 'OPTIONS');
    assert.equal(pre.status, 403);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
  });
  await withReceiver({ corsAllowedOrigins: ['http://localhost:3000'] }, async (url, _r, store) => {
    const pre = await post(url, '', {
      origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,content-encoding',
    }, 'OPTIONS');
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], 'http://localhost:3000');
    assert.equal(pre.headers['access-control-allow-methods'], 'POST');
    assert.equal(pre.headers['access-control-allow-headers'], 'content-type,content-encoding');
    assert.equal(pre.headers.vary, 'Origin');
    const ok = await post(url, jsonBody([modelTrace(1)]), { ...JSON_TYPE, origin: 'http://localhost:3000' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], 'http://localhost:3000');
    const evil = await post(url, jsonBody([modelTrace(2)]), { ...JSON_TYPE, origin: 'http://evil.example' });
    assert.equal(evil.status, 403);
    assert.equal(store.has(traceIdOf(2)), false);
  });
});

test('port in use: PortInUseError says whether an OTLP endpoint holds it and offers a free port', async () => {
  await withReceiver({ grpcPort: 0 }, async (_url, first) => {
    const store = new TraceStore({ autoSweep: false });
    const err = await new OtlpReceiver({ store, port: first.address!.httpPort, grpcPort: false }).start().catch(e => e);
    assert.ok(err instanceof PortInUseError, String(err));
    assert.equal(err.protocol, 'http');
    assert.equal(err.holdsOtlpEndpoint, true);
    assert.ok(err.suggestedPort !== undefined && err.suggestedPort !== first.address!.httpPort);
    assert.match(err.message, /already has an OTLP\/HTTP endpoint/);
    assert.match(err.message, new RegExp(`Port ${err.suggestedPort} is free`));

    // gRPC's port taken: OTLP/HTTP still starts, and grpcError explains (see shared.test.ts).
    const second = new OtlpReceiver({ store, port: 0, grpcPort: first.address!.grpcPort! });
    await second.start();
    const gErr = second.grpcError;
    await second.stop();
    assert.ok(gErr instanceof PortInUseError, String(gErr));
    assert.equal(gErr.protocol, 'grpc');
    assert.equal(gErr.holdsOtlpEndpoint, true);
    store.dispose();
  });

  const plain = http.createServer((_req, res) => { res.writeHead(404); res.end('nope'); });
  await new Promise<void>(resolve => plain.listen(0, '127.0.0.1', () => resolve()));
  const port = (plain.address() as net.AddressInfo).port;
  const store = new TraceStore({ autoSweep: false });
  const err = await new OtlpReceiver({ store, port, grpcPort: false }).start().catch(e => e);
  plain.close();
  assert.ok(err instanceof PortInUseError);
  assert.equal(err.occupant, 'other-http');
  assert.match(err.message, /another HTTP server \(not an OTLP receiver\)/);
  store.dispose();
});

test('late spans over HTTP fire onTraceUpdated for an already stored trace', async () => {
  await withReceiver({}, async (url, _r, store) => {
    const events: string[] = [];
    store.onTraceAdded(id => events.push(`added ${id}`));
    store.onTraceUpdated(id => events.push(`updated ${id}`));
    const t = modelTrace(1, 4);
    assert.equal((await post(url, protoBody([{ ...t, spans: t.spans.slice(0, 2) }]), PROTO)).status, 200);
    assert.equal((await post(url, jsonBody([{ ...t, spans: t.spans.slice(2) }]), JSON_TYPE)).status, 200);
    assert.deepEqual(events, [`added ${t.traceId}`, `updated ${t.traceId}`]);
    assert.equal(store.get(t.traceId)?.spans.length, 4);
  });
});

function grpcExport(target: string, body: Buffer, authorization?: string): Promise<{ code: number }> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  if (authorization) md.set('authorization', authorization);
  return new Promise<{ code: number }>(resolve => {
    client.makeUnaryRequest(GRPC_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, body, md, { deadline: Date.now() + 5000 }, err => {
      resolve({ code: err ? err.code : grpc.status.OK });
    });
  }).finally(() => client.close());
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise(r => setTimeout(r, 10));
  }
}
