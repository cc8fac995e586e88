// Wires the editor surfaces and the side panel: workspace index → code mapper → annotation model → decorations,
// CodeLens, hovers, status bar, commands; and the Spanscope activity-bar views (Backends, Traces, Spans, Hot
// spots, Findings). extension.ts calls `registerCodeInsights(host, deps)` once.
import * as vscode from 'vscode';
import { Commands, registerCommand } from '../commands';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import { CodeMapper } from '../mapping/codeMapper';
import { createSyntaxService } from '../../worker/syntax';
import { SavedMappings } from '../mapping/savedMappings';
import { WorkspaceFileIndex } from '../mapping/workspaceIndex';
import { BackendsView } from '../sidebar/backendsView';
import type { BackendsSource, CodeInsightsDeps, TraceLookupHint } from '../sidebar/deps';
import { bindTraceContext } from './currentTrace';
import { FindingsView } from '../sidebar/findingsView';
import { HotSpotsView } from '../sidebar/hotSpotsView';
import { SpansView } from '../sidebar/spansView';
import { LiveView, TracesView } from '../sidebar/tracesView';
import { registerSourceResolverStep, registerSpanSourceOpener } from '../sourceResolver';
import { openSpanMapping } from './spanSource';
import { AggregateController } from './aggregate';
import { AnnotationModel } from './annotationModel';
import { SpanCodeLensProvider } from './codeLens';
import { DecorationController, documentPath } from './decorations';
import { registerEditorCommands } from './editorCommands';
import { SpanHoverProvider } from './hover';
import { revealSpan, setPanels } from './reveal';
import { TraceStatusBar } from './statusBar';
import { registerFleet } from '../fleet/registerFleet';

export class CodeInsights extends Disposable {
  readonly index: WorkspaceFileIndex;
  readonly mapper: CodeMapper;
  readonly model: AnnotationModel;
  readonly decorations: DecorationController;
  readonly aggregate: AggregateController;
  readonly backends: BackendsView;
  readonly traces: TracesView;
  readonly spans: SpansView;

  constructor(host: HostContext, deps: CodeInsightsDeps = {}) {
    super();
    const { log } = host;
    this.index = this._register(new WorkspaceFileIndex(log));
    // File outlines come from tree-sitter in a worker thread (started on the first parse), never from a language
    // extension; symbol providers, where installed, are only a second opinion.
    const syntax = createSyntaxService();
    this._register({ dispose: () => syntax.dispose() });
    this.mapper = this._register(new CodeMapper(this.index, new SavedMappings(host.extension.workspaceState), log, syntax));
    this.model = this._register(new AnnotationModel(host.traces, this.mapper, log));
    this.decorations = this._register(new DecorationController(this.model));
    const lens = this._register(new SpanCodeLensProvider(this.model, this.decorations));
    this._register(vscode.languages.registerCodeLensProvider({ scheme: 'file' }, lens));
    this._register(vscode.languages.registerHoverProvider({ scheme: 'file' }, new SpanHoverProvider(this.model, this.decorations)));
    this._register(new TraceStatusBar(this.model));
    this.aggregate = new AggregateController(host, this.model);
    setPanels(deps.panels);
    this._register({ dispose: () => setPanels(undefined) });
    this._register(registerEditorCommands(host, this.model, this.index, this.aggregate));

    // The receiver as an aggregate source: the last N traces of a root service/operation in its store.
    const receiver = deps.receiver;
    const prepare = deps.prepare;
    if (receiver?.getTrace && prepare) {
      const getTrace = receiver.getTrace.bind(receiver);
      this._register(this.aggregate.register({
        id: 'receiver', label: vscode.l10n.t('Aggregate of the receiver\'s recent traces'), source: { kind: 'receiver', label: 'OTLP receiver' },
        groups: async () => {
          const seen = new Map<string, { service: string; operation?: string }>();
          for (const i of receiver.list()) {
            seen.set(i.rootService, { service: i.rootService });
            seen.set(`${i.rootService}\u0000${i.rootName}`, { service: i.rootService, operation: i.rootName });
          }
          return [...seen.values()].sort((a, b) => a.service.localeCompare(b.service) || (a.operation ?? '').localeCompare(b.operation ?? ''));
        },
        fetch: async (g, limit, token) => {
          const items = receiver.list().filter(i => i.rootService === g.service && (g.operation === undefined || i.rootName === g.operation))
            .sort((a, b) => b.lastUpdateMs - a.lastUpdateMs).slice(0, limit);
          const out = [];
          for (const i of items) {
            if (token.isCancellationRequested) break;
            const t = getTrace(i.traceId);
            if (t) out.push(await prepare(t));
          }
          return out;
        },
      }));
    }

    // Side panel.
    this.backends = this._register(new BackendsView(receiver));
    this._register(vscode.window.createTreeView('spanscope.backends', { treeDataProvider: this.backends }));
    this.traces = this._register(new TracesView(host.traces, receiver, () => this.backends.source));
    this._register(vscode.window.createTreeView('spanscope.traces', { treeDataProvider: this.traces }));
    if (receiver) this._register(new LiveView(receiver, node => this.traces.getTreeItem(node)));
    this.spans = this._register(new SpansView(this.model.current, deps.panels, (traceKey, spanId) => void revealSpan(host.traces, { traceKey, spanId }, this.model)));
    const hot = this._register(new HotSpotsView(this.model));
    this._register(vscode.window.createTreeView('spanscope.hotspots', { treeDataProvider: hot }));
    this._register(registerFleet(host, { mapper: this.mapper, backends: this.backends, hotSpots: hot, redrawTrace: () => this.decorations.schedule(), ...(receiver ? { receiver } : {}) }));
    this._register(bindTraceContext(this.model.current));
    const findings = this._register(new FindingsView(host.traces, this.model.current));
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
    this._register(registerCommand(Commands.refreshSidebar, () => { this.traces.refresh(); void this.model.refresh(); }, log));

    // The waterfall marks spans mapped to the workspace and to the file in the active editor.
    if (deps.panels?.setMapping) {
      const setMapping = deps.panels.setMapping.bind(deps.panels);
      const push = () => {
        const active = vscode.window.activeTextEditor;
        const current = active ? documentPath(active.document) : undefined;
        for (const t of this.model.state.traces) {
          const workspaceSpans: number[] = [];
          const currentFileSpans: number[] = [];
          t.mapping.spans.forEach((m, i) => { if (m?.inside) { workspaceSpans.push(i); if (m.path === current) currentFileSpans.push(i); } });
          setMapping(t.traceKey, { workspaceSpans, currentFileSpans, ...(current ? { currentFile: current } : {}) });
        }
      };
      this._register(this.model.onDidChange(push));
      this._register(vscode.window.onDidChangeActiveTextEditor(push));
    }

    // Jump to source from the waterfall honours spanscope.pathMappings and source maps (E1's resolver tries this
    // step first; what it leaves — plain absolute, relative, suffix — the built-in steps do the same way).
    this._register(registerSourceResolverStep(async req => {
      const m = await this.mapper.resolveLocation(req.filePath, req.line, req.column);
      if (!m || (m.how !== 'path-mapping' && m.how !== 'source-map')) return undefined;
      return { kind: 'resolved', uri: vscode.Uri.file(m.path), how: m.how, inWorkspace: m.inside, line: m.line, ...(m.column !== undefined ? { column: m.column } : {}) };
    }));

    // "Go to source" on a span: the mapping's place, a choice among its candidates, or why there is none.
    this._register(registerSpanSourceOpener((traceKey, spanId, filePath) => openSpanMapping(this.model, traceKey, spanId, filePath, log)));

    void this.model.showActive();
  }

  /** The backends module registers its list (Backends view) and search (Traces view). */
  registerBackendsSource(source: BackendsSource): vscode.Disposable {
    const search = source.search?.bind(source), fetch = source.fetch?.bind(source), services = source.services?.bind(source);
    const provider = search && fetch && services ? this.aggregate.register({
      id: 'backends', label: vscode.l10n.t('Aggregate of a backend\'s recent traces'), source: { kind: 'backend', label: 'backend' },
      sourceOf: g => ({ kind: 'backend', label: g.detail ?? g.backendId ?? 'backend', ...(g.backendId ? { backend: g.backendId } : {}) }),
      groups: async token => {
        const out: { service: string; backendId: string; detail: string }[] = [];
        for (const b of source.list()) {
          for (const service of await services(b.id, token).catch(() => [] as string[])) out.push({ service, backendId: b.id, detail: b.label });
        }
        return out;
      },
      fetch: async (g, limit, token) => {
        if (!g.backendId) return [];
        const found = await search(g.backendId, { service: g.service, ...(g.operation ? { operation: g.operation } : {}), lookbackMinutes: 60, limit }, token);
        const out = [];
        for (const r of found) {
          if (token.isCancellationRequested) break;
          out.push(await fetch(g.backendId, r.traceId, token));
        }
        return out;
      },
    }) : undefined;
    const sub = this.backends.setSource(source);
    return new vscode.Disposable(() => { sub.dispose(); provider?.dispose(); });
  }
}

export function registerCodeInsights(host: HostContext, deps: CodeInsightsDeps = {}): CodeInsights {
  return new CodeInsights(host, deps);
}

/** The optional third argument of openSearchResult (a command argument, so checked): finite times only. */
export function lookupHintOf(v: unknown): TraceLookupHint | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as { startMs?: unknown; durationMs?: unknown };
  if (typeof o.startMs !== 'number' || !Number.isFinite(o.startMs)) return undefined;
  return { startMs: o.startMs, ...(typeof o.durationMs === 'number' && Number.isFinite(o.durationMs) && o.durationMs >= 0 ? { durationMs: o.durationMs } : {}) };
}
