// One receiver shared by several windows, on real loopback ports: the first binds, the others find it (it proves
// it is this user's Spanscope receiver), mirror its traces, and one takes over when the owner stops, keeping every
// trace received so far. Also: gRPC failing to bind leaves OTLP/HTTP running, and the hub refuses strangers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceStore } from '../../../src/backends/receiver/store';
import { HubServer, HUB_PATH, HUB_SECRET_FILE, loadHubSecret, type HubStatus } from '../../../src/backends/receiver/hub';
import { SharedReceiver, probeHub, type SharedReceiverOptions } from '../../../src/backends/receiver/shared';
import { OtlpReceiver } from '../../../src/backends/receiver/receiver';
import { isPortInUseError, RECEIVER_ERROR } from '../../../src/backends/receiver/errors';
import { modelTrace, post, protoBody, traceIdOf } from './payloads';
import { freePort } from '../../support/net';

const PROTO = { 'content-type': 'application/x-protobuf' };
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'spanscope-hub-'));
  dirs.push(d);
  return d;
}

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

interface Window { readonly shared: SharedReceiver; readonly store: TraceStore }

function window(port: number, secret: string, extra: Partial<SharedReceiverOptions> = {}): Window {
  const store = new TraceStore({ autoSweep: false });
  const shared = new SharedReceiver({ receiver: { host: '127.0.0.1', port, grpcPort: false }, store, secret, takeoverDelayMs: () => Math.random() * 50, ...extra });
  return { shared, store };
}

const windows: Window[] = [];
function open(port: number, secret: string, extra: Partial<SharedReceiverOptions> = {}): Window {
  const w = window(port, secret, extra);
  windows.push(w);
  return w;
}
after(async () => { for (const w of windows) { await w.shared.stop(); w.store.dispose(); } });

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers, agent: false }, res => {
      let body = '';
      res.on('data', c => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('the hub key: created once, private (0600), the same for every window; a readable or garbage file is replaced', () => {
  const dir = tempDir();
  const a = loadHubSecret(dir);
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(loadHubSecret(dir), a);
  const file = join(dir, HUB_SECRET_FILE);
  if (process.platform !== 'win32') {
    assert.equal(statSync(file).mode & 0o777, 0o600);
    chmodSync(file, 0o644);
    const b = loadHubSecret(dir);
    assert.notEqual(b, a, 'a key others could read is never used');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  }
  writeFileSync(file, 'not a key', { mode: 0o600 });
  assert.match(loadHubSecret(dir), /^[0-9a-f]{64}$/);
});

test('discovery: the second window finds the first one\'s receiver and follows it; other keys and programs are told apart', async () => {
  const port = await freePort();
  const secret = loadHubSecret(tempDir());
  const a = open(port, secret);
  const b = open(port, secret);
  const ra = await a.shared.start();
  assert.equal(ra.kind, 'owner');
  const rb = await b.shared.start();
  assert.equal(rb.kind, 'follower');
  assert.equal(rb.kind === 'follower' && rb.address.httpUrl, `http://127.0.0.1:${port}/v1/traces`);
  assert.equal(rb.kind === 'follower' && rb.ownerPid, process.pid);

  // Someone else's Spanscope (another key) is recognised but not followed; nothing to read there.
  assert.equal((await probeHub('127.0.0.1', port, loadHubSecret(tempDir()))).kind, 'other-spanscope');
  const c = open(port, loadHubSecret(tempDir()));
  const err = await c.shared.start().catch(e => e);
  assert.ok(isPortInUseError(err), String(err));
  assert.match(err.message, /another user or editor profile/);

  // A plain HTTP server on the port is foreign: PortInUseError, with its stable code.
  const plain = http.createServer((_q, s) => { s.writeHead(404); s.end(); });
  const plainPort = await freePort();
  await new Promise<void>(r => plain.listen(plainPort, '127.0.0.1', () => r()));
  try {
    assert.equal((await probeHub('127.0.0.1', plainPort, secret)).kind, 'foreign');
    const d = open(plainPort, secret);
    const e2 = await d.shared.start().catch(e => e);
    assert.equal(e2.code, RECEIVER_ERROR.portInUse);
    assert.equal(e2.protocol, 'http');
  } finally {
    plain.close();
  }
  assert.equal((await probeHub('127.0.0.1', await freePort(), secret)).kind, 'unreachable');
});

test('the hub refuses strangers: no key, a wrong key, a browser, a bad nonce', async () => {
  const port = await freePort();
  const secret = loadHubSecret(tempDir());
  const a = open(port, secret);
  await a.shared.start();
  assert.equal((await get(port, `${HUB_PATH}/stream`)).status, 401);
  assert.equal((await get(port, `${HUB_PATH}/status`, { authorization: `Bearer ${'0'.repeat(64)}` })).status, 401);
  assert.equal((await get(port, `${HUB_PATH}/status`, { authorization: `Bearer ${secret}`, origin: 'http://localhost:3000' })).status, 403);
  assert.equal((await get(port, `${HUB_PATH}/hello?nonce=xyz`)).status, 400);
  const hello = JSON.parse((await get(port, `${HUB_PATH}/hello?nonce=${'ab'.repeat(16)}`)).body);
  assert.equal(hello.service, 'spanscope-receiver');
  assert.equal(JSON.stringify(hello).includes(secret), false, 'hello never shows the key');
  // OTLP itself is unchanged: other paths still 404.
  assert.equal((await get(port, '/spanscope/other')).status, 404);
  assert.equal((await get(port, '/v1/logs')).status, 404);
});

test('mirroring: traces received before and after a window joins show in it; status counts them by service', async () => {
  const port = await freePort();
  const secret = loadHubSecret(tempDir());
  const a = open(port, secret);
  await a.shared.start();
  const url = `http://127.0.0.1:${port}/v1/traces`;
  assert.equal((await post(url, protoBody([modelTrace(1, 5)]), PROTO)).status, 200);
  const b = open(port, secret);
  assert.equal((await b.shared.start()).kind, 'follower');
  await until('the trace held before B joined', () => b.store.get(traceIdOf(1))?.spans.length === 5);
  assert.equal((await post(url, protoBody([modelTrace(2, 3)]), PROTO)).status, 200);
  await until('a trace sent after B joined', () => b.store.get(traceIdOf(2))?.spans.length === 3);
  // Late spans of a trace B already holds: the trace grows there too, without duplicates.
  const late = modelTrace(2, 6);
  assert.equal((await post(url, protoBody([late]), PROTO)).status, 200);
  await until('late spans', () => b.store.get(traceIdOf(2))?.spans.length === 6);
  assert.equal(b.store.stats().spans, 11);

  const status = JSON.parse((await get(port, `${HUB_PATH}/status`, { authorization: `Bearer ${secret}` })).body) as HubStatus;
  assert.equal(status.traces, 2);
  assert.equal(status.spans, 11);
  assert.equal(status.followers, 1);
  assert.equal(Object.values(status.services).reduce((x, y) => x + y, 0), 2);
});

test('takeover: when the owner stops, one follower binds the port, the other follows it, and no trace is lost', async () => {
  const port = await freePort();
  const secret = loadHubSecret(tempDir());
  const a = open(port, secret);
  const b = open(port, secret);
  const c = open(port, secret);
  await a.shared.start();
  await b.shared.start();
  await c.shared.start();
  const url = `http://127.0.0.1:${port}/v1/traces`;
  for (let n = 1; n <= 20; n++) assert.equal((await post(url, protoBody([modelTrace(n, 4)]), PROTO)).status, 200);
  // The last export is answered before the owner stops; the owner flushes pending changes to followers on stop.
  const roles: string[] = [];
  b.shared.onDidChangeRole(r => roles.push(`b:${r.kind}`));
  c.shared.onDidChangeRole(r => roles.push(`c:${r.kind}`));
  await a.shared.stop();
  await until('a new owner and a follower', () => roles.length === 2, 15_000);
  assert.deepEqual(roles.map(r => r.split(':')[1]).sort(), ['follower', 'owner'], roles.join(', '));
  for (const w of [b, c]) {
    assert.equal(w.store.stats().traces, 20);
    assert.equal(w.store.stats().spans, 80);
  }
  // The new owner receives, and its follower sees the new trace.
  assert.equal((await post(url, protoBody([modelTrace(21, 2)]), PROTO)).status, 200);
  await until('trace 21 in both windows', () => b.store.has(traceIdOf(21)) && c.store.has(traceIdOf(21)));
});

test('a follower whose owner hangs (no data, no pings) gives up on it after the idle time', async () => {
  const port = await freePort();
  const secret = loadHubSecret(tempDir());
  // An owner that accepts the stream and then never writes: a stopped (SIGSTOP) extension host looks like this.
  const store = new TraceStore({ autoSweep: false });
  const hub = new HubServer(store, secret, () => ({ host: '127.0.0.1', httpPort: port, httpUrl: `http://127.0.0.1:${port}/v1/traces` }), { pingMs: 3_600_000 });
  const silent = new OtlpReceiver({ store, port, grpcPort: false, sideRoutes: hub.handle });
  await silent.start();
  const b = open(port, secret, { follower: { idleMs: 300 }, takeoverAttempts: 1 });
  assert.equal((await b.shared.start()).kind, 'follower');
  const failed = new Promise(resolve => b.shared.onDidChangeRole(resolve));
  assert.equal(((await failed) as { kind: string }).kind, 'follower', 'the hung owner still holds the port: B follows it again');
  hub.dispose();
  await silent.stop();
  store.dispose();
});

test('gRPC failing to bind leaves OTLP/HTTP running; grpcError says why, with a stable code and a free port', async () => {
  // A program on the gRPC port. The receiver's probe connects to it: those connections are ended with it.
  const accepted: net.Socket[] = [];
  const blocker = net.createServer(socket => accepted.push(socket));
  await new Promise<void>(r => blocker.listen(0, '127.0.0.1', () => r()));
  const grpcPort = (blocker.address() as net.AddressInfo).port;
  const store = new TraceStore({ autoSweep: false });
  const receiver = new OtlpReceiver({ store, port: 0, grpcPort });
  const warnings: string[] = [];
  receiver.onWarning(w => warnings.push(w));
  try {
    const addr = await receiver.start();
    assert.equal(addr.grpcPort, undefined);
    const err = receiver.grpcError;
    assert.ok(isPortInUseError(err), String(err));
    assert.equal(err.protocol, 'grpc');
    assert.equal(err.port, grpcPort);
    assert.ok(err.suggestedPort !== undefined && err.suggestedPort !== grpcPort && err.suggestedPort !== addr.httpPort);
    assert.match(warnings.join('\n'), /OTLP\/HTTP is running/);
    assert.equal((await post(addr.httpUrl, protoBody([modelTrace(1)]), PROTO)).status, 200);
    assert.equal(store.get(traceIdOf(1))?.spans.length, 3);
  } finally {
    await receiver.stop();
    blocker.close();
    for (const socket of accepted) socket.destroy();
    store.dispose();
  }
});
