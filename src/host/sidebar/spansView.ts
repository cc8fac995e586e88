// Spans of the active trace as a tree (name, duration, error icon), its selection synced with the waterfall both
// ways: selecting here reveals the span in the waterfall; a selection in the waterfall reveals it here.
import * as vscode from 'vscode';
import { formatDuration } from '../../core/units/duration';
import type { CompactView } from '../../protocol/compact';
import { Disposable } from '../lifecycle';
import { viewOf } from '../editor/annotationModel';
import type { CurrentTrace } from '../editor/currentTrace';
import type { PanelsLike } from './deps';

export interface SpanNode {
  readonly traceKey: string;
  readonly index: number;
  /** Makes the node a SpanRef: context-menu commands (reveal, details, map to cursor) take it as is. */
  readonly spanId: string;
}

export const MAX_CHILDREN_SHOWN = 5000;

export class SpansView extends Disposable implements vscode.TreeDataProvider<SpanNode> {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<SpanNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChange.event;
  private _children: number[][] | undefined;
  private _nodes: SpanNode[] = [];
  private _key: string | undefined;
  private _view: CompactView | undefined;
  readonly tree: vscode.TreeView<SpanNode>;
  private _syncing = false;

  constructor(private readonly _current: CurrentTrace, private readonly _panels: PanelsLike | undefined, onSelect: (traceKey: string, spanId: string) => void) {
    super();
    this.tree = this._register(vscode.window.createTreeView('spanscope.spans', { treeDataProvider: this, showCollapseAll: true }));
    this._register(_current.onDidChange(() => this._reset()));
    this._register(this.tree.onDidChangeSelection(e => {
      if (this._syncing) return;
      const n = e.selection[0];
      if (n && this._view) onSelect(n.traceKey, this._view.spanId(n.index));
    }));
    if (_panels) this._register(_panels.onDidChangeSelection(sel => { if (sel.spanId) void this.revealSpan(sel.traceKey, sel.spanId); }));
    this._reset();
  }

  private _reset(): void {
    const active = this._current.trace;
    this._key = active?.traceKey;
    this._view = active ? viewOf(active) : undefined;
    this._children = undefined;
    this._nodes = [];
    this.tree.description = this._view ? `${this._view.spanCount} spans` : undefined;
    this._onDidChange.fire(undefined);
  }

  private _node(i: number): SpanNode {
    return (this._nodes[i] ??= { traceKey: this._key!, index: i, spanId: this._view!.spanId(i) });
  }

  private _kids(): number[][] {
    if (this._children) return this._children;
    const v = this._view!;
    const kids: number[][] = Array.from({ length: v.spanCount }, () => []);
    // Preorder keeps children in start order.
    for (const i of v.cols.preorder) { const p = v.parent(i); if (p >= 0) kids[p]!.push(i); }
    return (this._children = kids);
  }

  getChildren(node?: SpanNode): SpanNode[] {
    const v = this._view;
    if (!v || !this._key) return [];
    const list = node ? this._kids()[node.index] ?? [] : v.roots();
    return list.slice(0, MAX_CHILDREN_SHOWN).map(i => this._node(i));
  }

  getParent(node: SpanNode): SpanNode | undefined {
    const p = this._view?.parent(node.index) ?? -1;
    return p >= 0 ? this._node(p) : undefined;
  }

  getTreeItem(node: SpanNode): vscode.TreeItem {
    const v = this._view!;
    const i = node.index;
    const hasKids = (this._kids()[i]?.length ?? 0) > 0;
    const item = new vscode.TreeItem(v.name(i), hasKids ? (v.depth(i) < 2 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None);
    item.id = `${node.traceKey}/${i}`;
    const err = v.status(i) === 'error';
    item.description = `${formatDuration(v.durationNsOf(i))} · ${v.service(i)}`;
    item.iconPath = new vscode.ThemeIcon(err ? 'error' : 'circle-small-filled', err ? new vscode.ThemeColor('errorForeground') : undefined);
    item.tooltip = `${v.name(i)}\n${v.service(i)} · ${formatDuration(v.durationNsOf(i))} (self ${formatDuration(v.selfNs(i))})${err ? `\nerror${v.statusMessage(i) ? `: ${v.statusMessage(i)}` : ''}` : ''}`;
    item.contextValue = 'span';
    return item;
  }

  /** Reveals (selects) a span here without echoing the selection back to the waterfall. */
  async revealSpan(traceKey: string, spanId: string): Promise<void> {
    if (traceKey !== this._key || !this._view || !this.tree.visible) return;
    const i = this._view.indexOf(spanId);
    if (i < 0) return;
    this._syncing = true;
    try {
      await this.tree.reveal(this._node(i), { select: true, focus: false, expand: false });
    } catch { /* the tree may be hidden */ } finally {
      this._syncing = false;
    }
  }
}
