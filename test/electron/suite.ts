// Runs inside the VS Code extension host started by runTest.ts. Each scenario is one of the E2E flows expressed
// through the VS Code API instead of the DOM; the closing line is the plain `N passed, N failed` count.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { SpanscopeApi } from '../../src/host/extension';

const EXTENSION_ID = 'spanscope.spanscope';
const TRACE_ID = '5b8efff798038103d269b633813fc60c';

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

function waterfallTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap(g => g.tabs).filter(t => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('spanscope.waterfall'));
}

function postJson(url: string, body: unknown): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': data.length } }, res => {
      res.resume();
      res.on('end', () => resolveStatus(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function otlpTrace(): unknown {
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (spanId: string, name: string, parent: string | undefined, startMs: number, endMs: number) => ({
    traceId: TRACE_ID, spanId, ...(parent ? { parentSpanId: parent } : {}), name, kind: 2,
    startTimeUnixNano: String(now + BigInt(startMs) * 1_000_000n), endTimeUnixNano: String(now + BigInt(endMs) * 1_000_000n),
  });
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'electron-check' } }] },
    scopeSpans: [{ spans: [span('1111111111111111', 'GET /orders', undefined, 0, 120), span('2222222222222222', 'SELECT orders', '1111111111111111', 10, 100)] }] }] };
}

const scenarios: Array<[string, (api: SpanscopeApi) => Promise<void>]> = [
  ['every contributed command is registered', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (ext.packageJSON.contributes.commands as Array<{ command: string }>).map(c => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter(c => !registered.has(c)), []);
  }],
  ['a trace file opens in the waterfall', async api => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    await vscode.commands.executeCommand('spanscope.openInSpanscope', vscode.Uri.joinPath(folder, 'traces', 'checkout.otlp.json'));
    await until('a waterfall tab', () => waterfallTabs().length > 0);
    assert.ok(api.traces.all().length >= 1);
  }],
  ['the embedded receiver takes an OTLP export and Open Trace by ID finds it', async api => {
    await vscode.commands.executeCommand('spanscope.receiver.start');
    const address = await until('the receiver to listen', () => api.receiver.address);
    assert.equal(await postJson(address.httpUrl, otlpTrace()), 200);
    await until('the trace in the Live list', () => api.receiver.list().some(t => t.traceId === TRACE_ID));
    const before = waterfallTabs().length;
    await vscode.commands.executeCommand('spanscope.openTraceById', `00-${TRACE_ID}-2222222222222222-01`);
    await until('its waterfall', () => api.traces.all().some(t => t.traceId === TRACE_ID) && waterfallTabs().length > before);
  }],
  ['the sample trace opens from the walkthrough command', async api => {
    const n = api.traces.all().length;
    await vscode.commands.executeCommand('spanscope.openSample');
    await until('the sample trace', () => api.traces.all().length > n);
  }],
];

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<SpanscopeApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  const api = await ext.activate();
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of scenarios) {
    try {
      await fn(api);
      passed++;
      console.log(`✔ ${name}`);
    } catch (err) {
      failed++;
      console.log(`✖ ${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} scenario(s) failed`);
}
