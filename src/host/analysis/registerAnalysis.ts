// Commands of the analysis views: Show Service Graph, Compare Traces…, Show Latency Distribution…. The traces they
// run on come from traceSets.ts (open, Live, history, search results, backends, the editor's aggregate); this module
// turns them into panel content (graph, diff, distribution) with the handlers that point back into the waterfall.
// Each panel keeps a recipe (view + trace keys) so that it can be rebuilt after a window reload.
import * as vscode from 'vscode';
import { shortTraceId } from '../../core/ids';
import { buildServiceGraph, graphFromDependencies } from '../../core/analysis/graph';
import type { SpanTable } from '../../core/analysis/graph';
import { compareTraces } from '../../core/analysis/compare';
import { latencyDistribution } from '../../core/analysis/distribution';
import { CompactView } from '../../protocol/compact';
import { MAX_RECIPE_TRACES } from '../../protocol/version';
import type { AnalysisRecipe, AnalysisRecipeTrace } from '../../protocol/analysis';
import { Commands, registerCommand } from '../commands';
import type { HostContext } from '../hostContext';
import { Disposable } from '../lifecycle';
import { AnalysisPanels } from './analysisPanels';
import type { AnalysisContent } from './analysisPanels';
import { BACKEND_SAMPLE, backendCall, MAX_SET, spec, TraceSets } from './traceSets';
import type { AnalysisBackend, AnalysisDeps, TraceRef } from './traceSets';

export type { AggregateTraceLike, AnalysisBackend, AnalysisDeps, AnalysisReceiver, AnalysisSearchResult, AnalysisWaterfalls } from './traceSets';

/** Backend dependency lists cover this much time. */
const DEPENDENCY_LOOKBACK_MS = 24 * 3600_000;

export class AnalysisCommands extends Disposable {
  readonly views: AnalysisPanels;
  private readonly selection = new Map<string, string>();
  private readonly sets: TraceSets;

  constructor(private readonly host: HostContext, private readonly deps: AnalysisDeps) {
    super();
    this.sets = new TraceSets(host, deps);
    const log = host.log;
    this.views = this._register(new AnalysisPanels(host.extension, log, recipe => this.rebuild(recipe)));
    this._register(deps.panels.onDidChangeSelection(s => { if (s.spanId) this.selection.set(s.traceKey, s.spanId); else this.selection.delete(s.traceKey); }));
    this._register(registerCommand(Commands.showServiceGraph, () => this.showServiceGraph(), log));
    this._register(registerCommand(Commands.compareTraces, (a?: unknown, b?: unknown) => this.compare(a, b), log));
    this._register(registerCommand(Commands.showLatencyDistribution, (op?: unknown) => this.showDistribution(op), log));
  }

  // ---- rebuilding a panel after a window reload ----
  async rebuild(recipe: AnalysisRecipe): Promise<AnalysisContent> {
    const again = (command: string) => vscode.l10n.t('Open or receive the traces again, then run {0}.', command);
    switch (recipe.view) {
      case 'graph': {
        if (recipe.backend !== undefined) return this.backendGraphContent(await this.sets.backendNamed(recipe.backend), recipe.scopeLabel);
        const { refs, missing } = await this.sets.resolveAll(recipe.traces, recipe.live);
        if (refs.length === 0) {
          throw new Error(`${recipe.live ? vscode.l10n.t('The receiver holds no Live traces after the window reload, so this service graph cannot be rebuilt.')
            : vscode.l10n.t('The traces of this service graph are no longer available after the window reload ({0}).', labels(missing))} ${again('Show Service Graph')}`);
        }
        const scope = recipe.live && recipe.traces.length === 0 ? vscode.l10n.t('{0} Live traces', refs.length)
          : missing.length ? vscode.l10n.t('{0} ({1} of {2} traces no longer available)', recipe.scopeLabel, missing.length, recipe.traces.length) : recipe.scopeLabel;
        return { ...this.graphContent(refs, scope, recipe.live), recipe };
      }
      case 'compare': {
        const [A, B] = await Promise.all([this.sets.resolveRef(recipe.a), this.sets.resolveRef(recipe.b)]);
        if (!A || !B) {
          const gone = [!A ? `A (${recipe.a.label})` : '', !B ? `B (${recipe.b.label})` : ''].filter(Boolean).join(', ');
          throw new Error(`${vscode.l10n.t('This comparison cannot be rebuilt after the window reload: trace {0} is no longer available.', gone)} ${again('Compare Traces…')}`);
        }
        return this.compareContent(A, B);
      }
      case 'distribution': {
        if (recipe.backend !== undefined) {
          const b = await this.sets.backendNamed(recipe.backend);
          const refs = await this.sets.backendRefs(b, recipe.operation);
          return this.distributionContent(refs, recipe.operation, vscode.l10n.t('{0} traces from {1}', refs.length, b.displayName), b);
        }
        const { refs } = await this.sets.resolveAll(recipe.traces, recipe.live);
        if (refs.length === 0) {
          throw new Error(`${vscode.l10n.t('The traces of this latency distribution are no longer available after the window reload.')} ${again('Show Latency Distribution…')}`);
        }
        return this.distributionContent(refs, recipe.operation, vscode.l10n.t('{0} open and Live traces', refs.length));
      }
    }
  }

  // ---- Show Service Graph ----
  /** `liveSet`: the graph is of the receiver's Live traces (rebuilt from those there are then), not of these traces. */
  private graphContent(refs: TraceRef[], scopeLabel: string, liveSet: boolean): AnalysisContent {
    const tables = refs.map(r => r.table());
    const graph = buildServiceGraph(tables);
    return {
      title: vscode.l10n.t('Service graph'), view: { view: 'graph', graph, scopeLabel },
      handlers: { filterService: service => this.revealService(refs, tables, service) },
      recipe: { v: 1, view: 'graph', traces: liveSet ? [] : refs.slice(0, MAX_RECIPE_TRACES).map(spec), live: liveSet, scopeLabel },
    };
  }
  private async backendGraphContent(backend: AnalysisBackend, scopeLabel: string): Promise<AnalysisContent> {
    const links = await backendCall(vscode.l10n.t('Dependencies from {0}…', backend.displayName), { backend: backend.displayName, timeoutsMs: [backend.config.timeoutMs] },
      signal => backend.dependencies(new Date(), DEPENDENCY_LOOKBACK_MS, signal));
    return {
      title: vscode.l10n.t('Service graph'), view: { view: 'graph', graph: graphFromDependencies(links), scopeLabel },
      handlers: { filterService: service => this.searchBackendForService(backend, service) },
      recipe: { v: 1, view: 'graph', traces: [], live: false, backend: backend.config.name, scopeLabel },
    };
  }

  async showServiceGraph(): Promise<void> {
    const active = this.host.traces.active;
    type Choice = vscode.QuickPickItem & { refs: () => TraceRef[] | Thenable<TraceRef[]>; scope: string; backend?: AnalysisBackend; liveSet?: true };
    const open = this.host.traces.all(), live = this.deps.receiver.list();
    const choices: Choice[] = [];
    if (active) choices.push({ label: vscode.l10n.t('Active trace'), description: `${active.rootService} ${active.rootName}`, refs: () => [this.sets.openRef(active)], scope: vscode.l10n.t('trace {0}', active.traceId) });
    if (open.length > 1) choices.push({ label: vscode.l10n.t('All open traces'), description: String(open.length), refs: () => this.sets.openRefs(), scope: vscode.l10n.t('{0} open traces', open.length) });
    if (live.length) choices.push({ label: vscode.l10n.t('Live traces (receiver)'), description: String(Math.min(live.length, MAX_SET)), refs: () => this.sets.liveRefs(), scope: vscode.l10n.t('{0} Live traces', Math.min(live.length, MAX_SET)), liveSet: true });
    const results = this.deps.searchResults?.();
    if (results && results.items.length > 0) {
      const n = Math.min(results.items.length, BACKEND_SAMPLE);
      choices.push({ label: vscode.l10n.t('Search results (side panel)'), description: String(n), refs: () => this.sets.searchResultRefs(results.backendId, results.items.slice(0, n)), scope: vscode.l10n.t('{0} search results', n) });
    }
    const aggregate = this.deps.aggregate?.();
    if (aggregate && aggregate.traces.length > 0) {
      choices.push({ label: vscode.l10n.t('Traces of the code aggregate'), description: aggregate.label, refs: () => this.sets.aggregateRefs(aggregate.traces), scope: aggregate.label });
    }
    for (const b of await this.sets.configuredBackends()) {
      choices.push({ label: vscode.l10n.t('Dependencies from {0}', b.displayName), description: vscode.l10n.t('last 24 hours'), refs: () => [], scope: vscode.l10n.t('{0}, last 24 hours', b.displayName), backend: b });
    }
    if (choices.length === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('Open a trace or receive some traces first: the service graph is computed from their spans.')); return; }
    const pick = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: vscode.l10n.t('Service graph of…'), ignoreFocusOut: true });
    if (!pick) return;
    this.views.show(pick.backend ? await this.backendGraphContent(pick.backend, pick.scope) : this.graphContent(await pick.refs(), pick.scope, pick.liveSet === true));
  }

  /** A node of a backend's graph: recent traces of the service from that backend, one to open. */
  private async searchBackendForService(backend: AnalysisBackend, service: string): Promise<void> {
    const found = await backendCall(vscode.l10n.t('Recent traces of {0} in {1}…', service, backend.displayName), { backend: backend.displayName, timeoutsMs: [backend.config.timeoutMs] },
      signal => backend.search({ service, limit: 20 }, signal));
    if (found.length === 0) throw new Error(vscode.l10n.t('{0} has no recent traces of {1}.', backend.displayName, service));
    const picked = await vscode.window.showQuickPick(found.map(t => ({ label: `${t.rootService ?? ''} ${t.rootName ?? ''}`.trim() || t.traceId, description: t.durationMs !== undefined ? `${t.durationMs} ms` : '', detail: t.traceId, t })),
      { title: vscode.l10n.t('Recent traces of {0} in {1}', service, backend.displayName), matchOnDetail: true, ignoreFocusOut: true });
    if (picked) await vscode.commands.executeCommand(Commands.openTraceById, { traceId: picked.t.traceId, backend: backend.config.name });
  }

  /**
   * A graph node was activated: filter the waterfall to the service (`service=<name>`) and select its first span;
   * with several traces, ask which trace. A name with spaces cannot be written as a search term: only selected.
   */
  private async revealService(refs: TraceRef[], tables: SpanTable[], service: string): Promise<void> {
    const hits: { ref: TraceRef; spanId: string; count: number }[] = [];
    refs.forEach((ref, k) => {
      const t = tables[k]!;
      let first = -1, count = 0;
      for (let i = 0; i < t.spanCount; i++) if (t.service(i) === service) { count++; if (first < 0 || t.relStartNs(i) < t.relStartNs(first)) first = i; }
      if (first >= 0) hits.push({ ref, spanId: t.spanId(first), count });
    });
    if (hits.length === 0) throw new Error(vscode.l10n.t('No span of {0} in these traces.', service));
    const chosen = hits.length === 1 ? hits[0] : (await vscode.window.showQuickPick(
      hits.map(h => ({ label: h.ref.label, description: vscode.l10n.t('{0} spans of {1}', h.count, service), detail: h.ref.traceId, h })),
      { title: vscode.l10n.t('Traces with {0}', service), matchOnDetail: true, ignoreFocusOut: true }))?.h;
    if (chosen) await chosen.ref.reveal(chosen.spanId, /^[^\s"]+$/.test(service) ? `service=${service}` : undefined);
  }

  // ---- Compare Traces… ----
  private compareContent(A: TraceRef, B: TraceRef): AnalysisContent {
    const tA = A.table(), tB = B.table();
    const diff = compareTraces(tA, tB);
    return {
      title: vscode.l10n.t('Compare {0} ↔ {1}', shortTraceId(A.traceId), shortTraceId(B.traceId)),
      view: { view: 'compare', diff, aLabel: A.label, bLabel: B.label },
      handlers: {
        revealDiffRow: async (row, side) => {
          const r = diff.rows[row];
          if (!r) throw new Error(vscode.l10n.t('No such row.'));
          const index = side === 'a' ? r.a : r.b;
          if (index < 0) throw new Error(vscode.l10n.t('This span is not in trace {0}.', side.toUpperCase()));
          await (side === 'a' ? A : B).reveal((side === 'a' ? tA : tB).spanId(index));
        },
      },
      recipe: { v: 1, view: 'compare', a: spec(A), b: spec(B) },
    };
  }

  async compare(a?: unknown, b?: unknown): Promise<void> {
    const given = await this.sets.refFromArgument(a);
    // Run on a side panel item whose trace is gone: say so. Anything else (an editor title menu's argument): pick A.
    const onItem = !!a && typeof a === 'object' && ['result', 'live', 'history'].includes(String((a as { kind?: unknown }).kind));
    if (onItem && !given) throw new Error(vscode.l10n.t('This trace is not available to compare any more.'));
    const A = given ?? await this.sets.pickTrace(vscode.l10n.t('Compare traces: pick A (the baseline)'));
    if (!A) return;
    const B = typeof b === 'string' ? await this.sets.refById(b) : await this.sets.pickTrace(vscode.l10n.t('Compare traces: pick B (compared with A: {0})', A.label), A);
    if (!B) return;
    this.views.show(this.compareContent(A, B));
  }

  // ---- Show Latency Distribution… ----
  private async pickOperation(arg: unknown): Promise<{ service: string; name: string } | undefined> {
    if (arg && typeof arg === 'object' && typeof (arg as { service?: unknown }).service === 'string' && typeof (arg as { name?: unknown }).name === 'string') {
      return { service: (arg as { service: string }).service, name: (arg as { name: string }).name };
    }
    // a span reference ({ traceKey?, spanId }) from the Spans view, a hover or the status bar
    if (arg && typeof arg === 'object' && typeof (arg as { spanId?: unknown }).spanId === 'string') {
      const key = (arg as { traceKey?: unknown }).traceKey;
      const t = typeof key === 'string' ? this.host.traces.get(key) : this.host.traces.active;
      if (t) {
        const view = new CompactView(t.compact);
        const i = view.indexOf((arg as { spanId: string }).spanId);
        if (i >= 0) return { service: view.service(i), name: view.name(i) };
      }
    }
    const active = this.host.traces.active;
    if (active) {
      const view = new CompactView(active.compact);
      const sel = this.selection.get(active.traceKey);
      const i = sel ? view.indexOf(sel) : -1;
      if (i >= 0) return { service: view.service(i), name: view.name(i) };
    }
    const ops = new Map<string, { service: string; name: string; count: number }>();
    for (const t of active ? [active] : this.host.traces.all()) for (const o of t.compact.operations) {
      const k = o.service + '\u0000' + o.operation;
      const e = ops.get(k);
      if (e) e.count += o.count; else ops.set(k, { service: o.service, name: o.operation, count: o.count });
    }
    if (ops.size === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('Select a span in a waterfall first: its operation is the one measured.')); return undefined; }
    const picked = await vscode.window.showQuickPick([...ops.values()].sort((x, y) => y.count - x.count).slice(0, 500).map(o => ({ label: o.name, description: o.service, o })),
      { title: vscode.l10n.t('Latency distribution of which operation?'), matchOnDescription: true, ignoreFocusOut: true });
    return picked?.o;
  }

  private distributionContent(refs: TraceRef[], op: { service: string; name: string }, scope: string, backend?: AnalysisBackend): AnalysisContent {
    const byId = new Map(refs.map(r => [r.traceId, r]));
    const distribution = latencyDistribution(refs.map(r => r.table()), op);
    // Live traces come back as "the Live traces then" (the set is open + Live); the others by their keys.
    const local = refs.filter(r => !r.key.startsWith('receiver:'));
    return {
      title: vscode.l10n.t('Latency: {0}', op.name.slice(0, 60)),
      view: { view: 'distribution', distribution, scopeLabel: scope },
      handlers: {
        openTrace: async (traceId, spanId) => {
          const ref = byId.get(traceId);
          if (ref && spanId && !backend) return ref.reveal(spanId);
          return vscode.commands.executeCommand(Commands.openTraceById, backend ? { traceId, backend: backend.config.name } : traceId);
        },
      },
      recipe: backend ? { v: 1, view: 'distribution', operation: op, traces: [], live: false, backend: backend.config.name }
        : { v: 1, view: 'distribution', operation: op, traces: local.slice(0, MAX_RECIPE_TRACES).map(spec), live: true },
    };
  }

  async showDistribution(arg?: unknown): Promise<void> {
    const op = await this.pickOperation(arg);
    if (!op) return;
    const backends = await this.sets.configuredBackends();
    let refs = this.sets.traceSet();
    let scope = vscode.l10n.t('{0} open and Live traces', refs.length);
    let backend: AnalysisBackend | undefined;
    if (backends.length) {
      type ScopeItem = vscode.QuickPickItem & { b?: AnalysisBackend };
      const local: ScopeItem = { label: vscode.l10n.t('Open and Live traces'), description: String(refs.length) };
      const picked = await vscode.window.showQuickPick<ScopeItem>([local, ...backends.map(b => ({ label: vscode.l10n.t('Search {0}', b.displayName), description: vscode.l10n.t('last hour, up to {0} traces', BACKEND_SAMPLE), b }))],
        { title: vscode.l10n.t('Latency of {0} across…', op.name), ignoreFocusOut: true });
      if (!picked) return;
      if (picked.b) {
        backend = picked.b;
        refs = await this.sets.backendRefs(picked.b, op);
        scope = vscode.l10n.t('{0} traces from {1}', refs.length, picked.b.displayName);
      }
    }
    this.views.show(this.distributionContent(refs, op, scope, backend));
  }

}

function labels(specs: readonly AnalysisRecipeTrace[]): string {
  const shown = specs.slice(0, 3).map(s => s.label).join(', ');
  return specs.length > 3 ? `${shown}, …` : shown;
}

export function registerAnalysis(host: HostContext, deps: AnalysisDeps): AnalysisCommands {
  return new AnalysisCommands(host, deps);
}