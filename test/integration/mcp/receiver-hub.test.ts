// `spanscope mcp --receiver URL`: the MCP server reads the traces another Spanscope window's receiver holds, through
// the hub's read API, authenticated with the hub key. The receiver is the real one (SharedReceiver as a window runs
// it, owner of its port), fed by the OTel JS SDK's OTLP/HTTP exporter; the reader is HubReader and the real CLI
// driven by the MCP SDK's client over stdio.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { TraceStore } from '../../../src/backends/receiver/store';
import { HUB_PATH, HUB_SECRET_FILE, loadHubSecret } from '../../../src/backends/receiver/hub';
import { connectHub, hubKeyFiles, HubReadError, ReconnectingHubReader, type HubReadErrorKind } from '../../../src/backends/receiver/hubReader';
import { SharedReceiver } from '../../../src/backends/receiver/shared';
import { emitTrace, type EmittedTrace } from '../../support/backends/emit';
import { CLI, stdioSession, type McpSession } from './client';
import { freePort } from '../../support/net';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'spanscope-hubread-'));
  dirs.push(d);
  return d;
}

async function rejectsWith(p: Promise<unknown>, kind: HubReadErrorKind, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof HubReadError, String(e));
    assert.equal(e.kind, kind, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers, agent: false }, res => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject);
  });
}

describe('reading another window\'s receiver through its hub', () => {
  let port: number;
  let url: string;
  let keyDir: string;
  let keyFile: string;
  let shared: SharedReceiver;
  let store: TraceStore;
  let first: EmittedTrace;
  const service = `hub-read-${process.pid}`;

  before(async () => {
    // A window's global storage: the key is made there by the window itself (loadHubSecret, mode 0600).
    keyDir = join(tempDir(), 'Code', 'User', 'globalStorage', 'spanscope.spanscope');
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    store = new TraceStore({ autoSweep: false });
    shared = new SharedReceiver({ receiver: { host: '127.0.0.1', port, grpcPort: false }, store, secret: loadHubSecret(keyDir) });
    assert.equal((await shared.start()).kind, 'owner');
    keyFile = join(keyDir, HUB_SECRET_FILE);
    first = await emitTrace(new OTLPTraceExporter({ url: `${url}/v1/traces` }), service);
  });
  after(async () => {
    await shared?.stop();
    store?.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('lists the traces and fetches one by ID, spans and attributes intact', async () => {
    const reader = await connectHub(url, { keyFiles: [keyFile] });
    const list = await reader.list();
    const item = list.find(t => t.traceId === first.traceId);
    assert.ok(item, JSON.stringify(list));
    assert.equal(item.spanCount, 3);
    assert.equal(item.rootService, service);
    assert.equal(item.rootName, first.rootName);
    assert.equal(item.errorCount, 1);
    const trace = await reader.trace(first.traceId.toUpperCase());
    assert.equal(trace.traceId, first.traceId);
    assert.deepEqual(trace.spans.map(s => s.name).sort(), [first.rootName, first.childName, 'decode rows'].sort());
    const child = trace.spans.find(s => s.spanId === first.childSpanId)!;
    assert.equal(child.attributes.find(a => a.key === 'db.system')?.value, 'postgresql');
    assert.deepEqual(store.get(first.traceId)!.spans.map(s => s.spanId).sort(), trace.spans.map(s => s.spanId).sort());
  });

  test('typed errors: unknown trace, no key, wrong key, a key others can read, not loopback, nothing there, not Spanscope', async () => {
    const reader = await connectHub(url, { keyFiles: [keyFile] });
    await rejectsWith(reader.trace('0af7651916cd43dd8448eb211c80319c'), 'not-found', /no trace 0af7651916cd43dd8448eb211c80319c/);
    await rejectsWith(reader.trace('not-an-id'), 'not-found', /not a trace ID/);

    const none = join(tempDir(), HUB_SECRET_FILE);
    await rejectsWith(connectHub(url, { keyFiles: [none] }), 'no-key', /no hub key was found/);
    const other = loadHubSecret(tempDir());
    const otherFile = join(tempDir(), HUB_SECRET_FILE);
    writeFileSync(otherFile, other, { mode: 0o600 });
    await rejectsWith(connectHub(url, { keyFiles: [otherFile] }), 'no-key', /none of the hub keys found is its key/);
    // The right key, but in a file others could read (copied carelessly): never trusted, never sent.
    const open = join(tempDir(), HUB_SECRET_FILE);
    copyFileSync(keyFile, open);
    chmodSync(open, 0o644);
    await rejectsWith(connectHub(url, { keyFiles: [open] }), 'no-key');
    // …and a link to it is not a key file either (it could point anywhere).
    const link = join(tempDir(), HUB_SECRET_FILE);
    symlinkSync(keyFile, link);
    await rejectsWith(connectHub(url, { keyFiles: [link] }), 'no-key');
    // The wrong key among others: the one the receiver proves it holds is picked.
    assert.equal((await (await connectHub(url, { keyFiles: [otherFile, none, keyFile] })).list()).some(t => t.traceId === first.traceId), true);

    await rejectsWith(connectHub(`http://192.0.2.1:${port}`, { keyFiles: [keyFile] }), 'not-loopback');
    await rejectsWith(connectHub('ftp://127.0.0.1:21', { keyFiles: [keyFile] }), 'bad-url');
    await rejectsWith(connectHub(`http://127.0.0.1:${await freePort()}`, { keyFiles: [keyFile] }), 'unreachable');
    const foreign = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); });
    await new Promise<void>(r => foreign.listen(0, '127.0.0.1', () => r()));
    try {
      await rejectsWith(connectHub(`http://127.0.0.1:${(foreign.address() as net.AddressInfo).port}`, { keyFiles: [keyFile] }), 'not-spanscope');
    } finally {
      foreign.close();
    }
  });

  test('the read API answers only with the key, and not to browsers', async () => {
    const key = loadHubSecret(keyDir);
    assert.equal(await get(port, `${HUB_PATH}/traces`), 401);
    assert.equal(await get(port, `${HUB_PATH}/traces/${first.traceId}`, { authorization: 'Bearer ' + 'f'.repeat(64) }), 401);
    assert.equal(await get(port, `${HUB_PATH}/traces`, { authorization: `Bearer ${key}`, origin: 'http://127.0.0.1:3000' }), 403);
    assert.equal(await get(port, `${HUB_PATH}/traces/${first.traceId}`, { authorization: `Bearer ${key}` }), 200);
    assert.equal(await get(port, `${HUB_PATH}/traces/zz`, { authorization: `Bearer ${key}` }), 400);
  });

  test('the key is found where the editor keeps it (VS Code\'s global storage under XDG_CONFIG_HOME)', () => {
    const configHome = join(keyDir, '..', '..', '..', '..');
    const files = hubKeyFiles({ env: { XDG_CONFIG_HOME: configHome }, home: '/nonexistent', platform: 'linux' });
    assert.equal(files[0], keyFile);
    assert.ok(files.some(f => f === join('/nonexistent', '.vscode-server', 'data', 'User', 'globalStorage', 'spanscope.spanscope', HUB_SECRET_FILE)));
    assert.ok(files.some(f => f === join('/nonexistent', '.local', 'share', 'code-server', 'User', 'globalStorage', 'spanscope.spanscope', HUB_SECRET_FILE)));
    assert.equal(hubKeyFiles({ env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, home: 'C:\\Users\\u', platform: 'win32' })[0]!.startsWith('C:\\Users\\u\\AppData\\Roaming'), true);
  });

  test('a reader reconnects after the receiver went away and came back', async () => {
    const reader = new ReconnectingHubReader(url, { keyFiles: [keyFile] });
    assert.ok((await reader.list()).length >= 1);
    await shared.stop();
    await rejectsWith(reader.list(), 'unreachable');
    assert.equal((await shared.start()).kind, 'owner');
    assert.ok((await reader.list()).some(t => t.traceId === first.traceId), 'the store outlived the restart');
  });

  describe('spanscope mcp --receiver', () => {
    let s: McpSession;
    let home: string;

    before(async () => {
      // No --hub-key: the server finds the key where VS Code keeps it (this test's XDG_CONFIG_HOME).
      home = tempDir();
      s = await stdioSession(['--receiver', url], { XDG_CONFIG_HOME: join(keyDir, '..', '..', '..', '..'), HOME: home });
    });
    after(async () => { await s?.close(); });

    test('list_sources names the receiver with its traces; search and summary read them', async () => {
      const src = (await s.call('list_sources')).json.sources as Array<{ id: string; url?: string; traceCount?: number; error?: string }>;
      assert.deepEqual(src.map(x => x.id), ['receiver']);
      assert.equal(src[0]!.url, url);
      assert.equal(src[0]!.error, undefined);
      assert.ok(src[0]!.traceCount! >= 1);
      const found = (await s.call('search_traces', { source: 'receiver', service })).json.traces as Array<{ traceId: string; spanCount: number; errorCount: number }>;
      assert.deepEqual(found.map(t => [t.traceId, t.spanCount, t.errorCount]), [[first.traceId, 3, 1]]);
      const summary = await s.call('get_trace_summary', { traceId: `00-${first.traceId}-${first.rootSpanId}-01` });
      assert.equal(summary.isError, false, summary.text);
      assert.equal(summary.json.spanCount, 3);
      const errors = await s.call('get_trace_errors', { traceId: first.traceId, source: 'receiver' });
      assert.match(errors.text, /connection lost/);
    });

    test('a trace that arrives at the window\'s receiver later is read at the next call; an unknown one is a tool error', async () => {
      const later = await emitTrace(new OTLPTraceExporter({ url: `${url}/v1/traces` }), service);
      const found = (await s.call('search_traces', { source: 'receiver', service })).json.traces as Array<{ traceId: string }>;
      assert.deepEqual(found.map(t => t.traceId).sort(), [first.traceId, later.traceId].sort());
      const missing = await s.call('get_trace_summary', { traceId: '0af7651916cd43dd8448eb211c80319c' });
      assert.equal(missing.isError, true);
      assert.match(missing.text, /not in/);
    });

    test('the receiver gone: list_sources says why, the traces read so far still answer', async () => {
      await shared.stop();
      try {
        const src = (await s.call('list_sources')).json.sources as Array<{ id: string; error?: string }>;
        assert.match(src[0]!.error ?? '', /nothing listens/);
        const summary = await s.call('get_trace_summary', { traceId: first.traceId });
        assert.equal(summary.isError, false, summary.text);
      } finally {
        assert.equal((await shared.start()).kind, 'owner');
      }
    });
  });

  test('the CLI refuses a receiver that is not on this machine, and --hub-key without --receiver', () => {
    const far = spawnSync(process.execPath, [CLI, 'mcp', '--receiver', 'http://192.0.2.1:4318'], { encoding: 'utf8', input: '' });
    assert.equal(far.status, 2, far.stderr);
    assert.match(far.stderr, /only a receiver on this machine/);
    const orphan = spawnSync(process.execPath, [CLI, 'mcp', '--hub-key', keyFile], { encoding: 'utf8', input: '' });
    assert.equal(orphan.status, 2, orphan.stderr);
    assert.match(orphan.stderr, /--hub-key is the key of --receiver/);
  });
});
