// Hot Spots' fleet rows, after the trace's own: "Slowest code in the fleet (1h)" and "Regressed since 24h ago"
// (the window against the same window earlier, by p95 ratio). Shown only with a metric source configured; each list
// is computed when its row is expanded (the baseline query runs only then).
import * as vscode from 'vscode';
import { formatMs, formatRate, windowLabel } from '../../core/fleet/format';
import type { FleetLocated } from '../../core/fleet/locate';
import { regressions, slowest } from '../../core/fleet/rank';
import { basename } from '../../core/mapping/paths';
import { Commands } from '../commands';
import type { HotSpotsSection } from '../sidebar/hotSpotsView';
import type { FleetHub } from './fleetHub';
import { fleetSettings } from './fleetSettings';

export const MAX_FLEET_ROWS = 50;

type Node =
  | { kind: 'group'; which: 'slowest' | 'regressed' }
  | { kind: 'row'; which: 'slowest' | 'regressed'; located: FleetLocated; text: string; tooltip: string }
  | { kind: 'note'; text: string; error?: boolean };

export class FleetHotSpots implements HotSpotsSection {
  readonly onDidChange: vscode.Event<unknown>;

  constructor(private readonly _hub: FleetHub) {
    this.onDidChange = _hub.onDidChange;
  }

  async getChildren(node?: unknown): Promise<Node[]> {
    const n = node as Node | undefined;
    if (!n) return this._hub.configured ? [{ kind: 'group', which: 'slowest' }, { kind: 'group', which: 'regressed' }] : [];
    if (n.kind !== 'group') return [];
    const cts = new vscode.CancellationTokenSource();
    try {
      const load = await this._hub.load(cts.token);
      if (!load) return [];
      if (load.index.located.length === 0) {
        return [{ kind: 'note', text: load.errors.length ? load.errors[0]! : vscode.l10n.t('No fleet series placed on this workspace\'s code'), ...(load.errors.length ? { error: true } : {}) }];
      }
      if (n.which === 'slowest') {
        return slowest(load.index.located, MAX_FLEET_ROWS).map(l => ({
          kind: 'row', which: 'slowest', located: l,
          text: `p95 ${formatMs(l.stats.p95Ms)}${l.stats.callsPerSec !== undefined ? ` · ${formatRate(l.stats.callsPerSec)}` : ''}`,
          tooltip: `${l.stats.key.service} · ${l.stats.key.spanName}\n${l.file}:${l.line}\nfleet p95 over the last ${load.windowText}`,
        }));
      }
      const service = await this._hub.service();
      const base = await service.baseline();
      if (!base) return [];
      const r = regressions(load.index.located, base.stats, MAX_FLEET_ROWS);
      if (r.length === 0) return [{ kind: 'note', text: base.stats.length === 0 ? vscode.l10n.t('No figures for the baseline window ({0} earlier)', base.sinceText) : vscode.l10n.t('Nothing slower than {0} earlier', base.sinceText) }];
      return r.map(x => ({
        kind: 'row', which: 'regressed', located: x.current,
        text: `p95 ${formatMs(x.baseline.p95Ms)} → ${formatMs(x.current.stats.p95Ms)} (×${x.ratio.toFixed(1)})`,
        tooltip: `${x.current.stats.key.service} · ${x.current.stats.key.spanName}\n${x.current.file}:${x.current.line}\np95 over the last ${load.windowText}, against the same window ${base.sinceText} earlier`,
      }));
    } catch (err) {
      return [{ kind: 'note', text: err instanceof Error ? err.message : String(err), error: true }];
    } finally {
      cts.dispose();
    }
  }

  getTreeItem(node: unknown): vscode.TreeItem {
    const n = node as Node;
    if (n.kind === 'group') {
      const s = fleetSettings();
      const item = new vscode.TreeItem(n.which === 'slowest'
        ? vscode.l10n.t('Slowest code in the fleet ({0})', windowLabel(s.windowMs))
        : vscode.l10n.t('Regressed since {0} ago', windowLabel(s.compareMs)), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `fleet:${n.which}`;
      item.iconPath = new vscode.ThemeIcon(n.which === 'slowest' ? 'pulse' : 'arrow-up');
      item.contextValue = `fleet.${n.which}`;
      return item;
    }
    if (n.kind === 'note') {
      const item = new vscode.TreeItem(n.text);
      item.iconPath = new vscode.ThemeIcon(n.error ? 'error' : 'info');
      return item;
    }
    const l = n.located;
    const item = new vscode.TreeItem(`${basename(l.file)}:${l.line}`);
    item.id = `fleet:${l.file}:${l.line}:${l.stats.key.service}:${l.stats.key.spanName}:${n.which}`;
    item.description = `${l.stats.key.spanName} · ${n.text}`;
    item.tooltip = n.tooltip;
    item.iconPath = new vscode.ThemeIcon('pulse');
    item.resourceUri = vscode.Uri.file(l.file);
    item.command = { command: Commands.openCodeLocation, title: 'Open', arguments: [{ path: l.file, line: l.line }] };
    return item;
  }
}
