// Backends: the embedded receiver (status, address, actions) and each configured backend with its status.
// Adding, editing, credentials and testing are the backends' own commands (contributed by that module).
import * as vscode from 'vscode';
import { Commands } from '../commands';
import { Disposable } from '../lifecycle';
import type { BackendItem, BackendsSource, ReceiverLike } from './deps';

type Node = { kind: 'receiver' } | { kind: 'backend'; item: BackendItem };

export class BackendsView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this._onDidChange.event;
  private _source: BackendsSource | undefined;
  private _sourceSub: vscode.Disposable | undefined;
  /** More rows after the trace backends (the metric sources of fleet latency, listed with their health). */
  private readonly _extra = new Set<{ readonly onDidChange: vscode.Event<unknown>; items(): BackendItem[] }>();

  constructor(private readonly _receiver: ReceiverLike | undefined) {
    super();
    if (_receiver) this._register(_receiver.onDidChangeState(() => this._onDidChange.fire()));
    this._register({ dispose: () => this._sourceSub?.dispose() });
  }

  /** The backends module registers its list here. */
  setSource(source: BackendsSource | undefined): vscode.Disposable {
    this._sourceSub?.dispose();
    this._source = source;
    this._sourceSub = source?.onDidChange(() => this._onDidChange.fire());
    this._onDidChange.fire();
    return new vscode.Disposable(() => { if (this._source === source) this.setSource(undefined); });
  }

  /** Lists another module's rows after the backends (metric sources); they redraw on its onDidChange. */
  addItems(extra: { readonly onDidChange: vscode.Event<unknown>; items(): BackendItem[] }): vscode.Disposable {
    this._extra.add(extra);
    const sub = extra.onDidChange(() => this._onDidChange.fire());
    this._onDidChange.fire();
    return new vscode.Disposable(() => { sub.dispose(); this._extra.delete(extra); this._onDidChange.fire(); });
  }

  get source(): BackendsSource | undefined {
    return this._source;
  }

  getChildren(node?: Node): Node[] {
    if (node) return [];
    const out: Node[] = [];
    if (this._receiver) out.push({ kind: 'receiver' });
    for (const item of this._source?.list() ?? []) out.push({ kind: 'backend', item });
    for (const extra of this._extra) for (const item of extra.items()) out.push({ kind: 'backend', item });
    return out;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'receiver') {
      const st = this._receiver!.state;
      const item = new vscode.TreeItem(vscode.l10n.t('Embedded OTLP receiver'));
      item.id = 'receiver';
      item.description = st.kind === 'running' ? st.address.httpUrl : st.kind === 'failed' ? vscode.l10n.t('failed: {0}', st.message) : st.kind;
      item.iconPath = new vscode.ThemeIcon(st.kind === 'running' ? 'pass-filled' : st.kind === 'failed' ? 'error' : 'circle-outline',
        st.kind === 'running' ? new vscode.ThemeColor('testing.iconPassed') : st.kind === 'failed' ? new vscode.ThemeColor('errorForeground') : undefined);
      item.contextValue = `receiver.${st.kind}`;
      item.command = { command: st.kind === 'running' ? Commands.receiverStatus : Commands.startReceiver, title: st.kind === 'running' ? 'Status' : 'Start' };
      return item;
    }
    const b = node.item;
    const item = new vscode.TreeItem(b.label);
    item.id = `backend:${b.id}`;
    item.description = `${b.kind}${b.detail ? ` · ${b.detail}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(b.status === 'ok' ? 'pass-filled' : b.status === 'error' ? 'error' : b.status === 'checking' ? 'loading~spin' : 'circle-outline',
      b.status === 'ok' ? new vscode.ThemeColor('testing.iconPassed') : b.status === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
    item.contextValue = b.id.startsWith('metrics:') ? 'metricSource' : 'backend';
    return item;
  }
}
