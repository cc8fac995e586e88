// The Language Model Tools the extension registers (src/host/lmTools.ts), with the fake vscode module: what gets
// registered (and nothing without the API), the editor-only tools against the active trace and its selected span,
// a missing traceId meaning the active trace, input errors, and confirmation only when a backend may be asked.
import { fakeVscode } from '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTrace } from '../../../src/core/analysis/analyze';
import { parseTraceDocument } from '../../../src/core/parse/index';
import type { TraceBackend } from '../../../src/backends/types';
import type { HostContext } from '../../../src/host/hostContext';
import type { OpenTrace } from '../../../src/host/traces/traceService';
import { PROJECT_ROOT } from '../../support/paths';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateTrace } = require('../../../bench/gen-trace.mjs') as { generateTrace(o: { n: number; seed: number; format: string }): unknown };

const api = fakeVscode.api;
class TextPart { constructor(readonly value: string) {} }
class ToolResult { constructor(readonly content: TextPart[]) {} }
api.LanguageModelTextPart = TextPart;
api.LanguageModelToolResult = ToolResult;
class HttpDef { constructor(readonly label: string, readonly uri: { toString(): string }, readonly headers: Record<string, string>, readonly version?: string) {} }
api.McpHttpServerDefinition = HttpDef;
// loaded after the classes above exist: the module's `vscode` namespace is a snapshot of the fake's members
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { registerLanguageModelTools } = require('../../../src/host/lmTools') as typeof import('../../../src/host/lmTools');

interface Registered {
  invoke(o: { input: Record<string, unknown> }, token: unknown): Promise<ToolResult>;
  prepareInvocation(o: { input: Record<string, unknown> }, token: unknown): Promise<{ confirmationMessages?: unknown }>;
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { contributes: { languageModelTools: Array<{ name: string }> } };
const trace = parseTraceDocument(JSON.stringify(generateTrace({ n: 400, seed: 2, format: 'otlp' }))).traces[0]!;
const open = { traceKey: 'receiver:' + trace.traceId, traceId: trace.traceId, source: { kind: 'receiver', label: 'OTLP receiver' }, updatedAt: 1 } as unknown as OpenTrace;
const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };

function setup(lm: unknown, backends: readonly TraceBackend[] = [], warnings: string[] = []) {
  api.lm = lm;
  const selection = new (api.EventEmitter as new () => { event: unknown; fire(e: unknown): void })();
  const host = {
    extension: { extension: { packageJSON: pkg } },
    log: { warn: (m: string) => { warnings.push(m); }, info() {}, error() {} },
    traces: { active: open, all: () => [open], get: (k: string) => (k === open.traceKey ? open : undefined) },
  } as unknown as HostContext;
  const d = registerLanguageModelTools(host, { receiverTrace: id => (id === trace.traceId ? trace : undefined), backends: async () => backends, onDidChangeSelection: selection.event as never });
  return { d, selection };
}

function registry(): { tools: Map<string, Registered>; lm: unknown } {
  const tools = new Map<string, Registered>();
  return { tools, lm: { registerTool: (name: string, impl: Registered) => { tools.set(name, impl); return { dispose: () => tools.delete(name) }; } } };
}

const json = (r: ToolResult): any => JSON.parse(r.content[0]!.value); // eslint-disable-line @typescript-eslint/no-explicit-any

test('registers every declared tool, and nothing where vscode.lm.registerTool is missing', () => {
  const { tools, lm } = registry();
  const { d } = setup(lm);
  assert.deepEqual([...tools.keys()].sort(), pkg.contributes.languageModelTools.map(t => t.name).sort());
  assert.ok(tools.size >= 14);
  d.dispose();
  assert.equal(tools.size, 0);
  assert.doesNotThrow(() => setup({}).d.dispose());
  assert.doesNotThrow(() => setup(undefined).d.dispose());
});

test('active trace with the selected span; a missing traceId means the active trace', async () => {
  const { tools, lm } = registry();
  const { d, selection } = setup(lm);
  try {
    const span = trace.spans[5]!;
    selection.fire({ traceKey: open.traceKey, spanId: span.spanId });
    const active = json(await tools.get('spanscope_active_trace')!.invoke({ input: {} }, token));
    assert.equal(active.activeTrace.traceId, trace.traceId);
    assert.equal(active.activeTrace.source, 'editor');
    assert.equal(active.selectedSpan.spanId, span.spanId);
    assert.equal(active.selectedSpan.name, span.name);
    const findings = json(await tools.get('spanscope_get_findings')!.invoke({ input: { limit: 1000 } }, token));
    assert.equal(findings.traceId, trace.traceId);
    assert.equal(findings.findingCount, analyzeTrace(trace).findings.length);
    const sources = json(await tools.get('spanscope_list_sources')!.invoke({ input: {} }, token));
    assert.deepEqual(sources.sources, [{ id: 'editor', kind: 'editor', traceCount: 1 }]);
  } finally {
    d.dispose();
  }
});

test('bad input is an error naming the field', async () => {
  const { tools, lm } = registry();
  const { d } = setup(lm);
  try {
    await assert.rejects(tools.get('spanscope_get_span_details')!.invoke({ input: { spanIds: [] } }, token), /spanIds/);
    await assert.rejects(tools.get('spanscope_get_trace_summary')!.invoke({ input: { traceId: 'no id here' } }, token), /No trace ID found/);
  } finally {
    d.dispose();
  }
});

test('confirmation only when a backend exists and the trace is not already open', async () => {
  const { tools, lm } = registry();
  const none = setup(lm);
  assert.equal((await tools.get('spanscope_search_traces')!.prepareInvocation({ input: {} }, token)).confirmationMessages, undefined);
  none.d.dispose();
  const backend = { displayName: 'Jaeger (prod)', config: { type: 'jaeger' } } as unknown as TraceBackend;
  const withBackend = setup(lm, [backend]);
  try {
    assert.ok((await tools.get('spanscope_search_traces')!.prepareInvocation({ input: {} }, token)).confirmationMessages);
    assert.ok((await tools.get('spanscope_get_trace_summary')!.prepareInvocation({ input: { traceId: 'ab'.repeat(16) } }, token)).confirmationMessages);
    assert.equal((await tools.get('spanscope_get_trace_summary')!.prepareInvocation({ input: { traceId: trace.traceId } }, token)).confirmationMessages, undefined);
    assert.equal((await tools.get('spanscope_get_findings')!.prepareInvocation({ input: {} }, token)).confirmationMessages, undefined);
    assert.ok((await tools.get('spanscope_compare_traces')!.prepareInvocation({ input: { traceIdA: trace.traceId, traceIdB: 'cd'.repeat(16) } }, token)).confirmationMessages);
    assert.equal((await tools.get('spanscope_compare_traces')!.prepareInvocation({ input: { traceIdA: trace.traceId, traceIdB: trace.traceId.toUpperCase() } }, token)).confirmationMessages, undefined);
    assert.ok((await tools.get('spanscope_get_latency_for_code')!.prepareInvocation({ input: { file: 'x.ts', traceIds: ['ef'.repeat(16)] } }, token)).confirmationMessages);
    assert.equal((await tools.get('spanscope_active_trace')!.prepareInvocation({ input: {} }, token)).confirmationMessages, undefined);
  } finally {
    withBackend.d.dispose();
  }
});

test('VS Code 1.100, whose MCP provider API throws for this package.json: the tools are still registered, a warning says why', () => {
  // The error VS Code 1.100 (code-server 4.100.3) throws from vscode.lm.registerMcpServerDefinitionProvider.
  const refusal = 'MCP configuration providers must be registered in the contributes.modelContextServerCollections array within your package.json, but "spanscope.mcpServer" was not';
  const { tools, lm } = registry();
  const warnings: string[] = [];
  const { d } = setup({ ...(lm as object), registerMcpServerDefinitionProvider: () => { throw new Error(refusal); } }, [], warnings);
  assert.deepEqual([...tools.keys()].sort(), pkg.contributes.languageModelTools.map(t => t.name).sort());
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /MCP server for agent mode not registered.*modelContextServerCollections/);
  d.dispose();
  assert.equal(tools.size, 0);
});

test('MCP server definition: listed without starting; resolved, it serves the tools over the editor\'s traces behind a token', async () => {
  type Provider = { provideMcpServerDefinitions(t: unknown): Promise<HttpDef[]>; resolveMcpServerDefinition(d: unknown, t: unknown): Promise<HttpDef> };
  const providers = new Map<string, Provider>();
  const { d } = setup({ registerMcpServerDefinitionProvider: (id: string, p: Provider) => { providers.set(id, p); return { dispose: () => providers.delete(id) }; } });
  const declared = (pkg.contributes as unknown as { mcpServerDefinitionProviders: Array<{ id: string }> }).mcpServerDefinitionProviders;
  assert.deepEqual([...providers.keys()], declared.map(x => x.id));
  const p = providers.get('spanscope.mcpServer')!;
  const listed = await p.provideMcpServerDefinitions(token);
  assert.equal(listed.length, 1);
  const def = await p.resolveMcpServerDefinition(listed[0], token);
  const url = def.uri.toString();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  assert.match(def.headers.Authorization!, /^Bearer .{20,}/);
  assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 401);
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: def.headers } }));
  try {
    const r = await client.callTool({ name: 'get_trace_summary', arguments: { traceId: trace.traceId } });
    const body = JSON.parse((r.content as Array<{ text: string }>)[0]!.text);
    assert.equal(body.source, 'editor');
    assert.equal(body.spanCount, trace.spans.length);
  } finally {
    await client.close();
  }
  // resolving again reuses the running server
  assert.equal((await p.resolveMcpServerDefinition(listed[0], token)).uri.toString(), url);
  d.dispose();
  await new Promise(r => setTimeout(r, 50));
  await assert.rejects(fetch(url, { method: 'POST', headers: def.headers, body: '{}' }));
});
