// Findings of the active trace (broken propagation, errors where they started, N+1, sequential chains…);
// click reveals the span in the waterfall.
import * as vscode from 'vscode';
import type { FindingKind } from '../../core/analysis/types';
import { formatDuration } from '../../core/units/duration';
import type { CompactFinding } from '../../protocol/compact';
import { Commands } from '../commands';
import { viewOf } from '../editor/annotationModel';
import type { CurrentTrace } from '../editor/currentTrace';
import { Disposable } from '../lifecycle';
import type { TraceService } from '../traces/traceService';

export const FINDING_LABEL: Readonly<Record<FindingKind, { label: string; icon: string }>> = {
  'orphan': { label: 'Lost parent', icon: 'debug-disconnect' },
  'client-without-server': { label: 'Context not propagated', icon: 'debug-disconnect' },
  'multiple-roots': { label: 'Several roots', icon: 'type-hierarchy' },
  'n-plus-one': { label: 'N+1 calls', icon: 'list-ordered' },
  'sequential-chain': { label: 'Sequential calls', icon: 'arrow-right' },
  'bottleneck': { label: 'Bottleneck', icon: 'flame' },
  'retry': { label: 'Retries', icon: 'sync' },
  'concurrency-limit': { label: 'Concurrency limit', icon: 'layers' },
  'error-origin': { label: 'Error started here', icon: 'error' },
  'duplicate-span-id': { label: 'Duplicate span ID', icon: 'warning' },
  'clock-skew': { label: 'Clock skew', icon: 'watch' },
};

/** What the analysis looks for, said when it found none of it (an empty view would look like no trace at all). */
export const CHECKED_FOR = 'lost parents, context not propagated, several roots, N+1 calls, sequential calls, where errors started, duplicate span IDs, clock skew';

type Node = { readonly traceKey: string; readonly finding: CompactFinding; readonly n: number } | { readonly traceKey: string; readonly none: true };

export class FindingsView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this._onDidChange.event;

  constructor(private readonly _traces: TraceService, private readonly _current: CurrentTrace) {
    super();
    this._register(_current.onDidChange(() => this._onDidChange.fire()));
  }

  getChildren(node?: Node): Node[] {
    const t = this._current.trace;
    if (node || !t) return [];
    const findings = (t.compact as { findings?: readonly CompactFinding[] } | undefined)?.findings ?? [];
    if (findings.length === 0) return [{ traceKey: t.traceKey, none: true }];
    return findings.slice(0, 1000).map((finding, n) => ({ traceKey: t.traceKey, finding, n }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('none' in node) {
      const item = new vscode.TreeItem(vscode.l10n.t('No findings'));
      item.id = `${node.traceKey}#none`;
      item.description = vscode.l10n.t('checked: {0}', CHECKED_FOR);
      item.tooltip = vscode.l10n.t('The analysis of this trace found none of: {0}.', CHECKED_FOR);
      item.iconPath = new vscode.ThemeIcon('pass');
      return item;
    }
    const f = node.finding;
    const meta = FINDING_LABEL[f.kind] ?? { label: f.kind, icon: 'info' };
    const item = new vscode.TreeItem(meta.label);
    item.id = `${node.traceKey}#${node.n}`;
    item.description = `${f.message.length > 120 ? f.message.slice(0, 119) + '…' : f.message}${f.totalNs !== undefined ? ` (${formatDuration(f.totalNs)})` : ''}`;
    item.tooltip = f.message;
    item.iconPath = new vscode.ThemeIcon(meta.icon, f.kind === 'error-origin' ? new vscode.ThemeColor('errorForeground') : undefined);
    const t = this._traces.get(node.traceKey);
    const v = t ? viewOf(t) : undefined;
    if (v && f.spanIndex >= 0 && f.spanIndex < v.spanCount) {
      item.command = { command: Commands.revealSpanInWaterfall, title: 'Reveal span', arguments: [{ traceKey: node.traceKey, spanId: v.spanId(f.spanIndex) }] };
    }
    return item;
  }
}
