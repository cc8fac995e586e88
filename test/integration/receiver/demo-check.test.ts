// `npm run demo` asks the port its shop sends to whether the shop's traces arrive (scripts/receiver-check.mjs):
// against nothing, the extension's shared receiver (before and after a trace), another user's Spanscope receiver,
// an OpenTelemetry-style OTLP endpoint that is not Spanscope, and a program that is not HTTP.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkReceiver, hubKeyFile } from '../../../scripts/receiver-check.mjs';
import { TraceStore } from '../../../src/backends/receiver/store';
import { OtlpReceiver } from '../../../src/backends/receiver/receiver';
import { loadHubSecret } from '../../../src/backends/receiver/hub';
import { SharedReceiver } from '../../../src/backends/receiver/shared';
import { modelTrace, post, protoBody } from './payloads';
import { freePort } from '../../support/net';

const base = mkdtempSync(join(tmpdir(), 'spanscope-demo-check-'));
after(() => rmSync(base, { recursive: true, force: true }));

test('the demo\'s check: waiting, then the extension\'s receiver without and with the shop\'s traces', async () => {
  const userDataDir = join(base, 'user-data');
  const keyFile = hubKeyFile(userDataDir);
  const port = await freePort();
  const waiting = await checkReceiver({ port, keyFile, service: 'payload-svc' });
  assert.equal(waiting.state, 'waiting');
  assert.match(waiting.message, new RegExp(`nothing listens on 127\\.0\\.0\\.1:${port} yet`));

  // The extension keeps its key where hubKeyFile looks (the global storage of spanscope.spanscope).
  const store = new TraceStore({ autoSweep: false });
  const shared = new SharedReceiver({ receiver: { port, grpcPort: false }, store, secret: loadHubSecret(dirname(keyFile)) });
  await shared.start();
  try {
    const empty = await checkReceiver({ port, keyFile, service: 'payload-svc' });
    assert.equal(empty.state, 'no-traces', empty.message);
    assert.equal((await post(`http://127.0.0.1:${port}/v1/traces`, protoBody([modelTrace(1), modelTrace(2)]), { 'content-type': 'application/x-protobuf' })).status, 200);
    const ok = await checkReceiver({ port, keyFile, service: 'payload-svc' });
    assert.equal(ok.state, 'receiving', ok.message);
    assert.equal(ok.traces, 2);
    assert.match(ok.message, /has 2 trace\(s\) from the shop/);

    // Another user's (or profile's) Spanscope: recognised, and named as such.
    const other = await checkReceiver({ port, keyFile: hubKeyFile(join(base, 'someone-else')), service: 'payload-svc' });
    assert.equal(other.state, 'wrong-receiver');
    assert.match(other.message, /Spanscope receiver of another VS Code or code-server/);
  } finally {
    await shared.stop();
    store.dispose();
  }
});

test('the demo\'s check names what holds the port when it is not the extension', async () => {
  const keyFile = hubKeyFile(join(base, 'user-data-2'));
  // An OTLP receiver that is not the extension's (as a Collector or `spanscope receive` would answer).
  const store = new TraceStore({ autoSweep: false });
  const collector = new OtlpReceiver({ store, port: 0, grpcPort: false });
  const { httpPort } = await collector.start();
  try {
    const r = await checkReceiver({ port: httpPort, keyFile, service: 'gateway' });
    assert.equal(r.state, 'wrong-receiver');
    assert.match(r.message, /another OTLP receiver \(an OpenTelemetry Collector, Jaeger, or `spanscope receive`\), not the extension/);
  } finally {
    await collector.stop();
    store.dispose();
  }
  // A program that accepts connections and says nothing.
  const silent = net.createServer(() => undefined);
  await new Promise<void>(r => silent.listen(0, '127.0.0.1', () => r()));
  try {
    const r = await checkReceiver({ port: (silent.address() as net.AddressInfo).port, keyFile, service: 'gateway' });
    assert.equal(r.state, 'wrong-receiver');
    assert.match(r.message, /a program that does not answer HTTP/);
  } finally {
    silent.close();
  }
});
