// Traces view: a search form (a step-by-step input: service, operation, tags or TraceQL, duration, time range,
// limit) with its results, Recent and Pinned (from TraceService; pinned survive restarts). The Live view: the
// embedded receiver's traces, newest first, refreshed as they arrive.
import * as vscode from 'vscode';
import { shortTraceId } from '../../core/ids';
import { formatDuration } from '../../core/units/duration';
import { Commands, registerCommand } from '../commands';
import { Disposable } from '../lifecycle';
import { BACK, StepInput, onAnswer, type StepAnswer } from '../stepInput';
import type { TraceHistoryEntry, TraceService } from '../traces/traceService';
import type { BackendsSource, ReceiverLike, ReceiverListItem, TraceSearchQuery, TraceSearchResult } from './deps';

type Node =
  | { readonly kind: 'search' }
  | { readonly kind: 'group'; readonly group: 'results' | 'recent' | 'pinned' }
  | { readonly kind: 'live'; readonly traceId: string }
  // The Live view's first row: "N new traces" (click to show them) or how many are shown; always there, so that
  // its text changing never moves the rows below it.
  | { readonly kind: 'liveHeader'; readonly pending: number; readonly shown: number }
  // traceKey at the top level: Pin/Unpin (src/host/traces) take the tree node as their argument.
  | { readonly kind: 'history'; readonly traceKey: string; readonly entry: TraceHistoryEntry; readonly pinned: boolean }
  | { readonly kind: 'result'; readonly backendId: string; readonly result: TraceSearchResult; readonly maxNs: number };

export const MAX_LIVE_ITEMS = 200;
const RECEIVER_ID = 'receiver';

export function age(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** A text duration bar, 8 cells, relative to the slowest result. */
export function durationBar(ns: number, maxNs: number): string {
  const cells = maxNs > 0 ? Math.max(1, Math.round((ns / maxNs) * 8)) : 0;
  return '█'.repeat(cells) + '░'.repeat(8 - cells);
}

/** A time of day for a Live row ('' for a time that is not one). Live rows show clock times, not "1m ago": a row is
 * redrawn only when its trace changes (LiveView), so an age would go stale. */
function clock(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toLocaleTimeString() : '';
}

/** A Live row's tooltip and screen-reader label: service, operation, duration, spans, errors, time, trace ID. */
export function liveRowText(i: ReceiverListItem): { tooltip: string; label: string } {
  const time = clock(Number(i.startNs / 1_000_000n));
  const errors = i.errorCount ? `${i.errorCount} error${i.errorCount === 1 ? '' : 's'}` : 'no errors';
  const spans = `${i.spanCount} span${i.spanCount === 1 ? '' : 's'}`;
  const state = i.completed ? '' : ', still receiving';
  return {
    tooltip: [`${i.rootService}: ${i.rootName}`, `${formatDuration(i.durationNs)} · ${spans} · ${errors}`, `started ${time}, last span ${clock(i.lastUpdateMs)}${state}`, `trace ${i.traceId}`].join('\n'),
    label: `${i.rootService} ${i.rootName}, ${formatDuration(i.durationNs)}, ${spans}, ${errors}, started ${time}${state}, trace ${shortTraceId(i.traceId)}`,
  };
}

/** The Live view's first row: the count of new traces waiting (click shows them), else of those shown. */
export function liveHeaderItem(node: { readonly pending: number; readonly shown: number }): vscode.TreeItem {
  const item = new vscode.TreeItem(node.pending > 0
    ? vscode.l10n.t('{0} new trace{1}: show', node.pending, node.pending === 1 ? '' : 's')
    : vscode.l10n.t('{0} trace{1}, newest first', node.shown, node.shown === 1 ? '' : 's'));
  item.id = 'live:header';
  item.iconPath = new vscode.ThemeIcon(node.pending > 0 ? 'arrow-up' : 'check');
  if (node.pending > 0) item.command = { command: Commands.showNewLiveTraces, title: vscode.l10n.t('Show New Traces') };
  item.tooltip = node.pending > 0 ? vscode.l10n.t('New traces wait here so that the rows below do not move under the mouse; click to show them.') : undefined;
  item.contextValue = 'live.header';
  return item;
}

/**
 * Live: the receiver's traces, newest first. Refreshed at most every 250 ms while traces arrive in bursts.
 * Arrivals never move a row the user may be about to click: the rows shown keep their order (a trace that gets more
 * spans is updated in place), and new traces wait behind a first row "N new traces" until it is clicked (or show at
 * once when nothing can move: the list is empty or the view hidden). Only traces the receiver dropped leave the list.
 *
 * While rows stay where they are, only the rows that changed are refreshed (the header's count, a trace that grew),
 * never the whole list: a whole refresh makes VS Code's extension host forget every row until the view has fetched
 * them again, and a click in that moment found neither the row's command nor the selection, and opened nothing.
 */
export class LiveView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<Node | Node[] | undefined>());
  readonly onDidChangeTreeData = this._onDidChange.event;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  readonly tree: vscode.TreeView<Node>;
  /** Trace IDs in the order shown. */
  private _shown: string[] = [];
  /** Arrived since, newest first, not shown yet. */
  private _pending: string[] = [];
  /** The nodes handed to VS Code, one per trace and one header: a row is refreshed by passing the same object. */
  private readonly _nodes = new Map<string, Node & { kind: 'live' }>();
  private readonly _header: { kind: 'liveHeader'; pending: number; shown: number } = { kind: 'liveHeader', pending: 0, shown: 0 };
  /** What each shown row says (spans, duration, errors, state), to refresh only those that changed. */
  private _said = new Map<string, string>();

  constructor(private readonly _receiver: ReceiverLike, private readonly _items: (node: Node) => vscode.TreeItem) {
    super();
    this.tree = this._register(vscode.window.createTreeView('spanscope.live', { treeDataProvider: this }));
    this._register(_receiver.onDidChangeTraces(() => {
      if (this._timer) return;
      this._timer = setTimeout(() => { this._timer = undefined; this.sync(); }, 250);
    }));
    this._register(_receiver.onDidChangeState(() => { this._describe(); this._onDidChange.fire(undefined); }));
    // Hidden, the view has no pointer over it: what waited shows, so that it is there when the view opens again.
    this._register(this.tree.onDidChangeVisibility(e => { if (!e.visible) this.showNew(); }));
    this._register({ dispose: () => { if (this._timer) clearTimeout(this._timer); } });
    this._register(registerCommand(Commands.showNewLiveTraces, () => this.showNew()));
    this._register(registerCommand(Commands.openLiveSelection, () => this.openSelected()));
    this._describe();
    this.sync();
  }

  private _describe(): void {
    const st = this._receiver.state;
    this.tree.description = st.kind === 'running' ? st.address.httpUrl : st.kind === 'failed' ? vscode.l10n.t('receiver failed') : vscode.l10n.t('receiver {0}', st.kind);
  }

  /** Takes in the receiver's current traces (done 250 ms after arrivals; tests call it directly). */
  sync(): void {
    const items = this._receiver.list();
    const newestFirst = items.sort((a, b) => b.lastUpdateMs - a.lastUpdateMs).map(i => i.traceId);
    const present = new Set(newestFirst);
    const known = new Set([...this._shown, ...this._pending]);
    const before = this._shown.length;
    this._shown = this._shown.filter(id => present.has(id));
    let moved = this._shown.length !== before;
    const arrived = newestFirst.filter(id => !known.has(id));
    this._pending = [...arrived, ...this._pending.filter(id => present.has(id))];
    // Nothing can move under the pointer when the list is empty or the view is hidden: new traces show at once.
    if ((this._shown.length === 0 || this.tree.visible === false) && this._pending.length > 0) { this.showNew(false); moved = true; }
    const said = new Map(items.map(i => [i.traceId, `${i.rootService}\0${i.rootName}\0${i.spanCount}\0${i.durationNs}\0${i.errorCount}\0${i.completed}`]));
    const changed: Node[] = this._shown.filter(id => said.get(id) !== this._said.get(id)).map(id => this._node(id));
    this._said = said;
    if (moved) { this._onDidChange.fire(undefined); return; }
    if (this._header.pending !== this._pending.length || this._header.shown !== this._shown.length) changed.unshift(this._header);
    this._header.pending = this._pending.length;
    this._header.shown = this._shown.length;
    if (changed.length) this._onDidChange.fire(changed);
  }

  /** Opens the trace of the selected row: what a click or Enter on a Live row runs. */
  async openSelected(): Promise<void> {
    const node = this.tree.selection[0];
    if (node?.kind === 'live') await vscode.commands.executeCommand(Commands.openReceiverTrace, node.traceId);
  }

  /** Shows the traces that arrived since, at the top. */
  showNew(fire = true): void {
    // Nothing waiting: no change event. VS Code's extension host debounces a tree's change events (200 ms) and fetches
    // the rows only after a quiet spell, so a change event for every click on the header row (a user clicking it
    // again because it still says "N new traces") kept postponing the refresh, and the view never updated.
    if (this._pending.length === 0) return;
    this._shown = [...this._pending, ...this._shown].slice(0, MAX_LIVE_ITEMS);
    this._pending = [];
    if (fire) this._onDidChange.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (node || this._shown.length === 0) return [];
    const live = new Set(this._shown);
    for (const id of this._nodes.keys()) if (!live.has(id)) this._nodes.delete(id);
    this._header.pending = this._pending.length;
    this._header.shown = this._shown.length;
    return [this._header, ...this._shown.map(id => this._node(id))];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'liveHeader') return liveHeaderItem(node === this._header ? { pending: this._pending.length, shown: this._shown.length } : node);
    return this._items(node);
  }

  private _node(traceId: string): Node & { kind: 'live' } {
    let n = this._nodes.get(traceId);
    if (!n) this._nodes.set(traceId, n = { kind: 'live', traceId });
    return n;
  }
}

export class TracesView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this._onDidChange.event;
  private _results: { backendId: string; query: TraceSearchQuery; items: TraceSearchResult[] } | undefined;
  private readonly _groups = { results: { kind: 'group', group: 'results' } as Node, recent: { kind: 'group', group: 'recent' } as Node, pinned: { kind: 'group', group: 'pinned' } as Node };

  constructor(private readonly _traces: TraceService, private readonly _receiver: ReceiverLike | undefined, private readonly _backends: () => BackendsSource | undefined) {
    super();
    this._register(_traces.onDidChangeHistory(() => this._onDidChange.fire(undefined)));
  }

  refresh(): void {
    this._onDidChange.fire(undefined);
  }

  /** The last search's results and the backend they came from (`receiver` for the embedded receiver). */
  get searchResults(): { readonly backendId: string; readonly items: readonly TraceSearchResult[] } | undefined {
    return this._results;
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const out: Node[] = [{ kind: 'search' }];
      if (this._results) out.push(this._groups.results);
      out.push(this._groups.recent, this._groups.pinned);
      return out;
    }
    if (node.kind !== 'group') return [];
    switch (node.group) {
      case 'results': {
        const items = this._results?.items ?? [];
        const maxNs = Math.max(0, ...items.map(r => r.durationNs));
        return items.map(result => ({ kind: 'result', backendId: this._results!.backendId, result, maxNs }));
      }
      case 'recent':
        return this._traces.recent().map(entry => ({ kind: 'history', traceKey: entry.traceKey, entry, pinned: false }));
      case 'pinned':
        return this._traces.pinned().map(entry => ({ kind: 'history', traceKey: entry.traceKey, entry, pinned: true }));
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'liveHeader': return liveHeaderItem(node);
      case 'search': {
        const item = new vscode.TreeItem(vscode.l10n.t('Search traces…'));
        item.iconPath = new vscode.ThemeIcon('search');
        item.command = { command: Commands.searchTraces, title: 'Search' };
        item.contextValue = 'search';
        return item;
      }
      case 'group': {
        const labels = { results: vscode.l10n.t('Search results'), recent: vscode.l10n.t('Recent'), pinned: vscode.l10n.t('Pinned') };
        const item = new vscode.TreeItem(labels[node.group], vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.group}`;
        item.contextValue = `group.${node.group}`;
        if (node.group === 'results' && this._results) item.description = describeQuery(this._results.query);
        return item;
      }
      case 'live': {
        const i = this._receiver?.list().find(x => x.traceId === node.traceId);
        const item = new vscode.TreeItem(i ? `${i.rootService}: ${i.rootName}` : node.traceId);
        item.id = `live:${node.traceId}`;
        if (i) {
          const started = clock(Number(i.startNs / 1_000_000n));
          item.description = `${shortTraceId(node.traceId)} · ${formatDuration(i.durationNs)} · ${i.spanCount} spans${i.errorCount ? ` · ${i.errorCount} errors` : ''}${started ? ` · ${started}` : ''}${i.completed ? '' : ' · receiving'}`;
          item.iconPath = new vscode.ThemeIcon(i.errorCount ? 'error' : 'pulse', i.errorCount ? new vscode.ThemeColor('errorForeground') : undefined);
          const said = liveRowText(i);
          item.tooltip = said.tooltip;
          // What a screen reader says for the row: the same facts as the tooltip, in one sentence.
          item.accessibilityInformation = { label: said.label };
        } else {
          item.tooltip = `trace ${node.traceId}`;
        }
        item.contextValue = 'trace.live';
        // No arguments: a tree row's command with arguments reaches the extension through an ID that VS Code's
        // extension host forgets at the view's next refresh, and the Live view refreshes several times a second
        // while traces arrive, so a click between two refreshes ran nothing ("Actual command not found"). The row
        // clicked is the view's selection by the time the command runs (VS Code sends it first).
        item.command = { command: Commands.openLiveSelection, title: 'Open' };
        return item;
      }
      case 'history': {
        const e = node.entry;
        const item = new vscode.TreeItem(e.rootService || e.rootName ? `${e.rootService ?? ''}${e.rootName ? `: ${e.rootName}` : ''}` : e.traceId);
        item.id = `${node.pinned ? 'pinned' : 'recent'}:${e.traceKey}`;
        item.description = [e.durationUs !== undefined ? formatDuration(e.durationUs * 1000) : undefined, e.spanCount !== undefined ? `${e.spanCount} spans` : undefined, e.errorCount ? `${e.errorCount} errors` : undefined, e.source.label, age(e.openedAt)].filter(Boolean).join(' · ');
        item.tooltip = `trace ${e.traceId}\n${e.source.label}`;
        item.iconPath = new vscode.ThemeIcon(node.pinned ? 'pinned' : 'history');
        item.contextValue = node.pinned || this._traces.isPinned(e.traceKey) ? 'trace.pinned' : 'trace.recent';
        item.command = { command: Commands.openRecent, title: 'Open', arguments: [e] };
        return item;
      }
      case 'result': {
        const r = node.result;
        const item = new vscode.TreeItem(`${r.rootService}: ${r.rootName}`);
        item.id = `result:${node.backendId}:${r.traceId}`;
        item.description = `${durationBar(r.durationNs, node.maxNs)} ${formatDuration(r.durationNs)} · ${r.spanCount} spans${r.errorCount ? ` · ${r.errorCount} errors` : ''} · ${age(r.startMs)}`;
        item.tooltip = `trace ${r.traceId}`;
        item.iconPath = new vscode.ThemeIcon(r.errorCount ? 'error' : 'circle-outline');
        item.contextValue = 'trace.result';
        // The row's start and duration go along: Tempo then reads only the blocks of that time (TraceLookupHint).
        item.command = { command: Commands.openSearchResult, title: 'Open', arguments: [node.backendId, r.traceId, { startMs: r.startMs, durationMs: r.durationNs / 1e6 }] };
        return item;
      }
    }
  }

  /** The search form: backend, service, operation, tags/TraceQL, duration, time range, limit. */
  async search(): Promise<void> {
    const backends = this._backends();
    const choices = [
      ...(this._receiver ? [{ label: vscode.l10n.t('Embedded receiver'), id: RECEIVER_ID }] : []),
      ...(backends?.list() ?? []).filter(() => backends?.search !== undefined).map(b => ({ label: b.label, description: b.kind, id: b.id })),
    ];
    if (choices.length === 0) { void vscode.window.showInformationMessage(vscode.l10n.t('Add a backend or start the receiver to search traces.')); return; }
    // One quick input for the whole form (see StepInput): Back returns to the step before with its answer kept.
    type Choice = (typeof choices)[number];
    type Option = vscode.QuickPickItem & { value: string };
    type Range = vscode.QuickPickItem & { minutes: number };
    const ranges: Range[] = [
      { label: vscode.l10n.t('Last 15 minutes'), minutes: 15 }, { label: vscode.l10n.t('Last hour'), minutes: 60 },
      { label: vscode.l10n.t('Last 6 hours'), minutes: 360 }, { label: vscode.l10n.t('Last 24 hours'), minutes: 1440 }, { label: vscode.l10n.t('Last 7 days'), minutes: 10080 },
    ];
    let backend: Choice | undefined = choices.length === 1 ? choices[0]! : undefined;
    let services: Option[] | undefined, servicesOf: string | undefined;
    let service: Option | undefined, serviceText = '', operation = '', tags = '', duration = '';
    let range: Range | undefined;
    const steps: ((form: StepInput, step: number) => Promise<StepAnswer<unknown>>)[] = [
      ...(choices.length > 1 ? [async (form: StepInput, step: number) => onAnswer(await form.pick(step, choices, { ...(backend ? { active: backend } : {}), placeholder: vscode.l10n.t('Search traces in…') }), v => { backend = v; })] : []),
      async (form, step) => {
        const b = backend!;
        if (servicesOf !== b.id) {
          const names = b.id === RECEIVER_ID ? [...new Set((this._receiver?.list() ?? []).map(i => i.rootService))].sort()
            : await form.busy(backends?.services?.(b.id, new vscode.CancellationTokenSource().token).catch(() => []) ?? Promise.resolve([]));
          services = names.length ? [{ label: vscode.l10n.t('(any service)'), value: '' }, ...names.map(n => ({ label: n, value: n }))] : undefined;
          servicesOf = b.id;
          service = undefined;
        }
        if (services) return onAnswer(await form.pick(step, services, { ...(service ? { active: service } : {}), placeholder: vscode.l10n.t('Service') }), v => { service = v; });
        return onAnswer(await form.input(step, { prompt: vscode.l10n.t('Service; empty for any'), value: serviceText }), v => { serviceText = v; });
      },
      async (form, step) => onAnswer(await form.input(step, { prompt: vscode.l10n.t('Operation: span name; empty for any'), value: operation }), v => { operation = v; }),
      async (form, step) => onAnswer(await form.input(step, { prompt: vscode.l10n.t('Tags or TraceQL: http.status_code=500 error=true, or a TraceQL query for Tempo; empty for none'), value: tags }), v => { tags = v; }),
      async (form, step) => onAnswer(await form.input(step, {
        prompt: vscode.l10n.t('Duration: min-max in ms, e.g. 100- or 50-2000; empty for any'), value: duration,
        validate: v => (v.trim() === '' || /^\s*\d*\s*-?\s*\d*\s*$/.test(v) ? undefined : vscode.l10n.t('Write min-max in ms')),
      }), v => { duration = v; }),
      async (form, step) => onAnswer(await form.pick(step, ranges, { active: range ?? ranges[1]!, placeholder: vscode.l10n.t('Time range') }), v => { range = v; }),
    ];
    const form = new StepInput(vscode.l10n.t('Search Traces'), steps.length);
    try {
      for (let i = 0; i < steps.length;) {
        const answer = await steps[i]!(form, i + 1);
        if (answer === undefined) return;
        i = answer === BACK ? Math.max(0, i - 1) : i + 1;
      }
    } finally {
      form.dispose();
    }
    if (!backend || !range) return;
    const serviceName = services ? service?.value ?? '' : serviceText.trim();
    const [minS, maxS] = duration.split('-').map(s => s.trim());
    const q: TraceSearchQuery = {
      ...(serviceName ? { service: serviceName } : {}), ...(operation.trim() ? { operation: operation.trim() } : {}), ...(tags.trim() ? { tags: tags.trim() } : {}),
      ...(minS ? { minDurationMs: Number(minS) } : {}), ...(maxS ? { maxDurationMs: Number(maxS) } : {}),
      lookbackMinutes: range.minutes, limit: 50,
    };
    const chosen = backend;
    const items = await vscode.window.withProgress({ location: { viewId: 'spanscope.traces' }, cancellable: true }, async (_p, token) =>
      chosen.id === RECEIVER_ID ? searchReceiver(this._receiver!, q) : (await backends?.search?.(chosen.id, q, token)) ?? []);
    this._results = { backendId: chosen.id, query: q, items };
    this._onDidChange.fire(undefined);
  }
}

export function describeQuery(q: TraceSearchQuery): string {
  return [q.service, q.operation, q.tags, q.minDurationMs !== undefined || q.maxDurationMs !== undefined ? `${q.minDurationMs ?? ''}-${q.maxDurationMs ?? ''} ms` : undefined, `${q.lookbackMinutes} min`].filter(Boolean).join(' · ');
}

/** The receiver's store as a search backend (service, operation = root name, duration, time range, limit). */
export function searchReceiver(r: Pick<ReceiverLike, 'list'>, q: TraceSearchQuery, now = Date.now()): TraceSearchResult[] {
  const since = now - q.lookbackMinutes * 60_000;
  return r.list()
    .filter(i => (!q.service || i.rootService === q.service) && (!q.operation || i.rootName.includes(q.operation))
      && (q.minDurationMs === undefined || i.durationNs >= q.minDurationMs * 1e6) && (q.maxDurationMs === undefined || i.durationNs <= q.maxDurationMs * 1e6)
      // The store keeps summaries only: of the tags, just "error" can be answered.
      && (!q.tags || !/\berror\b/.test(q.tags) || i.errorCount > 0)
      && Number(i.startNs / 1_000_000n) >= since)
    .sort((a, b) => Number(b.startNs - a.startNs))
    .slice(0, q.limit)
    .map(i => ({ traceId: i.traceId, rootService: i.rootService, rootName: i.rootName, durationNs: i.durationNs, spanCount: i.spanCount, errorCount: i.errorCount, startMs: Number(i.startNs / 1_000_000n) }));
}
