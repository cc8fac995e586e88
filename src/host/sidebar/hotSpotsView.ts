// Hot spots: code locations of the shown trace (or aggregate) by total self time; click opens the file at the
// line. The first row says how many spans could not be mapped and opens the Unmapped list.
import * as vscode from 'vscode';
import { formatDuration } from '../../core/units/duration';
import { basename } from '../../core/mapping/paths';
import { HOW_LABEL, type MappedHow } from '../../core/mapping/resolve';
import { Commands } from '../commands';
import type { AnnotationModel } from '../editor/annotationModel';
import { Disposable } from '../lifecycle';

export interface HotSpot {
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly selfNs: number;
  readonly totalNs: number;
  readonly count: number;
  readonly errors: number;
  readonly how: MappedHow;
  readonly names: readonly string[];
}

/** Rows another module adds after the trace's hot spots (the fleet's slowest and regressed code). */
export interface HotSpotsSection {
  readonly onDidChange: vscode.Event<unknown>;
  getChildren(node?: unknown): vscode.ProviderResult<unknown[]>;
  getTreeItem(node: unknown): vscode.TreeItem | Thenable<vscode.TreeItem>;
}

type Node = { kind: 'unmapped'; count: number } | { kind: 'spot'; spot: HotSpot } | { kind: 'section'; section: HotSpotsSection; node: unknown };

export const MAX_HOT_SPOTS = 200;

export function computeHotSpots(model: AnnotationModel): HotSpot[] {
  const by = new Map<string, { path: string; line: number; self: number; total: number; count: number; errors: number; how: MappedHow; names: Set<string> }>();
  for (const t of model.state.traces) {
    const v = t.view;
    t.mapping.spans.forEach((m, i) => {
      if (!m) return;
      const key = `${m.path}\u0000${m.line}`;
      let e = by.get(key);
      if (!e) { e = { path: m.path, line: m.line, self: 0, total: 0, count: 0, errors: 0, how: m.how, names: new Set() }; by.set(key, e); }
      e.self += v.selfNs(i);
      e.total += v.durationNsOf(i);
      e.count++;
      if (v.status(i) === 'error') e.errors++;
      if (e.names.size < 5) e.names.add(v.name(i));
    });
  }
  return [...by.values()].sort((a, b) => b.self - a.self).slice(0, MAX_HOT_SPOTS)
    .map(e => ({ path: e.path, line: e.line, selfNs: e.self, totalNs: e.total, count: e.count, errors: e.errors, how: e.how, names: [...e.names] }));
}

export class HotSpotsView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this._onDidChange.event;

  private readonly _sections = new Set<HotSpotsSection>();

  constructor(private readonly _model: AnnotationModel) {
    super();
    this._register(_model.onDidChange(() => this._onDidChange.fire()));
  }

  /** Adds rows after the hot spots of the trace (at the end, so the trace's rows keep their places). */
  addSection(section: HotSpotsSection): vscode.Disposable {
    this._sections.add(section);
    const sub = section.onDidChange(() => this._onDidChange.fire());
    this._onDidChange.fire();
    return new vscode.Disposable(() => { sub.dispose(); this._sections.delete(section); this._onDidChange.fire(); });
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'section') return ((await node.section.getChildren(node.node)) ?? []).map(n => ({ kind: 'section', section: node.section, node: n }) as Node);
    if (node) return [];
    const spots = computeHotSpots(this._model).map(spot => ({ kind: 'spot', spot }) as Node);
    const unmapped = this._model.unmapped().length;
    const extra: Node[] = [];
    for (const section of this._sections) for (const n of (await section.getChildren()) ?? []) extra.push({ kind: 'section', section, node: n });
    return [...(unmapped > 0 && this._model.state.traces.length > 0 ? [{ kind: 'unmapped', count: unmapped } as Node] : []), ...spots, ...extra];
  }

  getTreeItem(node: Node): vscode.TreeItem | Thenable<vscode.TreeItem> {
    if (node.kind === 'section') return node.section.getTreeItem(node.node);
    if (node.kind === 'unmapped') {
      const item = new vscode.TreeItem(vscode.l10n.t('{0} spans not mapped to code', node.count));
      item.iconPath = new vscode.ThemeIcon('question');
      item.description = vscode.l10n.t('why?');
      item.command = { command: Commands.showUnmappedSpans, title: 'Show unmapped spans' };
      return item;
    }
    const s = node.spot;
    const item = new vscode.TreeItem(`${basename(s.path)}:${s.line}`);
    item.id = `${s.path}:${s.line}`;
    item.description = `self ${formatDuration(s.selfNs)} · ${s.count} call${s.count === 1 ? '' : 's'}${s.errors ? ` · ${s.errors} error${s.errors === 1 ? '' : 's'}` : ''}`;
    item.tooltip = `${s.path}:${s.line}\n${s.names.join(', ')}\ntotal ${formatDuration(s.totalNs)}, self ${formatDuration(s.selfNs)}\nwhy here: ${HOW_LABEL[s.how]}`;
    item.iconPath = new vscode.ThemeIcon(s.errors ? 'error' : 'flame');
    item.resourceUri = vscode.Uri.file(s.path);
    item.command = { command: Commands.openCodeLocation, title: 'Open', arguments: [{ path: s.path, line: s.line }] };
    return item;
  }
}
