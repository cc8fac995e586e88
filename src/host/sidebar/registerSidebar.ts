// Builds the Spanscope activity-bar views (Backends, Traces, Live, Spans, Hot spots, Findings) and their commands
// (search, open a search result, refresh). The views read the editor's AnnotationModel (the current trace and its
// mapping), so CodeInsights creates the model first and hands it here; nothing in the editor surfaces depends on
// this module. extension.ts creates it right after CodeInsights.
import * as vscode from 'vscode';
import { Commands, registerCommand } from '../commands';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import type { AnnotationModel } from '../editor/annotationModel';
import { bindTraceContext } from '../editor/currentTrace';
import { revealSpan } from '../editor/reveal';
import { BackendsView } from './backendsView';
import type { BackendsSource, CodeInsightsDeps, TraceLookupHint } from './deps';
import { FindingsView } from './findingsView';
import { HotSpotsView } from './hotSpotsView';
import { SpansView } from './spansView';
import { LiveView, TracesView } from './tracesView';

export class Sidebar extends Disposable {
  readonly backends: BackendsView;
  readonly traces: TracesView;
  readonly spans: SpansView;
  readonly hotSpots: HotSpotsView;

  constructor(host: HostContext, model: AnnotationModel, deps: CodeInsightsDeps = {}) {
    super();
    const { log } = host;
    const receiver = deps.receiver;
    this.backends = this._register(new BackendsView(receiver));
    this._register(vscode.window.createTreeView('spanscope.backends', { treeDataProvider: this.backends }));
    this.traces = this._register(new TracesView(host.traces, receiver, () => this.backends.source));
    this._register(vscode.window.createTreeView('spanscope.traces', { treeDataProvider: this.traces }));
    if (receiver) this._register(new LiveView(receiver, node => this.traces.getTreeItem(node)));
    this.spans = this._register(new SpansView(model.current, deps.panels, (traceKey, spanId) => void revealSpan(host.traces, { traceKey, spanId }, model)));
    this.hotSpots = this._register(new HotSpotsView(model));
    this._register(vscode.window.createTreeView('spanscope.hotspots', { treeDataProvider: this.hotSpots }));
    this._register(bindTraceContext(model.current));
    const findings = this._register(new FindingsView(host.traces, model.current));
    this._register(vscode.window.createTreeView('spanscope.findings', { treeDataProvider: findings }));
    this._register(registerCommand(Commands.searchTraces, () => this.traces.search(), log));
    this._register(registerCommand(Commands.openSearchResult, async (backendId?: unknown, traceId?: unknown, hint?: unknown) => {
      if (typeof backendId !== 'string' || typeof traceId !== 'string') return;
      if (backendId === 'receiver') await vscode.commands.executeCommand(Commands.openReceiverTrace, traceId);
      else {
        const h = lookupHintOf(hint);
        await (h ? this.backends.source?.open?.(backendId, traceId, h) : this.backends.source?.open?.(backendId, traceId));
      }
    }, log));
    this._register(registerCommand(Commands.refreshSidebar, () => { this.traces.refresh(); void model.refresh(); }, log));
  }

  /** The backends module's list (Backends view) and search (Traces view). */
  setBackendsSource(source: BackendsSource): vscode.Disposable {
    return this.backends.setSource(source);
  }
}

export function registerSidebar(host: HostContext, model: AnnotationModel, deps: CodeInsightsDeps = {}): Sidebar {
  return new Sidebar(host, model, deps);
}

/** The optional third argument of openSearchResult (a command argument, so checked): finite times only. */
export function lookupHintOf(v: unknown): TraceLookupHint | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as { startMs?: unknown; durationMs?: unknown };
  if (typeof o.startMs !== 'number' || !Number.isFinite(o.startMs)) return undefined;
  return { startMs: o.startMs, ...(typeof o.durationMs === 'number' && Number.isFinite(o.durationMs) && o.durationMs >= 0 ? { durationMs: o.durationMs } : {}) };
}
