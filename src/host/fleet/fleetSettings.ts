// The fleet settings the editor surfaces read on every redraw, kept free of heavy imports (this module loads at
// activation): the window, the baseline offset, the series cap, the gutter mode, and whether any metric source is
// configured at all (so that nothing is loaded or shown for users without one). The list itself is validated in
// fleetService.ts (lazy), which also keeps a workspace's list out in Restricted Mode.
import * as vscode from 'vscode';
import { parseWindow } from '../../core/fleet/format';

export const METRIC_SOURCES_KEY = 'metricSources';
export const FLEET_DEFAULTS = { window: '1h', compareWindow: '24h', maxSeries: 1000, gutter: 'trace' } as const;
export type FleetGutterMode = 'trace' | 'fleet';

export interface FleetSettings {
  readonly windowMs: number;
  readonly compareMs: number;
  readonly maxSeries: number;
}

export function fleetSettings(): FleetSettings {
  const c = vscode.workspace.getConfiguration('spanscope.fleet');
  const n = c.get<unknown>('maxSeries');
  return {
    windowMs: parseWindow(c.get<unknown>('window')) ?? parseWindow(FLEET_DEFAULTS.window)!,
    compareMs: parseWindow(c.get<unknown>('compareWindow')) ?? parseWindow(FLEET_DEFAULTS.compareWindow)!,
    maxSeries: typeof n === 'number' && Number.isFinite(n) ? Math.max(1, Math.min(20_000, Math.floor(n))) : FLEET_DEFAULTS.maxSeries,
  };
}

export function fleetGutterMode(): FleetGutterMode {
  return vscode.workspace.getConfiguration('spanscope.fleet').get<unknown>('gutter') === 'fleet' ? 'fleet' : 'trace';
}

/** The metric source list as the user may use it: in Restricted Mode only the user's own (global) value counts. */
export function rawMetricSources(): { raw: unknown; ignoredWorkspaceValue: boolean } {
  const c = vscode.workspace.getConfiguration('spanscope');
  const inspected = c.inspect<unknown>(METRIC_SOURCES_KEY);
  const trusted = vscode.workspace.isTrusted;
  const workspaceValue = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  return { raw: trusted ? c.get<unknown>(METRIC_SOURCES_KEY) : inspected?.globalValue, ignoredWorkspaceValue: !trusted && workspaceValue !== undefined };
}

/** True when the (trust-filtered) list has an entry: only then do the fleet surfaces load anything. */
export function hasMetricSources(): boolean {
  const { raw } = rawMetricSources();
  return Array.isArray(raw) && raw.length > 0;
}

export function affectsFleet(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`spanscope.${METRIC_SOURCES_KEY}`) || e.affectsConfiguration('spanscope.fleet') || e.affectsConfiguration('http.proxy') || e.affectsConfiguration('spanscope.maxResponseMegabytes');
}
