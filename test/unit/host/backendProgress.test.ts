// Every backend call the user waits for has a deadline, shows it in its progress notification, and can be cancelled:
// Open Trace by ID against a (real, loopback) backend that trickles a byte every 300 ms gives up at the deadline with
// a message naming the backend, and the notification's Cancel ends it at once, quietly.
import { fakeVscode } from '../../support/host/register';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryMemento } from '../../support/host/fakeVscode';
import { TraceService } from '../../../src/host/traces/traceService';
import { prepareModel } from '../../../src/host/traces/prepareModel';
import type { HostContext } from '../../../src/host/hostContext';
import { BackendsController } from '../../../src/host/backends/backendsController';
import { backendCallLimits, withBackendProgress } from '../../../src/host/backends/backendProgress';

const T32 = '4bf92f3577b34da6a3ce929d0e0e4736';
let server: http.Server;
let controller: BackendsController;
let traces: TraceService;
const savedDeadline = backendCallLimits.deadlineMs;

before(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const t = setInterval(() => res.write(' '), 300);
    res.on('close', () => clearInterval(t));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  fakeVscode.settings.set('spanscope.backends', [{ name: 'slow', type: 'jaeger', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }]);
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true });
  traces = new TraceService(new MemoryMemento());
  controller = new BackendsController({ extension: fakeVscode.newContext(), log, traces } as unknown as HostContext, { prepare: t => prepareModel(t) });
  await controller.manager.ready;
});
after(async () => {
  backendCallLimits.deadlineMs = savedDeadline;
  fakeVscode.settings.delete('spanscope.backends');
  controller.dispose();
  traces.dispose();
  server.closeAllConnections();
  await new Promise<void>(r => server.close(() => r()));
});

/** Fails instead of hanging when the call never ends. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms); })]).finally(() => clearTimeout(t));
}

test('Open Trace by ID gives up at the deadline, says so in the progress and names the backend', async () => {
  backendCallLimits.deadlineMs = 1500;
  const messages = fakeVscode.messages.length;
  const progress = fakeVscode.progress.length;
  const t0 = Date.now();
  assert.equal(await within(controller.openTraceById(T32), 15_000), undefined);
  const took = Date.now() - t0;
  assert.ok(took >= 1400 && took < 8000, `took ${took} ms`);
  const p = fakeVscode.progress.slice(progress);
  assert.equal(p.length, 1);
  assert.match(p[0]!.title, new RegExp(`Fetching trace ${T32}`));
  assert.match(p[0]!.reports[0] ?? '', /^gives up in 2 s$/);
  const errors = fakeVscode.messages.slice(messages).filter(m => m.level === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.text, /^Jaeger \(slow\): not complete within 1500 ms\./);
  assert.ok(errors[0]!.items.includes('Retry'));
});

test('cancelling the notification ends the call at once, with no error message', async () => {
  backendCallLimits.deadlineMs = 60_000;
  const messages = fakeVscode.messages.length;
  const progress = fakeVscode.progress.length;
  const opened = controller.openTraceById(T32);
  // The notification exists as soon as the fetch starts; cancel it once the request is under way.
  while (fakeVscode.progress.length === progress) await new Promise(r => setTimeout(r, 10));
  await new Promise(r => setTimeout(r, 300));
  const t0 = Date.now();
  fakeVscode.progress.at(-1)!.cancel();
  assert.equal(await within(opened, 5000), undefined);
  assert.ok(Date.now() - t0 < 2000);
  assert.deepEqual(fakeVscode.messages.slice(messages).filter(m => m.level === 'error'), []);
});

test('Check Backends has the same deadline and says so', async () => {
  backendCallLimits.deadlineMs = 1500;
  const progress = fakeVscode.progress.length;
  const t0 = Date.now();
  await within(controller.checkBackends(), 15_000);
  assert.ok(Date.now() - t0 < 8000);
  const p = fakeVscode.progress.slice(progress);
  assert.equal(p.length, 1);
  assert.match(p[0]!.title, /Checking backends/);
  assert.match(p[0]!.reports[0] ?? '', /^gives up in 2 s$/);
});

test('a backend allowed a longer silence (timeoutMs) is waited for that long', async () => {
  backendCallLimits.deadlineMs = 500;
  const t0 = Date.now();
  const aborted = await within(withBackendProgress('t', { backend: 'b', timeoutsMs: [undefined, 1500] }, signal => new Promise<number>(resolve => {
    signal.addEventListener('abort', () => resolve(Date.now() - t0));
  })), 10_000);
  assert.ok(aborted >= 1400, `aborted after ${aborted} ms`);
});
