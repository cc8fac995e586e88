// The MCP server's tools as VS Code Language Model Tools (`spanscope_<tool>`, declared in package.json
// `contributes.languageModelTools`), over what the editor has: the traces open in Spanscope (source "editor"), the
// embedded receiver's traces and the configured backends (their secrets stay in SecretStorage). Two tools only the
// editor can offer: the active trace with its selected span, and the latency of the current file's lines.
// A tool that takes a trace ID uses the active trace when none is given. A tool that may fetch from a remote backend
// asks for confirmation first. Registered only where `vscode.lm.registerTool` exists.
// Where VS Code has the MCP server definition API, the same tools are also an MCP server ("Spanscope") for agent mode
// and other MCP clients in the editor: served over HTTP on 127.0.0.1 from this extension host (so the backends'
// secrets never leave SecretStorage or appear on a command line), behind a random bearer token, started only
// when VS Code starts the server.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Trace } from '../core/model';
import type { TraceBackend } from '../backends/types';
import type { HostContext } from './hostContext';
import type { OpenTrace } from './traces/traceService';

/** Prefix of every tool name (VS Code tool names are global across extensions). */
export const LM_TOOL_PREFIX = 'spanscope_';
/** The editor-only tools, beside the MCP tools. */
export const EDITOR_TOOLS = ['spanscope_active_trace', 'spanscope_current_file_latency'] as const;
const OUTPUT_CHARS = 8000 * 4;

export interface LmToolDeps {
  /** The receiver's copy of a trace (undefined when it does not hold it). */
  readonly receiverTrace: (traceId: string) => Trace | undefined;
  /** The configured backends (after their settings and secrets are loaded). */
  readonly backends: () => Promise<readonly TraceBackend[]>;
  /** Span selections in waterfalls. */
  readonly onDidChangeSelection: vscode.Event<{ readonly traceKey: string; readonly spanId: string | null }>;
}

type Lazy = typeof import('./lazy');

export function registerLanguageModelTools(host: HostContext, deps: LmToolDeps): vscode.Disposable {
  const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
  const disposables: vscode.Disposable[] = [];
  let selected: { traceKey: string; spanId: string } | undefined;
  disposables.push(deps.onDidChangeSelection(s => { selected = s.spanId ? { traceKey: s.traceKey, spanId: s.spanId } : undefined; }));

  let lazy: Promise<Lazy> | undefined;
  let sources: InstanceType<Lazy['TraceSources']> | undefined;
  // Traces read back from their files, by trace key and update time (a file is read once per version).
  const fromFiles = new Map<string, { updatedAt: number; trace: Trace | undefined }>();

  const current = (): OpenTrace | undefined => host.traces.active ?? host.traces.all().at(-1);

  /** The model of an open trace: the receiver's copy, or the file read again. Backend traces are fetched on demand. */
  async function modelOf(t: OpenTrace, parse: Lazy['parseTraceDocument']): Promise<Trace | undefined> {
    if (t.source.kind === 'receiver') return deps.receiverTrace(t.traceId);
    if (t.source.kind !== 'file' || !t.source.uri) return undefined;
    const hit = fromFiles.get(t.traceKey);
    if (hit && hit.updatedAt === t.updatedAt) return hit.trace;
    let trace: Trace | undefined;
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.parse(t.source.uri, true));
      trace = parse(bytes).traces.find(x => x.traceId === t.traceId);
    } catch (e) {
      host.log.warn(`language model tools: cannot read ${t.source.label} again: ${(e as Error).message}`);
    }
    fromFiles.set(t.traceKey, { updatedAt: t.updatedAt, trace });
    return trace;
  }

  async function context(): Promise<{ m: Lazy; ctx: { sources: InstanceType<Lazy['TraceSources']>; maxChars: number } }> {
    const m = await (lazy ??= import('./lazy'));
    const backends = await deps.backends();
    sources ??= new m.TraceSources({ paths: [], backends });
    sources.backends = backends;
    const open: Trace[] = [];
    for (const t of host.traces.all()) {
      const model = await modelOf(t, m.parseTraceDocument);
      if (model) open.push(model);
    }
    for (const k of [...fromFiles.keys()]) if (!host.traces.get(k)) fromFiles.delete(k);
    sources.setEditorTraces(open);
    return { m, ctx: { sources, maxChars: OUTPUT_CHARS } };
  }

  disposables.push(registerMcpServer(host, () => context()));
  if (typeof lm?.registerTool !== 'function') return vscode.Disposable.from(...disposables);

  const text = (s: string): vscode.LanguageModelToolResult => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(s)]);

  async function run(name: string, input: Record<string, unknown>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      const { m, ctx } = await context();
      if (name === 'active_trace') {
        const t = current();
        if (!t) return text('No trace is open in Spanscope. Open one (Spanscope: Open Trace File…, Open Trace by ID…) or use spanscope_search_traces.');
        const summary = JSON.parse(await m.TOOLS.find(x => x.name === 'get_trace_summary')!.run({ traceId: t.traceId }, ctx, ac.signal)) as Record<string, unknown>;
        const sel = selected && selected.traceKey === t.traceKey ? selected.spanId : undefined;
        let span: unknown;
        if (sel) span = (JSON.parse(await m.TOOLS.find(x => x.name === 'get_span_details')!.run({ traceId: t.traceId, spanIds: [sel] }, ctx, ac.signal)) as { spans: unknown[] }).spans[0];
        return text(JSON.stringify({ activeTrace: summary, openedFrom: t.source.label, ...(span ? { selectedSpan: span } : { selectedSpan: null }) }));
      }
      if (name === 'current_file_latency') {
        const editor = vscode.window.activeTextEditor;
        if (!editor) return text('No file is open in an editor.');
        const rel = vscode.workspace.asRelativePath(editor.document.uri, false);
        const sel = editor.selection;
        const lines = sel.isEmpty ? {} : { startLine: sel.start.line + 1, endLine: sel.end.line + 1 };
        return text(await m.TOOLS.find(x => x.name === 'get_latency_for_code')!.run({ file: rel, ...lines, source: 'editor' }, ctx, ac.signal));
      }
      const tool = m.TOOLS.find(x => x.name === name);
      if (!tool) throw new Error(`unknown tool ${name}`);
      const args = { ...input };
      // "the trace" in a chat about the editor is the one on screen
      if ('traceId' in tool.shape && args.traceId === undefined) {
        const t = current();
        if (!t) throw new Error('No trace is open in Spanscope: give traceId, or open a trace first.');
        args.traceId = t.traceId;
      }
      return text(await tool.run(m.parseToolArgs(tool, args), ctx, ac.signal));
    } finally {
      sub.dispose();
    }
  }

  const names = (host.extension.extension.packageJSON as { contributes?: { languageModelTools?: Array<{ name: string }> } } | undefined)
    ?.contributes?.languageModelTools?.map(t => t.name) ?? [];
  for (const full of names) {
    const name = full.slice(LM_TOOL_PREFIX.length);
    disposables.push(lm.registerTool<Record<string, unknown>>(full, {
      invoke: (options, token) => run(name, options.input ?? {}, token),
      async prepareInvocation(options) {
        // Asks before a backend may be called: only when backends exist and the trace is not already at hand.
        const remote = !['active_trace', 'current_file_latency', 'list_sources'].includes(name);
        if (!remote) return {};
        const backends = await deps.backends();
        // every trace the call names (none: the active trace, which is open); searches always go to the backends
        const input = options.input ?? {};
        const ids = [input.traceId, input.traceIdA, input.traceIdB, ...(Array.isArray(input.traceIds) ? input.traceIds : [])].filter((x): x is string => typeof x === 'string');
        const isOpen = (id: string): boolean => host.traces.all().some(t => id.toLowerCase().includes(t.traceId));
        const local = name !== 'search_traces' && name !== 'get_services' && ids.every(isOpen);
        if (backends.length === 0 || local) return {};
        return {
          invocationMessage: vscode.l10n.t('Asking {0}', backends.map(b => b.displayName).join(', ')),
          confirmationMessages: {
            title: vscode.l10n.t('Query tracing backends?'),
            message: new vscode.MarkdownString(vscode.l10n.t('This may send requests to {0}.', backends.map(b => b.displayName).join(', '))),
          },
        };
      },
    }));
  }
  return vscode.Disposable.from(...disposables);
}

/** What VS Code ≥ 1.101 offers (not in the @types/vscode this extension builds against: looked up at run time). */
interface McpApi {
  registerMcpServerDefinitionProvider(id: string, provider: {
    provideMcpServerDefinitions(token: vscode.CancellationToken): Promise<unknown[]>;
    resolveMcpServerDefinition(server: unknown, token: vscode.CancellationToken): Promise<unknown>;
  }): vscode.Disposable;
}
type McpHttpServerDefinitionCtor = new (label: string, uri: vscode.Uri, headers?: Record<string, string>, version?: string) => unknown;

/** The id in package.json `contributes.mcpServerDefinitionProviders`. */
export const MCP_PROVIDER_ID = 'spanscope.mcpServer';

function registerMcpServer(host: HostContext, context: () => Promise<{ m: Lazy; ctx: { sources: InstanceType<Lazy['TraceSources']>; maxChars: number } }>): vscode.Disposable {
  const lm = (vscode as { lm?: Partial<McpApi> }).lm;
  const HttpDef = (vscode as unknown as { McpHttpServerDefinition?: McpHttpServerDefinitionCtor }).McpHttpServerDefinition;
  if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof HttpDef !== 'function') return new vscode.Disposable(() => {});
  const version = String((host.extension.extension.packageJSON as { version?: string }).version ?? '');
  let running: Promise<{ url: string; token: string; close(): Promise<void> }> | undefined;
  const start = async (): Promise<{ url: string; token: string; close(): Promise<void> }> => {
    const { m, ctx } = await context();
    const token = randomBytes(24).toString('base64url');
    const server = await m.serveHttp({ ...ctx, prepare: async () => { await context(); } }, { port: 0, token }, line => host.log.warn(`MCP server: ${line}`));
    host.log.info(`MCP server for agent mode listening at ${server.url}`);
    return { url: server.url, token, close: () => server.close() };
  };
  let provider: vscode.Disposable;
  // VS Code 1.100 already has this function but, still a proposal there, wants the provider declared under another
  // contribution name (`modelContextServerCollections`) and throws otherwise. Thrown out of activation, that would
  // stop everything registered after this (the chat tools, the receiver's start), so the MCP server is skipped there.
  try {
    provider = lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      // Listing costs nothing: the server starts when VS Code resolves the definition to start it.
      async provideMcpServerDefinitions() {
        return [new HttpDef('Spanscope', vscode.Uri.parse('http://127.0.0.1/mcp'), {}, version)];
      },
      async resolveMcpServerDefinition() {
        const r = await (running ??= start().catch((e: unknown) => { running = undefined; throw e; }));
        return new HttpDef('Spanscope', vscode.Uri.parse(r.url), { Authorization: `Bearer ${r.token}` }, version);
      },
    });
  } catch (e) {
    host.log.warn(`MCP server for agent mode not registered (this VS Code does not accept it): ${(e as Error).message}`);
    return new vscode.Disposable(() => {});
  }
  return new vscode.Disposable(() => {
    provider.dispose();
    void running?.then(r => r.close(), () => {});
  });
}
