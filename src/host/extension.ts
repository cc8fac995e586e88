// Entry point: builds the host context and wires the feature modules to each other through TraceService.
// Activation is on our own commands, views, URI handler, webview restore, and once after start-up (the receiver's
// auto-start); it stays cheap: the receiver starts, and its snapshot loads, after `activate` has returned.
import * as vscode from 'vscode';
import { Commands, registerCommand } from './commands';
import { traceSettings } from './config';
import { registerAnalysis } from './analysis/registerAnalysis';
import { registerBackends } from './backends/registerBackends';
import { backendsSource } from './sidebar/backendsAdapter';
import { registerCodeInsights, type CodeInsights } from './editor/registerCodeInsights';
import { registerSidebar, type Sidebar } from './sidebar/registerSidebar';
import { registerFleet } from './fleet/registerFleet';
import type { HostContext } from './hostContext';
import { ReceiverController } from './receiver/receiverController';
import { openSource, openSpanSource } from './sourceResolver';
import { TraceOpener } from './traces/openTraces';
import { prepareModel } from './traces/prepareModel';
import { parseTraceKey, summaryFromCompact, TraceService } from './traces/traceService';
import { WaterfallPanels, type PreparedTrace as PanelTrace } from './waterfall/panels';
import { registerLanguageModelTools } from './lmTools';

/** What `activate` returns: the host context plus the controllers other extensions' tests may reach. */
export interface SpanscopeApi extends HostContext {
  readonly opener: TraceOpener;
  readonly receiver: ReceiverController;
  readonly panels: WaterfallPanels;
  readonly insights: CodeInsights;
  readonly sidebar: Sidebar;
}

export function activate(context: vscode.ExtensionContext): SpanscopeApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Spanscope', { log: true });
  context.subscriptions.push(log);
  const traces = new TraceService(context.globalState, () => traceSettings().recentLimit);
  context.subscriptions.push(traces);
  const host: HostContext = { extension: context, log, traces };
  const sub = <T extends vscode.Disposable>(d: T): T => { context.subscriptions.push(d); return d; };

  sub(registerCommand(Commands.showLog, () => log.show(true), log));

  // Opening documents: parse + analysis in a worker thread for big inputs; cancellation aborts it.
  // The parsers (zod schemas, protobuf) load on first use: requiring them would cost most of the activation budget.
  const opener = sub(new TraceOpener(host, async (bytes, opts) => {
    const { prepareTraces } = await import('./lazy');
    // The bytes are handed to the worker, not copied: structured-cloning a big file (up to 1 GB) would block the host.
    return prepareTraces(bytes, { format: opts.format, skew: opts.skew, transferInput: true, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onPreview ? { onPreview: opts.onPreview } : {}) });
  }));

  // The embedded receiver: the store's traces are analysed inline (they are small and already parsed).
  const receiver = sub(new ReceiverController(host, async trace => prepareModel(trace, traceSettings().skew)));
  sub(opener.registerReopener('receiver', entry => receiver.openTrace(entry.traceId)));

  // Waterfall panels show what TraceService opens and follow its updates.
  const toPanel = (t: { traceKey: string; compact: PanelTrace['compact']; source: { label: string } }): PanelTrace =>
    ({ traceKey: t.traceKey, compact: t.compact, sourceLabel: t.source.label });
  const panels = sub(new WaterfallPanels(context, log, {
    resolveTrace: async key => {
      const open = traces.get(key);
      if (open) return toPanel(open);
      // After a reload, receiver traces come back from the restored store and keep updating live; file traces are
      // read again from their file (what it holds now).
      const parsed = parseTraceKey(key);
      if (parsed?.source.kind === 'file' && parsed.source.uri) {
        const prepared = await opener.prepareFromFile(vscode.Uri.parse(parsed.source.uri), parsed.traceId);
        if (prepared) {
          traces.adopt(key, prepared, parsed.source);
          return toPanel({ traceKey: key, compact: prepared.compact, source: parsed.source });
        }
      }
      if (parsed?.source.kind === 'receiver') {
        await receiver.ready;
        const t = receiver.getTrace(parsed.traceId);
        if (t) {
          const prepared = prepareModel(t, traceSettings().skew);
          traces.adopt(key, prepared, parsed.source);
          return toPanel({ traceKey: key, compact: prepared.compact, source: parsed.source });
        }
      }
      return undefined; // the panel uses its own stored copy; adopted below when it reports itself
    },
  }));
  sub(traces.onDidOpen(({ trace, options }) => {
    if (options.restored) return;
    panels.show(toPanel(trace), {
      ...(options.selectSpanId ? { selectSpanId: options.selectSpanId } : {}),
      ...(options.preserveFocus !== undefined ? { preserveFocus: options.preserveFocus } : {}),
    });
  }));
  sub(traces.onDidUpdate(trace => { panels.update(trace.traceKey, trace.compact); }));
  sub(traces.onDidAbandon(({ traceKey, message }) => { if (message === undefined) panels.close(traceKey); else panels.showError(traceKey, message); }));
  // spanscope.hasActiveTrace follows the current trace (see bindTraceContext in editor/currentTrace.ts).
  // Panels are the views of open traces: a panel restored after a reload brings its trace back into TraceService,
  // a closed panel closes its trace.
  sub(panels.onDidRestore(p => {
    const parsed = parseTraceKey(p.traceKey);
    if (!traces.get(p.traceKey) && parsed) traces.adopt(p.traceKey, { summary: summaryFromCompact(p.compact), compact: p.compact }, parsed.source);
  }));
  sub(panels.onDidChangeActivePanel(key => {
    const shown = new Set(panels.openTraceKeys);
    for (const t of traces.all()) if (!shown.has(t.traceKey)) traces.close(t.traceKey);
    traces.setActive(key);
  }));
  sub(panels.onDidRequestOpenSource(req => {
    req.waitUntil((async () => {
      // A span's own location: where the mapping engine placed it (with its candidates); a stack frame link or a
      // span the editor surfaces do not know goes through the path resolution below.
      if (req.spanId !== undefined && await openSpanSource(req.traceKey, req.spanId, req.filePath)) return;
      if (req.filePath === undefined) throw new Error('this span has no code location');
      await openSource({ filePath: req.filePath, ...(req.line !== undefined ? { line: req.line } : {}), ...(req.column !== undefined ? { column: req.column } : {}) }, log);
    })());
  }));
  // A trace file dropped on a panel (bytes from the OS, a file/vscode-remote URI from the explorer): open it.
  sub(panels.onDidRequestOpenDropped(d => {
    const opening = d.kind === 'bytes' ? opener.openBytes(d.bytes, { kind: 'file', label: d.name }) : opener.openUri(vscode.Uri.parse(d.uri, true));
    opening.catch(err => log.error('opening a dropped trace failed', err));
  }));
  sub(panels.onDidRequestOpenTrace(req => {
    // A span link to another trace: the receiver first (it is local), then the backends (Open Trace by ID).
    req.waitUntil((async () => {
      if (receiver.getTrace(req.traceId)) return receiver.openTrace(req.traceId, req.spanId ? { selectSpanId: req.spanId } : {});
      const all = await vscode.commands.getCommands(true);
      if (all.includes(Commands.openTraceById)) return vscode.commands.executeCommand(Commands.openTraceById, req.traceId);
      throw new Error(vscode.l10n.t('Trace {0} is not in the receiver, and no backend is configured to fetch it from.', req.traceId));
    })());
  }));

  // Editor surfaces (gutter, inline, CodeLens, hover, status bar), then the side panel's views over the same model.
  const insights = sub(registerCodeInsights(host, { receiver, panels, prepare: trace => prepareModel(trace, traceSettings().skew) }));
  const sidebar = sub(registerSidebar(host, insights.model, { receiver, panels }));
  // Fleet latency (metric sources' p95 on the code) reads the mapper and decorations of the editor and adds rows to two side-bar views.
  sub(registerFleet(host, { mapper: insights.mapper, backends: sidebar.backends, hotSpots: sidebar.hotSpots, redrawTrace: () => insights.decorations.schedule(), ...(receiver ? { receiver } : {}) }));

  // Backends (Jaeger, Tempo, Zipkin): Open Trace by ID, trace URIs, terminal links, Add Backend, credentials.
  const backends = sub(registerBackends(host, { receiver, prepare: trace => prepareModel(trace, traceSettings().skew), registerReopener: (kind, r) => opener.registerReopener(kind, r) }));
  // The side panel's Backends view and trace search use the same clients; they load after activation (lazy bundle).
  setTimeout(() => void backends.controller().then(c => {
    const source = backendsSource(c.manager, trace => prepareModel(trace, traceSettings().skew), traces);
    sub(insights.registerBackendsSource(source));
    sub(sidebar.setBackendsSource(source));
  }).catch(err => log.error('backends failed to load', err)), 0);

  // The MCP server's tools for VS Code's chat (where this VS Code has the Language Model Tools API).
  sub(registerLanguageModelTools(host, {
    receiverTrace: id => receiver.getTrace(id),
    backends: async () => { const m = (await backends.controller()).manager; await m.ready; return m.backends; },
    onDidChangeSelection: panels.onDidChangeSelection,
  }));

  // Analysis across traces: service graph, Compare Traces…, latency distribution.
  sub(registerAnalysis(host, {
    receiver, panels, reopen: entry => opener.reopen(entry),
    backends: async () => { const m = (await backends.controller()).manager; await m.ready; return m.backends; },
    searchResults: () => sidebar.traces.searchResults,
    prepareFromFile: (uri, traceId) => opener.prepareFromFile(uri, traceId),
    prepare: trace => prepareModel(trace, traceSettings().skew),
    aggregate: () => {
      const a = insights.model.aggregate;
      return a && { label: a.label, traces: a.traces.map(t => ({ traceKey: t.traceKey, ...(t.reopen ?? {}) })) };
    },
  }));

  const api: SpanscopeApi = { ...host, opener, receiver, panels, insights, sidebar };
  log.info(`Spanscope ${String(context.extension.packageJSON.version ?? '')} activated in ${(performance.now() - started).toFixed(1)} ms`);
  // After activation: restore the receiver's store and auto-start it (never blocks activation, never throws).
  setTimeout(() => void receiver.initialize().catch(err => log.error('receiver start-up failed', err)), 0);
  return api;
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes them. The receiver keeps its store synchronously
  // in its dispose, while the window closes.
}
